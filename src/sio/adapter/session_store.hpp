// Connection state recovery's memory (Node's SessionAwareAdapter): the event packets
// broadcast in the last `keep`, each stamped with an offset, and the sessions that dropped
// within it, so that a client reconnecting with its private id and last offset gets its
// socket id, rooms and data back, and the packets it missed.
#pragma once

#include "sio/adapter/adapter.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sio::adapter {

/// Pure: time is passed in. Not thread-safe (the adapter holds its lock).
class session_store {
public:
    using clock = std::chrono::steady_clock;

    /// `prefix` makes this store's offsets distinct from an earlier process's.
    session_store(std::chrono::milliseconds keep, std::string prefix);

    /// Whether a broadcast is kept: events without an ack id, not volatile (as Node).
    static bool keeps(protocol::packet const& p, broadcast_options const& opts);
    /// Appends a new offset to the event's arguments (where the client looks for it) and
    /// keeps a copy; returns the offset.
    std::string record(protocol::packet& p, broadcast_options const& opts, clock::time_point now);
    void persist(persisted_session s, clock::time_point now);
    /// The session and what it missed; nullopt when the pid is unknown or expired, or the
    /// offset is unknown or too old (then the client starts afresh). A session is restored
    /// once.
    std::optional<restored_session> restore(std::string const& pid, std::string const& offset,
                                            clock::time_point now);

    std::size_t packet_count() const { return packets_.size(); }
    std::size_t session_count() const { return sessions_.size(); }

private:
    void expire(clock::time_point now);
    /// The position of `offset` among the kept packets, if it is one of them.
    std::optional<std::size_t> index_of(std::string const& offset) const;

    struct kept_packet {
        std::uint64_t number;
        broadcast_options opts;
        protocol::packet packet;
        clock::time_point at;
    };
    struct kept_session {
        persisted_session session;
        clock::time_point at;
    };

    std::chrono::milliseconds keep_;
    std::string prefix_;
    std::uint64_t next_number_ = 0;
    std::deque<kept_packet> packets_; ///< oldest first, numbers consecutive
    std::unordered_map<std::string, kept_session> sessions_;
    std::deque<std::pair<clock::time_point, std::string>> session_order_; ///< for expiry
};

} // namespace sio::adapter
