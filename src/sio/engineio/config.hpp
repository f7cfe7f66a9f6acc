// Engine.IO server options, with the reference server's defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sio::engineio {

struct handshake_info;

/// Cross-origin access for browsers on other origins (off by default, as in Node).
struct cors_config {
    bool enabled = false;
    /// Allowed origins; "*" allows any.
    std::vector<std::string> origins{"*"};
    bool credentials = false;
};

struct config {
    /// Path prefix, with trailing slash: "/socket.io/" (Socket.IO) or "/engine.io/".
    std::string path = "/engine.io/";
    std::chrono::milliseconds ping_interval{25000};
    std::chrono::milliseconds ping_timeout{20000};
    std::chrono::milliseconds upgrade_timeout{10000};
    /// Largest POST body and WebSocket message (the reference's maxHttpBufferSize).
    std::uint64_t max_payload = 1'000'000;
    bool allow_polling = true;
    bool allow_websocket = true;
    /// permessage-deflate on WebSocket; off by default as in Node.
    bool per_message_deflate = false;
    /// Bytes that may wait in a session's outbound queue; past it, droppable (volatile)
    /// packets are dropped and anything else closes the session ("queue full").
    std::size_t max_queued_bytes = 16u << 20;
    cors_config cors;
    /// Node's allowRequest: asked about every handshake (a request without a sid) before a
    /// session exists; a returned reason refuses it with 403 {"code":4,"message":reason}
    /// ("Forbidden" when empty). The place for Origin checks, which CORS does not do for
    /// WebSocket. Runs on an I/O thread: it must not block.
    std::function<std::optional<std::string>(handshake_info const&)> allow_request;
};

} // namespace sio::engineio
