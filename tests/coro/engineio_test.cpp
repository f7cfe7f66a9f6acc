// The Engine.IO server in-process on 127.0.0.1:0: polling, WebSocket, upgrade, heartbeat,
// limits and cleanup, through Beast HTTP and WebSocket clients.
#include "sio/engineio/connection.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/server.hpp"

#include "common/http_client.hpp"
#include "common/io_runner.hpp"
#include "common/loopback.hpp"
#include "common/ws_client.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace sio;
using namespace sio::test;
using namespace std::chrono_literals;
using engineio::disconnect_reason;

namespace {

/// Echoes every message and records what happened to each session.
class recording_handler final : public engineio::handler {
public:
    struct listener final : engineio::session_listener {
        listener(recording_handler& h, std::shared_ptr<engineio::connection> s)
            : owner(h)
            , session(s) {}
        void on_message(std::string text) override {
            if (auto s = session.lock())
                s->send(engineio::make_text_message(text));
        }
        void on_binary(std::string bytes) override {
            if (auto s = session.lock())
                s->send(engineio::make_binary_message(std::move(bytes)));
        }
        void on_close(disconnect_reason reason) override {
            std::lock_guard lock(owner.mutex);
            owner.closes.push_back(reason);
        }
        recording_handler& owner;
        std::weak_ptr<engineio::connection> session;
    };

    std::shared_ptr<engineio::session_listener>
    on_open(std::shared_ptr<engineio::connection> const& s) override {
        std::lock_guard lock(mutex);
        sessions.push_back(s);
        return std::make_shared<listener>(*this, s);
    }

    std::vector<disconnect_reason> close_reasons() {
        std::lock_guard lock(mutex);
        return closes;
    }
    std::shared_ptr<engineio::connection> last_session() {
        std::lock_guard lock(mutex);
        return sessions.empty() ? nullptr : sessions.back().lock();
    }

    std::mutex mutex;
    std::vector<disconnect_reason> closes;
    std::vector<std::weak_ptr<engineio::connection>> sessions;
};

/// Opens a WebSocket-only session on `ws` and reads its open packet.
awaitable<void> open_websocket(ws_client& ws, tcp::endpoint at) {
    co_await ws.connect(at, "/engine.io/?EIO=4&transport=websocket");
    co_await ws.read();
}

engineio::config test_config() {
    engineio::config c;
    c.path = "/engine.io/";
    c.ping_interval = 300ms;
    c.ping_timeout = 200ms;
    c.max_payload = 100'000;
    c.max_queued_bytes = 1000;
    c.upgrade_timeout = 1s;
    return c;
}

struct eio_fixture {
    io_runner io;
    std::shared_ptr<recording_handler> handler = std::make_shared<recording_handler>();
    std::shared_ptr<engineio::server> eio;
    http::server server{io.ioc(), loopback_config()};
    tcp::endpoint ep;

    explicit eio_fixture(engineio::config cfg = test_config()) {
        eio = std::make_shared<engineio::server>(std::move(cfg), handler);
        server.mount("/engine.io/", eio);
        ep = server.start();
    }
    ~eio_fixture() { server.stop(); }

