// Engine.IO handshakes: the reference error codes, CORS, and allow_request.
#include "coro/engineio/fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <optional>
#include <string>

using namespace sio;
using namespace sio::test;
using namespace sio::test::eio_tests;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(engineio_server, eio_fixture)

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

BOOST_AUTO_TEST_SUITE_END()

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
