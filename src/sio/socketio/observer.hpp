// A server-wide observer of what happens to sockets and rooms (the Admin UI's instrumentation
// uses it): one optional pointer, so an uninstrumented server pays a null check per hook.
#pragma once

#include "sio/engineio/disconnect_reason.hpp"
#include "sio/socketio/vocabulary.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sio::engineio {
class connection;
} // namespace sio::engineio

namespace sio::socketio {

class nsp;
class socket;

/// Installed with server::observe() before serving. Calls come from I/O threads (a socket's
/// strand where said, any thread otherwise); they must be quick and never block.
class observer {
public:
    virtual ~observer() = default;

    /// A namespace was created (server::of, or a dynamic one on its first CONNECT). Any thread.
    virtual void on_namespace(nsp& /*ns*/) {}
    /// A socket joined its namespace, before the namespace's connection handlers run (so the
    /// observer may add its own on_disconnect). Its strand.
    virtual void on_connection(std::shared_ptr<socket> const& /*s*/) {}
    /// A socket was added to `room` (its own id room included). Any thread.
    virtual void on_room_joined(nsp& /*ns*/, std::string const& /*room*/,
                                std::string const& /*id*/) {}
    /// A socket left `room` (also every room it was in, when it disconnects). Any thread.
    virtual void on_room_left(nsp& /*ns*/, std::string const& /*room*/, std::string const& /*id*/) {
    }
    /// An event from the client, before any handler. Its strand.
    virtual void on_event_received(socket& /*s*/, std::string const& /*name*/,
                                   payload const& /*args*/) {}
    /// An event to the client (emit or broadcast; Node's onAnyOutgoing). `p` is the event
    /// packet (data: [name, ...args]). Any thread.
    virtual void on_event_sent(socket& /*s*/, packet const& /*p*/) {}
    /// The socket's connection moved to WebSocket. Its strand.
    virtual void on_upgrade(socket& /*s*/) {}

    // Engine.IO level, for the aggregated counters.
    /// A new Engine.IO session. Its strand.
    virtual void on_engine_open(engineio::connection& /*c*/) {}
    /// The session moved from polling to WebSocket. Its strand.
    virtual void on_engine_upgrade(engineio::connection& /*c*/) {}
    /// The session closed; `was_polling` when it never upgraded. Its strand.
    virtual void on_engine_close(engineio::connection& /*c*/, engineio::disconnect_reason /*r*/,
                                 bool /*was_polling*/) {}
    /// A Socket.IO packet came in: `bytes` of text and attachments. Its strand.
    virtual void on_packet_in(std::size_t /*bytes*/) {}
    /// A packet went out to `recipients` sockets, `bytes` each. Any thread.
    virtual void on_packet_out(std::size_t /*bytes*/, std::size_t /*recipients*/) {}
};

} // namespace sio::socketio
