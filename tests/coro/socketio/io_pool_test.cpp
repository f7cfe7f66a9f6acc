// Broadcasts on a server run by an io_pool, one io_context per thread, as the demo and the
// benchmarks run it: there a broadcast crosses to the other thread in one hand-off, and
// queued messages are written from the thread's flush list while the connection's read
// stays pending. Members on both threads, and a member that stops reading for a while.
#include "sio/core/io_pool.hpp"

#include "coro/socketio/fixture.hpp"

#include <boost/json/value_to.hpp>
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <string>
#include <thread>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

namespace {

struct pool_fixture {
    io_pool pool{2};
    http::server server{pool, loopback_config()};
    socketio::server sio{options()};
    tcp::endpoint ep;
    std::jthread running;
    io_runner clients{1}; // the test's own clients, off the server's threads

    pool_fixture() {
        sio.on_connection([](std::shared_ptr<sio_socket> const& s) {
            s->on("join", [](sio_socket& self, event& ev) {
                self.join("room");
                ev.ack(true);
            });
            // ["burst", count, size]: `count` numbered messages of `size` bytes to the room
            // (the sender excluded), emitted in one handler.
            s->on("burst", [](sio_socket& self, event& ev) {
                int const count = ev.arg<int>(0).value_or(0);
                auto const body =
                    std::string(static_cast<std::size_t>(ev.arg<int>(1).value_or(1)), 'x');
                for (int i = 0; i < count; ++i)
                    self.to("room").emit("seq", i, body);
                ev.ack(true);
            });
        });
        server.mount(sio.path(), sio.engine());
        ep = server.start();
        running = std::jthread([this] { pool.run(); });
    }
    ~pool_fixture() {
        server.stop();
        pool.release();
    }
};

/// Reads `count` "seq" messages and returns the first out of order or malformed one, or
/// "ok" when they came numbered 0 .. count-1, each with a body of `size` bytes.
awaitable<std::string> read_sequence(ws_client& ws, int count, std::size_t size) {
    for (int i = 0; i < count; ++i) {
        auto const text = co_await next_text(ws);
        auto const expected = fmt::format(R"(42["seq",{},"{}"])", i, std::string(size, 'x'));
        if (text != expected)
            co_return fmt::format("message {}: {}", i, text.substr(0, 40));
    }
    co_return "ok";
}

constexpr int members = 7;           // of the burst test
constexpr int burst_count = 500;     // small messages in the burst test
constexpr int stalled_count = 400;   // messages to the member that stops reading ...
constexpr int stalled_size = 20'000; // ... of this many bytes each: 8 MB

awaitable<std::unique_ptr<ws_client>> join(tcp::endpoint at) {
    auto ws = co_await open_session(at);
    co_await ws->send_text("40");
    co_await next_text(*ws);
    co_await ws->send_text(R"(421["join"])");
    co_await next_text(*ws); // the ack
    co_return ws;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(socketio_io_pool, pool_fixture)

BOOST_AUTO_TEST_CASE(members_on_both_threads_get_every_broadcast_of_a_burst_in_order) {
    // Sessions go to the pool's io_contexts in turn, so the members sit on both threads,
    // with the sender's and without.
    auto const results = clients.run(
        [](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
            std::vector<std::unique_ptr<ws_client>> ws;
            for (int i = 0; i < members; ++i)
                ws.push_back(co_await join(at));
            auto sender = co_await join(at);
            co_await sender->send_text(fmt::format(R"(422["burst",{},16])", burst_count));
            std::vector<std::string> out;
            for (auto& m : ws)
                out.push_back(co_await read_sequence(*m, burst_count, 16));
            out.push_back(co_await next_text(*sender)); // its ack, after nothing of its own
            co_return out;
        }(ep),
        std::chrono::seconds(20));
    for (int i = 0; i < members; ++i)
        BOOST_TEST(results[static_cast<std::size_t>(i)] == "ok", "member " << i);
    BOOST_TEST(results.back() == R"(432[true])");
}

BOOST_AUTO_TEST_CASE(a_member_that_stops_reading_gets_the_rest_in_order_once_it_reads) {
    // 8 MB to a member that reads nothing for half a second: the socket fills, the write
    // made outside the loop stops part-way, and the loop finishes it before anything newer.
    // A member that reads meanwhile is not held up.
    auto const results = clients.run(
        [](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
            auto slow = co_await join(at);
            auto quick = co_await join(at);
            auto sender = co_await join(at);
            co_await sender->send_text(
                fmt::format(R"(422["burst",{},{}])", stalled_count, stalled_size));
            std::vector<std::string> out;
            out.push_back(co_await read_sequence(*quick, stalled_count, stalled_size));
            net::steady_timer pause(co_await net::this_coro::executor,
                                    std::chrono::milliseconds(500));
            co_await pause.async_wait(net::use_awaitable);
            out.push_back(co_await read_sequence(*slow, stalled_count, stalled_size));
            co_return out;
        }(ep),
        std::chrono::seconds(30));
    BOOST_TEST(results.at(0) == "ok");
    BOOST_TEST(results.at(1) == "ok");
}

BOOST_AUTO_TEST_SUITE_END()
