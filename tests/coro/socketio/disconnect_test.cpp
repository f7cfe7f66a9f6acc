// How a Socket.IO socket or connection ends: by the client, by the server, without a
// CONNECT in time, or on a malformed packet.
#include "coro/socketio/fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

BOOST_FIXTURE_TEST_SUITE(socketio_server, sio_fixture)

BOOST_AUTO_TEST_CASE(disconnects_clean_up_rooms_and_sockets) {
    io.run([](tcp::endpoint at) -> awaitable<bool> {
        auto a = co_await open_session(at);
        co_await a->send_text("40");
        co_await next_text(*a);
        co_await a->send_text(R"(421["join","lobby"])");
        co_await next_text(*a);
        co_await a->send_text("41"); // leaves the namespace, keeps the connection
        auto b = co_await open_session(at);
        co_await b->send_text("40");
        co_await next_text(*b);
        co_await b->send_text(R"(421["join","lobby"])");
        co_await next_text(*b);
        co_await b->send_text("1"); // closes the Engine.IO connection
        co_return true;
    }(ep));
    BOOST_TEST(eventually([&] { return socket_count() == 0; }));
    BOOST_TEST(sio.main().get_adapter().rooms().empty());
    std::lock_guard lock(mutex);
    BOOST_TEST_REQUIRE(disconnects.size() == 2u);
    BOOST_TEST(disconnects[0] == "client namespace disconnect");
    BOOST_TEST(disconnects[1] == "transport close");
}

BOOST_AUTO_TEST_CASE(server_side_disconnect_sends_41_and_keeps_the_connection) {
    auto const r = io.run([](tcp::endpoint at) -> awaitable<std::pair<std::string, std::string>> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40");
        co_await next_text(*ws);
        co_await ws->send_text(R"(42["leave-all"])");
        auto bye = co_await next_text(*ws);
        co_await ws->send_text("40"); // may connect again on the same connection
        auto again = co_await next_text(*ws);
        co_return std::pair{bye, again};
    }(ep));
    BOOST_TEST(r.first == "41");
    BOOST_TEST(r.second.starts_with("40{\"sid\":"));
    std::lock_guard lock(mutex);
    // The first socket left by the server's hand; the second may already have gone with
    // the client's connection.
    BOOST_TEST_REQUIRE(!disconnects.empty());
    BOOST_TEST(disconnects[0] == "server namespace disconnect");
    BOOST_TEST(std::count(disconnects.begin(), disconnects.end(), "server namespace disconnect") ==
               1);
}

BOOST_AUTO_TEST_CASE(no_connect_within_the_timeout_closes) {
    auto const closed = io.run([](tcp::endpoint at) -> awaitable<bool> {
        auto ws = co_await open_session(at);
        co_return co_await ws->closed_by_server(1500ms);
    }(ep));
    BOOST_TEST(closed);
    BOOST_TEST(eventually([&] { return sio.engine()->session_count() == 0; }));
}

BOOST_AUTO_TEST_CASE(malformed_packets_close_the_connection) {
    std::vector<std::string> const bad{
        "4abc",   R"(42{})",     R"(42abc["echo"])", R"(42["disconnect"])", R"(42/admin,["x"])",
        "40\x1e", R"(451-["x"])"};
    for (auto const& frame : bad) {
        BOOST_TEST_CONTEXT(frame) {
            auto const closed = io.run([](tcp::endpoint at, std::string text) -> awaitable<bool> {
                auto ws = co_await open_session(at);
                co_await ws->send_text("40");
                co_await next_text(*ws);
                co_await ws->send_text(text);
                if (text.starts_with("451-"))
                    co_await ws->send_text("42[\"x\"]"); // text while an attachment is due
                co_return co_await ws->closed_by_server();
            }(ep, frame));
            BOOST_TEST(closed);
        }
    }
    BOOST_TEST(eventually([&] { return socket_count() == 0; }));
}

BOOST_AUTO_TEST_SUITE_END()
