// Rooms and broadcast fan-out behind an interface: in memory now, Redis later, without
// touching sockets. The adapter does room arithmetic; the namespace encodes and delivers.
#pragma once

#include "sio/protocol/packet.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sio::adapter {

using room = std::string;
using socket_id = std::string;

/// Who a broadcast reaches: sockets in any of `rooms` (every socket when empty), minus those
/// in any of `except`.
struct broadcast_options {
    std::set<room> rooms;
    std::set<room> except;
    bool is_volatile = false; ///< may be dropped for a slow client
    bool local = false;       ///< this server only (matters once there are several)
};

/// What a socket leaves behind when its connection drops.
struct persisted_session {
    socket_id sid;
    std::string pid;         ///< the private id the client proves itself with
    std::vector<room> rooms; ///< including its own (its id)
    boost::json::value data; ///< the application's socket data
};

struct restored_session {
    persisted_session session;
    /// The packets broadcast to its rooms after the client's offset, oldest first; each
    /// carries its offset as its last argument.
    std::vector<protocol::packet> missed;
};

/// What the adapter hands the namespace: the local targets of one broadcast.
class local_delivery {
public:
    virtual ~local_delivery() = default;
    /// Encode `p` once and send it to each of `targets`.
    virtual void deliver(std::vector<socket_id> const& targets, protocol::packet const& p,
                         bool is_volatile) = 0;
};

/// Thread safety: every member may be called from any thread.
class adapter {
public:
    virtual ~adapter() = default;

    virtual void add_all(socket_id const& id, std::vector<room> const& rooms) = 0;
    virtual void del(socket_id const& id, room const& r) = 0;
    /// Removes the socket from every room (on disconnect).
    virtual void del_all(socket_id const& id) = 0;

    virtual void broadcast(protocol::packet const& p, broadcast_options const& opts) = 0;

    /// The sockets a broadcast with these options would reach.
    virtual std::vector<socket_id> sockets(broadcast_options const& opts) const = 0;
    virtual std::set<room> socket_rooms(socket_id const& id) const = 0;
    virtual std::vector<room> rooms() const = 0;

    // Connection state recovery (a no-op unless the adapter was made with it).
    /// Whether broadcasts are kept and stamped with offsets.
    virtual bool recovers() const { return false; }
    virtual void persist_session(persisted_session) {}
    /// Runs `f` with no broadcast of a kept packet in between (recovery: restoring a
    /// session and entering its rooms as one step).
    virtual void serialized(std::function<void()> const& f) { f(); }
    virtual std::optional<restored_session> restore_session(std::string const& /*pid*/,
                                                            std::string const& /*offset*/) {
        return std::nullopt;
    }
};

/// What a namespace tells the adapter it makes.
struct adapter_context {
    std::string_view nsp; ///< the namespace's name
    /// Keep broadcasts and dropped sessions this long for connection state recovery.
    std::optional<std::chrono::milliseconds> recovery;
};

/// Makes each namespace's adapter (Node's `adapter` server option). `delivery` is the
/// namespace, which outlives its adapter. Called once per namespace, from any thread.
using adapter_factory =
    std::function<std::unique_ptr<adapter>(local_delivery& delivery, adapter_context const& ctx)>;

} // namespace sio::adapter
