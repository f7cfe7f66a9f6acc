#include "sio/cluster/redis_adapter.hpp"

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/cluster/wire.hpp"
#include "sio/core/log.hpp"
#include "sio/core/random_id.hpp"
#include "sio/redis/client.hpp"
#include "sio/redis/subscriber.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>

namespace sio::cluster {

namespace sa = sio::adapter;

namespace {

class redis_adapter;

/// What an adapter's messages are handed to; outlives the adapter (the link may hold it
/// while a message is being handled), so the adapter is reached through a guarded pointer.
struct adapter_route {
    std::shared_mutex mutex;
    redis_adapter* adapter = nullptr; // null once the adapter is gone
};

} // namespace

struct redis_link::impl : std::enable_shared_from_this<impl> {
    using clock = std::chrono::steady_clock;
    using counts = std::map<std::string, std::int64_t>; // request channel -> subscribers

    impl(net::any_io_executor ex, redis::options const& o, redis_link_options lo)
        : executor(ex)
        , pub(ex, o)
        , sub(ex, o)
        , link_options(lo)
        , rejoin_timer(ex)
        , census_timer(ex) {}

    net::any_io_executor executor;
    redis::client pub;
    redis::subscriber sub;
    redis_link_options const link_options;
    std::atomic<bool> sub_ready{false};
    std::atomic<bool> pub_connected{false};
    std::atomic<bool> holding{true};

    std::mutex mutex; // guards the routes and request_channels
    std::unordered_map<std::string, std::weak_ptr<adapter_route>> by_channel; // requests, responses
    std::unordered_map<std::string, std::weak_ptr<adapter_route>> by_pattern; // broadcasts
    std::multiset<std::string> request_channels; // one per namespace's adapter

    // On the executor only.
    net::steady_timer rejoin_timer; ///< the next count while waiting for the cluster
    net::steady_timer census_timer; ///< the next census while all is well
    counts census;                  ///< as last counted while all was well
    std::uint64_t epoch = 0; ///< bumped on each subscriber transition: older replies are stale
    bool stopped = false;

    bool ready() const { return sub_ready && pub_connected; }
    void route(std::string_view pattern, std::string_view channel, std::string_view payload);

    void on_subscriber(bool ready);
    /// PUBSUB NUMSUB of every request channel; nullopt when Redis did not answer.
    void count(std::function<void(std::optional<counts>)> done);
    void wait_for_cluster(std::uint64_t e, clock::time_point since);
    void open_gate();
    void take_census(std::uint64_t e);
    void shutdown();
};

namespace {

using sa::broadcast_options;
using sa::socket_details;

/// What a request of ours waits for, until its answers are in or its time is up.
struct pending_request {
    request_type type;
    std::size_t expected = 0; // answers from other servers
    std::size_t received = 0;
    std::vector<socket_details> sockets;
    std::set<std::string> rooms;
    std::vector<boost::json::value> answers;
    sa::completion<std::vector<socket_details>> fetched;
    sa::completion<std::set<std::string>> listed;
    sa::completion<std::vector<boost::json::value>> answered;
    std::shared_ptr<sa::ack_sink> sink; // broadcasts with acks
    std::unique_ptr<net::steady_timer> timer;
};

/// This server's share of another server's broadcast with acks: it reports how many sockets
/// it sent the packet to, then each answer, on the response channel.
class remote_ack_sink final : public sa::ack_sink,
                              public std::enable_shared_from_this<remote_ack_sink> {
public:
    using publish_fn = std::function<void(response)>;
    remote_ack_sink(std::string request_id, std::chrono::milliseconds timeout, publish_fn publish)
        : request_id_(std::move(request_id))
        , timeout_(timeout)
        , publish_(std::move(publish)) {}

    void arm(net::any_io_executor const& ex) override {
        std::lock_guard lock(mutex_);
        if (timer_ || done_)
            return;
        timer_ = std::make_unique<net::steady_timer>(ex, timeout_);
        timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec)
                self->finish(true);
        });
    }
    void sent_to(std::size_t count) override {
        response r;
        r.type = request_type::broadcast_client_count;
        r.request_id = request_id_;
        r.client_count = count;
        publish_(std::move(r));
        std::unique_lock lock(mutex_);
        sent_ += count;
        settle(lock);
    }
    void answer(protocol::payload args) override {
        response r;
        r.type = request_type::broadcast_ack;
        r.request_id = request_id_;
        r.ack = std::move(args);
        publish_(std::move(r));
        std::unique_lock lock(mutex_);
        ++settled_;
        settle(lock);
    }
    void forfeit() override {
        std::unique_lock lock(mutex_);
        ++settled_;
        settle(lock);
    }
    void on_finish(std::function<void(bool)> f) override {
        {
            std::lock_guard lock(mutex_);
            if (!done_) {
                on_finish_.push_back(std::move(f));
                return;
            }
        }
        f(timed_out_);
    }
    std::chrono::milliseconds timeout() const override { return timeout_; }

