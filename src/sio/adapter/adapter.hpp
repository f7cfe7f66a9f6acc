// Rooms and broadcast fan-out behind an interface: in memory now, Redis later, without
// touching sockets. The adapter does room arithmetic; the namespace encodes and delivers.
#pragma once

#include "sio/core/net.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/protocol/payload.hpp"

#include <boost/json/array.hpp>
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

/// A socket as cluster-wide queries return it, whichever server holds it (the fields of
/// Node's RemoteSocket). `handshake` has Node's shape: headers, time, address, xdomain,
/// secure, issued, url, query, auth.
struct socket_details {
    socket_id id;
    boost::json::value handshake;
    std::set<room> rooms;
    boost::json::value data;
};

/// How a cluster-wide request ended: `error` is empty on success, and then `value` holds the
/// answer; otherwise it says why there is none (no answer in time, the cluster unreachable).
template <class T>
struct outcome {
    T value{};
    std::string error;
    bool ok() const { return error.empty(); }
};
template <class T>
using completion = std::function<void(outcome<T>)>;

/// Where the answers to one broadcast with acknowledgements go, from every server's share of
/// it. Thread safety: any thread.
class ack_sink {
public:
    virtual ~ack_sink() = default;
    /// Starts the timeout on `ex` (the first call does; later ones are ignored). An adapter that
    /// waits on other servers arms it, so that the broadcast ends even with no local recipient.
    virtual void arm(net::any_io_executor const& ex) = 0;
    /// One server's share: it sent the packet to `count` sockets. Answers may come before.
    virtual void sent_to(std::size_t count) = 0;
    virtual void answer(protocol::payload args) = 0;
    /// A socket it was sent to left without answering: not waited for.
    virtual void forfeit() = 0;
    /// Runs `f(timed_out)` once the broadcast has ended (at once if it has): on a timeout,
    /// what still waits for answers can be dropped; either way, bookkeeping can go.
    virtual void on_finish(std::function<void(bool timed_out)> f) = 0;
    /// How long the broadcast waits for answers (Node's flags.timeout).
    virtual std::chrono::milliseconds timeout() const = 0;
};

/// The answer a server-side event handler gives (Node's serverSideEmit ack: one value).
using server_answer = std::function<void(boost::json::value)>;

/// What an adapter acts on: the namespace's sockets on this server. The adapter decides which
/// (room arithmetic); this side encodes, sends and runs handlers.
class local_delivery {
public:
    virtual ~local_delivery() = default;
    /// Encode `p` once and send it to each of `targets`.
    virtual void deliver(std::vector<socket_id> const& targets, protocol::packet const& p,
                         bool is_volatile) = 0;
    /// Send `p`, which carries an ack id, to each of `targets` still here, their answers to
    /// `sink` (arming it); returns how many it was sent to.
    virtual std::size_t deliver_with_ack(std::vector<socket_id> const& targets,
                                         protocol::packet const& p, bool is_volatile,
                                         std::shared_ptr<ack_sink> const& sink) {
        (void)targets, (void)p, (void)is_volatile, (void)sink;
        return 0;
    }
    /// The details of those of `targets` still here, each read on its socket's own thread;
    /// `done` runs once, on any thread.
    virtual void describe(std::vector<socket_id> const& targets,
                          std::function<void(std::vector<socket_details>)> done) const {
        (void)targets;
        done({});
    }
    /// `targets` join `rooms` (as socket.join would: the per-socket room limit applies).
    virtual void join(std::vector<socket_id> const& targets, std::vector<room> const& rooms) {
        (void)targets, (void)rooms;
    }
    virtual void leave(std::vector<socket_id> const& targets, std::vector<room> const& rooms) {
        (void)targets, (void)rooms;
    }
    /// Disconnects `targets` from the namespace (with `close`, their whole connection).
    virtual void disconnect(std::vector<socket_id> const& targets, bool close) {
        (void)targets, (void)close;
    }
    /// An ack id for a packet this server sends to several of its sockets (the namespace's
    /// counter, which its sockets' own acks also draw from).
    virtual std::uint64_t next_ack_id() { return 0; }
    /// Another server's server_side_emit: `args` is [event, ...]; `answer` is set when that
    /// server waits for one.
    virtual void server_side_event(boost::json::array args, server_answer answer) {
        (void)args, (void)answer;
    }
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

    // --- cluster-wide operations (Node's adapter API) --------------------------------------
    // One server answers from its own sockets, at once; an adapter for several servers also
    // asks the others, and never makes this server's sockets wait for them. Completions run
    // once, on any thread. With broadcast_options::local, only this server is concerned.

    /// Node's broadcastWithAck: `p` (carrying its ack id) to every matching socket; each
    /// server that takes part tells `sink` how many it sent it to, and its answers.
    virtual void broadcast_with_ack(protocol::packet const& p, broadcast_options const& opts,
                                    std::shared_ptr<ack_sink> const& sink) = 0;
    /// How many servers share the namespace (this one included).
    virtual void server_count(completion<std::size_t> done) = 0;
    /// The matching sockets of every server.
    virtual void fetch_sockets(broadcast_options const& opts,
                               completion<std::vector<socket_details>> done) = 0;
    /// The matching sockets of every server join (add) or leave (del) `rooms`.
    virtual void add_sockets(broadcast_options const& opts, std::vector<room> const& rooms) = 0;
    virtual void del_sockets(broadcast_options const& opts, std::vector<room> const& rooms) = 0;
    virtual void disconnect_sockets(broadcast_options const& opts, bool close) = 0;
    /// Node's serverSideEmit: `args` ([event, ...]) to the namespace on every other server.
    /// With `done`, their answers (one per server), or an error when some did not answer in
    /// time; without, no answer is awaited.
    virtual void server_side_emit(boost::json::array const& args,
                                  completion<std::vector<boost::json::value>> done) = 0;
    /// The rooms of every server.
    virtual void all_rooms(completion<std::set<room>> done) = 0;
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
