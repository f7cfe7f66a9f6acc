// The C++ counterpart of Node's @socket.io/redis-emitter 5.1: a program that is not a
// Socket.IO server (a worker, a cron job, a CLI) emits to the clients of a Redis-backed
// cluster of Node and C++ servers (classic adapter), or makes their sockets join, leave or
// disconnect, by publishing what the emitter publishes. Nothing is received: no acks, no
// fetchSockets, no answers to serverSideEmit, as in Node.
//
//   net::io_context ioc;
//   redis::options ro;
//   ro.where = redis::parse_url("redis://127.0.0.1:6379");
//   cluster::emitter io(ioc.get_executor(), ro);
//   io.to("room-A").except("muted").emit("news", "hello", protocol::binary{bytes});
//   io.of("/admin").in("room-B").sockets_join("room-C");
//   io.flush([&](std::string const& error) { ioc.stop(); }); // before exiting
//   ioc.run();
//
// Public API (docs/PUBLIC-API.md): emitter_options, emitter and emitter_operator (as below);
// socketio_cpp::cluster is enough to link it, without the server layers. namespace detail is
// internal.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/cluster/wire.hpp"
#include "sio/core/net.hpp"
#include "sio/protocol/payload.hpp"
#include "sio/redis/client.hpp"
#include "sio/redis/options.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value_from.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace sio::cluster {

struct emitter_options {
    /// The channels' prefix (Node's `key`): the same as the cluster's adapters use.
    std::string key = "socket.io";
};

/// What the emitter publishes to: PUBLISH `channel` `message`.
using publish_function = std::function<void(std::string_view channel, std::string_view message)>;

/// Called once by emitter::flush: empty when done, else why not.
using flush_callback = std::function<void(std::string const& error)>;

/// The uid the emitter's broadcasts (and its serverSideEmit) carry, as Node's does: no server
/// has it, so none drops them as its own echo.
inline constexpr std::string_view emitter_uid = "emitter";

namespace detail {
struct emitter_link;
}

class emitter_operator;

/// An emitter for one namespace ("/" at first). Copies share the connection; of() gives
/// another namespace over the same one. Immutable, like its builders: to(), except(), ...
/// return new objects. Thread safety: any thread; what one thread publishes is published in
/// that order (one connection).
class emitter {
public:
    /// Its own Redis connection on `ex` (which must run one handler at a time: a strand, or a
    /// context run by one thread), made now and again after each loss, forever. Until it is
    /// up, publishes wait in the client's outage buffer (redis::options' limits apply).
    emitter(net::any_io_executor ex, redis::options const& redis_options,
            emitter_options options = {});
    /// Over `client` (made on `ex`, started or not: it is started here). The emitter takes
    /// the client's on_state callback for flush().
    emitter(net::any_io_executor ex, redis::client client, emitter_options options = {});
    /// Without Redis: every message goes to `publish`, at once, on the caller's thread (for
    /// tests, or another transport).
    explicit emitter(publish_function publish, emitter_options options = {});

    /// The same connection, namespace `nsp` ("/" prepended if missing, as Node does).
    emitter of(std::string_view nsp) const;
    std::string const& nsp() const { return nsp_; }

    /// Every socket of the namespace: the builder the others start from.
    emitter_operator all() const;

    emitter_operator to(std::string room) const;
    emitter_operator in(std::string room) const;
    emitter_operator except(std::string room) const;
    /// Node's `volatile`: receivers may drop it for clients that are not keeping up.
    emitter_operator volatile_() const;
    emitter_operator compress(bool compress) const;

    /// Every socket of the namespace, on every server. JSON arguments, or protocol::binary
    /// (a Buffer at the client). Throws std::invalid_argument for a reserved event name
    /// (connect, disconnect, ...), as Node does.
    template <class... Args>
    void emit(std::string_view event_name, Args&&... args) const;
    void emit_payload(std::string_view event_name, protocol::payload p) const;

    void sockets_join(std::string room) const;
    void sockets_join(std::vector<std::string> rooms) const;
    void sockets_leave(std::string room) const;
    void sockets_leave(std::vector<std::string> rooms) const;
    /// `close`: close the underlying connection too, not only the namespace's socket.
    void disconnect_sockets(bool close = false) const;

    /// Calls every server's server-side listeners of `event_name` with `args` (Node's
    /// `io.on(event, ...)`), without a way to answer. JSON only: the request is JSON, where
    /// binary does not survive (a compile error here).
    template <class... Args>
    void server_side_emit(std::string_view event_name, Args&&... args) const;
    void server_side_emit_args(std::string_view event_name, boost::json::array args) const;

    /// Calls `done` (on the executor) once Redis has answered a PING sent after every publish
    /// made before this call from this thread: those were processed by Redis in order (one
    /// connection), unless the outage buffer dropped them (get_stats().dropped_publishes) or
    /// a connection lost with them in flight took them (pub/sub is at most once). Waits for
    /// a connection when there is none; `done` gets an error after `timeout`. An emitter
    /// without Redis calls `done` at once. Publishes still buffered when the last copy of an
    /// emitter goes are dropped: a program that exits flushes first.
    void flush(flush_callback done,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;

    /// The connection's counters (all zero without Redis).
    redis::stats get_stats() const;

private:
    emitter(std::shared_ptr<detail::emitter_link> link, std::string nsp);

    std::shared_ptr<detail::emitter_link> link_;
    std::string nsp_;
};

/// Node's emitter BroadcastOperator: who an emit, join, leave or disconnect is for.
class emitter_operator {
public:
    emitter_operator to(std::string room) const;
    emitter_operator in(std::string room) const { return to(std::move(room)); }
    emitter_operator except(std::string room) const;
    emitter_operator volatile_() const;
    emitter_operator compress(bool compress) const;

    template <class... Args>
    void emit(std::string_view event_name, Args&&... args) const {
        emit_payload(event_name, protocol::make_payload(std::forward<Args>(args)...));
    }
    void emit_payload(std::string_view event_name, protocol::payload p) const;

    void sockets_join(std::string room) const;
    void sockets_join(std::vector<std::string> rooms) const;
    void sockets_leave(std::string room) const;
    void sockets_leave(std::vector<std::string> rooms) const;
    void disconnect_sockets(bool close = false) const;

private:
    friend class emitter;
    emitter_operator(std::shared_ptr<detail::emitter_link> link, std::string nsp);
    void publish_command(request_type type, std::vector<std::string> rooms, bool close) const;

    std::shared_ptr<detail::emitter_link> link_;
    std::string nsp_;
    adapter::broadcast_options opts_; ///< rooms, except, is_volatile
    broadcast_flags flags_;           ///< compress
};

template <class... Args>
void emitter::emit(std::string_view event_name, Args&&... args) const {
    emit_payload(event_name, protocol::make_payload(std::forward<Args>(args)...));
}

template <class... Args>
void emitter::server_side_emit(std::string_view event_name, Args&&... args) const {
    static_assert((!std::is_same_v<std::decay_t<Args>, protocol::binary> && ...),
                  "server_side_emit is JSON: binary does not survive it (as in Node)");
    boost::json::array a;
    a.reserve(sizeof...(Args));
    (a.push_back(boost::json::value_from(std::forward<Args>(args))), ...);
    server_side_emit_args(event_name, std::move(a));
}

} // namespace sio::cluster
