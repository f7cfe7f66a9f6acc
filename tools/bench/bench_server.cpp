// The server sio_loadgen measures: Socket.IO at /socket.io/ with default engine options and
// three events on the main namespace: echo (acks its arguments), join (room) and
// broadcast (room, payload) which emits "msg" to the room.
// Usage: sio_bench_server PORT [THREADS]   (PORT 0 picks a free port; THREADS defaults to
// the number of cores)
#include "sio/core/log.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/run.hpp"
#include "sio/http/server.hpp"
#include "sio/socketio/server.hpp"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

using namespace sio;

template <class T>
bool parse_number(std::string_view text, T& out) {
    auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

void setup_handlers(socketio::server& io) {
    io.on_connection([&io](std::shared_ptr<socketio::socket> const& s) {
        s->on("echo", [](socketio::socket&, socketio::event& ev) { ev.ack_payload(ev.data()); });
        s->on("join", [](socketio::socket& self, socketio::event& ev) {
            auto room = ev.arg<std::string>(0);
            if (room)
                self.join(*room);
            ev.ack(room.has_value());
        });
        s->on("broadcast", [&io](socketio::socket&, socketio::event& ev) {
            auto room = ev.arg<std::string>(0);
            if (!room || ev.args().size() < 2) {
                ev.ack(false);
                return;
            }
            io.to(*room).emit("msg", ev.args()[1]);
            ev.ack(true); // sent only when the client asked for it
        });
    });
}

} // namespace

int main(int argc, char** argv) {
    std::uint16_t port = 0;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    if (argc < 2 || argc > 3 || !parse_number(argv[1], port) ||
        (argc == 3 && (!parse_number(argv[2], threads) || threads == 0))) {
        fmt::print(stderr, "usage: sio_bench_server PORT [THREADS]\n");
        return 2;
    }
    log::set_level(log::level::warn);
    io_pool pool{threads};

    http::server_config hc;
    hc.host = "127.0.0.1";
    hc.port = port;
    http::server server{pool, hc};
    socketio::server io;
    setup_handlers(io);
    server.mount(io.path(), io.engine());

    auto const ep = server.start();
    fmt::print("bench server on http://127.0.0.1:{}\n", ep.port());
    std::fflush(stdout);

    http::run_until_signal(pool, server);
    return 0;
}
