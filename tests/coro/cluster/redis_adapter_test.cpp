// The Redis adapter when Redis is away and when it comes: this server's own clients are served
// as if alone, cluster-wide requests fail at once with a clear error (not after the requests
// timeout), and once Redis answers the adapter joins the cluster by itself.
#include "sio/cluster/redis_adapter.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/server.hpp"
#include "sio/socketio/remote_socket.hpp"
#include "sio/socketio/server.hpp"

#include "common/io_runner.hpp"
#include "common/loopback.hpp"
#include "common/ws_client.hpp"
#include "redis/redis_server.hpp"

#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>

using namespace sio;
using namespace sio::test;
using namespace std::chrono_literals;

namespace {

using fetch_outcome = adapter::outcome<std::vector<socketio::remote_socket>>;

fetch_outcome fetch(socketio::server& io, std::string room) {
    std::promise<fetch_outcome> p;
    auto f = p.get_future();
    io.in(std::move(room)).fetch_sockets([&p](fetch_outcome r) { p.set_value(std::move(r)); });
    if (f.wait_for(10s) != std::future_status::ready)
        return {{}, "no answer within 10 s"};
    return f.get();
}

/// The next text frame that is not a ping.
awaitable<std::string> next_text(ws_client& ws) {
    for (;;) {
        auto f = co_await ws.read(3s);
        if (!f)
            co_return "<nothing>";
        if (f->data != "2")
            co_return f->data;
        co_await ws.send_text("3");
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_redis_adapter)

BOOST_AUTO_TEST_CASE(without_redis_clients_are_served_and_cluster_requests_fail_fast) {
    BOOST_TEST_REQUIRE(redis_server::available());
    auto const redis_port = redis_server::free_port(); // nobody there yet
    io_runner io;
    redis::options ro;
    ro.where.port = redis_port;
    cluster::redis_link link(net::make_strand(io.ioc()), ro);
    link.start();
    socketio::server_options so;
    so.adapter = link.adapter_factory();
    socketio::server sio(so);
    sio.on_connection([](std::shared_ptr<socketio::socket> const& s) {
        s->on("join", [](socketio::socket& self, socketio::event& ev) {
            self.join(ev.arg<std::string>(0).value_or(""));
            ev.ack(true);
        });
    });
    http::server server(io.ioc(), loopback_config());
    server.mount(sio.path(), sio.engine());
    auto const ep = server.start();

    auto ws = io.run([](tcp::endpoint at) -> awaitable<std::shared_ptr<ws_client>> {
        auto c = std::make_shared<ws_client>(co_await net::this_coro::executor);
        co_await c->connect(at, "/socket.io/?EIO=4&transport=websocket");
        co_await next_text(*c); // open
        co_await c->send_text("40");
        co_await next_text(*c); // connected
        co_await c->send_text(R"(421["join","r"])");
        co_await next_text(*c); // ack
        co_return c;
    }(ep));

    // A broadcast reaches this server's client at once, Redis or not.
    sio.to("r").emit("news", 1);
    auto const got = io.run(next_text(*ws));
    BOOST_TEST(got == R"(42["news",1])");

    // A cluster-wide request says why it cannot be answered, without waiting 5 s.
    auto const started = std::chrono::steady_clock::now();
    auto const failed = fetch(sio, "r");
    auto const waited = std::chrono::steady_clock::now() - started;
    BOOST_TEST(!failed.ok());
    BOOST_TEST(failed.error == "redis adapter: not connected to Redis");
    BOOST_TEST(waited < 1s);
    BOOST_TEST_MESSAGE("fetch_sockets failed after "
                       << std::chrono::duration_cast<std::chrono::microseconds>(waited).count()
                       << " us");

    // Redis comes: the adapter subscribes by itself and answers (one server: its own socket).
    redis_server redis({}, redis_port);
    auto const until = std::chrono::steady_clock::now() + 5s;
    while (!link.ready() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(5ms);
    BOOST_TEST_REQUIRE(link.ready());
    auto const found = fetch(sio, "r");
    BOOST_TEST(found.ok());
    BOOST_TEST_REQUIRE(found.value.size() == 1u);
    BOOST_TEST(found.value[0].rooms().contains("r"));

    io.run([](std::shared_ptr<ws_client> c) -> awaitable<void> {
        c.reset(); // on an I/O thread, as its socket belongs there
        co_return;
    }(std::move(ws)));
    server.stop();
    link.stop();
}

BOOST_AUTO_TEST_SUITE_END()
