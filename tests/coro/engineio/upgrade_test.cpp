// Engine.IO upgrade from polling to WebSocket, and a probe that fails.
#include "coro/engineio/fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace sio;
using namespace sio::test;
using namespace sio::test::eio_tests;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(engineio_server, eio_fixture)

BOOST_AUTO_TEST_CASE(upgrade_from_polling_to_websocket) {
    auto const sid = open_polling();
    struct outcome {
        std::string probe_reply, parked_get, late_get, echo;
        unsigned get_after_upgrade = 0;
        bool second_ws_closed = false;
    };
    auto const r = io.run([](tcp::endpoint at, std::string id) -> awaitable<outcome> {
        auto ex = co_await net::this_coro::executor;
        outcome out;
        auto const poll = "/engine.io/?EIO=4&transport=polling&sid=" + id;
        http_client parked(ex);
        co_await parked.connect(at);
        co_await bhttp::async_write(parked.stream(), make_get(poll), net::use_awaitable);

        ws_client ws(ex);
        BOOST_TEST_REQUIRE(
            co_await ws.connect(at, "/engine.io/?EIO=4&transport=websocket&sid=" + id));
        co_await ws.send_text("2probe");
        out.probe_reply = (co_await ws.read())->data;
        out.parked_get = (co_await parked.read_response()).body();
        // A GET that arrives during the upgrade is released at once with a noop.
        out.late_get = (co_await fetch(at, make_get(poll))).body();
        co_await ws.send_text("5");
        co_await ws.send_text("4after upgrade");
        out.echo = (co_await ws.read_skipping_pings())->data;
        out.get_after_upgrade = (co_await fetch(at, make_get(poll))).result_int();

        ws_client second(ex);
        co_await second.connect(at, "/engine.io/?EIO=4&transport=websocket&sid=" + id);
        out.second_ws_closed = co_await second.closed_by_server();
        co_await ws.send_text("3"); // answer any ping, then close
        co_await ws.send_text("1");
        co_return out;
    }(ep, sid));
    BOOST_TEST(r.probe_reply == "3probe");
    BOOST_TEST(r.parked_get == "6");
    BOOST_TEST(r.late_get == "6");
    BOOST_TEST(r.echo == "4after upgrade");
    BOOST_TEST(r.get_after_upgrade == 400u);
    BOOST_TEST(r.second_ws_closed);
    BOOST_TEST(sessions_drain());
}

BOOST_AUTO_TEST_CASE(probe_with_a_wrong_packet_aborts_the_upgrade_only) {
    auto const sid = open_polling();
    auto const closed = io.run([](tcp::endpoint at, std::string id) -> awaitable<bool> {
        ws_client ws(co_await net::this_coro::executor);
        co_await ws.connect(at, "/engine.io/?EIO=4&transport=websocket&sid=" + id);
        co_await ws.send_text("4not a probe");
        co_return co_await ws.closed_by_server();
    }(ep, sid));
    BOOST_TEST(closed);
    // Polling carries on.
    BOOST_TEST(request(polling(sid), bhttp::verb::post, "4still here").body() == "ok");
    BOOST_TEST(request(polling(sid)).body() == "4still here");
}

BOOST_AUTO_TEST_SUITE_END()
