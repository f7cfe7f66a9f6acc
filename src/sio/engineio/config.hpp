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

/// What one queued message costs beyond its bytes: its queue entry, its frame header and the
/// write's buffer entries (counted against config::max_queued_bytes).
inline constexpr std::size_t queued_message_cost = 64;

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
    /// What a session's outbound messages may hold, counting each message's bytes plus
    /// `queued_message_cost` for its queue entry, frame header and write buffers, and the
    /// batch being written as well as the queue. Past it (or past max_queued_messages),
    /// droppable (volatile) packets are dropped and anything else closes the session
    /// ("queue full"): a WebSocket is reset at once, a polling client gets the close packet
    /// without the backlog. A message is always taken when nothing is queued or being written.
    std::size_t max_queued_bytes = 16u << 20;
    /// Messages that may wait or be in the write under way, by count.
    std::size_t max_queued_messages = 65536;
    /// What all sessions together may hold, counted as for max_queued_bytes (0: no limit).
    /// Past it, a session holding more than queue_fair_share whose client has taken no bytes
    /// for stalled_after is refused as if over its own budget, while sessions that hold less,
    /// or whose clients read, are not affected: many clients that stop reading cannot each
    /// fill their own budget.
    std::size_t max_total_queued_bytes = 64u << 20;
    /// See max_total_queued_bytes.
    std::size_t queue_fair_share = 256u << 10;
    std::chrono::milliseconds stalled_after{250};
    /// A WebSocket write that makes no progress for this long ends the connection: the
    /// session closes ("transport error" to Socket.IO), the TCP connection is reset and its
    /// memory freed. Bounds how long a client that stopped reading holds anything.
    std::chrono::milliseconds write_timeout{20000};
    /// Operator limits, checked at the handshake before any session state is made (0: no
    /// limit). Sessions in all: past it, 503 {"code":4,"message":"Server full"}.
    std::size_t max_sessions = 100'000;
    /// Sessions from one client address (the TCP peer: behind a proxy, the proxy's, so off
    /// by default); 503.
    std::size_t max_sessions_per_address = 0;
    /// Handshakes per second from one address, in bursts of as many; 429. Off by default.
    double max_handshakes_per_second_per_address = 0;
    cors_config cors;
    /// Node's allowRequest: asked about every handshake (a request without a sid) before a
    /// session exists; a returned reason refuses it with 403 {"code":4,"message":reason}
    /// ("Forbidden" when empty). The place for Origin checks, which CORS does not do for
    /// WebSocket. Runs on an I/O thread: it must not block.
    std::function<std::optional<std::string>(handshake_info const&)> allow_request;
};

} // namespace sio::engineio
