// Settings and counters shared by the command connection (client) and the subscriber.
#pragma once

#include "sio/redis/reply.hpp"
#include "sio/redis/url.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sio::redis {

struct options {
    url where;
    /// Resolving, connecting, AUTH, SELECT and the first PING, together.
    std::chrono::milliseconds connect_timeout{2000};
    /// Reconnects go on forever: at once after a connection that had lived a second or
    /// more, then after initial_backoff, doubling up to max_backoff. The cap is what bounds
    /// the time from Redis coming back to us noticing (node-redis waits up to 500 ms).
    std::chrono::milliseconds initial_backoff{10};
    std::chrono::milliseconds max_backoff{100};
    /// A connection that owes a reply and has received nothing for this long is dropped
    /// and made again (a half-open TCP connection never reports an error by itself). So a
    /// blocking command (BLPOP) may not wait longer than this.
    std::chrono::milliseconds request_timeout{5000};
    /// An idle connection sends PING after this long, so that the check above covers it.
    std::chrono::milliseconds health_check_interval{2000};
    /// One reply larger than this (see reply_reader) drops the connection.
    std::size_t max_reply_bytes = std::size_t{512} << 20;
    /// The client's outage buffer for publishes (see client::publish): past either limit
    /// the oldest are dropped, and counted. So a publish arrives at most max_buffered_age
    /// late, or not at all.
    std::size_t max_buffered_bytes = std::size_t{16} << 20;
    std::chrono::milliseconds max_buffered_age{5000};
};

/// A snapshot of a connection's counters.
struct stats {
    bool connected = false;               ///< AUTH/SELECT done and Redis answering
    bool ready = false;                   ///< subscriber: every subscription confirmed (client:
                                          ///< same as connected)
    std::uint64_t reconnects = 0;         ///< connections made after a lost one
    std::uint64_t dropped_publishes = 0;  ///< outage buffer overflow or age
    std::uint64_t buffered_publishes = 0; ///< in the outage buffer now
    std::uint64_t buffered_bytes = 0;
    std::uint64_t messages = 0; ///< subscriber: messages received
};

/// How a command ended: Redis's reply (which may be an error reply such as "ERR ..."), or
/// no reply and the reason ("redis: not connected", "redis: connection lost", ...).
struct outcome {
    std::optional<reply> value;
    std::string error;

    /// Redis answered and the answer is not an error reply.
    bool ok() const { return value && value->type != reply::kind::error; }
    /// The transport error or Redis's error text; empty when ok().
    std::string_view error_text() const {
        if (!value)
            return error;
        return value->type == reply::kind::error ? std::string_view(value->str)
                                                 : std::string_view();
    }
};

} // namespace sio::redis
