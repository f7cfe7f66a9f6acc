// The narrow interface between Engine.IO and the layer above it (Socket.IO, or the
// conformance echo server). Nothing here knows about Socket.IO.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace sio::engineio {

class session;

/// Why a session ended.
enum class disconnect_reason {
    transport_close,   ///< the client closed (close packet, WebSocket close, aborted poll)
    transport_error,   ///< I/O error on the transport
    ping_timeout,      ///< no pong within pingTimeout
    parse_error,       ///< the client sent a malformed packet
    multiple_polling,  ///< two concurrent GETs
    payload_too_large, ///< a POST or message over maxPayload
    queue_full,        ///< the client does not read fast enough
    forced_close,      ///< the server closed it (session::close)
    server_shutdown,   ///< the server is stopping
};

/// The reference server's wording ("transport close", "ping timeout", ...).
std::string_view to_string(disconnect_reason r);

/// Receives one session's events. Every call is made on the session's strand, in order;
/// on_close exactly once, last.
class session_listener {
public:
    virtual ~session_listener() = default;
    virtual void on_message(std::string text) = 0;
    virtual void on_binary(std::string bytes) = 0;
    virtual void on_close(disconnect_reason reason) = 0;
};

/// Creates a listener for each new session.
class handler {
public:
    virtual ~handler() = default;
    /// Called on the new session's strand, before any message is delivered.
    virtual std::shared_ptr<session_listener> on_open(std::shared_ptr<session> const& s) = 0;
};

} // namespace sio::engineio
