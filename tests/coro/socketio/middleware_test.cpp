// Socket.IO middleware: on events, and on connections (synchronous, answering later from
// another thread, coroutines, throwing, pending when the client goes on or goes away).
#include "coro/socketio/fixture.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

BOOST_FIXTURE_TEST_SUITE(socketio_server, sio_fixture)

BOOST_AUTO_TEST_CASE(event_middleware_rewrites_or_refuses_before_the_handlers) {
    // Refused: no handler, no ack; the error handler hears of it.
    auto const frames = io.run(converse(ep, {{"40", 1},
                                             {R"(421["echo","rewrite-me",2])", 1},
                                             {R"(422["forbidden","x"])", 1},
                                             {R"(423["echo","after"])", 1}}));
    BOOST_TEST_REQUIRE(frames.size() == 4u);
    BOOST_TEST(frames[1] == R"(431["rewritten",2])");
    BOOST_TEST(frames[2] == R"(42["error-seen","not allowed"])");
    BOOST_TEST(frames[3] == R"(433["after"])");
}

BOOST_AUTO_TEST_CASE(middleware_sees_the_handshake_request) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
        std::vector<std::string> out;
        auto plain = co_await open_session(at);
        co_await plain->send_text("40/secure,");
        out.push_back(co_await next_text(*plain));

        auto ws = std::make_unique<ws_client>(co_await net::this_coro::executor);
        bool const ok = co_await ws->connect(at, "/socket.io/?EIO=4&transport=websocket&token=t0k");
        BOOST_TEST_REQUIRE(ok);
        co_await ws->read(); // the open packet
        co_await ws->send_text("40/secure,");
        out.push_back(co_await next_text(*ws));
        out.push_back(co_await next_text(*ws));
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 3u);
    BOOST_TEST(frames[0] == R"(44/secure,{"message":"bad token"})");
    BOOST_TEST(frames[1].starts_with("40/secure,{\"sid\":"));
    BOOST_TEST(frames[2] == R"(42/secure,["hs","127.0.0.1","127.0.0.1","4"])");
}

BOOST_AUTO_TEST_CASE(asynchronous_middleware_answers_later_from_another_thread) {
    auto const frames = io.run(
        converse(ep, {{R"(40/later,{"token":"nope"})", 1}, {R"(40/later,{"token":"ok"})", 2}}));
    BOOST_TEST_REQUIRE(frames.size() == 3u);
    BOOST_TEST(frames[0] == R"(44/later,{"message":"refused later","data":{"code":7}})");
    BOOST_TEST(frames[1].starts_with("40/later,{\"sid\":\""));
    // Both middlewares ran, in order, before the connection handler.
    BOOST_TEST(frames[2] == R"(42/later,["data",{"checked_by":"first","then":"second"}])");
}

BOOST_AUTO_TEST_CASE(coroutine_middleware_lets_in_refuses_or_fails_cleanly) {
    auto const frames = io.run(converse(ep, {{R"(40/coro,{"token":"no"})", 1},
                                             {R"(40/coro,{"token":"boom"})", 1},
                                             {R"(40/coro,{"token":"ok"})", 2}}));
    BOOST_TEST_REQUIRE(frames.size() == 4u);
    BOOST_TEST(frames[0] == R"(44/coro,{"message":"denied"})");
    // The exception's text stays in the server's log.
    BOOST_TEST(frames[1] == R"(44/coro,{"message":"Internal server error"})");
    BOOST_TEST(frames[2].starts_with("40/coro,{\"sid\":\""));
    BOOST_TEST(frames[3] == R"(42/coro,["in","coro"])");
}

BOOST_AUTO_TEST_CASE(a_throwing_connection_handler_after_late_middleware_is_contained) {
    auto const frames = io.run(converse(ep, {{"40/throws,", 1}, {"40", 1}}));
    BOOST_TEST_REQUIRE(frames.size() == 2u);
    BOOST_TEST(frames[0].starts_with("40/throws,{\"sid\":"));
    BOOST_TEST(frames[1].starts_with("40{\"sid\":")); // the connection still works
}

BOOST_AUTO_TEST_CASE(pending_middleware_a_second_connect_and_a_late_answer) {
    // A second CONNECT while the first waits is a protocol error: the connection closes.
    auto const after_second = io.run([](tcp::endpoint at) -> awaitable<std::string> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40/held,");
        co_await ws->send_text("40/held,");
        co_return co_await next_text(*ws);
    }(ep));
    BOOST_TEST(after_second == "<closed>");

    // An answer that comes after the client left is ignored: no socket joins.
    io.run([](tcp::endpoint at) -> awaitable<void> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40/held,");
        net::steady_timer pause(co_await net::this_coro::executor, 50ms);
        co_await pause.async_wait(net::use_awaitable);
    }(ep));
    BOOST_TEST_REQUIRE(eventually([&] {
        std::lock_guard lock(mutex);
        return held.size() == 2u; // the second CONNECT never reached it
    }));
    BOOST_TEST(eventually([&] { return sio.engine()->session_count() == 0; }));
    std::vector<socketio::next_fn> answers;
    {
        std::lock_guard lock(mutex);
        answers.swap(held);
    }
    for (auto& next : answers) {
        next();
        next(socketio::connect_error{"twice", std::nullopt}); // only the first call counts
    }
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(socket_count("/held") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
