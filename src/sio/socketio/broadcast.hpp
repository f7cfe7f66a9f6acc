// Broadcasts: the immutable builder (to / except / volatile / local) over one namespace's
// adapter, the same over every child of a parent namespace, and broadcasts that collect
// acknowledgements.
//
// Public API (docs/PUBLIC-API.md): broadcast_operator and parent_namespace as the server,
// a namespace or a socket return them (to, except, volatile_, local, emit, emit_with_ack,
// sockets, fetch_sockets, sockets_join / sockets_leave, disconnect_sockets), and
// broadcast_ack_result. Constructing them, and the "used by the server" members, are internal.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/socketio/vocabulary.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sio::socketio {

class socket;
class nsp;
class remote_socket;

/// The outcome of a broadcast with acknowledgements: the answers that came in, in arrival
/// order; `timed_out` when the timeout came first (then some are missing).
struct broadcast_ack_result {
    bool timed_out = false;
    std::vector<payload> answers;
};
using broadcast_ack_callback = std::function<void(broadcast_ack_result)>;

/// An immutable broadcast description; each builder call returns a new one.
/// Thread safety: any thread.
class broadcast_operator {
public:
    broadcast_operator(std::shared_ptr<nsp> ns, adapter::broadcast_options opts);

    broadcast_operator to(std::string room) const;
    broadcast_operator in(std::string room) const { return to(std::move(room)); }
    broadcast_operator except(std::string room) const;
    /// May be dropped for clients that are not keeping up.
    broadcast_operator volatile_() const;
    /// Only this server's sockets (a no-op until there are several servers).
    broadcast_operator local() const;

    template <class... Args>
    void emit(std::string_view event_name, Args&&... args) const {
        emit_payload(event_name, make_payload(std::forward<Args>(args)...));
    }
    void emit_payload(std::string_view event_name, payload p) const;
    /// Node's `io.timeout(ms).emit(..., callback)`: every matching socket, on every server,
    /// is asked for an acknowledgement; `callback` runs once, when all answered or at
    /// `timeout`, on an I/O thread (at once, on the caller's, when nothing matches). Sockets
    /// of this server that disconnect before answering are not waited for.
    void emit_with_ack(std::string_view event_name, payload p, std::chrono::milliseconds timeout,
                       broadcast_ack_callback callback) const;

    /// The matching sockets of this server.
    std::vector<std::shared_ptr<socket>> sockets() const;

    // Cluster-wide (every server, through the adapter; this one only after local()).
    /// Node's fetchSockets: the matching sockets of every server. `done` runs once, on any
    /// thread, with them or with why they could not all be had (another server did not answer
    /// in time).
    void fetch_sockets(adapter::completion<std::vector<remote_socket>> done) const;
    /// The same from a coroutine: throws std::runtime_error with the reason on failure.
    awaitable<std::vector<remote_socket>> fetch_sockets() const;
    void sockets_join(std::string const& room) const;
    void sockets_leave(std::string const& room) const;
    void disconnect_sockets(bool close = false) const;

private:
    std::shared_ptr<nsp> nsp_;
    adapter::broadcast_options opts_;
};

/// The namespaces one predicate of server::of(predicate, setup) created (Node's
/// ParentNamespace): broadcasts to all of them at once. Thread safety: any thread.
class parent_namespace {
public:
    /// Each child's sockets, or those in `rooms` / not in `except` of each child.
    class broadcast {
    public:
        broadcast(std::vector<std::shared_ptr<nsp>> children, adapter::broadcast_options opts);
        broadcast to(std::string room) const;
        broadcast except(std::string room) const;
        template <class... Args>
        void emit(std::string_view event_name, Args&&... args) const {
            emit_payload(event_name, make_payload(std::forward<Args>(args)...));
        }
        void emit_payload(std::string_view event_name, payload const& p) const;

    private:
        std::vector<std::shared_ptr<nsp>> children_;
        adapter::broadcast_options opts_;
    };

    /// The namespaces created so far, in creation order.
    std::vector<std::shared_ptr<nsp>> children() const;
    broadcast to(std::string room) const { return all().to(std::move(room)); }
    broadcast except(std::string room) const { return all().except(std::move(room)); }
    broadcast all() const { return {children(), {}}; }
    template <class... Args>
    void emit(std::string_view event_name, Args&&... args) const {
        all().emit(event_name, std::forward<Args>(args)...);
    }

    // --- used by the server ---
    void add_child(std::shared_ptr<nsp> child);

private:
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<nsp>> children_;
};

/// An event packet for `name` and `p`; throws std::invalid_argument for reserved names.
packet make_event_packet(std::string_view nsp_name, std::string_view event_name, payload p);

} // namespace sio::socketio
