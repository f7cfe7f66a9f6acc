// What the Admin UI receives, built as @socket.io/admin-ui 0.5.1's dist/index.js builds it.
#include "sio/admin/payloads.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace sio::admin;
namespace json = boost::json;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(payloads)

BOOST_AUTO_TEST_CASE(dates_as_javascript_serializes_them) {
    std::chrono::system_clock::time_point const t{1'796'565'600'123ms}; // 2026-12-06T14:00:00.123Z
    BOOST_TEST(iso_date(t) == "2026-12-06T14:00:00.123Z");
    BOOST_TEST(iso_date(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(a_socket_as_the_ui_lists_it) {
    sio::adapter::socket_details d;
    d.id = "sock1";
    d.rooms = {"sock1", "lobby"};
    d.data =
        json::parse(R"({"_admin":{"clientId":"abcdefghijkl","transport":"polling"},"nick":"al"})");
    d.handshake = json::parse(R"({"headers":{"host":"h","x-forwarded-for":"10.0.0.9"},
        "time":"t","address":"127.0.0.1","xdomain":false,"secure":false,"issued":5,
        "url":"/socket.io/?EIO=4","query":{"EIO":"4"},"auth":{"token":"secret"}})");
    auto const s = serialize_socket(d, "/chat");
    auto const expected = json::parse(R"({"id":"sock1","clientId":"abcdefghijkl",
        "transport":"polling","nsp":"/chat","data":{"nick":"al"},
        "handshake":{"address":"10.0.0.9","headers":{"host":"h","x-forwarded-for":"10.0.0.9"},
        "query":{"EIO":"4"},"issued":5,"secure":false,"time":"t","url":"/socket.io/?EIO=4",
        "xdomain":false},"rooms":["lobby","sock1"]})");
    BOOST_TEST(json::value(s) == expected, json::serialize(s));
}

BOOST_AUTO_TEST_CASE(the_address_prefers_cloudflare_then_the_peer) {
    sio::adapter::socket_details d;
    d.handshake =
        json::parse(R"({"headers":{"cf-connecting-ip":"1.2.3.4","x-forwarded-for":"5.6.7.8"},
        "address":"127.0.0.1"})");
    BOOST_TEST(serialize_socket(d, "/").at("handshake").at("address") == "1.2.3.4");
    d.handshake = json::parse(R"({"headers":{},"address":"127.0.0.1"})");
    auto const s = serialize_socket(d, "/");
    BOOST_TEST(s.at("handshake").at("address") == "127.0.0.1");
    BOOST_TEST(s.at("clientId").is_null()); // no _admin: not instrumented when it connected
    BOOST_TEST(s.at("data") == json::object{});
}

BOOST_AUTO_TEST_CASE(features_by_mode_and_readonly) {
    auto const all = json::parse(R"(["EMIT","JOIN","LEAVE","DISCONNECT","MJOIN","MLEAVE",
        "MDISCONNECT","AGGREGATED_EVENTS","ALL_EVENTS"])");
    BOOST_TEST(json::value(supported_features(false, mode::development)) == all);
    BOOST_TEST(json::value(supported_features(true, mode::development)) ==
               json::parse(R"(["AGGREGATED_EVENTS","ALL_EVENTS"])"));
    BOOST_TEST(json::value(supported_features(true, mode::production)) ==
               json::parse(R"(["AGGREGATED_EVENTS"])"));
    BOOST_TEST(supported_features(false, mode::production).size() == 8u);
}

BOOST_AUTO_TEST_CASE(events_are_counted_per_second_and_taken_once) {
    event_buffer b;
    std::chrono::system_clock::time_point const t{1'796'565'600'123ms};
    b.push("rawConnection", std::nullopt, 1, t);
    b.push("rawConnection", std::nullopt, 1, t + 500ms); // same second
    b.push("rawConnection", std::nullopt, 1, t + 1s);
    b.push("bytesIn", std::nullopt, 40, t);
    b.push("rawDisconnection", "transport close", 1, t);
    auto const taken = b.take();
    auto const expected = json::parse(R"([
        {"timestamp":1796565600000,"type":"bytesIn","count":40},
        {"timestamp":1796565600000,"type":"rawConnection","count":2},
        {"timestamp":1796565600000,"type":"rawDisconnection","count":1,"subType":"transport close"},
        {"timestamp":1796565601000,"type":"rawConnection","count":1}])");
    BOOST_TEST(json::value(taken) == expected, json::serialize(taken));
    BOOST_TEST(b.take().empty());
}

BOOST_AUTO_TEST_SUITE_END()
