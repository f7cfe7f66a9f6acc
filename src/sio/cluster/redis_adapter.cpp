// The Redis adapter's link (routing, holding publishes, metrics) and each adapter's lifetime.
#include "sio/cluster/redis_adapter.hpp"

#include "sio/cluster/redis_adapter_impl.hpp"
#include "sio/core/log.hpp"
#include "sio/core/random_id.hpp"

#include <boost/asio/post.hpp>

#include <stdexcept>

namespace sio::cluster {

namespace detail {

redis_adapter::redis_adapter(sa::local_delivery& delivery, std::string nsp,
                             std::shared_ptr<redis_link::impl> link, redis_adapter_options options)
    : in_memory_adapter(delivery)
    , nsp_(std::move(nsp))
    , uid_(random_id().substr(0, 6))
    , link_(std::move(link))
    , options_(std::move(options))
    , route_(std::make_shared<adapter_route>()) {
    route_->adapter = this;
    auto const& key = options_.key;
    pattern_ = broadcast_pattern(key, nsp_);
    request_channel_ = request_channel(key, nsp_);
    response_channel_ = response_channel(key, nsp_);
    specific_channel_ = specific_response_channel(key, nsp_, uid_);
    {
        std::lock_guard lock(link_->mutex);
        link_->by_pattern[pattern_] = route_;
        for (auto const* c : {&request_channel_, &response_channel_, &specific_channel_})
            link_->by_channel[*c] = route_;
        link_->request_channels.insert(request_channel_);
    }
    link_->sub.psubscribe({pattern_});
    link_->sub.subscribe({request_channel_, response_channel_, specific_channel_});
    log::debug("redis adapter {}: uid {}", nsp_, uid_);
}

redis_adapter::~redis_adapter() {
    {
        std::unique_lock lock(route_->mutex); // waits for a message being handled
        route_->adapter = nullptr;
    }
    {
        std::lock_guard lock(link_->mutex);
        link_->by_pattern.erase(pattern_);
        for (auto const* c : {&request_channel_, &response_channel_, &specific_channel_})
            link_->by_channel.erase(*c);
        if (auto const it = link_->request_channels.find(request_channel_);
            it != link_->request_channels.end())
            link_->request_channels.erase(it);
    }
    link_->sub.punsubscribe({pattern_});
    link_->sub.unsubscribe({request_channel_, response_channel_, specific_channel_});
    std::lock_guard lock(mutex_);
    for (auto& [id, p] : pending_) {
        if (p.timer)
            net::post(p.timer->get_executor(), [t = std::shared_ptr<net::steady_timer>(
                                                    std::move(p.timer))] { t->cancel(); });
    }
}

} // namespace detail

void redis_link::impl::route(std::string_view pattern, std::string_view channel,
                             std::string_view payload) {
    std::shared_ptr<detail::adapter_route> target;
    {
        std::lock_guard lock(mutex);
        auto const& table = pattern.empty() ? by_channel : by_pattern;
        auto const it = table.find(std::string(pattern.empty() ? channel : pattern));
        if (it != table.end())
            target = it->second.lock();
    }
    if (!target)
        return;
    std::shared_lock lock(target->mutex);
    auto* a = target->adapter;
    if (!a)
        return;
    if (!pattern.empty())
        a->on_broadcast(channel, payload);
    else if (channel.find("-request#") != std::string_view::npos)
        a->on_request(payload);
    else
        a->on_response(payload);
}

void redis_link::impl::on_subscriber(bool ready) {
    sub_ready = ready;
    ++epoch;
    rejoin_timer.cancel();
    census_timer.cancel();
    if (!ready) {
        // Hold our publishes while we cannot hear the cluster: they go out, in order, once
        // it can hear us again.
        holding = true;
        pub.set_gate(false);
        log::info("redis adapter: subscriber lost its connection; holding publishes");
        return;
    }
    if (stopped)
        return;
    if (census.empty() || link_options.resume_wait <= std::chrono::milliseconds::zero()) {
        log::info("redis adapter: subscriber ready");
        return open_gate();
    }
    log::info("redis adapter: subscriber ready; waiting for the other servers to resubscribe");
    wait_for_cluster(epoch, clock::now());
}

void redis_link::impl::count(std::function<void(std::optional<counts>)> done) {
    std::vector<std::string> args{"PUBSUB", "NUMSUB"};
    {
        std::lock_guard lock(mutex);
        std::set<std::string> const unique(request_channels.begin(), request_channels.end());
        args.insert(args.end(), unique.begin(), unique.end());
    }
    if (args.size() == 2)
        return done(counts{});
    pub.command(std::move(args), [done = std::move(done)](redis::outcome r) {
        using kind = redis::reply::kind;
        if (!r.ok() || r.value->type != kind::array || r.value->elements.size() % 2 != 0)
            return done(std::nullopt);
        counts out;
        auto const& e = r.value->elements;
        for (std::size_t i = 0; i + 1 < e.size(); i += 2) {
            if (e[i].type != kind::string || e[i + 1].type != kind::integer)
                return done(std::nullopt);
            out[e[i].str] = e[i + 1].integer;
        }
        done(std::move(out));
    });
}

void redis_link::impl::wait_for_cluster(std::uint64_t e, clock::time_point since) {
    count([weak = weak_from_this(), e, since](std::optional<counts> now) {
        auto self = weak.lock();
        if (!self || self->epoch != e || self->stopped)
            return;
        // Not answered (our publisher may not be back yet) counts as nobody back.
        std::int64_t missing = 0;
        for (auto const& [channel, before] : self->census) {
            std::int64_t back = 0;
            if (now) {
                if (auto const it = now->find(channel); it != now->end())
                    back = it->second;
            }
            missing += std::max<std::int64_t>(0, before - back);
        }
        auto const waited =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - since);
        if (missing == 0) {
            log::info("redis adapter: every server is subscribed again ({} ms after us); "
                      "publishing",
                      waited.count());
            return self->open_gate();
        }
        if (waited >= self->link_options.resume_wait) {
            log::warn("redis adapter: {} subscriber(s) still missing {} ms after we resubscribed "
                      "(resume_wait); publishing anyway",
                      missing, waited.count());
            return self->open_gate();
        }
        self->rejoin_timer.expires_after(std::chrono::milliseconds(10));
        self->rejoin_timer.async_wait([weak, e, since](boost::system::error_code ec) {
            if (auto s = weak.lock(); s && !ec)
                s->wait_for_cluster(e, since);
        });
    });
}

