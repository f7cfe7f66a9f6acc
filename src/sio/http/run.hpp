// Running a server process: I/O threads until SIGINT or SIGTERM, then a graceful stop.
#pragma once

#include "sio/http/server.hpp"

namespace sio::http {

/// Runs `ioc` on `threads` threads (this one included). SIGINT or SIGTERM stops `srv`
/// gracefully; returns once every connection has ended and the io_context has run out of work.
void run_until_signal(net::io_context& ioc, server& srv, unsigned threads);

} // namespace sio::http
