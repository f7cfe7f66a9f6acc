// Why a socket left its namespace: Node's reasons, as a type.
#pragma once

#include "sio/engineio/disconnect_reason.hpp"

#include <cstdint>
#include <string_view>

namespace sio::socketio {

enum class disconnect_reason : std::uint8_t {
    transport_close,             ///< the client closed the connection or went away
    transport_error,             ///< the connection failed (I/O error, a full queue, ...)
    ping_timeout,                ///< no pong within pingTimeout
    parse_error,                 ///< the client sent something malformed
    forced_close,                ///< the server closed the connection
    server_shutting_down,        ///< the server is stopping
    server_namespace_disconnect, ///< socket.disconnect() on the server
    client_namespace_disconnect, ///< the client sent DISCONNECT for the namespace
};

/// Node's wording: "transport close", "server namespace disconnect", ...
std::string_view to_string(disconnect_reason r);

/// Node's RECOVERABLE_DISCONNECT_REASONS: the connection was lost, not ended on purpose, so
/// connection state recovery keeps the socket's session.
bool is_recoverable(disconnect_reason r);

/// What an Engine.IO session's end means for its sockets (several Engine.IO reasons are
/// one "transport error" to Socket.IO, as in Node).
disconnect_reason from_engine(engineio::disconnect_reason r);

} // namespace sio::socketio