private:
    void settle(std::unique_lock<std::mutex>& lock) {
        if (done_ || settled_ < sent_ || sent_ == 0)
            return;
        lock.unlock();
        finish(false);
    }
    void finish(bool timed_out) {
        std::vector<std::function<void(bool)>> callbacks;
        {
            std::lock_guard lock(mutex_);
            if (done_)
                return;
            done_ = true;
            timed_out_ = timed_out;
            callbacks.swap(on_finish_);
        }
        for (auto const& f : callbacks)
            f(timed_out);
    }

    std::string const request_id_;
    std::chrono::milliseconds const timeout_;
    publish_fn publish_;
    std::mutex mutex_;
    std::size_t sent_ = 0, settled_ = 0;
    bool done_ = false, timed_out_ = false;
    std::unique_ptr<net::steady_timer> timer_;
    std::vector<std::function<void(bool)>> on_finish_;
};

std::string new_request_id() {
    return random_id().substr(0, 10);
}

class redis_adapter final : public sa::in_memory_adapter {
public:
    redis_adapter(sa::local_delivery& delivery, std::string nsp,
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

    ~redis_adapter() override {
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

    // --- broadcasts: local at once, then published -------------------------------------

    void broadcast(protocol::packet const& p, broadcast_options const& opts) override {
        in_memory_adapter::broadcast(p, opts);
        if (opts.local)
            return;
        link_->pub.publish(broadcast_channel(options_.key, nsp_, opts),
                           encode_broadcast(uid_, p, opts));
    }

    void broadcast_with_ack(protocol::packet const& p, broadcast_options const& opts,
                            std::shared_ptr<sa::ack_sink> const& sink) override {
        in_memory_adapter::broadcast_with_ack(p, opts, sink);
        if (opts.local)
            return;
        // The other servers' shares come through the response channels, until the timeout.
        sink->arm(link_->executor);
        auto const id = new_request_id();
        {
            std::lock_guard lock(mutex_);
            auto& entry = pending_[id];
            entry.type = request_type::broadcast;
            entry.sink = sink;
        }
        sink->on_finish([route = std::weak_ptr(route_), id](bool) {
            with_adapter(route, [&](redis_adapter& a) {
                std::lock_guard lock(a.mutex_);
                a.pending_.erase(id);
            });
        });
        request r;
        r.type = request_type::broadcast;
        r.uid = uid_;
        r.request_id = id;
        r.packet = p;
        r.packet.id.reset(); // each server gives it its own
        r.opts = opts;
        r.flags.timeout = static_cast<std::uint64_t>(sink->timeout().count());
        link_->pub.publish(request_channel_, encode_request(r));
    }

    // --- cluster-wide requests -----------------------------------------------------------

    void server_count(sa::completion<std::size_t> done) override {
        if (!link_->ready()) {
            // Fails fast, but never inside the call (callers may hold locks).
            net::post(link_->executor, [done = std::move(done)] {
                done({0, "redis adapter: not connected to Redis"});
            });
            return;
        }
        std::vector<std::string> args{"PUBSUB", "NUMSUB", request_channel_};
        link_->pub.command(std::move(args), [done = std::move(done)](redis::outcome r) {
            if (!r.ok())
                return done({0, "redis adapter: " + std::string(r.error_text())});
            auto const& v = *r.value;
            if (v.type != redis::reply::kind::array || v.elements.size() != 2 ||
                v.elements[1].type != redis::reply::kind::integer)
                return done({0, "redis adapter: unexpected PUBSUB NUMSUB reply"});
            done({static_cast<std::size_t>(std::max<std::int64_t>(v.elements[1].integer, 1)), {}});
        });
    }

    void fetch_sockets(broadcast_options const& opts,
                       sa::completion<std::vector<socket_details>> done) override {
        if (opts.local)
            return in_memory_adapter::fetch_sockets(opts, std::move(done));
        // This server's sockets first (each read on its own thread), then the others'.
        in_memory_adapter::fetch_sockets(
            opts, [route = std::weak_ptr(route_), opts,
                   done = std::move(done)](sa::outcome<std::vector<socket_details>> local) mutable {
                bool asked = false;
                with_adapter(route, [&](redis_adapter& a) {
                    asked = true;
                    a.ask_cluster(request_type::remote_fetch, opts, {}, [&](pending_request& p) {
                        p.sockets = std::move(local.value);
                        p.fetched = std::move(done);
                    });
                });
                if (!asked)
                    done({std::move(local.value), "redis adapter: the namespace is gone"});
            });
    }

    void all_rooms(sa::completion<std::set<std::string>> done) override {
        auto const mine = rooms();
        ask_cluster(request_type::all_rooms, {}, {}, [&](pending_request& p) {
            p.rooms.insert(mine.begin(), mine.end());
            p.listed = std::move(done);
        });
    }

    void server_side_emit(boost::json::array const& args,
                          sa::completion<std::vector<boost::json::value>> done) override {
        if (!done) {
            request r;
            r.type = request_type::server_side_emit;
            r.uid = uid_;
            r.data = args;
            link_->pub.publish(request_channel_, encode_request(r));
            return;
        }
        ask_cluster(request_type::server_side_emit, {}, args,
                    [&](pending_request& p) { p.answered = std::move(done); });
    }

    void add_sockets(broadcast_options const& opts,
                     std::vector<std::string> const& rooms) override {
        in_memory_adapter::add_sockets(opts, rooms);
        if (!opts.local)
            publish_command(request_type::remote_join, opts, rooms, false);
    }
    void del_sockets(broadcast_options const& opts,
                     std::vector<std::string> const& rooms) override {
        in_memory_adapter::del_sockets(opts, rooms);
        if (!opts.local)
            publish_command(request_type::remote_leave, opts, rooms, false);
    }
    void disconnect_sockets(broadcast_options const& opts, bool close) override {
        in_memory_adapter::disconnect_sockets(opts, close);
        if (!opts.local)
            publish_command(request_type::remote_disconnect, opts, {}, close);
    }

    // --- what arrives from Redis -----------------------------------------------------------

    void on_broadcast(std::string_view channel, std::string_view payload) {
        auto const room = room_of_channel(channel, options_.key, nsp_);
        if (!room)
            return;
        // A room's channel: nothing to decode when none of our sockets is in it (as Node).
        if (!room->empty()) {
            broadcast_options in_room;
            in_room.rooms.insert(*room);
            if (sockets(in_room).empty())
                return;
        }
        auto decoded = decode_broadcast(payload);
        if (auto const* error = std::get_if<std::string>(&decoded)) {
            log::warn("redis adapter {}: ignored a malformed broadcast on {}: {}", nsp_, channel,
                      *error);
            return;
        }
        auto& m = std::get<broadcast_message>(decoded);
        if (m.uid == uid_ || m.packet.nsp != nsp_)
            return; // our own, echoed back; or another namespace's
        m.opts.local = true;
        in_memory_adapter::broadcast(m.packet, m.opts);
    }

    void on_request(std::string_view payload) {
        auto decoded = decode_request(payload);
        if (auto const* error = std::get_if<std::string>(&decoded)) {
            log::warn("redis adapter {}: ignored a malformed request: {}", nsp_, *error);
            return;
        }
        auto& r = std::get<request>(decoded);
        bool const ours = r.uid && *r.uid == uid_;
        switch (r.type) {
        case request_type::all_rooms: {
            if (ours || !r.request_id)
                return;
            response out;
            out.type = r.type;
            out.request_id = *r.request_id;
            auto const mine = rooms();
            out.rooms = std::vector<std::string>(mine.begin(), mine.end());
            respond(r, std::move(out));
            return;
        }
        case request_type::remote_fetch: {
            if (ours || !r.request_id)
                return;
            delivery().describe(sockets(r.opts), [route = std::weak_ptr(route_),
                                                  r](std::vector<socket_details> found) {
                with_adapter(route, [&](redis_adapter& a) {
                    response out;
                    out.type = r.type;
                    out.request_id = *r.request_id;
                    out.sockets = std::move(found);
                    a.respond(r, std::move(out));
                });
            });
            return;
        }
        // Applied by the publisher at once: its own echo is ignored. The emitter's carry no uid.
        case request_type::remote_join:
            if (!ours)
                in_memory_adapter::add_sockets(r.opts, r.rooms);
            return;
        case request_type::remote_leave:
            if (!ours)
                in_memory_adapter::del_sockets(r.opts, r.rooms);
            return;
        case request_type::remote_disconnect:
            if (!ours)
                in_memory_adapter::disconnect_sockets(r.opts, r.close);
            return;
        case request_type::server_side_emit: {
            if (ours)
                return;
            sa::server_answer answer;
            if (r.request_id) {
                auto answered = std::make_shared<std::atomic<bool>>(false);
                answer = [route = std::weak_ptr(route_), id = *r.request_id,
                          answered](boost::json::value v) {
                    if (answered->exchange(true))
                        return; // the first answer counts, as in Node
                    with_adapter(route, [&](redis_adapter& a) {
                        response out;
                        out.type = request_type::server_side_emit;
                        out.request_id = id;
                        out.data = std::move(v);
                        // Always the shared channel, as Node does for this type.
                        a.link_->pub.publish(a.response_channel_, encode_response(out));
                    });
                };
            }
            delivery().server_side_event(std::move(r.data), std::move(answer));
            return;
        }
        case request_type::broadcast: {
            if (ours || !r.request_id)
                return;
            auto packet = std::move(r.packet);
            packet.id = delivery().next_ack_id();
            auto const timeout = std::chrono::milliseconds(r.flags.timeout.value_or(5000));
            auto sink = std::make_shared<remote_ack_sink>(
                *r.request_id, timeout, [route = std::weak_ptr(route_), r](response out) {
                    with_adapter(route, [&](redis_adapter& a) { a.respond(r, std::move(out)); });
                });
            auto opts = r.opts;
            opts.local = true;
            in_memory_adapter::broadcast_with_ack(packet, opts, sink);
            return;
        }
        case request_type::sockets: { // legacy (before 8.x): the ids in some rooms
            if (ours || !r.request_id)
                return;
            broadcast_options opts;
            opts.rooms.insert(r.rooms.begin(), r.rooms.end());
            response out;
            out.type = r.type;
            out.request_id = *r.request_id;
            out.socket_ids = sockets(opts);
            respond(r, std::move(out));
            return;
        }
        default:
            return;
        }
    }

    void on_response(std::string_view payload) {
        auto decoded = decode_response(payload);
        if (auto const* error = std::get_if<std::string>(&decoded)) {
            log::warn("redis adapter {}: ignored a malformed response: {}", nsp_, *error);
            return;
        }
        auto& r = std::get<response>(decoded);
        std::unique_lock lock(mutex_);
        auto const it = pending_.find(r.request_id);
        if (it == pending_.end())
            return; // another server's request, or ours after its timeout
        auto& p = it->second;
        if (p.type == request_type::broadcast) {
            auto sink = p.sink;
            lock.unlock();
            if (r.type == request_type::broadcast_client_count && r.client_count)
                sink->sent_to(*r.client_count);
            else if (r.type == request_type::broadcast_ack && r.ack)
                sink->answer(std::move(*r.ack));
            return;
        }
        switch (p.type) {
        case request_type::remote_fetch:
            if (!r.sockets)
                return; // counted by Node only when it has its list
            for (auto& s : *r.sockets)
                p.sockets.push_back(std::move(s));
            break;
        case request_type::all_rooms:
            if (!r.rooms)
                return;
            p.rooms.insert(r.rooms->begin(), r.rooms->end());
            break;
        case request_type::server_side_emit:
            p.answers.push_back(r.data ? std::move(*r.data) : boost::json::value());
            break;
        default:
            return;
        }
        if (++p.received < p.expected)
            return;
        auto done = std::move(p);
        pending_.erase(it);
        lock.unlock();
        complete(done, {});
    }

    static void with_adapter(std::weak_ptr<adapter_route> const& weak,
                             std::function<void(redis_adapter&)> const& f) {
        auto route = weak.lock();
        if (!route)
            return;
        std::shared_lock lock(route->mutex);
        if (route->adapter)
            f(*route->adapter);
    }

private:
    /// Publishes a request that other servers answer, once it is known how many will: the
    /// completion runs with what this server had alone when it is the only one.
    void ask_cluster(request_type type, broadcast_options const& opts, boost::json::array data,
                     std::function<void(pending_request&)> const& fill) {
        auto entry = std::make_shared<pending_request>();
        entry->type = type;
        fill(*entry);
        server_count([route = std::weak_ptr(route_), type, opts, data = std::move(data),
                      entry](sa::outcome<std::size_t> n) mutable {
            auto const fail = [&](std::string const& error) {
                complete(*entry, error);
            };
            auto route_now = route.lock();
            if (!route_now)
                return fail("redis adapter: the namespace is gone");
            std::shared_lock lock(route_now->mutex);
            if (!route_now->adapter)
                return fail("redis adapter: the namespace is gone");
            auto& self = *route_now->adapter;
            if (!n.ok())
                return fail(n.error);
            if (n.value <= 1)
                return complete(*entry, {}); // nobody else
            auto const id = new_request_id();
            entry->expected = n.value - 1;
            entry->timer = std::make_unique<net::steady_timer>(self.link_->executor,
                                                               self.options_.requests_timeout);
            entry->timer->async_wait([route, id](boost::system::error_code ec) {
                if (!ec)
                    with_adapter(route, [&](redis_adapter& a) { a.expire(id); });
            });
            {
                std::lock_guard pending_lock(self.mutex_);
                self.pending_.emplace(id, std::move(*entry));
            }
            request r;
            r.type = type;
            r.uid = self.uid_;
            r.request_id = id;
            r.opts = opts;
            r.data = std::move(data);
            self.link_->pub.publish(self.request_channel_, encode_request(r));
        });
    }

    void expire(std::string const& id) {
        std::unique_lock lock(mutex_);
        auto const it = pending_.find(id);
        if (it == pending_.end())
            return;
        auto done = std::move(it->second);
        pending_.erase(it);
        lock.unlock();
        std::string error;
        switch (done.type) {
        case request_type::remote_fetch:
            error = "timeout reached while waiting for fetchSockets response";
            break;
        case request_type::all_rooms:
            error = "timeout reached while waiting for allRooms response";
            break;
        default:
            error = fmt::format("timeout reached: only {} responses received out of {}",
                                done.received, done.expected);
        }
        log::info("redis adapter {}: {}", nsp_, error);
        complete(done, error);
    }

    static void complete(pending_request& p, std::string const& error) {
        if (p.timer)
            p.timer->cancel();
        if (p.fetched)
            p.fetched({std::move(p.sockets), error});
        else if (p.listed)
            p.listed({std::move(p.rooms), error});
        else if (p.answered)
            p.answered({std::move(p.answers), error});
    }

    void publish_command(request_type type, broadcast_options const& opts,
                         std::vector<std::string> const& rooms, bool close) {
        request r;
        r.type = type;
        r.uid = uid_;
        r.opts = opts;
        r.rooms = rooms;
        r.close = close;
        link_->pub.publish(request_channel_, encode_request(r));
    }

    /// Answers request `r` on the shared response channel, or on the requester's own.
    void respond(request const& r, response out) {
        auto const& channel = options_.publish_on_specific_response_channel && r.uid
                                  ? specific_response_channel(options_.key, nsp_, *r.uid)
                                  : response_channel_;
        link_->pub.publish(channel, encode_response(out));
    }

    std::string const nsp_;
    std::string const uid_;
    std::shared_ptr<redis_link::impl> link_;
    redis_adapter_options const options_;
    std::shared_ptr<adapter_route> route_;
    std::string pattern_, request_channel_, response_channel_, specific_channel_;
    std::mutex mutex_; // guards pending_
    std::map<std::string, pending_request> pending_;
};

} // namespace

void redis_link::impl::route(std::string_view pattern, std::string_view channel,
                             std::string_view payload) {
    std::shared_ptr<adapter_route> target;
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
        return std::make_unique<redis_adapter>(delivery, std::string(ctx.nsp), link, options);
    };
}

} // namespace sio::cluster
