// The Redis adapter's cluster-wide requests: asked, answered, their responses and timeouts.
#include "sio/cluster/redis_adapter_impl.hpp"
#include "sio/core/log.hpp"
#include "sio/core/random_id.hpp"

#include <boost/asio/post.hpp>

#include <atomic>
#include <shared_mutex>

namespace sio::cluster::detail {

std::string new_request_id() {
    return random_id().substr(0, 10);
}

// --- cluster-wide requests -----------------------------------------------------------

void redis_adapter::server_count(sa::completion<std::size_t> done) {
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

void redis_adapter::fetch_sockets(broadcast_options const& opts,
                                  sa::completion<std::vector<socket_details>> done) {
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

void redis_adapter::all_rooms(sa::completion<std::set<std::string>> done) {
    auto const mine = rooms();
    ask_cluster(request_type::all_rooms, {}, {}, [&](pending_request& p) {
        p.rooms.insert(mine.begin(), mine.end());
        p.listed = std::move(done);
    });
}

void redis_adapter::server_side_emit(boost::json::array const& args,
                                     sa::completion<std::vector<boost::json::value>> done) {
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

void redis_adapter::add_sockets(broadcast_options const& opts,
                                std::vector<std::string> const& rooms) {
    in_memory_adapter::add_sockets(opts, rooms);
    if (!opts.local)
        publish_command(request_type::remote_join, opts, rooms, false);
}

void redis_adapter::del_sockets(broadcast_options const& opts,
                                std::vector<std::string> const& rooms) {
    in_memory_adapter::del_sockets(opts, rooms);
    if (!opts.local)
        publish_command(request_type::remote_leave, opts, rooms, false);
}

void redis_adapter::disconnect_sockets(broadcast_options const& opts, bool close) {
    in_memory_adapter::disconnect_sockets(opts, close);
    if (!opts.local)
        publish_command(request_type::remote_disconnect, opts, {}, close);
}

// --- what arrives from Redis -----------------------------------------------------------

void redis_adapter::on_request(std::string_view payload) {
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
        delivery().describe(sockets(r.opts),
                            [route = std::weak_ptr(route_), r](std::vector<socket_details> found) {
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
    case request_type::broadcast:
        if (ours || !r.request_id)
            return;
        on_broadcast_request(r);
        return;
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

void redis_adapter::on_response(std::string_view payload) {
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

void redis_adapter::ask_cluster(request_type type, broadcast_options const& opts,
                                boost::json::array data,
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

void redis_adapter::expire(std::string const& id) {
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
        error = fmt::format("timeout reached: only {} responses received out of {}", done.received,
                            done.expected);
    }
    log::info("redis adapter {}: {}", nsp_, error);
    complete(done, error);
}

void redis_adapter::complete(pending_request& p, std::string const& error) {
    if (p.timer)
        p.timer->cancel();
    if (p.fetched)
        p.fetched({std::move(p.sockets), error});
    else if (p.listed)
        p.listed({std::move(p.rooms), error});
    else if (p.answered)
        p.answered({std::move(p.answers), error});
}

void redis_adapter::publish_command(request_type type, broadcast_options const& opts,
                                    std::vector<std::string> const& rooms, bool close) {
    request r;
    r.type = type;
    r.uid = uid_;
    r.opts = opts;
    r.rooms = rooms;
    r.close = close;
    link_->pub.publish(request_channel_, encode_request(r));
}

void redis_adapter::respond(request const& r, response out) {
    auto const& channel = options_.publish_on_specific_response_channel && r.uid
                              ? specific_response_channel(options_.key, nsp_, *r.uid)
                              : response_channel_;
    link_->pub.publish(channel, encode_response(out));
}

} // namespace sio::cluster::detail
