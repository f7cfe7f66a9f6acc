// Socket.IO broadcasts to rooms from any thread, and the server object acting on the
// sockets of a room from outside.
#include "coro/socketio/fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <string>
#include <thread>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

BOOST_FIXTURE_TEST_SUITE(socketio_server, sio_fixture)

BOOST_AUTO_TEST_CASE(room_broadcasts_reach_exactly_the_members_across_threads) {
    constexpr int clients = 6;
    auto const received =
        io.run([](tcp::endpoint at,
                  socketio::server& srv) -> awaitable<std::vector<std::vector<std::string>>> {
            std::vector<std::unique_ptr<ws_client>> ws;
            for (int i = 0; i < clients; ++i) {
                ws.push_back(co_await open_session(at));
                co_await ws.back()->send_text("40");
                co_await next_text(*ws.back());
                // Even clients join "even", odd ones "odd".
                co_await ws.back()->send_text(
                    fmt::format(R"(421["join","{}"])", i % 2 ? "odd" : "even"));
                co_await next_text(*ws.back()); // the ack
            }
            // From a thread that is not an I/O thread.
            std::thread([&srv] {
                srv.to("even").emit("news", "for even");
                srv.except("even").emit("news", "for the rest");
                srv.emit("news", "for all");
            }).join();
            // A peer's broadcast to its room excludes itself.
            co_await ws[0]->send_text(R"(42["to-room","even"])");
            std::vector<std::vector<std::string>> out(clients);
            for (int i = 0; i < clients; ++i) {
                int const expected = i % 2 ? 2 : (i == 0 ? 2 : 3);
                for (int k = 0; k < expected; ++k)
                    out[static_cast<std::size_t>(i)].push_back(
                        co_await next_text(*ws[static_cast<std::size_t>(i)]));
                // Nothing more arrives.
                auto extra = co_await ws[static_cast<std::size_t>(i)]->read(150ms);
                if (extra)
                    out[static_cast<std::size_t>(i)].push_back("EXTRA " + extra->data);
            }
            co_return out;
        }(ep, sio));
    for (int i = 0; i < clients; ++i) {
        BOOST_TEST_CONTEXT("client " << i) {
            auto const& got = received[static_cast<std::size_t>(i)];
            std::vector<std::string> expected;
            if (i % 2) {
                expected = {R"(42["news","for the rest"])", R"(42["news","for all"])"};
            } else {
                expected = {R"(42["news","for even"])", R"(42["news","for all"])"};
                if (i != 0)
                    expected.push_back(R"(42["room-msg","from peer"])");
            }
            BOOST_TEST(got == expected, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(server_object_lists_moves_and_disconnects_sockets_from_outside) {
    struct outcome {
        std::size_t in_even = 0, moved = 0;
        std::string news, bye_a, bye_b;
    };
    auto const r = io.run([](tcp::endpoint at, socketio::server& srv) -> awaitable<outcome> {
        std::vector<std::unique_ptr<ws_client>> ws;
        for (int i = 0; i < 3; ++i) {
            ws.push_back(co_await open_session(at));
            co_await ws.back()->send_text("40");
            co_await next_text(*ws.back());
            co_await ws.back()->send_text(
                fmt::format(R"(421["join","{}"])", i < 2 ? "even" : "odd"));
            co_await next_text(*ws.back());
        }
        outcome out;
        // From a plain thread, as a timer or another subsystem would.
        std::thread([&] {
            out.in_even = srv.to("even").sockets().size();
            srv.to("even").sockets_join("moved");
            out.moved = srv.to("moved").sockets().size();
            srv.to("moved").emit("news", "to moved");
            srv.to("moved").disconnect_sockets();
        }).join();
        out.news = co_await next_text(*ws[0]);
        out.bye_a = co_await next_text(*ws[0]);
        co_await next_text(*ws[1]); // its copy of the news
        out.bye_b = co_await next_text(*ws[1]);
        co_return out;
    }(ep, sio));
    BOOST_TEST(r.in_even == 2u);
    BOOST_TEST(r.moved == 2u);
    BOOST_TEST(r.news == R"(42["news","to moved"])");
    BOOST_TEST(r.bye_a == "41");
    BOOST_TEST(r.bye_b == "41");
}

BOOST_AUTO_TEST_SUITE_END()
