// A client's connection to one namespace: handlers, emits, rooms and disconnection.
#include "sio/socketio/socket.hpp"

#include "sio/core/log.hpp"
#include "sio/socketio/client.hpp"
#include "sio/socketio/metrics.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/socket_impl.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fmt/chrono.h>

#include <algorithm>
#include <array>

namespace sio::socketio {

// --- event ---------------------------------------------------------------------------------

event::event(std::shared_ptr<socket> s, std::string name, payload args,
             std::optional<std::uint64_t> id)
    : socket_(std::move(s))
    , name_(std::move(name))
    , payload_(std::move(args))
    , id_(id) {}

void log_bad_arguments(socket const& s, std::string_view event_name) {
    log::info("socket.io {}: event {:?} with arguments of the wrong type: ignored", s.id(),
              event_name);
}

// --- socket --------------------------------------------------------------------------------

socket::extras& socket::ensure_extras() {
    if (!extras_)
        extras_ = std::make_unique<extras>();
    return *extras_;
}

std::string const& socket::pid() const {
    static std::string const none;
    return extras_ ? extras_->pid : none;
}

socket::socket(std::string id, std::shared_ptr<nsp> ns, std::shared_ptr<engineio::connection> conn,
               std::weak_ptr<client> owner, boost::json::value auth, std::string pid)
    : id_(std::move(id))
    , nsp_(std::move(ns))
    , conn_(std::move(conn))
    , client_(std::move(owner))
    , auth_(auth.is_null() ? boost::json::value(boost::json::object{}) : std::move(auth)) {
    if (!pid.empty())
        ensure_extras().pid = std::move(pid);
}

void socket::restore(boost::json::value data) {
    data_ = std::move(data);
    recovered_ = true;
}

socket::~socket() = default;

std::string const& socket::nsp_name() const {
    return nsp_->name();
}

engineio::handshake_info const& socket::handshake() const {
    return conn_->handshake();
}

boost::json::object socket::handshake_details() const {
    auto const& hs = handshake();
    boost::json::object headers;
    for (auto const& [name, value] : hs.headers()) {
        // Node joins repeated fields with ", " (set-cookie aside, which requests do not carry).
        auto const key = boost::json::string_view(name.data(), name.size());
        if (auto* seen = headers.if_contains(key))
            seen->as_string().append(std::string(", ").append(value));
        else
            headers[key] = boost::json::string(value);
    }
    boost::json::object query;
    for (auto& [name, value] : hs.query_params()) {
        // A repeated parameter becomes an array, as Node's querystring makes it.
        if (auto* seen = query.if_contains(name)) {
            if (!seen->is_array())
                *seen = boost::json::array{*seen};
            seen->as_array().emplace_back(value);
        } else {
            query[name] = boost::json::string(value);
        }
    }
    auto const issued = std::chrono::time_point_cast<std::chrono::milliseconds>(hs.issued);
    boost::json::object out;
    out["headers"] = std::move(headers);
    // Date.toString() of the time, in UTC.
    out["time"] = fmt::format("{:%a %b %d %Y %H:%M:%S} GMT+0000 (Coordinated Universal Time)",
                              fmt::gmtime(std::chrono::system_clock::to_time_t(hs.issued)));
    out["address"] = hs.address;
    out["xdomain"] = hs.header("origin").has_value();
    out["secure"] = hs.secure;
    out["issued"] = issued.time_since_epoch().count();
    out["url"] = hs.url;
    out["query"] = std::move(query);
    out["auth"] = auth_;
    return out;
}

adapter::socket_details socket::details() const {
    return {id_, handshake_details(), rooms(), data_};
}

net::any_io_executor const& socket::get_executor() const {
    return conn_->get_executor();
}

void socket::on(std::string event_name, event_handler handler) {
    if (auto* existing = find_handler(event_name))
        *existing = std::move(handler);
    else
        handlers_.emplace_back(std::move(event_name), std::move(handler));
}

event_handler* socket::find_handler(std::string_view event_name) {
    auto const it = std::find_if(handlers_.begin(), handlers_.end(),
                                 [&](auto const& entry) { return entry.first == event_name; });
    return it == handlers_.end() ? nullptr : &it->second;
}

void socket::on_any(event_handler handler) {
    any_handlers_.push_back(std::move(handler));
}

void socket::use(event_middleware mw) {
    ensure_extras().middlewares.push_back(std::move(mw));
}

void socket::on_error(error_handler handler) {
    ensure_extras().error_handlers.push_back(std::move(handler));
}

void socket::on_drain(drain_handler handler) {
    ensure_extras().drain_handlers.push_back(std::move(handler));
}

bool socket::wants_drain() const {
    return extras_ && !extras_->drain_handlers.empty();
}

void socket::drained() {
    if (!wants_drain())
        return;
    auto const self = shared_from_this(); // a handler may disconnect the socket
    for (std::size_t i = 0; i < extras_->drain_handlers.size(); ++i)
        extras_->drain_handlers[i](*this);
}

void socket::on_disconnect(disconnect_handler handler) {
    disconnect_handlers_.push_back(std::move(handler));
}

std::vector<engineio::message> to_frames(packet const& p) {
    std::vector<engineio::message> frames;
    frames.reserve(1 + p.attachments.size());
    frames.push_back(engineio::make_text_message(encode_text(p)));
    for (auto const& a : p.attachments)
        frames.push_back(engineio::make_binary_message(a));
    return frames;
}

void socket::send_packet(packet const& p, engineio::delivery d) {
    auto frames = to_frames(p);
    if (auto* o = nsp_->get_observer()) {
        std::size_t bytes = 0;
        for (auto const& f : frames)
            bytes += f.bytes->size();
        o->on_packet_out(bytes, 1);
    }
    conn_->send(std::move(frames), d);
}

void socket::emit_payload(std::string_view event_name, payload p, engineio::delivery d) {
    auto packet = make_event_packet(nsp_name(), event_name, std::move(p));
    auto& adapter = nsp_->get_adapter();
    if (adapter.recovers() && d == engineio::delivery::reliable) {
        // Through the adapter, as Node does, so the event gets an offset and is kept for a
        // reconnection: a broadcast to this socket's own room.
        adapter::broadcast_options to_me;
        to_me.rooms.insert(id_);
        adapter.broadcast(packet, to_me);
        return;
    }
    if (auto* o = nsp_->get_observer())
        o->on_event_sent(*this, packet);
    send_packet(packet, d);
}

namespace {

/// Adds the time from its making to its end to the handler time histogram.
struct handler_timer {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    handler_timer() = default;
    handler_timer(handler_timer const&) = delete;
    handler_timer& operator=(handler_timer const&) = delete;
    ~handler_timer() {
        stats().handler_seconds->observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
};

} // namespace

void socket::dispatch_event(std::string name, payload args, std::optional<std::uint64_t> id) {
    event ev(shared_from_this(), std::move(name), std::move(args), id);
    if (auto* o = nsp_->get_observer())
        o->on_event_received(*this, ev.name(), ev.data());
    stats().events_received->inc();
    handler_timer const timed;
    // What runs is copied first: a handler may add handlers (growing the vectors) or
    // remove them (disconnect) while it runs.
    try {
        // As in Node: catch-all listeners first, then middleware, then the event's handler.
        if (!any_handlers_.empty()) {
            auto const any = any_handlers_;
            for (auto const& h : any)
                h(*this, ev);
        }
        if (extras_ && !extras_->middlewares.empty()) {
            auto const middlewares = extras_->middlewares;
            for (auto const& mw : middlewares) {
                if (auto refused = mw(*this, ev))
                    return refuse_event(ev, *refused);
            }
        }
        if (auto const* h = find_handler(ev.name())) {
            auto const handler = *h;
            handler(*this, ev);
        } else if (any_handlers_.empty()) {
            log::info("socket.io {}: no handler for event {:?}: ignored", id_, ev.name());
        }
    } catch (std::exception const& e) {
        // A failing handler is the application's bug; the connection carries on.
        log::error("socket.io {}: handler for {:?} threw: {}", id_, ev.name(), e.what());
    }
}

void socket::refuse_event(event const& ev, std::string_view message) {
    if (!extras_ || extras_->error_handlers.empty()) {
        // As Node warns of a missing error handler: the refusal would go unnoticed.
        log::warn("socket.io {}: event {:?} refused by middleware ({}) and no error handler", id_,
                  ev.name(), message);
        return;
    }
    log::debug("socket.io {}: event {:?} refused by middleware: {}", id_, ev.name(), message);
    auto const handlers = extras_->error_handlers; // a handler may add another
    for (auto const& h : handlers)
        h(*this, message);
}

bool socket::join(std::string const& room) {
    return join(std::vector<std::string>{room});
}

bool socket::join(std::vector<std::string> const& rooms) {
    if (auto const limit = nsp_->max_rooms_per_socket(); limit != 0) {
        auto in = nsp_->get_adapter().socket_rooms(id_);
        in.erase(id_); // its own room does not count
        auto const before = in.size();
        in.insert(rooms.begin(), rooms.end());
        in.erase(id_);
        if (in.size() > limit) {
            log::warn("socket.io {}: join of {} room(s) refused: in {} already, "
                      "max_rooms_per_socket is {}",
                      id_, in.size() - before, before, limit);
            return false;
        }
    }
    nsp_->get_adapter().add_all(id_, rooms);
    if (auto* o = nsp_->get_observer()) {
        for (auto const& r : rooms)
            o->on_room_joined(*nsp_, r, id_);
    }
    return true;
}

void socket::leave(std::string const& room) {
    nsp_->get_adapter().del(id_, room);
    if (auto* o = nsp_->get_observer())
        o->on_room_left(*nsp_, room, id_);
}

std::set<std::string> socket::rooms() const {
    return nsp_->get_adapter().socket_rooms(id_);
}

broadcast_operator socket::to(std::string room) const {
    adapter::broadcast_options opts;
    opts.rooms.insert(std::move(room));
    opts.except.insert(id_); // every socket is in the room named by its id
    return broadcast_operator(nsp_, std::move(opts));
}

broadcast_operator socket::except(std::string room) const {
    adapter::broadcast_options opts;
    opts.except.insert(std::move(room));
    opts.except.insert(id_);
    return broadcast_operator(nsp_, std::move(opts));
}

broadcast_operator socket::broadcast() const {
    adapter::broadcast_options opts;
    opts.except.insert(id_);
    return broadcast_operator(nsp_, std::move(opts));
}

void socket::disconnect(bool close) {
    net::dispatch(get_executor(), [self = shared_from_this(), close] {
        if (!self->connected_)
            return;
        if (close) {
            // As Node: every namespace of the connection says goodbye (none is kept for
            // recovery), then the connection ends.
            if (auto c = self->client_.lock())
                return c->disconnect_all();
        }
        if (auto c = self->client_.lock())
            c->forget(*self);
        self->leave_namespace();
        if (close)
            self->conn_->close();
    });
}

void socket::leave_namespace() {
    packet bye;
    bye.type = packet_type::disconnect;
    bye.nsp = nsp_name();
    send_packet(bye);
    on_closed(disconnect_reason::server_namespace_disconnect);
}

void socket::on_closed(disconnect_reason reason) {
    if (!connected_)
        return;
    connected_ = false;
    stats().disconnected(reason);
    auto& adapter = nsp_->get_adapter();
    std::optional<adapter::persisted_session> kept;
    if (adapter.recovers() && is_recoverable(reason)) {
        auto const rooms = adapter.socket_rooms(id_);
        kept = adapter::persisted_session{id_, pid(), {rooms.begin(), rooms.end()}, data_};
    }
    nsp_->remove(*this);
    // Only once this socket has left: a client restoring the session at once (from another
    // thread) must not have its new socket's rooms removed by this one's leaving.
    if (kept)
        adapter.persist_session(std::move(*kept));
    decltype(extras::acks) acks;
    if (extras_) {
        acks = std::move(extras_->acks);
        extras_->acks.clear();
    }
    for (auto& [id, pending] : acks) {
        pending->cancel();
        pending->callback(ack_result{true, {}});
    }
    auto handlers = std::move(disconnect_handlers_);
    disconnect_handlers_.clear();
    for (auto const& h : handlers) {
        try {
            h(*this, reason);
        } catch (std::exception const& e) {
            log::error("socket.io {}: disconnect handler threw: {}", id_, e.what());
        }
    }
    // Handlers may hold this socket; dropping them breaks such cycles. Later, not now: this
    // may run inside one of them (a handler that disconnects its own socket).
    net::post(get_executor(), [self = shared_from_this()] {
        self->handlers_.clear();
        self->any_handlers_.clear();
        if (self->extras_) {
            self->extras_->middlewares.clear();
            self->extras_->error_handlers.clear();
        }
    });
}

} // namespace sio::socketio
