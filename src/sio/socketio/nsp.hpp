// A namespace: its connection handlers and middleware, its sockets, its adapter; and the
// broadcast builder (to / except / volatile / local).
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/core/net.hpp"
#include "sio/socketio/vocabulary.hpp"

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sio::socketio {

class socket;
class nsp;

/// A refusal from connect middleware: sent as CONNECT_ERROR {"message":..., "data":...}.
struct connect_error {
    std::string message;
    std::optional<boost::json::value> data;
};

using connection_handler = std::function<void(std::shared_ptr<socket> const&)>;
/// Runs before a socket joins; returns an error to refuse it.
using middleware = std::function<std::optional<connect_error>(socket&)>;

/// Given to asynchronous middleware: call it with nothing to let the connection through,
/// with an error to refuse it. From any thread; only the first call counts.
class next_fn {
public:
    struct state;
    explicit next_fn(std::shared_ptr<state> st);
    void operator()(std::optional<connect_error> refusal = std::nullopt) const;

private:
    std::shared_ptr<state> state_;
};
/// Node's `use((socket, next) => ...)`: may call `next` later, from any thread.
using async_middleware = std::function<void(std::shared_ptr<socket> const&, next_fn)>;
/// A coroutine run on the socket's executor; co_return an error to refuse. An exception
/// refuses with "Internal server error" (its text goes to the log, not to the client).
using awaitable_middleware =
    std::function<awaitable<std::optional<connect_error>>(std::shared_ptr<socket>)>;
/// Where the middleware chain ends: nullopt lets the socket in.
using middleware_done = std::function<void(std::optional<connect_error>)>;

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
    /// Node's `io.timeout(ms).emit(..., callback)`: every matching socket is asked for an
    /// acknowledgement; `callback` runs once, when all answered or at `timeout`, on an I/O
    /// thread (at once, on the caller's, when nothing matches). Sockets that disconnect
    /// before answering are not waited for.
    void emit_with_ack(std::string_view event_name, payload p, std::chrono::milliseconds timeout,
                       broadcast_ack_callback callback) const;

    /// The matching sockets of this server.
    std::vector<std::shared_ptr<socket>> sockets() const;
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

/// Thread safety: use(), on_connection() before the server starts; the rest from any thread.
class nsp : public adapter::local_delivery, public std::enable_shared_from_this<nsp> {
public:
    /// With `recovery`, its adapter keeps state for connection state recovery that long.
    explicit nsp(std::string name,
                 std::optional<std::chrono::milliseconds> recovery = std::nullopt);
    ~nsp() override;

    std::string const& name() const { return name_; }

    void on_connection(connection_handler handler);
    /// Middleware runs in the order added; the first refusal ends the chain.
    void use(middleware mw);
    void use(async_middleware mw);
    void use(awaitable_middleware mw);

    broadcast_operator to(std::string room);
    broadcast_operator in(std::string room) { return to(std::move(room)); }
    broadcast_operator except(std::string room);
    broadcast_operator volatile_();
    broadcast_operator local();
    /// Every socket of the namespace.
    broadcast_operator all();
    template <class... Args>
    void emit(std::string_view event_name, Args&&... args) {
        all().emit(event_name, std::forward<Args>(args)...);
    }

    std::shared_ptr<socket> find(std::string const& id) const;
    std::size_t socket_count() const;
    /// Acknowledgement ids are the namespace's (as in Node), so one broadcast packet can
    /// carry the same id to every recipient.
    std::uint64_t next_ack_id() { return next_ack_id_.fetch_add(1, std::memory_order_relaxed); }
    adapter::adapter& get_adapter() { return *adapter_; }

    // --- used by client ---
    /// Runs the middleware from `index` on; `done` runs on the socket's executor (at once
    /// when every middleware answered synchronously).
    void run_middleware(std::shared_ptr<socket> const& s, middleware_done done,
                        std::size_t index = 0) const;
    void add(std::shared_ptr<socket> const& s);
    void remove(socket const& s);
    void notify_connection(std::shared_ptr<socket> const& s) const;
    /// Copies the handlers of `parent` (a dynamic namespace's template).
    void inherit(nsp const& parent);

    void deliver(std::vector<adapter::socket_id> const& targets, packet const& p,
                 bool is_volatile) override;

private:
    std::string name_;
    std::vector<connection_handler> connection_handlers_;
    std::vector<async_middleware> middlewares_;
    std::unique_ptr<adapter::adapter> adapter_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::weak_ptr<socket>> sockets_;
    std::atomic<std::uint64_t> next_ack_id_{0};
};

/// An event packet for `name` and `p`; throws std::invalid_argument for reserved names.
packet make_event_packet(std::string_view nsp_name, std::string_view event_name, payload p);

} // namespace sio::socketio
