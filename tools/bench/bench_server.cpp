// The server sio_loadgen measures: Socket.IO at /socket.io/ with default engine options and
// three events on the main namespace: echo (acks its arguments), join (room) and
// broadcast (room, payload) which emits "msg" to the room.
// Usage: sio_bench_server PORT [THREADS]   (PORT 0 picks a free port; THREADS defaults to
// the number of cores). With REDIS_URL set it joins a cluster through that Redis (the
// cluster-fanout scenario), as the Node baseline does.
#include "sio/cluster/redis_adapter.hpp"
#include "sio/core/log.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/run.hpp"
#include "sio/http/server.hpp"
#include "sio/redis/url.hpp"
#include "sio/socketio/server.hpp"

#include <boost/asio/strand.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
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

    std::optional<cluster::redis_link> redis;
    socketio::server_options io_options;
    if (char const* url = std::getenv("REDIS_URL"); url && *url) {
        redis::options ro;
        try {
            ro.where = redis::parse_url(url);
        } catch (std::exception const& e) {
            fmt::print(stderr, "sio_bench_server: REDIS_URL: {}\n", e.what());
            return 2;
        }
        redis.emplace(net::make_strand(pool.next()), ro);
        redis->start();
        io_options.adapter = redis->adapter_factory();
    }
    socketio::server io{io_options};
    setup_handlers(io);
    server.mount(io.path(), io.engine());

    auto const ep = server.start();
    fmt::print("bench server on http://127.0.0.1:{}\n", ep.port());
    std::fflush(stdout);

    http::run_until_signal(pool, server, [&redis] {
        if (redis)
            redis->stop();
    });
    return 0;
}
