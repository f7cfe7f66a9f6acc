// An Engine.IO session from the server side: its send queue, sends from many threads, a
// close by the server, and the server stopping.
#include "sio/engineio/packet.hpp"

#include "coro/engineio/fixture.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::eio_tests;
using namespace std::chrono_literals;

namespace {

/// Room for five 200-byte messages (each also costs engineio::queued_message_cost).
struct small_queue_fixture : eio_fixture {
    small_queue_fixture()
        : eio_fixture(config()) {}
    static engineio::config config() {
        auto c = test_config();
        c.max_queued_bytes = 1400;
        return c;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(engineio_server, eio_fixture)

BOOST_FIXTURE_TEST_CASE(queue_full_drops_volatile_then_closes, small_queue_fixture) {
    auto const sid = open_polling();
    auto s = handler->last_session();
    BOOST_TEST_REQUIRE(s);
    auto const msg = std::string(199, 'v'); // 200 bytes with the type digit
    for (int i = 0; i < 10; ++i)
        s->send(engineio::make_text_message(msg),
                engineio::delivery::droppable); // volatile: 5 fit in 1400 bytes
    auto const first = request(polling(sid));
    BOOST_TEST(std::count(first.body().begin(), first.body().end(), '\x1e') == 4); // 5 packets

    for (int i = 0; i < 10; ++i)
        s->send(engineio::make_text_message(msg), engineio::delivery::reliable);
    BOOST_TEST(closed_with(disconnect_reason::queue_full));
    // The backlog of a client that does not keep up is dropped (its memory freed at once):
    // its next poll gets only the close packet.
    auto const last = request(polling(sid));
    BOOST_TEST(last.body() == "1");
    BOOST_TEST(sessions_drain());
}

BOOST_AUTO_TEST_CASE(server_side_close_reaches_a_polling_client) {
    auto const sid = open_polling();
    auto s = handler->last_session();
    BOOST_TEST_REQUIRE(s);
    s->send(engineio::make_text_message("bye"));
    s->close();
    BOOST_TEST(request(polling(sid)).body() == "4bye\x1e"
                                               "1");
    BOOST_TEST(sessions_drain());
    BOOST_TEST(closed_with(disconnect_reason::forced_close));
}

BOOST_AUTO_TEST_CASE(sends_from_many_threads_arrive_whole_and_in_order_per_thread) {
    auto const sid = open_polling();
    auto s = handler->last_session();
    BOOST_TEST_REQUIRE(s);
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([s, t] {
                for (int i = 0; i < 25; ++i)
                    s->send(engineio::make_text_message(fmt::format("{}:{}", t, i)));
            });
    }
    // The 1000-byte queue holds them all (100 short packets). Each poll's payload is decoded
    // and its messages counted (counting '4' characters would also count the 4 of "t:14").
    std::string all;
    std::vector<std::string> messages;
    for (int polls = 0; messages.size() < 100; ++polls) {
        BOOST_TEST_REQUIRE(polls < 10, messages.size() << " messages after " << polls << " polls");
        auto const body = request(polling(sid)).body();
        BOOST_TEST_REQUIRE(!body.empty());
        auto const packets = engineio::decode_payload(body);
        BOOST_TEST_REQUIRE(packets.has_value(), body);
        for (auto const& p : *packets)
            if (p.type == engineio::packet_type::message) // not a ping sent meanwhile
                messages.push_back(p.data);
        all += body + "\x1e";
    }
    // Each message exactly once, none torn or extra.
    std::vector<std::string> expected;
    for (int t = 0; t < 4; ++t)
        for (int i = 0; i < 25; ++i)
            expected.push_back(fmt::format("{}:{}", t, i));
    auto arrived = messages;
    std::sort(arrived.begin(), arrived.end());
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(arrived == expected, boost::test_tools::per_element());
    for (int t = 0; t < 4; ++t) {
        std::size_t pos = 0;
        for (int i = 0; i < 25; ++i) {
            auto const found = all.find(fmt::format("4{}:{}\x1e", t, i), pos);
            BOOST_TEST_REQUIRE(found != std::string::npos);
            pos = found;
        }
    }
}

BOOST_AUTO_TEST_CASE(stop_closes_websocket_and_polling_sessions) {
    auto const sid = open_polling();
    auto const r = io.run([](tcp::endpoint at, std::string id,
                             http::server& srv) -> awaitable<std::pair<std::string, bool>> {
        auto ex = co_await net::this_coro::executor;
        ws_client ws(ex);
        co_await open_websocket(ws, at);
        http_client parked(ex);
        co_await parked.connect(at);
        co_await bhttp::async_write(parked.stream(),
                                    make_get("/engine.io/?EIO=4&transport=polling&sid=" + id),
                                    net::use_awaitable);
        net::steady_timer pause(ex, 50ms);
        co_await pause.async_wait(net::use_awaitable);
        srv.stop();
        auto body = (co_await parked.read_response()).body();
        co_return std::pair{body, co_await ws.closed_by_server()};
    }(ep, sid, server));
    BOOST_TEST(r.first == "1");
    BOOST_TEST(r.second);
    BOOST_TEST(sessions_drain());
    BOOST_TEST(closed_with(disconnect_reason::server_shutdown));
    BOOST_TEST(io.wait_idle(5s)); // nothing left running: the process can exit
}

BOOST_AUTO_TEST_SUITE_END()
