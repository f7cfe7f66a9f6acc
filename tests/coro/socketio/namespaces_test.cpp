// Socket.IO namespaces: the main one, custom, dynamic (a parent namespace and its
// children) and unknown ones.
#include "coro/socketio/fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

BOOST_FIXTURE_TEST_SUITE(socketio_server, sio_fixture)

BOOST_AUTO_TEST_CASE(connect_main_custom_dynamic_and_unknown_namespaces) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
        auto ws = co_await open_session(at);
        std::vector<std::string> out;
        co_await ws->send_text("40");
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text("40/admin,{\"token\":\"wrong\"}");
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text("40/admin,{\"token\":\"secret\"}");
        out.push_back(co_await next_text(*ws));
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text("40/dyn-42");
        out.push_back(co_await next_text(*ws));
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text("40/random");
        out.push_back(co_await next_text(*ws));
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 7u);
    BOOST_TEST(frames[0].starts_with("40{\"sid\":\""));
    BOOST_TEST(boost::json::parse(frames[0].substr(2)).as_object().size() == 1u);
    BOOST_TEST(frames[1] == R"(44/admin,{"message":"not authorized","data":{"retry":false}})");
    BOOST_TEST(frames[2].starts_with("40/admin,{\"sid\":\""));
    BOOST_TEST(frames[3] == R"(42/admin,["welcome","admin"])");
    BOOST_TEST(frames[4].starts_with("40/dyn-42,{\"sid\":\""));
    BOOST_TEST(frames[5] == R"(42/dyn-42,["hi","/dyn-42"])");
    BOOST_TEST(frames[6] == R"(44/random,{"message":"Invalid namespace"})");
    // The client is gone once the coroutine returns: its sockets leave every namespace.
    BOOST_TEST(
        eventually([&] { return socket_count("/admin") == 0 && socket_count("/dyn-42") == 0; }));
}

BOOST_AUTO_TEST_CASE(a_parent_namespace_broadcasts_to_every_child) {
    auto const frames =
        io.run([](tcp::endpoint at, socketio::server& server_io,
                  socketio::parent_namespace& parent) -> awaitable<std::vector<std::string>> {
            std::vector<std::string> out;
            auto one = co_await open_session(at);
            co_await one->send_text("40/dyn-1,");
            co_await next_text(*one); // CONNECT
            co_await next_text(*one); // hi
            auto two = co_await open_session(at);
            co_await two->send_text("40/dyn-2,");
            co_await next_text(*two);
            co_await next_text(*two);
            auto main = co_await open_session(at);
            co_await main->send_text("40");
            co_await next_text(*main);

            parent.emit("news", 1);
            parent.to("vip").emit("vip-news", 2); // only /dyn-1's socket is in "vip"
            parent.emit("end");
            server_io.emit("main-only");
            for (int i = 0; i < 3; ++i)
                out.push_back(co_await next_text(*one));
            for (int i = 0; i < 2; ++i)
                out.push_back(co_await next_text(*two));
            out.push_back(co_await next_text(*main)); // none of the parent's broadcasts
            co_return out;
        }(ep, sio, *dynamic_parent));
    BOOST_TEST_REQUIRE(frames.size() == 6u);
    BOOST_TEST(frames[0] == R"(42/dyn-1,["news",1])");
    BOOST_TEST(frames[1] == R"(42/dyn-1,["vip-news",2])");
    BOOST_TEST(frames[2] == R"(42/dyn-1,["end"])");
    BOOST_TEST(frames[3] == R"(42/dyn-2,["news",1])");
    BOOST_TEST(frames[4] == R"(42/dyn-2,["end"])");
    BOOST_TEST(frames[5] == R"(42["main-only"])");
    BOOST_TEST(dynamic_parent->children().size() >= 2u);
}

BOOST_AUTO_TEST_SUITE_END()
