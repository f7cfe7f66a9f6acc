// The operator's limits at the handshake: sessions in all and per address, and the handshake
// rate per address. A refused handshake makes no session and gets the status and the
// Engine.IO error that say why.
#include "coro/engineio/fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <thread>

using namespace sio;
using namespace sio::test;
using namespace sio::test::eio_tests;
using namespace std::chrono_literals;

namespace {

http_request websocket_handshake() {
    auto req = make_get("/engine.io/?EIO=4&transport=websocket");
    req.set(bhttp::field::upgrade, "websocket");
    req.set(bhttp::field::connection, "Upgrade");
    req.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    req.set(bhttp::field::sec_websocket_version, "13");
    return req;
}

/// Ends a polling session from the client's side and waits until its sid is gone.
void close_polling(eio_fixture& f, std::string const& sid) {
    BOOST_TEST(f.request(f.polling(sid), bhttp::verb::post, "1").body() == "ok");
    auto const until = std::chrono::steady_clock::now() + 3s;
    while (f.request(f.polling(sid)).result_int() != 400u &&
           std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
}

void check_refused(http_response const& res, unsigned status, std::string_view message) {
    BOOST_TEST(res.result_int() == status);
    BOOST_TEST(res[bhttp::field::content_type] == "application/json");
    auto const body = boost::json::parse(res.body());
    BOOST_TEST(body.at("code").as_int64() == 4);
    BOOST_TEST(body.at("message").as_string() == message);
}

} // namespace

BOOST_AUTO_TEST_SUITE(engineio_limits)

BOOST_AUTO_TEST_CASE(past_max_sessions_handshakes_get_503_until_one_ends) {
    auto cfg = test_config();
    cfg.ping_interval = 10s; // only the client's close ends a session here
    cfg.max_sessions = 2;
    eio_fixture f(cfg);
    auto const first = f.open_polling();
    f.open_polling();
    check_refused(f.request("?EIO=4&transport=polling"), 503, "Server full");
    // A WebSocket handshake is refused before the upgrade, with the same answer.
    check_refused(f.io.run(fetch(f.ep, websocket_handshake())), 503, "Server full");
    BOOST_TEST(f.eio->session_count() == 2u);

    close_polling(f, first);
    BOOST_TEST(f.request("?EIO=4&transport=polling").result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(sessions_per_address_are_limited) {
    auto cfg = test_config();
    cfg.ping_interval = 10s;
    cfg.max_sessions_per_address = 1;
    eio_fixture f(cfg);
    auto const sid = f.open_polling();
    check_refused(f.request("?EIO=4&transport=polling"), 503,
                  "Too many sessions from this address");
    close_polling(f, sid);
    BOOST_TEST(f.request("?EIO=4&transport=polling").result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(handshakes_per_second_per_address_are_limited) {
    auto cfg = test_config();
    cfg.ping_interval = 10s;
    cfg.max_handshakes_per_second_per_address = 4; // bursts of 4, then one per 250 ms
    eio_fixture f(cfg);
    for (int i = 0; i < 4; ++i)
        BOOST_TEST(f.request("?EIO=4&transport=polling").result_int() == 200u);
    check_refused(f.request("?EIO=4&transport=polling"), 429,
                  "Too many handshakes from this address");
    BOOST_TEST(f.eio->session_count() == 4u);
    std::this_thread::sleep_for(300ms);
    BOOST_TEST(f.request("?EIO=4&transport=polling").result_int() == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