void redis_link::impl::open_gate() {
    holding = false;
    pub.set_gate(true);
    take_census(epoch);
}

void redis_link::impl::take_census(std::uint64_t e) {
    count([weak = weak_from_this(), e](std::optional<counts> now) {
        auto self = weak.lock();
        if (!self || self->epoch != e || self->stopped || self->holding)
            return;
        if (now)
            self->census = std::move(*now);
        self->census_timer.expires_after(self->link_options.census_interval);
        self->census_timer.async_wait([weak, e](boost::system::error_code ec) {
            if (auto s = weak.lock(); s && !ec)
                s->take_census(e);
        });
    });
}

void redis_link::impl::shutdown() {
    stopped = true;
    rejoin_timer.cancel();
    census_timer.cancel();
}

void redis_link::expose_metrics() {
    // The stats are thread-safe to read: the scrape reads them on its own thread. Through a
    // weak pointer, as a scrape may run while the link goes.
    using metrics::type;
    auto one = [weak = std::weak_ptr(impl_)](double (*pick)(stats const&)) {
        return [weak, pick] {
            auto i = weak.lock();
            return i ? std::vector<metrics::sample>{{{}, pick(stats_of(*i))}}
                     : std::vector<metrics::sample>{};
        };
    };
    auto& r = metrics::default_registry();
    std::vector<metrics::collector_handle> handles;
    handles.push_back(r.add_collector(
        "socketio_redis_ready", "1 when both Redis connections are up and subscribed, else 0.",
        type::gauge, one([](stats const& s) { return s.ready ? 1.0 : 0.0; })));
    handles.push_back(r.add_collector(
        "socketio_redis_reconnects_total", "Redis connections made again after a lost one.",
        type::counter, one([](stats const& s) { return double(s.reconnects); })));
    handles.push_back(r.add_collector(
        "socketio_redis_buffered_publishes", "Publishes held in the outage buffer now.",
        type::gauge, one([](stats const& s) { return double(s.buffered_publishes); })));
    handles.push_back(r.add_collector(
        "socketio_redis_buffered_bytes", "Bytes of the publishes held in the outage buffer now.",
        type::gauge, one([](stats const& s) { return double(s.buffered_bytes); })));
    handles.push_back(
        r.add_collector("socketio_redis_dropped_publishes_total",
                        "Publishes dropped past the outage buffer's limits.", type::counter,
                        one([](stats const& s) { return double(s.dropped_publishes); })));
    handles.push_back(r.add_collector(
        "socketio_redis_holding",
        "1 while publishes are held (Redis, our subscriber or another server is away).",
        type::gauge, one([](stats const& s) { return s.holding ? 1.0 : 0.0; })));
    gauges_ = metrics::collector_handle([handles = std::make_shared<decltype(handles)>(
                                             std::move(handles))]() mutable { handles->clear(); });
}

redis_link::redis_link(net::any_io_executor ex, redis::options const& options,
                       redis_link_options link_options)
    : impl_(std::make_shared<impl>(std::move(ex), options, link_options)) {
    auto weak = std::weak_ptr(impl_);
    expose_metrics();
    impl_->sub.on_message(
        [weak](std::string_view pattern, std::string_view channel, std::string_view payload) {
            if (auto i = weak.lock())
                i->route(pattern, channel, payload);
        });
    impl_->sub.on_state([weak](bool ready) {
        if (auto i = weak.lock())
            i->on_subscriber(ready);
    });
    impl_->pub.on_state([weak](bool connected) {
        if (auto i = weak.lock())
            i->pub_connected = connected;
    });
    impl_->pub.set_gate(false);
}

redis_link::~redis_link() {
    stop();
}

void redis_link::start() {
    impl_->pub.start();
    impl_->sub.start();
}

void redis_link::stop() {
    impl_->pub.stop();
    impl_->sub.stop();
    net::post(impl_->executor, [i = impl_] { i->shutdown(); });
}

bool redis_link::ready() const {
    return impl_->sub_ready && impl_->pub_connected;
}

redis_link::stats redis_link::stats_of(impl const& i) {
    auto const p = i.pub.get_stats();
    auto const s = i.sub.get_stats();
    return {i.sub_ready && i.pub_connected,
            p.reconnects + s.reconnects,
            p.buffered_publishes,
            p.buffered_bytes,
            p.dropped_publishes,
            i.holding.load()};
}

redis_link::stats redis_link::get_stats() const {
    return stats_of(*impl_);
}

sa::adapter_factory redis_link::adapter_factory(redis_adapter_options options) {
    return [link = impl_, options](sa::local_delivery& delivery,
                                   sa::adapter_context const& ctx) -> std::unique_ptr<sa::adapter> {
        if (ctx.recovery)
            throw std::invalid_argument(
                "connection state recovery is not supported with the Redis adapter (the Node "
                "Redis pub/sub adapter does not support it either): turn one of them off");
        return std::make_unique<detail::redis_adapter>(delivery, std::string(ctx.nsp), link,
                                                       options);
    };
}

} // namespace sio::cluster
