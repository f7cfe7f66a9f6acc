// Engine.IO long-polling: replies and their fields, payloads, and what closes a session
// (overlapping or aborted requests, oversized or malformed bodies, a close racing a GET).
#include "coro/engineio/fixture.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace sio;
using namespace sio::test;
using namespace sio::test::eio_tests;
using namespace std::chrono_literals;

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

BOOST_AUTO_TEST_SUITE_END()
