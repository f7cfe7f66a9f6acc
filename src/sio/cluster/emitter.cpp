#include "sio/cluster/emitter.hpp"

#include "sio/redis/client.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace sio::cluster {

namespace detail {

/// One flush() waiting for its PING's answer, or for a connection to send it on.
struct flush_wait {
    flush_wait(net::any_io_executor const& ex, flush_callback cb)
        : done(std::move(cb))
        , timer(ex) {}
    flush_callback done;
    net::steady_timer timer;
    bool finished = false; // on the executor only
};

struct emitter_link : std::enable_shared_from_this<emitter_link> {
    emitter_link(emitter_options o, publish_function p)
        : options(std::move(o))
        , publish(std::move(p)) {}
    emitter_link(emitter_options o, net::any_io_executor ex, redis::client c)
        : options(std::move(o))
        , executor(std::move(ex))
        , client(std::move(c)) {
        publish = [this](std::string_view channel, std::string_view message) {
            client->publish(channel, message);
        };
    }
    emitter_link(emitter_link const&) = delete;
    emitter_link& operator=(emitter_link const&) = delete;

    /// After construction, as it needs a weak pointer to this.
    void start() {
        client->on_state([weak = weak_from_this()](bool connected) {
            if (auto self = weak.lock(); self && connected)
                self->connected();
        });
        client->start();
    }

    /// Runs on the executor: a PING after everything published so far.
    void ping(std::shared_ptr<flush_wait> const& w) {
        client->command({"PING"}, [weak = weak_from_this(), w](redis::outcome o) {
            if (w->finished)
                return;
            if (o.ok())
                return finish(*w, {});
            // Not sent, or its answer lost with the connection: once one is up again (the
            // buffer is written before anything sent after it), ask again.
            auto const error = std::string(o.error_text());
            auto self = weak.lock();
            if (self && (error == "redis: not connected" || error == "redis: connection lost")) {
                std::lock_guard lock(self->mutex);
                self->waiting.push_back(w);
                return;
            }
            finish(*w, "emitter: " + error);
        });
    }

    /// On the executor, when a connection is up.
    void connected() {
        std::vector<std::shared_ptr<flush_wait>> again;
        {
            std::lock_guard lock(mutex);
            again.swap(waiting);
        }
        for (auto const& w : again) {
            if (!w->finished)
                ping(w);
        }
    }

    static void finish(flush_wait& w, std::string const& error) {
        if (w.finished)
            return;
        w.finished = true;
        w.timer.cancel();
        auto done = std::move(w.done);
        done(error);
    }

    emitter_options const options;
    std::optional<net::any_io_executor> executor; // set iff client is
    std::optional<redis::client> client;
    publish_function publish;
    std::mutex mutex; // guards waiting
    std::vector<std::shared_ptr<flush_wait>> waiting;
};

} // namespace detail

namespace {

/// Node's `of`: "/" in front unless there is one.
std::string namespace_name(std::string_view nsp) {
    if (nsp.starts_with('/'))
        return std::string(nsp);
    return "/" + std::string(nsp);
}

} // namespace

// --- emitter --------------------------------------------------------------------------------

emitter::emitter(net::any_io_executor ex, redis::options const& redis_options,
                 emitter_options options)
    : emitter(ex, redis::client(ex, redis_options), std::move(options)) {}

emitter::emitter(net::any_io_executor ex, redis::client client, emitter_options options)
    : link_(std::make_shared<detail::emitter_link>(std::move(options), std::move(ex),
                                                   std::move(client)))
    , nsp_("/") {
    link_->start();
}

emitter::emitter(publish_function publish, emitter_options options)
    : link_(std::make_shared<detail::emitter_link>(std::move(options), std::move(publish)))
    , nsp_("/") {}

emitter::emitter(std::shared_ptr<detail::emitter_link> link, std::string nsp)
    : link_(std::move(link))
    , nsp_(std::move(nsp)) {}

emitter emitter::of(std::string_view nsp) const {
    return {link_, namespace_name(nsp)};
}

emitter_operator emitter::all() const {
    return {link_, nsp_};
}

emitter_operator emitter::to(std::string room) const {
    return all().to(std::move(room));
}
emitter_operator emitter::in(std::string room) const {
    return all().to(std::move(room));
}
emitter_operator emitter::except(std::string room) const {
    return all().except(std::move(room));
}
emitter_operator emitter::volatile_() const {
    return all().volatile_();
}
emitter_operator emitter::compress(bool compress) const {
    return all().compress(compress);
}

void emitter::emit_payload(std::string_view event_name, protocol::payload p) const {
    all().emit_payload(event_name, std::move(p));
}

