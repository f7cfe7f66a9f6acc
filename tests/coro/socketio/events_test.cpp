// Socket.IO events from the server: binary arguments, reserved names, typed handlers.
#include "coro/socketio/fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

BOOST_FIXTURE_TEST_SUITE(socketio_server, sio_fixture)

BOOST_AUTO_TEST_CASE(binary_emit_and_reserved_names) {
    auto const frames =
        io.run([](tcp::endpoint at, sio_fixture& f) -> awaitable<std::vector<ws_frame>> {
            auto ws = co_await open_session(at);
            co_await ws->send_text("40");
            co_await next_text(*ws);
            auto const s = f.last_socket();
            s->emit("file", "name.bin", socketio::binary{std::string("\x01\x02\x03", 3)});
            std::vector<ws_frame> out;
            out.push_back(*co_await ws->read_skipping_pings());
            out.push_back(*co_await ws->read_skipping_pings());
            co_return out;
        }(ep, *this));
    BOOST_TEST(frames[0].data == R"(451-["file","name.bin",{"_placeholder":true,"num":0}])");
    BOOST_TEST(frames[1].binary);
    BOOST_TEST(frames[1].data == std::string("\x01\x02\x03", 3));
    BOOST_CHECK_THROW(sio.emit("disconnect"), std::invalid_argument);
    BOOST_CHECK_THROW(sio.to("x").emit("connect", 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(typed_handlers_convert_or_drop) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40");
        co_await next_text(*ws);
        co_await ws->send_text(R"(42["typed",1,2])"); // wrong types: dropped with a log line
        co_await ws->send_text(R"(42["typed","x",41])");
        std::vector<std::string> out;
        out.push_back(co_await next_text(*ws));
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 1u);
    BOOST_TEST(frames[0] == R"(42["typed-back","x",42])");
}

BOOST_AUTO_TEST_CASE(on_drain_runs_once_the_backlog_is_written) {
    // The handler queues 20 x 100 kB, more than the socket takes at once; its ack reports
    // the backlog, and "drained" comes after the last message, with nothing buffered.
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40");
        co_await next_text(*ws);
        co_await ws->send_text(R"(421["flood",20])");
        std::vector<std::string> out;
        for (;;) {
            auto text = co_await next_text(*ws);
            if (text.starts_with(R"(42["big")"))
                text = "big";
            out.push_back(text);
            if (text.starts_with(R"(42["drained")") || text == "<closed>")
                co_return out;
        }
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 22u);
    BOOST_TEST(std::count(frames.begin(), frames.end(), "big") == 20);
    BOOST_TEST(frames.back() == R"(42["drained",0])");
    // The ack went out behind the bigs, reporting at least their 2 MB as buffered.
    auto const ack = std::find_if(frames.begin(), frames.end(),
                                  [](auto const& f) { return f.starts_with("431["); });
    BOOST_TEST_REQUIRE((ack != frames.end()));
    BOOST_TEST(std::stoull(ack->substr(4)) > 2'000'000u);
}

BOOST_AUTO_TEST_SUITE_END()
