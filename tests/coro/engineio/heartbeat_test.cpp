// Engine.IO heartbeat: pongs keep a session, a missing pong ends it (polling and WebSocket).
#include "coro/engineio/fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace sio;
using namespace sio::test;
using namespace sio::test::eio_tests;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(engineio_server, eio_fixture)

BOOST_AUTO_TEST_CASE(pongs_keep_a_polling_session_alive) {
    auto const sid = open_polling();
    for (int i = 0; i < 3; ++i) {
        auto const get = request(polling(sid));
        BOOST_TEST_REQUIRE(get.body() == "2");
        BOOST_TEST(request(polling(sid), bhttp::verb::post, "3").body() == "ok");
    }
    BOOST_TEST(eio->session_count() == 1u);
    BOOST_TEST(handler->close_reasons().empty());
}

BOOST_AUTO_TEST_CASE(missing_pong_closes_after_interval_plus_timeout) {
    auto const sid = open_polling();
    auto const start = std::chrono::steady_clock::now();
    BOOST_TEST(closed_with(disconnect_reason::ping_timeout));
    // Not before pingInterval + pingTimeout (300 + 200 ms): the check is a lower bound only.
    BOOST_TEST((std::chrono::steady_clock::now() - start >= 450ms));
    BOOST_TEST(request(polling(sid)).result_int() == 400u);
    BOOST_TEST(eio->session_count() == 0u);
}

BOOST_AUTO_TEST_CASE(websocket_without_pong_is_closed) {
    auto const closed = io.run([](tcp::endpoint at) -> awaitable<bool> {
        ws_client ws(co_await net::this_coro::executor);
        co_await ws.connect(at, "/engine.io/?EIO=4&transport=websocket");
        co_return co_await ws.closed_by_server(3s);
    }(ep));
    BOOST_TEST(closed);
    BOOST_TEST(closed_with(disconnect_reason::ping_timeout));
}

BOOST_AUTO_TEST_SUITE_END()
