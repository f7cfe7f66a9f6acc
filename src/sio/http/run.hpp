// Running a server process: I/O threads until SIGINT or SIGTERM, then a graceful stop.
#pragma once

#include "sio/core/io_pool.hpp"
#include "sio/http/server.hpp"

namespace sio::http {

/// Runs the pool's io_contexts, one per thread (this one included). SIGINT or SIGTERM stops
/// `srv` gracefully; returns once every connection has ended and the pool has run out of work.
void run_until_signal(io_pool& pool, server& srv);

} // namespace sio::http
