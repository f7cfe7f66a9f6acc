// Where a Redis server is and how to log in: parsed from the URL form that node-redis and
// ioredis accept, so that one setting serves both kinds of cluster member.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sio::redis {

struct url {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string user;     ///< empty: AUTH with the password alone (the "default" user)
    std::string password; ///< empty: no AUTH
    unsigned db = 0;      ///< not 0: SELECT db on each connection
};

/// `redis://[[user]:password@]host[:port][/db]`, or `host[:port]` with no scheme. An IPv6
/// host is written in brackets (`[::1]:6379`); user and password may be percent-encoded.
/// Throws std::invalid_argument saying what is wrong with `text`.
url parse_url(std::string_view text);

} // namespace sio::redis
