// Why an Engine.IO session ended, as a type the layers above can switch on.
#pragma once

#include <cstdint>
#include <string_view>

namespace sio::engineio {

enum class disconnect_reason : std::uint8_t {
    transport_close,   ///< the client closed (close packet, WebSocket close, aborted poll)
    transport_error,   ///< I/O error on the transport
    ping_timeout,      ///< no pong within pingTimeout
    parse_error,       ///< the client sent a malformed packet
    multiple_polling,  ///< two concurrent GETs
    payload_too_large, ///< a POST or message over maxPayload
    queue_full,        ///< the client does not read fast enough
    write_timeout,     ///< a write made no progress within config.write_timeout
    forced_close,      ///< the server closed it (connection::close)
    server_shutdown,   ///< the server is stopping
};

/// The reference server's wording ("transport close", "ping timeout", ...).
std::string_view to_string(disconnect_reason r);

} // namespace sio::engineio