    http_response request(std::string target, bhttp::verb verb = bhttp::verb::get,
                          std::string body = {}) {
        auto req = make_get("/engine.io/" + target, verb);
        req.body() = std::move(body);
        return io.run(fetch(ep, std::move(req)));
    }
    /// A polling handshake; returns the sid.
    std::string open_polling() {
        auto const res = request("?EIO=4&transport=polling");
        BOOST_TEST_REQUIRE(res.result_int() == 200u);
        BOOST_TEST_REQUIRE(res.body().starts_with("0{"));
        return std::string(boost::json::parse(res.body().substr(1)).at("sid").as_string());
    }
    static std::string polling(std::string const& sid) {
        return "?EIO=4&transport=polling&sid=" + sid;
    }
    /// Waits (bounded) until the registry is empty; true when it is.
    bool sessions_drain(std::chrono::milliseconds timeout = 2s) {
        auto const until = std::chrono::steady_clock::now() + timeout;
        while (eio->session_count() != 0 && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(5ms);
        return eio->session_count() == 0;
    }
    bool closed_with(disconnect_reason r) {
        auto const until = std::chrono::steady_clock::now() + 2s;
        for (;;) {
            auto const reasons = handler->close_reasons();
            if (std::find(reasons.begin(), reasons.end(), r) != reasons.end())
                return true;
            if (std::chrono::steady_clock::now() > until)
                return false;
            std::this_thread::sleep_for(5ms);
        }
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(engineio_server, eio_fixture)

BOOST_AUTO_TEST_CASE(polling_replies_carry_their_fields_and_honour_keep_alive) {
    auto const sid = open_polling();
    auto const post = request(polling(sid), bhttp::verb::post, "4hi");
    BOOST_TEST(post.result_int() == 200u);
    BOOST_TEST(post.body() == "ok");
    BOOST_TEST(post[bhttp::field::content_type] == "text/html");
    BOOST_TEST(post[bhttp::field::cache_control] == "no-store");
    BOOST_TEST(post.keep_alive());

    // HTTP/1.0 without keep-alive: the server says nothing and closes; with it, it says so.
    auto req = make_get("/engine.io/" + polling(sid));
    req.version(10);
    auto const old = io.run(fetch(ep, std::move(req)));
    BOOST_TEST(old.result_int() == 200u);
    BOOST_TEST(old.body() == "4hi");
    BOOST_TEST(old.version() == 10u);
    BOOST_TEST(!old.keep_alive());
    req = make_get("/engine.io/" + polling("unknown-sid"));
    req.version(10);
    req.set(bhttp::field::connection, "keep-alive");
    auto const kept = io.run(fetch(ep, std::move(req)));
    BOOST_TEST(kept.result_int() == 400u);
    BOOST_TEST(kept[bhttp::field::connection] == "keep-alive");
    BOOST_TEST(kept[bhttp::field::content_type] == "application/json");
    BOOST_TEST(kept.body() == R"({"code":1,"message":"Session ID unknown"})");
}

BOOST_AUTO_TEST_CASE(polling_handshake_and_echo_in_one_payload) {
    auto const res = request("?EIO=4&transport=polling&t=abc");
    BOOST_TEST(res[bhttp::field::content_type] == "text/plain; charset=UTF-8");
    auto const open = boost::json::parse(res.body().substr(1)).as_object();
    BOOST_TEST(open.size() == 5u);
    BOOST_TEST(open.at("upgrades").as_array().size() == 1u);
    BOOST_TEST(open.at("pingInterval").as_int64() == 300);
    auto const sid = std::string(open.at("sid").as_string());
    BOOST_TEST(eio->session_count() == 1u);

    auto const post = request(polling(sid), bhttp::verb::post,
                              "4hello\x1e"
                              "bAQIDBA==\x1e"
                              "4world");
    BOOST_TEST(post.result_int() == 200u);
    BOOST_TEST(post.body() == "ok");
    auto const get = request(polling(sid));
    BOOST_TEST(get.body() == "4hello\x1e"
                             "bAQIDBA==\x1e"
                             "4world");
}

BOOST_AUTO_TEST_CASE(handshake_errors_carry_the_reference_codes) {
    auto check = [&](std::string target, bhttp::verb verb, int code) {
        BOOST_TEST_CONTEXT(target) {
            auto const res = request(target, verb);
            BOOST_TEST(res.result_int() == 400u);
            BOOST_TEST(res[bhttp::field::content_type] == "application/json");
            BOOST_TEST(boost::json::parse(res.body()).at("code").as_int64() == code);
        }
    };
    check("?EIO=4", bhttp::verb::get, 0);
    check("?EIO=4&transport=abc", bhttp::verb::get, 0);
    check("?EIO=4&transport=polling&sid=unknown", bhttp::verb::get, 1);
    check("?EIO=4&transport=polling", bhttp::verb::post, 2);
    check("?EIO=4&transport=polling", bhttp::verb::put, 2);
    check("?EIO=4&transport=websocket", bhttp::verb::get, 3); // no Upgrade header
    check("?transport=polling", bhttp::verb::get, 5);
    check("?EIO=3&transport=polling", bhttp::verb::get, 5);
    BOOST_TEST(eio->session_count() == 0u);
}

BOOST_AUTO_TEST_CASE(concurrent_get_closes_the_session) {
    auto const sid = open_polling();
    auto const results =
        io.run([](tcp::endpoint at,
                  std::string target) -> awaitable<std::pair<http_response, http_response>> {
            auto ex = co_await net::this_coro::executor;
            http_client first(ex);
            co_await first.connect(at);
            co_await bhttp::async_write(first.stream(), make_get(target), net::use_awaitable);
            net::steady_timer pause(ex, 50ms); // let the first GET park
            co_await pause.async_wait(net::use_awaitable);
            auto second = co_await fetch(at, make_get(target));
            auto first_reply = co_await first.read_response();
            co_return std::pair{std::move(first_reply), std::move(second)};
        }(ep, "/engine.io/" + polling(sid)));
    BOOST_TEST(results.first.result_int() == 200u);
    BOOST_TEST(results.first.body() == "1"); // the parked GET learns of the close
    BOOST_TEST(results.second.result_int() == 400u);
    BOOST_TEST(request(polling(sid)).result_int() == 400u);
    BOOST_TEST(closed_with(disconnect_reason::multiple_polling));
    BOOST_TEST(eio->session_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_post_while_another_is_still_arriving_closes_the_session) {
    auto const sid = open_polling();
    auto const results = io.run([](tcp::endpoint at, std::string target)
                                    -> awaitable<std::pair<std::string, http_response>> {
        auto ex = co_await net::this_coro::executor;
        // The first POST announces 10 bytes and sends 4 of them.
        tcp::socket first(ex);
        co_await first.async_connect(at, net::use_awaitable);
        std::string const head = "POST " + target +
                                 " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: text/plain;charset=UTF-8\r\n"
                                 "Content-Length: 10\r\n\r\n4hel";
        co_await net::async_write(first, net::buffer(head), net::use_awaitable);
        net::steady_timer pause(ex, 50ms);
        co_await pause.async_wait(net::use_awaitable);
        auto second_req = make_get(target, bhttp::verb::post);
        second_req.set(bhttp::field::content_type, "text/plain;charset=UTF-8");
        second_req.body() = "4x";
        second_req.prepare_payload();
        auto second = co_await fetch(at, std::move(second_req));
        // The first one's body completes after the session is gone.
        co_await net::async_write(first, net::buffer(std::string("lo1234")), net::use_awaitable);
        std::string first_reply(256, '\0');
        auto [ec, n] = co_await first.async_read_some(net::buffer(first_reply), use_tuple);
        first_reply.resize(ec ? 0 : n);
        co_return std::pair{first_reply, std::move(second)};
    }(ep, "/engine.io/" + polling(sid)));
    BOOST_TEST(results.second.result_int() == 400u);       // the overlapping POST
    BOOST_TEST(results.first.starts_with("HTTP/1.1 400")); // its session is gone
    BOOST_TEST(request(polling(sid)).result_int() == 400u);
    BOOST_TEST(closed_with(disconnect_reason::transport_error));
    BOOST_TEST(eio->session_count() == 0u);

    // One POST after another is fine.
    auto const next_sid = open_polling();
    BOOST_TEST(request(polling(next_sid), bhttp::verb::post, "4a").body() == "ok");
    BOOST_TEST(request(polling(next_sid), bhttp::verb::post, "4b").body() == "ok");
}

BOOST_AUTO_TEST_CASE(aborted_get_closes_the_session) {
    auto const sid = open_polling();
    io.run([](tcp::endpoint at, std::string target) -> awaitable<bool> {
        auto ex = co_await net::this_coro::executor;
        http_client client(ex);
        co_await client.connect(at);
        co_await bhttp::async_write(client.stream(), make_get(target), net::use_awaitable);
        net::steady_timer pause(ex, 20ms);
        co_await pause.async_wait(net::use_awaitable);
        client.stream().close(); // the client goes away while its GET is parked
        co_return true;
    }(ep, "/engine.io/" + polling(sid)));
    BOOST_TEST(closed_with(disconnect_reason::transport_close));
    BOOST_TEST(sessions_drain());
    BOOST_TEST(request(polling(sid)).result_int() == 400u);
}

BOOST_AUTO_TEST_CASE(post_over_max_payload_is_413_and_closes) {
    auto const sid = open_polling();
    auto const res = request(polling(sid), bhttp::verb::post, "4" + std::string(100'000, 'x'));
    BOOST_TEST(res.result_int() == 413u);
    BOOST_TEST(closed_with(disconnect_reason::payload_too_large));
    BOOST_TEST(sessions_drain());
}

BOOST_AUTO_TEST_CASE(malformed_post_closes_the_session) {
    auto const sid = open_polling();
    BOOST_TEST(request(polling(sid), bhttp::verb::post, "abc").result_int() == 400u);
    BOOST_TEST(closed_with(disconnect_reason::parse_error));
    BOOST_TEST(request(polling(sid)).result_int() == 400u);
}

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

BOOST_AUTO_TEST_CASE(websocket_without_pong_is_closed) {
    auto const closed = io.run([](tcp::endpoint at) -> awaitable<bool> {
        ws_client ws(co_await net::this_coro::executor);
        co_await ws.connect(at, "/engine.io/?EIO=4&transport=websocket");
        co_return co_await ws.closed_by_server(3s);
    }(ep));
    BOOST_TEST(closed);
    BOOST_TEST(closed_with(disconnect_reason::ping_timeout));
}

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

BOOST_AUTO_TEST_CASE(client_close_racing_its_own_get_answers_it_with_a_noop) {
    auto const sid = open_polling();
    // The close is handled before the GET the client sent alongside it (other connections,
    // other threads): that GET still gets its noop, the next one finds the sid gone.
    BOOST_TEST(request(polling(sid), bhttp::verb::post, "1").body() == "ok");
    BOOST_TEST(closed_with(disconnect_reason::transport_close));
    BOOST_TEST(request(polling(sid)).body() == "6");
    BOOST_TEST(request(polling(sid)).result_int() == 400u);
    BOOST_TEST(eio->session_count() == 0u);
}

BOOST_AUTO_TEST_CASE(queue_full_drops_volatile_then_closes) {
    auto const sid = open_polling();
    auto s = handler->last_session();
    BOOST_TEST_REQUIRE(s);
    auto const msg = std::string(199, 'v'); // 200 bytes with the type digit
    for (int i = 0; i < 10; ++i)
        s->send(engineio::make_text_message(msg),
                engineio::delivery::droppable); // volatile: 5 fit in 1000 bytes
    auto const first = request(polling(sid));
    BOOST_TEST(std::count(first.body().begin(), first.body().end(), '\x1e') == 4); // 5 packets

    for (int i = 0; i < 10; ++i)
        s->send(engineio::make_text_message(msg), engineio::delivery::reliable);
    BOOST_TEST(closed_with(disconnect_reason::queue_full));
    // What was queued before the overflow still reaches the client, then the close packet.
    auto const last = request(polling(sid));
    BOOST_TEST(last.body().ends_with("\x1e"
                                     "1"));
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
    // The 1000-byte queue holds them all (100 short packets).
    std::string all;
    while (std::count(all.begin(), all.end(), '4') < 100) {
        auto const body = request(polling(sid)).body();
        BOOST_TEST_REQUIRE(!body.empty());
        all += body + "\x1e";
    }
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

namespace {

engineio::config with_cors_and_deflate() {
    auto c = test_config();
    c.cors.enabled = true;
    c.cors.origins = {"https://app.example"};
    c.cors.credentials = true;
    c.per_message_deflate = true;
    return c;
}

} // namespace

BOOST_AUTO_TEST_CASE(cors_preflight_and_allowed_origins) {
    eio_fixture f(with_cors_and_deflate());
    auto preflight = make_get("/engine.io/?EIO=4&transport=polling", bhttp::verb::options);
    preflight.set(bhttp::field::origin, "https://app.example");
    preflight.set(bhttp::field::access_control_request_headers, "content-type");
    auto const pre = f.io.run(fetch(f.ep, preflight));
    BOOST_TEST(pre.result_int() == 204u);
    BOOST_TEST(pre[bhttp::field::access_control_allow_origin] == "https://app.example");
    BOOST_TEST(pre[bhttp::field::access_control_allow_credentials] == "true");
    BOOST_TEST(pre[bhttp::field::access_control_allow_headers] == "content-type");
    BOOST_TEST(pre[bhttp::field::access_control_allow_methods].find("POST") != std::string::npos);

    auto allowed = make_get("/engine.io/?EIO=4&transport=polling");
    allowed.set(bhttp::field::origin, "https://app.example");
    auto const ok = f.io.run(fetch(f.ep, allowed));
    BOOST_TEST(ok.result_int() == 200u);
    BOOST_TEST(ok[bhttp::field::access_control_allow_origin] == "https://app.example");
    BOOST_TEST(ok[bhttp::field::vary] == "Origin");

    auto other = make_get("/engine.io/?EIO=4&transport=polling");
    other.set(bhttp::field::origin, "https://evil.example");
    auto const no = f.io.run(fetch(f.ep, other));
    BOOST_TEST(no[bhttp::field::access_control_allow_origin].empty());
}

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

BOOST_AUTO_TEST_CASE(allow_request_refuses_handshakes_with_403_and_its_reason) {
    auto cfg = test_config();
    std::atomic<int> asked{0};
    cfg.allow_request = [&asked](engineio::handshake_info const& hs) -> std::optional<std::string> {
        ++asked;
        if (hs.header("Origin") == "https://app.example")
            return std::nullopt;
        if (hs.header("Origin") == "https://quiet.example")
            return std::string(); // refused with the standard text
        return "origin \"" + std::string(hs.header("Origin").value_or("none")) + "\" not allowed";
    };
    eio_fixture f(std::move(cfg));

    auto good = make_get("/engine.io/?EIO=4&transport=polling");
    good.set(bhttp::field::origin, "https://app.example");
    auto const ok = f.io.run(fetch(f.ep, good));
    BOOST_TEST(ok.result_int() == 200u);
    BOOST_TEST(ok.body().starts_with("0{"));

    auto evil = make_get("/engine.io/?EIO=4&transport=polling");
    evil.set(bhttp::field::origin, "https://evil.example");
    auto const no = f.io.run(fetch(f.ep, evil));
    BOOST_TEST(no.result_int() == 403u);
    BOOST_TEST(no[bhttp::field::content_type] == "application/json");
    BOOST_TEST(no.body() ==
               R"({"code":4,"message":"origin \"https://evil.example\" not allowed"})");

    auto quiet = make_get("/engine.io/?EIO=4&transport=polling");
    quiet.set(bhttp::field::origin, "https://quiet.example");
    BOOST_TEST(f.io.run(fetch(f.ep, quiet)).body() == R"({"code":4,"message":"Forbidden"})");

    // A WebSocket handshake is asked too (CORS does not protect WebSocket).
    auto upgrade = make_get("/engine.io/?EIO=4&transport=websocket");
    upgrade.set(bhttp::field::origin, "https://evil.example");
    upgrade.set(bhttp::field::upgrade, "websocket");
    upgrade.set(bhttp::field::connection, "Upgrade");
    upgrade.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    upgrade.set(bhttp::field::sec_websocket_version, "13");
    auto const ws_no = f.io.run(fetch(f.ep, upgrade));
    BOOST_TEST(ws_no.result_int() == 403u);

    // Requests of an existing session are not asked again.
    auto const sid = boost::json::parse(ok.body().substr(1)).at("sid").as_string();
    auto const before = asked.load();
    auto poll =
        make_get("/engine.io/?EIO=4&transport=polling&sid=" + std::string(sid), bhttp::verb::post);
    poll.body() = "4hi";
    BOOST_TEST(f.io.run(fetch(f.ep, poll)).body() == "ok");
    BOOST_TEST(asked.load() == before);
    BOOST_TEST(f.eio->session_count() == 1u);
}
