// Engine.IO over WebSocket: echoes, limits and close codes, bursts, pings, the upgrade
// request, and permessage-deflate.
#include "coro/engineio/fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::eio_tests;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(engineio_server, eio_fixture)

BOOST_AUTO_TEST_CASE(websocket_session_echoes_text_and_binary) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<ws_frame>> {
        ws_client ws(co_await net::this_coro::executor);
        BOOST_TEST_REQUIRE(co_await ws.connect(at, "/engine.io/?EIO=4&transport=websocket"));
        std::vector<ws_frame> out;
        out.push_back(*co_await ws.read()); // the open packet
        co_await ws.send_text("4hello");
        co_await ws.send_binary(std::string("\x00\x01\xff", 3));
        out.push_back(*co_await ws.read_skipping_pings());
        out.push_back(*co_await ws.read_skipping_pings());
        co_await ws.send_text("1");
        bool const closed = co_await ws.closed_by_server();
        ws_frame verdict;
        verdict.data = closed ? "closed" : "open";
        out.push_back(verdict);
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 4u);
    auto const open = boost::json::parse(frames[0].data.substr(1)).as_object();
    BOOST_TEST(open.at("upgrades").as_array().empty());
    BOOST_TEST(frames[1].data == "4hello"); // (permessage-deflate is off by default)
    BOOST_TEST(!frames[1].binary);
    BOOST_TEST(frames[2].data == std::string("\x00\x01\xff", 3));
    BOOST_TEST(frames[2].binary);
    BOOST_TEST(frames[3].data == "closed");
    BOOST_TEST(closed_with(disconnect_reason::transport_close));
    BOOST_TEST(sessions_drain());
    BOOST_TEST(handler->close_reasons().size() == 1u); // on_close exactly once
}

BOOST_AUTO_TEST_CASE(websocket_message_over_max_payload_closes_with_1009) {
    auto const code = io.run([](tcp::endpoint at) -> awaitable<int> {
        ws_client ws(co_await net::this_coro::executor);
        co_await open_websocket(ws, at);
        co_await ws.send_text("4" + std::string(100'000, 'x'));
        co_await ws.closed_by_server();
        co_return static_cast<int>(ws.close_code().code);
    }(ep));
    BOOST_TEST(code == 1009);
    BOOST_TEST(closed_with(disconnect_reason::payload_too_large));
}

BOOST_AUTO_TEST_CASE(websocket_burst_comes_back_in_order_and_pings_get_pongs) {
    struct outcome {
        std::vector<std::string> echoes;
        std::vector<std::string> pongs;
    };
    auto const got = io.run([](tcp::endpoint at) -> awaitable<outcome> {
        ws_client ws(co_await net::this_coro::executor);
        co_await open_websocket(ws, at);
        outcome out;
        ws.record_pongs(out.pongs);
        // Sent back to back, so the server reads several per system call and answers
        // them in batches.
        for (int i = 0; i < 100; ++i)
            co_await ws.send_text(fmt::format("4{}", i));
        co_await ws.stream().async_ping("are you there", net::use_awaitable);
        while (out.echoes.size() < 100) {
            auto f = co_await ws.read_skipping_pings();
            if (!f)
                break;
            out.echoes.push_back(f->data);
        }
        if (out.pongs.empty()) // it may follow the echoes; the next read sees it
            co_await ws.read(std::chrono::milliseconds(500));
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(got.echoes.size() == 100u);
    for (int i = 0; i < 100; ++i)
        BOOST_TEST(got.echoes[static_cast<std::size_t>(i)] == fmt::format("4{}", i));
    BOOST_TEST_REQUIRE(got.pongs.size() == 1u);
    BOOST_TEST(got.pongs[0] == "are you there");
}

BOOST_AUTO_TEST_CASE(websocket_ping_flood_is_answered_by_the_latest_pong_not_a_pile) {
    struct outcome {
        std::vector<std::string> pongs;
        std::string echo;
    };
    auto const got = io.run([](tcp::endpoint at) -> awaitable<outcome> {
        ws_client ws(co_await net::this_coro::executor);
        co_await open_websocket(ws, at);
        outcome out;
        ws.record_pongs(out.pongs);
        // Written without reading in between: the server owes one pong, for the last one.
        for (int i = 0; i < 500; ++i) {
            auto const payload = fmt::format("ping {}", i);
            co_await ws.stream().async_ping(
                websocket::ping_data(payload.data(), payload.data() + payload.size()),
                net::use_awaitable);
        }
        co_await ws.send_text("4after");
        auto f = co_await ws.read_skipping_pings();
        out.echo = f ? f->data : "";
        co_return out;
    }(ep));
    BOOST_TEST(got.echo == "4after"); // the connection is fine
    BOOST_TEST_REQUIRE(!got.pongs.empty());
    BOOST_TEST(got.pongs.size() < 500u);
    BOOST_TEST(got.pongs.back() == "ping 499");
}

BOOST_AUTO_TEST_CASE(websocket_text_that_is_not_utf8_closes_with_1007) {
    auto const code = io.run([](tcp::endpoint at) -> awaitable<int> {
        ws_client ws(co_await net::this_coro::executor);
        co_await open_websocket(ws, at);
        co_await ws.send_text("4\xc3\x28");
        co_await ws.closed_by_server();
        co_return static_cast<int>(ws.close_code().code);
    }(ep));
    BOOST_TEST(code == 1007);
    BOOST_TEST(closed_with(disconnect_reason::parse_error));
}

BOOST_AUTO_TEST_CASE(websocket_upgrade_with_a_bad_version_is_refused) {
    auto req = make_get("/engine.io/?EIO=4&transport=websocket");
    req.set(bhttp::field::connection, "Upgrade");
    req.set(bhttp::field::upgrade, "websocket");
    req.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    req.set(bhttp::field::sec_websocket_version, "8");
    auto const res = io.run(fetch(ep, std::move(req)));
    BOOST_TEST(res.result_int() == 400u);
    BOOST_TEST(res.body().find("Sec-WebSocket-Version") != std::string::npos);
    BOOST_TEST(eio->session_count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(permessage_deflate_when_enabled) {
    eio_fixture f(with_cors_and_deflate());
    auto const r = f.io.run([](tcp::endpoint at) -> awaitable<std::pair<std::string, std::string>> {
        ws_client ws(co_await net::this_coro::executor);
        websocket::permessage_deflate pmd;
        pmd.client_enable = true;
        ws.stream().set_option(pmd);
        BOOST_TEST_REQUIRE(co_await ws.connect(at, "/engine.io/?EIO=4&transport=websocket"));
        co_await ws.read();
        co_await ws.send_text("4" + std::string(5000, 'z'));
        auto const echo = co_await ws.read_skipping_pings();
        auto extensions =
            std::string(ws.handshake_response[bhttp::field::sec_websocket_extensions]);
        co_return std::pair{extensions, echo ? echo->data : std::string()};
    }(f.ep));
    BOOST_TEST(r.first.starts_with("permessage-deflate"));
    BOOST_TEST((r.second == "4" + std::string(5000, 'z')));
}
