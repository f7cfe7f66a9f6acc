// The tutorial chapter's hello app, built against the installed library: a client that
// joins a room (IO_CLIENT_JOIN_ROOM "room") gets three IO_SERVER_HELLOs: one sent to
// everyone, one to the room, one to itself.
//
//   hello [--port N] [--host ADDR] [--www DIR]
//
// --port 0 picks a free port; the port is printed as "Listening on port N". With --www, DIR
// is served too: DIR/index.html at /, DIR/<file> at /static/<file>.
#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <sio/core/io_pool.hpp>
#include <sio/core/log.hpp>
#include <sio/engineio/server.hpp> // what io.engine() returns, to mount
#include <sio/http/run.hpp>
#include <sio/http/server.hpp>
#include <sio/http/static_files.hpp>
#include <sio/socketio/server.hpp>
#include <sio/version.hpp>
#include <string>
#include <string_view>

namespace {

int usage(std::string_view error) {
    fmt::print(stderr, "hello: {}\nusage: hello [--port N] [--host ADDR] [--www DIR]\n", error);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    sio::http::server_config config; // 0.0.0.0:8000 unless told otherwise
    std::filesystem::path www;
    for (int i = 1; i < argc; i += 2) {
        std::string_view const option = argv[i];
        if (i + 1 == argc)
            return usage(fmt::format("{} needs a value", option));
        std::string_view const value = argv[i + 1];
        if (option == "--port") {
            auto const last = value.data() + value.size();
            auto const [end, ec] = std::from_chars(value.data(), last, config.port);
            if (ec != std::errc{} || end != last)
                return usage(
                    fmt::format("--port expects a number from 0 to 65535, got '{}'", value));
        } else if (option == "--host") {
            config.host = value;
        } else if (option == "--www") {
            www = value;
        } else {
            return usage(fmt::format("unknown option '{}'", option));
        }
    }

    sio::io_pool pool{2}; // I/O threads
    sio::http::server http_server{pool, config};
    if (!www.empty())
        http_server.set_fallback(std::make_shared<sio::http::static_files>(
            sio::http::static_config{.index_file = www / "index.html", .roots = {www}}));

    sio::socketio::server io; // Engine.IO and Socket.IO at /socket.io/
    io.on_connection([&io](std::shared_ptr<sio::socketio::socket> const& s) {
        s->on("IO_CLIENT_JOIN_ROOM", [&io](sio::socketio::socket& self, sio::socketio::event& ev) {
            auto const room = ev.arg<std::string>(0);
            if (!room || room->empty()) {
                sio::log::warn("IO_CLIENT_JOIN_ROOM from {} without a room name", self.id());
                return;
            }
            self.join(*room);
            io.emit("IO_SERVER_HELLO", "Hello everyone!");
            io.to(*room).emit("IO_SERVER_HELLO", fmt::format("Hello clients of room {}!", *room));
            self.emit("IO_SERVER_HELLO", "Hello you!");
        });
    });
    http_server.mount(io.path(), io.engine());

    try {
        auto const bound = http_server.start();
        sio::log::out(fmt::format("Listening on port {} (socketio_cpp {})", bound.port(),
                                  sio::version_string));
    } catch (std::exception const& e) {
        sio::log::error("cannot listen on {}:{}: {}", config.host, config.port, e.what());
        return 1;
    }
    sio::http::run_until_signal(pool, http_server); // until SIGINT or SIGTERM, then graceful
    return 0;
}
