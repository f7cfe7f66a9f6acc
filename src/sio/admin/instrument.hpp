// The server side of the official Socket.IO Admin UI (@socket.io/admin-ui 0.5.1, Node's
// `instrument(io, options)`): an authenticated admin namespace that receives the server's
// stats, its sockets and rooms (and in development mode every event), and may disconnect
// sockets or make them join and leave rooms.
#pragma once

#include "sio/admin/payloads.hpp"
#include "sio/admin/session_store.hpp"
#include "sio/core/net.hpp"
#include "sio/socketio/server.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace sio::admin {

/// Node's `auth: {type: "basic", username, password}`: `password_hash` is a bcrypt hash
/// ($2a$, $2b$ or $2y$), never the password itself.
struct basic_auth {
    std::string username;
    std::string password_hash;
};

struct options {
    /// The admin namespace (Node's namespaceName).
    std::string namespace_name = "/admin";
    /// Node's `auth`; nullopt is Node's `auth: false` (anyone who reaches the server may
    /// administer it: a warning is logged).
    std::optional<basic_auth> auth;
    /// No command from the UI is accepted (their handlers are not registered, as in Node).
    bool readonly = false;
    admin::mode mode = admin::mode::development;
    /// Names this server in the UI; empty: "<hostname>#<pid>" (Node's form for a cluster
    /// worker, so that servers of one host stay apart).
    std::string server_id;
    /// The UI's session ids; null: make_in_memory_store().
    std::shared_ptr<session_store> store;
    /// How often server_stats is sent (Node: 2 s).
    std::chrono::milliseconds stats_interval{2000};
};

class instrumentation;

/// Instruments `io` (before it serves): creates the admin namespace with its authentication,
/// observes every namespace (server::observe) and sends server_stats every stats_interval on
/// `ex`. Throws std::invalid_argument for a password_hash that is no bcrypt hash. Keep the
/// result; call stop() before the io_context should run out of work.
std::shared_ptr<instrumentation> instrument(socketio::server& io, net::any_io_executor ex,
                                            options opts);

class instrumentation {
public:
    virtual ~instrumentation() = default;
    /// Stops the stats timer (the rest goes with the server).
    virtual void stop() = 0;
};

} // namespace sio::admin
