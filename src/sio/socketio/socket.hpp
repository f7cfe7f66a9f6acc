// A client's connection to one namespace: event handlers, emits, acks both ways, rooms.
//
// Public API (docs/PUBLIC-API.md): event (name, args, arg<T>, binary, ack, responder) and
// socket's members above the "used by client" line: id, auth, handshake, data, rooms, on*,
// use, emit*, join / leave, to / except / broadcast, disconnect. The constructor and the
// members below that line are the library's own.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/core/net.hpp"
#include "sio/engineio/connection.hpp"
#include "sio/socketio/disconnect_reason.hpp"
#include "sio/socketio/vocabulary.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

namespace sio::socketio {

class socket;
class nsp;
class client;
class broadcast_operator;

/// One incoming event, as a handler sees it.
class event {
public:
    event(std::shared_ptr<socket> s, std::string name, payload args,
          std::optional<std::uint64_t> id);

    std::string const& name() const { return name_; }
    boost::json::array const& args() const { return payload_.args; }
    payload const& data() const { return payload_; }
    /// The arguments, for middleware that rewrites them before the handlers run.
    payload& mutable_data() { return payload_; }
    /// Argument i as T, or nullopt when absent or of another type.
    template <class T>
    std::optional<T> arg(std::size_t i) const {
        return payload_.get<T>(i);
    }
    /// The bytes of argument i when it is binary.
    std::string const* binary(std::size_t i) const { return payload_.binary_at(i); }

    /// Whether the client asked for an acknowledgement.
    bool wants_ack() const { return id_.has_value(); }
    /// Acknowledges with these arguments; at most once, later calls are ignored.
    template <class... Args>
    void ack(Args&&... args) {
        ack_payload(make_payload(std::forward<Args>(args)...));
    }
    void ack_payload(payload p);
    /// The acknowledgement as a function to call later, from any thread, once the answer is
    /// known (Node's callback kept past the handler). Only its first call counts; ack() on the
    /// event does nothing afterwards. Without an ack id it does nothing.
    std::function<void(payload)> responder();

private:
    std::shared_ptr<socket> socket_;
    std::string name_;
    payload payload_;
    std::optional<std::uint64_t> id_;
    bool acked_ = false;
};

using event_handler = std::function<void(socket&, event&)>;
/// Node's socket.on("disconnect"): `to_string(reason)` gives Node's wording.
using disconnect_handler = std::function<void(socket&, disconnect_reason reason)>;
/// Node's socket.use: runs before every incoming event's handler (after on_any, as in
/// Node), in the order added; may read or rewrite the event. A returned message drops the event (no
/// handler runs, no ack is sent) and goes to the socket's error handlers.
using event_middleware = std::function<std::optional<std::string>(socket&, event&)>;
/// Node's socket.on("error"): an event refused by middleware, with the refusal's message.
using error_handler = std::function<void(socket&, std::string_view message)>;
/// Called when what waited for the connection has been written: buffered_bytes() is 0.
using drain_handler = std::function<void(socket&)>;

/// The outcome of an emit with an acknowledgement.
struct ack_result {
    bool timed_out = false; ///< also set when the socket disconnected first
    payload args;
};
using ack_callback = std::function<void(ack_result)>;

/// Thread safety: emit, join, leave, disconnect and the broadcast builders may be called
/// from any thread. on(), on_any() and on_disconnect() belong in the connection handler
/// (the socket's strand). Handlers run on the socket's strand.
class socket : public std::enable_shared_from_this<socket> {
public:
    /// `pid`: the private id for connection state recovery (empty when it is off).
    socket(std::string id, std::shared_ptr<nsp> ns, std::shared_ptr<engineio::connection> conn,
           std::weak_ptr<client> owner, boost::json::value auth, std::string pid = {});
    ~socket();

    std::string const& id() const { return id_; }
    std::string const& nsp_name() const;
    /// The CONNECT payload (the client's `auth` option); an empty object when none.
    boost::json::value const& auth() const { return auth_; }
    /// What waits to be written to this socket's connection (all its namespaces), as
    /// engine.max_queued_bytes counts it: hold back while it grows. Any thread.
    std::size_t buffered_bytes() const { return conn_->buffered_bytes(); }
    /// The HTTP request that opened the connection: headers (cookies, tokens), query, peer
    /// address, time. Any thread.
    engineio::handshake_info const& handshake() const;
    /// The handshake as Node's socket.handshake has it: headers, time, address, xdomain,
    /// secure, issued, url, query, auth.
    boost::json::object handshake_details() const;
    /// What fetch_sockets reports of it. Call on its executor (data() is read).
    adapter::socket_details details() const;
    /// Free for the application (Node's socket.data). Strand only.
    boost::json::value& data() { return data_; }
    bool connected() const { return connected_; }
    /// Whether connection state recovery gave this socket back its id, rooms and data (and
    /// sent it the events it missed) after a lost connection.
    bool recovered() const { return recovered_; }
    /// The executor of the socket's strand.
    net::any_io_executor const& get_executor() const;

