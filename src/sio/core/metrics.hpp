// Process metrics: counters, gauges and histograms that each layer increments where the thing
// happens, and their Prometheus text exposition (format 0.0.4) for a /metrics handler.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sio::metrics {

/// Updates go to one of this many shards, picked per thread, each on its own cache line: an
/// increment is one uncontended relaxed add, and a scrape sums the shards.
inline constexpr std::size_t shard_count = 16;

namespace detail {
std::size_t assign_shard() noexcept;
inline thread_local std::size_t const shard = assign_shard();
inline constexpr std::size_t cache_line = 64;
} // namespace detail

/// A value that only goes up (`*_total`). Thread-safe, lock-free.
class counter {
public:
    void inc(std::uint64_t n = 1) noexcept {
        shards_[detail::shard].value.fetch_add(n, std::memory_order_relaxed);
    }
    std::uint64_t value() const noexcept;

private:
    struct alignas(detail::cache_line) cell {
        std::atomic<std::uint64_t> value{0};
    };
    std::array<cell, shard_count> shards_;
};

/// A value that goes up and down (connected clients). Thread-safe, lock-free.
class gauge {
public:
    void add(std::int64_t n = 1) noexcept {
        shards_[detail::shard].value.fetch_add(n, std::memory_order_relaxed);
    }
    void sub(std::int64_t n = 1) noexcept { add(-n); }
    std::int64_t value() const noexcept;

private:
    struct alignas(detail::cache_line) cell {
        std::atomic<std::int64_t> value{0};
    };
    std::array<cell, shard_count> shards_;
};

/// Observations counted in buckets of fixed upper bounds, with their sum. Thread-safe,
/// lock-free.
class histogram {
public:
    static constexpr std::size_t max_bounds = 15;
    /// `bounds`: ascending upper bounds, at most max_bounds (+Inf is implied).
    explicit histogram(std::vector<double> bounds);
    void observe(double v) noexcept;

    struct snapshot {
        std::vector<double> bounds;
        std::vector<std::uint64_t> cumulative; ///< one per bound, then +Inf (= count)
        double sum = 0;
    };
    snapshot read() const;

private:
    struct alignas(detail::cache_line) cell {
        std::array<std::atomic<std::uint64_t>, max_bounds + 1> buckets{};
        std::atomic<double> sum{0};
    };
    std::vector<double> bounds_;
    std::array<cell, shard_count> shards_;
};

/// Seconds buckets for handler times: 50 µs to 5 s.
std::vector<double> latency_buckets();

enum class type { counter, gauge, histogram };

/// Label pairs; values are escaped on output. Only values from a fixed set (a transport, a
/// reason): never one a client chooses.
using labels = std::vector<std::pair<std::string, std::string>>;

/// A sample a collector computes at scrape time.
struct sample {
    metrics::labels labels;
    double value = 0;
};

/// Removes its collector from the registry when destroyed.
class collector_handle {
public:
    collector_handle() = default;
    explicit collector_handle(std::function<void()> remove)
        : remove_(std::move(remove)) {}
    collector_handle(collector_handle&&) noexcept = default;
    collector_handle& operator=(collector_handle&& o) noexcept;
    ~collector_handle();

private:
    std::function<void()> remove_;
};

/// Metric families by name. Registering takes a lock (once per metric, at start); updating a
/// metric does not. Metrics live as long as the registry.
class registry {
public:
    registry() = default;
    registry(registry const&) = delete;
    registry& operator=(registry const&) = delete;

    /// The series of family `name` with `labels`: made on first call, the same object on
    /// later calls. Throws std::invalid_argument on a bad name, or a name already registered
    /// with another type.
    counter& get_counter(std::string const& name, std::string_view help, labels const& l = {});
    gauge& get_gauge(std::string const& name, std::string_view help, labels const& l = {});
    histogram& get_histogram(std::string const& name, std::string_view help,
                             std::vector<double> bounds, labels const& l = {});

    /// A gauge (or counter) family whose samples `collect` computes at each scrape, on the
    /// scraping thread: it must be safe to call from any thread, and, as a scrape may run
    /// it (a copy) while or just after the handle goes, must not depend on what the handle's
    /// owner holds (capture weak pointers). Several collectors may share a family.
    [[nodiscard]] collector_handle add_collector(std::string const& name, std::string_view help,
                                                 type t,
                                                 std::function<std::vector<sample>()> collect);

    /// The text exposition of every family, sorted by name.
    std::string expose() const;

private:
    struct series {
        std::string labels; // rendered: {a="b"} or empty
        std::unique_ptr<counter> c;
        std::unique_ptr<gauge> g;
        std::unique_ptr<histogram> h;
    };
    struct family {
        std::string help;
        metrics::type type;
        std::vector<series> items;
        std::map<std::uint64_t, std::function<std::vector<sample>()>> collectors;
    };
    family& family_of(std::string const& name, std::string_view help, type t);
    series& series_of(family& f, labels const& l);

    mutable std::mutex mutex_;
    std::map<std::string, family> families_;
    std::uint64_t next_collector_ = 0;
};

/// The process's registry: what the library's layers count into and /metrics exposes.
registry& default_registry();

/// `{a="b",c="d"}` with values escaped (backslash, double quote, newline); "" for none.
std::string render_labels(labels const& l);
/// A sample value: an integer when it is one, +Inf/-Inf/NaN, else the shortest round trip.
std::string render_value(double v);
/// Whether `name` is a valid metric (or label, with `label`) name.
bool valid_name(std::string_view name, bool label = false);

} // namespace sio::metrics
