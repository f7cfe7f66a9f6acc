// The chapter's event names. The web client has the same constants in www/src/config.js;
// a unit test reads that file and checks that the two agree.
#pragma once

#include <array>
#include <string_view>
#include <utility>

namespace app::events {

inline constexpr std::string_view io_connect = "connect";
inline constexpr std::string_view io_disconnect = "disconnect";
inline constexpr std::string_view io_client_hello = "IO_CLIENT_HELLO";
inline constexpr std::string_view io_client_join_room = "IO_CLIENT_JOIN_ROOM";
inline constexpr std::string_view io_server_hello = "IO_SERVER_HELLO";

/// Name as in config.js, value on the wire.
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 5> all{{
    {"IO_CONNECT", io_connect},
    {"IO_DISCONNECT", io_disconnect},
    {"IO_CLIENT_HELLO", io_client_hello},
    {"IO_CLIENT_JOIN_ROOM", io_client_join_room},
    {"IO_SERVER_HELLO", io_server_hello},
}};

} // namespace app::events
