// Running a server process: I/O threads until SIGINT or SIGTERM, then a graceful stop.
#pragma once

#include "sio/core/io_pool.hpp"
#include "sio/http/server.hpp"

namespace sio::http {

/// Runs the pool's io_contexts, one per thread (this one included). SIGINT or SIGTERM stops
/// `srv` gracefully: it stops accepting, tells every client, and this returns as soon as
/// every connection has ended. The server's shutdown_grace bounds that for clients that do
/// not cooperate: past it, whatever is left is cut off. Returns false in that case.
bool run_until_signal(io_pool& pool, server& srv);

} // namespace sio::http
