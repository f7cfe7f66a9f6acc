// The chapter's Socket.IO handlers: join a room, then hellos to everyone, the room and you.
#pragma once

#include "sio/socketio/server.hpp"

namespace app {

/// Longest room name accepted from a client.
inline constexpr std::size_t max_room_length = 128;

/// Registers the chapter's handlers on the main namespace of `io`.
void register_hello_app(sio::socketio::server& io);

} // namespace app
