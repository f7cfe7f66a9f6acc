// A namespace: its connection handlers and middleware, its sockets, its adapter.
//
// Public API (docs/PUBLIC-API.md): what a handler reaches through server::of(): name,
// on_connection, use, to / in / except / volatile_ / local / all, emit, the cluster calls
// (server_side_emit*, on_server_side, server_count, all_rooms), find, socket_count. The
// constructor and the members from "used by client" on are the library's own.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/core/net.hpp"
#include "sio/socketio/broadcast.hpp"
#include "sio/socketio/middleware.hpp"
#include "sio/socketio/observer.hpp"
#include "sio/socketio/vocabulary.hpp"

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace sio::socketio {

class socket;

using connection_handler = std::function<void(std::shared_ptr<socket> const&)>;
/// An event another server sent with server_side_emit: its arguments (after the name), and
/// `answer`, set when that server waits for one (call it once).
using server_event_handler =
    std::function<void(boost::json::array args, adapter::server_answer answer)>;

/// Thread safety: use(), on_connection() before the server starts; the rest from any thread.
class nsp : public adapter::local_delivery, public std::enable_shared_from_this<nsp> {
public:
    /// Its adapter comes from `make_adapter` (in memory when empty); with `recovery`, the
    /// adapter keeps state for connection state recovery that long. A socket may be in at
    /// most `max_rooms_per_socket` rooms besides its own (0: no limit).
    nsp(std::string name, adapter::adapter_factory const& make_adapter,
        std::optional<std::chrono::milliseconds> recovery = std::nullopt,
        std::size_t max_rooms_per_socket = 0);
    ~nsp() override;

    std::string const& name() const { return name_; }
    std::size_t max_rooms_per_socket() const { return max_rooms_per_socket_; }

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

    // --- the cluster (one server with the in-memory adapter) ---
    /// Node's serverSideEmit: `event_name` and `args` to this namespace on every other server
    /// (JSON arguments only). Throws std::invalid_argument for a reserved event name.
    void server_side_emit(std::string_view event_name, boost::json::array args = {});
    /// The same, waiting for every other server's answer (one value each); `done` runs once,
    /// on any thread, with an error when some did not answer in time.
    void server_side_emit_with_ack(std::string_view event_name, boost::json::array args,
                                   adapter::completion<std::vector<boost::json::value>> done);
    /// Node's io.on(event) for events from other servers.
    void on_server_side(std::string event_name, server_event_handler handler);
    /// How many servers share the namespace, and the rooms of all of them.
    void server_count(adapter::completion<std::size_t> done);
    void all_rooms(adapter::completion<std::set<std::string>> done);

    std::shared_ptr<socket> find(std::string const& id) const;
    std::size_t socket_count() const;
    /// Acknowledgement ids are the namespace's (as in Node), so one broadcast packet can
    /// carry the same id to every recipient.
    std::uint64_t next_ack_id() override {
        return next_ack_id_.fetch_add(1, std::memory_order_relaxed);
    }
    adapter::adapter& get_adapter() { return *adapter_; }
    /// The server's observer (server::observe), or null: every hook tests it first.
    observer* get_observer() const { return observer_.get(); }
    /// Set by the server before serving, for every namespace it has or creates.
    void set_observer(std::shared_ptr<observer> o) { observer_ = std::move(o); }

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

    // --- adapter::local_delivery: what the adapter has this server's sockets do ---
    void deliver(std::vector<adapter::socket_id> const& targets, packet const& p,
                 bool is_volatile) override;
    std::size_t deliver_with_ack(std::vector<adapter::socket_id> const& targets, packet const& p,
                                 bool is_volatile,
                                 std::shared_ptr<adapter::ack_sink> const& sink) override;
    void describe(std::vector<adapter::socket_id> const& targets,
                  std::function<void(std::vector<adapter::socket_details>)> done) const override;
    void join(std::vector<adapter::socket_id> const& targets,
              std::vector<adapter::room> const& rooms) override;
    void leave(std::vector<adapter::socket_id> const& targets,
               std::vector<adapter::room> const& rooms) override;
    void disconnect(std::vector<adapter::socket_id> const& targets, bool close) override;
    void server_side_event(boost::json::array args, adapter::server_answer answer) override;

private:
    std::string name_;
    std::vector<connection_handler> connection_handlers_;
    std::vector<async_middleware> middlewares_;
    std::vector<std::pair<std::string, server_event_handler>> server_event_handlers_;
    std::unique_ptr<adapter::adapter> adapter_;
    std::shared_ptr<observer> observer_;
    mutable std::mutex mutex_;
    std::size_t max_rooms_per_socket_ = 0;
    std::unordered_map<std::string, std::weak_ptr<socket>> sockets_;
    std::atomic<std::uint64_t> next_ack_id_{0};
};

} // namespace sio::socketio
