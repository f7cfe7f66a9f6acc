#include "app/hello_app.hpp"

#include "sio/core/log.hpp"

#include "app/events.hpp"

#include <fmt/format.h>

namespace app {

using sio::socketio::event;
using sio::socketio::socket;

namespace {

void on_join_room(sio::socketio::server& io, socket& s, event& ev) {
    auto const room = ev.arg<std::string>(0);
    if (!room) {
        sio::log::warn("[socket.io] {} from {}: the room must be a string; ignored",
                       events::io_client_join_room, s.id());
        return;
    }
    if (room->empty() || room->size() > max_room_length) {
        sio::log::warn("[socket.io] {} from {}: a room name of {} characters (1 to {} allowed); "
                       "ignored",
                       events::io_client_join_room, s.id(), room->size(), max_room_length);
        return;
    }
    s.join(*room);
    sio::log::out(fmt::format("[socket.io] A client joined room {}.", *room));
    io.emit(events::io_server_hello, "Hello everyone!");
    io.to(*room).emit(events::io_server_hello, fmt::format("Hello clients of room {}!", *room));
    s.emit(events::io_server_hello, "Hello you!");
}

void on_client_hello(socket& s, event& ev) {
    auto const message = ev.arg<std::string>(0);
    if (!message) {
        sio::log::warn("[socket.io] {} from {}: the message must be a string; ignored",
                       events::io_client_hello, s.id());
        return;
    }
    sio::log::out(fmt::format("[socket.io] Client: {}", *message));
}

} // namespace

void register_hello_app(sio::socketio::server& io) {
    io.on_connection([&io](std::shared_ptr<socket> const& s) {
        sio::log::out("[socket.io] A client connected.");
        s->on(std::string(events::io_client_join_room),
              [&io](socket& self, event& ev) { on_join_room(io, self, ev); });
        s->on(std::string(events::io_client_hello), on_client_hello);
        s->on_any([](socket& self, event& ev) {
            if (ev.name() != events::io_client_join_room && ev.name() != events::io_client_hello)
                sio::log::warn("[socket.io] unknown event {:?} from {}; ignored", ev.name(),
                               self.id());
        });
        s->on_disconnect([](socket&, sio::socketio::disconnect_reason) {
            sio::log::out("[socket.io] A client disconnected.");
        });
    });
}

} // namespace app
