#include "sio/core/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sio::metrics {

namespace detail {
std::size_t assign_shard() noexcept {
    // Threads take the shards in turn: with fewer threads than shards, none share one.
    static std::atomic<std::size_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed) % shard_count;
}
} // namespace detail

std::uint64_t counter::value() const noexcept {
    std::uint64_t sum = 0;
    for (auto const& c : shards_)
        sum += c.value.load(std::memory_order_relaxed);
    return sum;
}

std::int64_t gauge::value() const noexcept {
    std::int64_t sum = 0;
    for (auto const& c : shards_)
        sum += c.value.load(std::memory_order_relaxed);
    return sum;
}

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)) {
    if (bounds_.size() > max_bounds || !std::is_sorted(bounds_.begin(), bounds_.end()) ||
        std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end())
        throw std::invalid_argument("histogram: bounds must ascend, at most 15");
}

void histogram::observe(double v) noexcept {
    auto const i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                            bounds_.begin());
    auto& c = shards_[detail::shard];
    c.buckets[i].fetch_add(1, std::memory_order_relaxed);
    c.sum.fetch_add(v, std::memory_order_relaxed);
}

histogram::snapshot histogram::read() const {
    snapshot s;
    s.bounds = bounds_;
    s.cumulative.assign(bounds_.size() + 1, 0);
    for (auto const& c : shards_) {
        for (std::size_t i = 0; i <= bounds_.size(); ++i)
            s.cumulative[i] += c.buckets[i].load(std::memory_order_relaxed);
        s.sum += c.sum.load(std::memory_order_relaxed);
    }
    for (std::size_t i = 1; i < s.cumulative.size(); ++i)
        s.cumulative[i] += s.cumulative[i - 1];
    return s;
}

std::vector<double> latency_buckets() {
    return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
            0.025,   0.05,   0.1,     0.25,   0.5,   1,      5};
}

collector_handle& collector_handle::operator=(collector_handle&& o) noexcept {
    if (this != &o) {
        if (remove_)
            remove_();
        remove_ = std::move(o.remove_);
        o.remove_ = nullptr;
    }
    return *this;
}

collector_handle::~collector_handle() {
    if (remove_)
        remove_();
}

bool valid_name(std::string_view name, bool label) {
    if (name.empty())
        return false;
    auto ok = [label](char ch, bool first) {
        bool const alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
        return alpha || (!label && ch == ':') || (!first && ch >= '0' && ch <= '9');
    };
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!ok(name[i], i == 0))
            return false;
    }
    return !(label && name.starts_with("__"));
}

std::string render_labels(labels const& l) {
    if (l.empty())
        return {};
    std::string out = "{";
    for (auto const& [key, value] : l) {
        if (out.size() > 1)
            out += ',';
        out += key;
        out += "=\"";
        for (char ch : value) {
            if (ch == '\\')
                out += "\\\\";
            else if (ch == '"')
                out += "\\\"";
            else if (ch == '\n')
                out += "\\n";
            else
                out += ch;
        }
        out += '"';
    }
    out += '}';
    return out;
}

std::string render_value(double v) {
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    if (v == std::trunc(v) && std::fabs(v) < 1e15)
        return fmt::format("{}", static_cast<std::int64_t>(v));
    return fmt::format("{}", v);
}

registry::family& registry::family_of(std::string const& name, std::string_view help, type t) {
    if (!valid_name(name))
        throw std::invalid_argument(fmt::format("metrics: bad metric name '{}'", name));
    auto [it, made] = families_.try_emplace(name);
    if (made) {
        it->second.help = std::string(help);
        it->second.type = t;
    } else if (it->second.type != t)
        throw std::invalid_argument(fmt::format("metrics: '{}' has another type", name));
    return it->second;
}

registry::series& registry::series_of(family& f, labels const& l) {
    for (auto const& [key, value] : l) {
        if (!valid_name(key, true) || (f.type == type::histogram && key == "le"))
            throw std::invalid_argument(fmt::format("metrics: bad label name '{}'", key));
    }
    auto rendered = render_labels(l);
    for (auto& s : f.items) {
        if (s.labels == rendered)
            return s;
    }
    f.items.push_back(series{std::move(rendered), nullptr, nullptr, nullptr});
    return f.items.back();
}