void emitter::sockets_join(std::string room) const {
    all().sockets_join(std::move(room));
}
void emitter::sockets_join(std::vector<std::string> rooms) const {
    all().sockets_join(std::move(rooms));
}
void emitter::sockets_leave(std::string room) const {
    all().sockets_leave(std::move(room));
}
void emitter::sockets_leave(std::vector<std::string> rooms) const {
    all().sockets_leave(std::move(rooms));
}
void emitter::disconnect_sockets(bool close) const {
    all().disconnect_sockets(close);
}

void emitter::server_side_emit_args(std::string_view event_name, boost::json::array args) const {
    // {"uid":"emitter","type":6,"data":[event, ...args]}: no requestId, so nobody answers.
    request r;
    r.type = request_type::server_side_emit;
    r.uid = std::string(emitter_uid);
    r.data.reserve(args.size() + 1);
    r.data.emplace_back(boost::json::string(event_name));
    for (auto& a : args)
        r.data.push_back(std::move(a));
    link_->publish(request_channel(link_->options.key, nsp_), encode_request(r));
}

void emitter::flush(flush_callback done, std::chrono::milliseconds timeout) const {
    if (!link_->client) {
        done({});
        return;
    }
    // On the executor, where the client's callbacks run too: the timer and `finished` need
    // no lock.
    net::post(*link_->executor, [link = link_, done = std::move(done), timeout]() mutable {
        auto w = std::make_shared<detail::flush_wait>(*link->executor, std::move(done));
        w->timer.expires_after(timeout);
        w->timer.async_wait([w, timeout](boost::system::error_code ec) {
            detail::emitter_link::finish(
                *w,
                ec ? std::string("emitter: stopped")
                   : fmt::format("emitter: Redis did not answer within {} ms", timeout.count()));
        });
        link->ping(w);
    });
}

redis::stats emitter::get_stats() const {
    return link_->client ? link_->client->get_stats() : redis::stats{};
}

// --- emitter_operator -----------------------------------------------------------------------

emitter_operator::emitter_operator(std::shared_ptr<detail::emitter_link> link, std::string nsp)
    : link_(std::move(link))
    , nsp_(std::move(nsp)) {}

emitter_operator emitter_operator::to(std::string room) const {
    auto out = *this;
    out.opts_.rooms.insert(std::move(room));
    return out;
}

emitter_operator emitter_operator::except(std::string room) const {
    auto out = *this;
    out.opts_.except.insert(std::move(room));
    return out;
}

emitter_operator emitter_operator::volatile_() const {
    auto out = *this;
    out.opts_.is_volatile = true;
    return out;
}

emitter_operator emitter_operator::compress(bool compress) const {
    auto out = *this;
    out.flags_.compress = compress;
    return out;
}

void emitter_operator::emit_payload(std::string_view event_name, protocol::payload p) const {
    if (protocol::is_reserved_event(event_name))
        throw std::invalid_argument(fmt::format("\"{}\" is a reserved event name", event_name));
    protocol::packet packet;
    packet.type = protocol::packet_type::event;
    packet.nsp = nsp_;
    boost::json::array data;
    data.reserve(p.args.size() + 1);
    data.emplace_back(boost::json::string(event_name));
    for (auto& a : p.args)
        data.push_back(std::move(a));
    packet.data = boost::json::value(std::move(data));
    packet.attachments = std::move(p.attachments);
    // Node's emitter writes opts as {rooms, flags, except}; encode_broadcast writes the
    // adapter's {rooms, except, flags}. Receivers (Node's and ours) decode the map by key,
    // so both reach the same sockets.
    link_->publish(broadcast_channel(link_->options.key, nsp_, opts_),
                   encode_broadcast(emitter_uid, packet, opts_, flags_));
}

void emitter_operator::sockets_join(std::string room) const {
    publish_command(request_type::remote_join, {std::move(room)}, false);
}
void emitter_operator::sockets_join(std::vector<std::string> rooms) const {
    publish_command(request_type::remote_join, std::move(rooms), false);
}
void emitter_operator::sockets_leave(std::string room) const {
    publish_command(request_type::remote_leave, {std::move(room)}, false);
}
void emitter_operator::sockets_leave(std::vector<std::string> rooms) const {
    publish_command(request_type::remote_leave, std::move(rooms), false);
}
void emitter_operator::disconnect_sockets(bool close) const {
    publish_command(request_type::remote_disconnect, {}, close);
}

void emitter_operator::publish_command(request_type type, std::vector<std::string> rooms,
                                       bool close) const {
    // As Node's emitter: no uid (so every server applies it, the publisher being none of
    // them) and no requestId (nobody answers).
    request r;
    r.type = type;
    r.opts.rooms = opts_.rooms;
    r.opts.except = opts_.except;
    r.rooms = std::move(rooms);
    r.close = close;
    link_->publish(request_channel(link_->options.key, nsp_), encode_request(r));
}

} // namespace sio::cluster
