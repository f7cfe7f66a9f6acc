#include "sio/engineio/handshake.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace sio::engineio;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(engineio_handshake)

BOOST_AUTO_TEST_CASE(query_parameters) {
    auto const q = parse_query("/engine.io/?EIO=4&transport=polling&t=N8hyd6w&sid=ab%2Dc");
    BOOST_TEST(q.eio.value() == "4");
    BOOST_TEST(q.transport.value() == "polling");
    BOOST_TEST(q.sid.value() == "ab-c");

    auto const none = parse_query("/engine.io/");
    BOOST_TEST(!none.eio);
    BOOST_TEST(!none.transport);
    BOOST_TEST(!none.sid);

    auto const first_wins = parse_query("/e/?EIO=4&EIO=3&transport");
    BOOST_TEST(first_wins.eio.value() == "4");
    BOOST_TEST(first_wins.transport.value().empty());

    auto const bad_escape = parse_query("/e/?sid=%zz");
    BOOST_TEST(bad_escape.sid.has_value());
    BOOST_TEST(bad_escape.sid.value() != "%zz");
}

BOOST_AUTO_TEST_CASE(transports) {
    BOOST_TEST((parse_transport(std::string("polling")) == transport_kind::polling));
    BOOST_TEST((parse_transport(std::string("websocket")) == transport_kind::websocket));
    BOOST_TEST(!parse_transport(std::string("abc")));
    BOOST_TEST(!parse_transport(std::nullopt));
    BOOST_TEST(!parse_transport(std::string("Polling")));
}

BOOST_AUTO_TEST_CASE(open_packet_has_exactly_the_five_keys) {
    auto const text = open_json("abc", {"websocket"}, {300ms, 200ms, 1000000});
    BOOST_TEST(text == R"({"sid":"abc","upgrades":["websocket"],"pingInterval":300,)"
                       R"("pingTimeout":200,"maxPayload":1000000})");
    auto const v = boost::json::parse(open_json("x\"y", {}, {25000ms, 20000ms, 1}));
    BOOST_TEST(v.as_object().size() == 5u);
    BOOST_TEST(v.at("sid").as_string() == "x\"y");
    BOOST_TEST(v.at("upgrades").as_array().empty());
}

BOOST_AUTO_TEST_CASE(error_bodies_as_the_reference_writes_them) {
    BOOST_TEST(error_body(http_error::unknown_transport) ==
               R"({"code":0,"message":"Transport unknown"})");
    BOOST_TEST(error_body(http_error::unknown_sid) ==
               R"({"code":1,"message":"Session ID unknown"})");
    BOOST_TEST(error_body(http_error::bad_handshake_method) ==
               R"({"code":2,"message":"Bad handshake method"})");
    BOOST_TEST(error_body(http_error::bad_request) == R"({"code":3,"message":"Bad request"})");
    BOOST_TEST(error_body(http_error::forbidden) == R"({"code":4,"message":"Forbidden"})");
    // allow_request's own reason, JSON-escaped.
    BOOST_TEST(error_body(http_error::forbidden, "say \"no\"\n") ==
               R"({"code":4,"message":"say \"no\"\n"})");
    BOOST_TEST(error_body(http_error::unsupported_protocol_version) ==
               R"({"code":5,"message":"Unsupported protocol version"})");
    BOOST_TEST(error_status(http_error::forbidden) == sio::http::status::forbidden);
    BOOST_TEST(error_status(http_error::unknown_sid) == sio::http::status::bad_request);
}

BOOST_AUTO_TEST_CASE(handshake_headers_are_kept_in_order_and_found_by_any_case) {
    handshake_info info;
    info.add_header("Host", "127.0.0.1:8000");
    info.add_header("X-Token", "a: b");
    info.add_header("x-token", "second");
    auto const all = info.headers();
    BOOST_TEST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[0].first == "host");
    BOOST_TEST(all[1].second == "a: b");
    BOOST_TEST(info.header("HOST").value_or("") == "127.0.0.1:8000");
    BOOST_TEST(info.header("x-TOKEN").value_or("") == "a: b"); // the first one
    BOOST_TEST(!info.header("cookie"));
}

BOOST_AUTO_TEST_SUITE_END()
