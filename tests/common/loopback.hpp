// Server settings shared by the in-process tests: loopback only, a free port, short grace.
#pragma once

#include "sio/http/server.hpp"

#include <chrono>

namespace sio::test {

inline http::server_config loopback_config() {
    http::server_config c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.shutdown_grace = std::chrono::seconds(2);
    return c;
}

} // namespace sio::test