counter& registry::get_counter(std::string const& name, std::string_view help, labels const& l) {
    std::lock_guard lock(mutex_);
    auto& s = series_of(family_of(name, help, type::counter), l);
    if (!s.c)
        s.c = std::make_unique<counter>();
    return *s.c;
}

gauge& registry::get_gauge(std::string const& name, std::string_view help, labels const& l) {
    std::lock_guard lock(mutex_);
    auto& s = series_of(family_of(name, help, type::gauge), l);
    if (!s.g)
        s.g = std::make_unique<gauge>();
    return *s.g;
}

histogram& registry::get_histogram(std::string const& name, std::string_view help,
                                   std::vector<double> bounds, labels const& l) {
    std::lock_guard lock(mutex_);
    auto& s = series_of(family_of(name, help, type::histogram), l);
    if (!s.h)
        s.h = std::make_unique<histogram>(std::move(bounds));
    return *s.h;
}

collector_handle registry::add_collector(std::string const& name, std::string_view help, type t,
                                         std::function<std::vector<sample>()> collect) {
    if (t == type::histogram)
        throw std::invalid_argument("metrics: a collector gives counters or gauges");
    std::lock_guard lock(mutex_);
    auto const id = next_collector_++;
    family_of(name, help, t).collectors.emplace(id, std::move(collect));
    return collector_handle([this, name, id] {
        std::lock_guard removing(mutex_);
        families_[name].collectors.erase(id);
    });
}

namespace {

std::string escape_help(std::string_view help) {
    std::string out;
    for (char ch : help) {
        if (ch == '\\')
            out += "\\\\";
        else if (ch == '\n')
            out += "\\n";
        else
            out += ch;
    }
    return out;
}

constexpr std::string_view type_name(type t) {
    switch (t) {
    case type::counter:
        return "counter";
    case type::gauge:
        return "gauge";
    case type::histogram:
        break;
    }
    return "histogram";
}

/// `{a="b"}` plus one more label: `{a="b",le="0.5"}`.
std::string with_label(std::string const& rendered, std::string_view extra) {
    if (rendered.empty())
        return fmt::format("{{{}}}", extra);
    return fmt::format("{},{}}}", std::string_view(rendered).substr(0, rendered.size() - 1), extra);
}

} // namespace

std::string registry::expose() const {
    // Collectors run without the lock (on copies): one may drop the last reference to what
    // owns its handle, whose removal takes the lock.
    std::vector<std::pair<std::string, std::function<std::vector<sample>()>>> collectors;
    {
        std::lock_guard lock(mutex_);
        for (auto const& [name, f] : families_) {
            for (auto const& [id, collect] : f.collectors)
                collectors.emplace_back(name, collect);
        }
    }
    std::map<std::string, std::vector<sample>> collected_by_family;
    for (auto const& [name, collect] : collectors) {
        auto more = collect();
        auto& into = collected_by_family[name];
        into.insert(into.end(), more.begin(), more.end());
    }
    std::lock_guard lock(mutex_);
    std::string out;
    for (auto const& [name, f] : families_) {
        auto const it = collected_by_family.find(name);
        auto const collected = it == collected_by_family.end() ? std::vector<sample>{} : it->second;
        if (f.items.empty() && collected.empty())
            continue;
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(f.help), name,
                           type_name(f.type));
        for (auto const& s : f.items) {
            if (s.c)
                out += fmt::format("{}{} {}\n", name, s.labels, s.c->value());
            else if (s.g)
                out += fmt::format("{}{} {}\n", name, s.labels, s.g->value());
            else if (s.h) {
                auto const snap = s.h->read();
                for (std::size_t i = 0; i < snap.bounds.size(); ++i)
                    out +=
                        fmt::format("{}_bucket{} {}\n", name,
                                    with_label(s.labels, fmt::format("le=\"{}\"",
                                                                     render_value(snap.bounds[i]))),
                                    snap.cumulative[i]);
                out += fmt::format("{}_bucket{} {}\n", name, with_label(s.labels, "le=\"+Inf\""),
                                   snap.cumulative.back());
                out += fmt::format("{}_sum{} {}\n", name, s.labels, render_value(snap.sum));
                out += fmt::format("{}_count{} {}\n", name, s.labels, snap.cumulative.back());
            }
        }
        for (auto const& s : collected)
            out += fmt::format("{}{} {}\n", name, render_labels(s.labels), render_value(s.value));
    }
    return out;
}

registry& default_registry() {
    static registry r;
    return r;
}

} // namespace sio::metrics
