// Running a server process: I/O threads until SIGINT or SIGTERM, then a graceful stop.
//
// Public API (docs/PUBLIC-API.md): run_until_signal, the usual end of main().
#pragma once

#include "sio/core/io_pool.hpp"
#include "sio/http/server.hpp"

#include <functional>

namespace sio::http {

/// Runs the pool's io_contexts, one per thread (this one included). SIGINT or SIGTERM stops
/// `srv` gracefully: it stops accepting, tells every client, and this returns as soon as
/// every connection has ended. The server's shutdown_grace bounds that for clients that do
/// not cooperate: past it, whatever is left is cut off. Returns false in that case.
/// `after_drain` runs once the drain is over (at the signal without one): the place to stop
/// what else keeps the pool busy, such as a Redis adapter's connections.
bool run_until_signal(io_pool& pool, server& srv, std::function<void()> after_drain = {});

} // namespace sio::http
