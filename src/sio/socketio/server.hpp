// The Socket.IO server: namespaces (static and dynamic) over an Engine.IO endpoint.
//
// Public API (docs/PUBLIC-API.md): server_options and its fields; server: the constructor,
// engine() and path() (mount the one on the other), client_files() / client_path(), of(),
// main(), on_connection(), use(), all() / to() / in() / except() / volatile_(), emit().
#pragma once

#include "sio/engineio/config.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/observer.hpp"
#include "sio/socketio/socket.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sio::engineio {
class server;
} // namespace sio::engineio

namespace sio::http {
class request_handler;
} // namespace sio::http

namespace sio::socketio {

/// Node's connectionStateRecovery: a client that lost its connection and comes back within
/// `max_disconnection_duration` gets its socket id, rooms and data back, and the events
/// broadcast to it meanwhile. Costs memory: every event broadcast in that window is kept.
struct recovery_options {
    bool enabled = false;
    std::chrono::milliseconds max_disconnection_duration{120000};
    /// Recovered sockets do not run the connect middleware again.
    bool skip_middlewares = true;
};

struct server_options {
    server_options() { engine.path = "/socket.io/"; }
    recovery_options connection_state_recovery;
    engineio::config engine;
    /// A connection that joins no namespace within this time is closed.
    std::chrono::milliseconds connect_timeout{45000};
    /// Binary attachments allowed in one packet.
    std::size_t max_attachments = 10;
    /// Namespaces one connection may join at once; a CONNECT past it gets CONNECT_ERROR
    /// "Too many namespaces" (0: no limit).
    std::size_t max_namespaces_per_connection = 100;
    /// Rooms a socket may be in besides its own; a join past it is refused with a log line
    /// and socket::join returns false (0: no limit).
    std::size_t max_rooms_per_socket = 10'000;
    /// Makes each namespace's adapter (Node's `adapter` option): rooms and the fan-out of
    /// broadcasts. Empty: adapter::make_in_memory_adapter, this process only.
    adapter::adapter_factory adapter;
};

/// Decides whether an unknown namespace name may be created on the fly.
using namespace_predicate =
    std::function<bool(std::string_view name, boost::json::value const& auth)>;

class server_state;

/// Thread safety: configure (of, use, on_connection) before serving; emits and broadcasts
/// from any thread, any time.
class server {
public:
    explicit server(server_options options = {});
    ~server();
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// The Engine.IO endpoint to mount on the HTTP server at path().
    std::shared_ptr<engineio::server> engine() const;
    std::string const& path() const;

    /// Node's serveClient: the socket.io-client bundles (socket.io.js, socket.io.min.js,
    /// socket.io.esm.min.js, ... and their source maps) from `dist`, the dist folder of a
    /// socket.io-client package, with ETags and gzip. Mount it at client_path()
    /// ("/socket.io/socket.io"), so that pages keep their
    /// <script src="/socket.io/socket.io.js">.
    std::shared_ptr<http::request_handler> client_files(std::filesystem::path dist) const;
    std::string client_path() const { return path() + "socket.io"; }

    /// The namespace `name` ("/chat"), created on first use.
    nsp& of(std::string const& name);
    /// Namespaces created on demand when `accept` says so; `setup` configures each new one.
    /// Returns the parent of the namespaces it creates (Node's io.of(regex)): emit() and
    /// to(room).emit() reach every one of them.
    parent_namespace& of(namespace_predicate accept, std::function<void(nsp&)> setup);

    /// Every namespace so far (dynamic ones included), as Node's io._nsps.
    std::vector<std::shared_ptr<nsp>> namespaces() const;
    /// Installs the server-wide observer (observer.hpp), before serving: it sees every
    /// namespace, existing and later ones. One at most; null removes it.
    void observe(std::shared_ptr<observer> o);

    /// The main namespace "/".
    nsp& main() { return of("/"); }
    void on_connection(connection_handler handler) { main().on_connection(std::move(handler)); }
    void use(middleware mw) { main().use(std::move(mw)); }
    void use(async_middleware mw) { main().use(std::move(mw)); }
    void use(awaitable_middleware mw) { main().use(std::move(mw)); }
    /// Every socket of the main namespace (then .emit_with_ack, .sockets(), ...).
    broadcast_operator all() { return main().all(); }
    broadcast_operator to(std::string room) { return main().to(std::move(room)); }
    broadcast_operator in(std::string room) { return main().in(std::move(room)); }
    broadcast_operator except(std::string room) { return main().except(std::move(room)); }
    broadcast_operator volatile_() { return main().volatile_(); }
    template <class... Args>
    void emit(std::string_view event_name, Args&&... args) {
        main().emit(event_name, std::forward<Args>(args)...);
    }

private:
    std::shared_ptr<server_state> state_;
    std::shared_ptr<engineio::server> engine_;
};

} // namespace sio::socketio