    void on(std::string event_name, event_handler handler);
    /// Typed convenience: the handler receives the first arguments converted to Args; an event
    /// whose arguments do not convert is logged and dropped.
    template <class... Args, class F>
    void on_typed(std::string event_name, F handler);
    /// Catch-all: called for every event, before event middleware and its own handler.
    void on_any(event_handler handler);
    void on_disconnect(disconnect_handler handler);
    void use(event_middleware mw);
    void on_error(error_handler handler);
    /// Everything queued for this socket's connection has been written (WebSocket) or
    /// collected by a poll: a producer that held back on buffered_bytes() may go on.
    void on_drain(drain_handler handler);

    template <class... Args>
    void emit(std::string_view event_name, Args&&... args) {
        emit_payload(event_name, make_payload(std::forward<Args>(args)...));
    }
    void emit_payload(std::string_view event_name, payload p,
                      engineio::delivery d = engineio::delivery::reliable);
    /// Emits and waits for the client's acknowledgement, or `timeout`.
    void emit_with_ack(std::string_view event_name, payload p, std::chrono::milliseconds timeout,
                       ack_callback callback);

    /// False, with a log line, when it would take the socket past max_rooms_per_socket
    /// (then it joins none of them).
    bool join(std::string const& room);
    bool join(std::vector<std::string> const& rooms);
    void leave(std::string const& room);
    std::set<std::string> rooms() const;

    /// Broadcasts that exclude this socket: to(room) reaches the room's other members,
    /// broadcast() every other socket of the namespace.
    broadcast_operator to(std::string room) const;
    broadcast_operator except(std::string room) const;
    broadcast_operator broadcast() const;

    /// Leaves the namespace ("server namespace disconnect"); `close` also ends the
    /// underlying connection.
    void disconnect(bool close = false);

    // --- used by client, on the strand ---
    /// The connection handlers have run: the handler list keeps no spare capacity (what
    /// the vector's growth leaves is ~60 bytes per handler per idle connection).
    void handlers_added() { handlers_.shrink_to_fit(); }
    void dispatch_event(std::string name, payload args, std::optional<std::uint64_t> id);
    void dispatch_ack(std::uint64_t id, payload args);
    /// Waits for the client's ack `id` with no timer of its own (a broadcast's share).
    void expect_ack(std::uint64_t id, ack_callback callback);
    /// Stops waiting for ack `id` without calling its callback (its broadcast timed out).
    void forget_ack(std::uint64_t id);
    /// DISCONNECT to the client, then on_closed(server_namespace_disconnect).
    void leave_namespace();
    /// The socket is gone (client or transport side); handlers learn the reason.
    void on_closed(disconnect_reason reason);
    /// The connection's queue has drained: the on_drain handlers run.
    void drained();
    bool wants_drain() const;
    void send_packet(packet const& p, engineio::delivery d = engineio::delivery::reliable);
    /// The private id for connection state recovery; empty when it is off.
    std::string const& pid() const;
    /// Takes back a persisted session's data and marks the socket recovered.
    void restore(boost::json::value data);
    /// The Engine.IO connection carrying this socket (broadcasts queue on it directly).
    std::shared_ptr<engineio::connection> const& transport() const { return conn_; }

private:
    struct pending_ack;

    /// An event dropped by middleware: the error handlers learn why.
    void refuse_event(event const& ev, std::string_view message);
    /// The handler for `event_name`, or null.
    event_handler* find_handler(std::string_view event_name);

    std::string id_;
    std::shared_ptr<nsp> nsp_;
    std::shared_ptr<engineio::connection> conn_;
    std::weak_ptr<client> client_;
    boost::json::value auth_;
    boost::json::value data_;
    bool connected_ = true;
    bool recovered_ = false;

    /// Few per socket: a vector is smaller than a hash map and as fast to search.
    std::vector<std::pair<std::string, event_handler>> handlers_;
    std::vector<event_handler> any_handlers_;
    std::vector<disconnect_handler> disconnect_handlers_;
    /// Event middleware, error handlers, the recovery pid and the acks awaited from the
    /// client, made on first use: most sockets have none of them, and every byte counts per
    /// idle connection.
    struct extras;
    extras& ensure_extras();
    std::unique_ptr<extras> extras_;
};

/// The Engine.IO messages of a packet: its text, then one binary message per attachment.
std::vector<engineio::message> to_frames(packet const& p);

void log_bad_arguments(socket const& s, std::string_view event_name);

template <class... Args, class F>
void socket::on_typed(std::string event_name, F handler) {
    on(event_name, [handler = std::move(handler)](socket& s, event& ev) {
        auto converted = [&]<std::size_t... I>(std::index_sequence<I...>) {
            return std::tuple<std::optional<Args>...>{ev.arg<Args>(I)...};
        }
        (std::index_sequence_for<Args...>{});
        bool const ok =
            std::apply([](auto const&... o) { return (o.has_value() && ...); }, converted);
        if (!ok) {
            log_bad_arguments(s, ev.name());
            return;
        }
        std::apply([&](auto&... o) { handler(s, std::move(*o)...); }, converted);
    });
}

} // namespace sio::socketio
