// Socket.IO packets encoded: the spec examples, encode-then-decode, reserved event names,
// payload validity and error names.
#include "sio/protocol/packet.hpp"

#include "unit/protocol/packet_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace sio::protocol;
using namespace sio::test::socketio_packet;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(socketio_packet)

BOOST_AUTO_TEST_CASE(encode_spec_examples) {
    std::string const bytes4 = "\x01\x02\x03\x04";
    struct row {
        std::string name;
        packet p;
        std::string text;
        std::vector<std::string> attachments;
    };
    auto binary = [](packet p, std::vector<std::string> a) {
        p.attachments = std::move(a);
        return p;
    };
    std::vector<row> const rows = {
        {"CONNECT /", make(packet_type::connect, "/", {}, {}), "0", {}},
        {"CONNECT /admin answer",
         make(packet_type::connect, "/admin", {}, R"({"sid":"oSO0OpakMV_3jnilAAAA"})"),
         R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})",
         {}},
        {"CONNECT_ERROR /",
         make(packet_type::connect_error, "/", {}, R"({"message":"Not authorized"})"),
         R"(4{"message":"Not authorized"})",
         {}},
        {"CONNECT_ERROR unknown namespace",
         make(packet_type::connect_error, "/random", {}, R"({"message":"Invalid namespace"})"),
         R"(4/random,{"message":"Invalid namespace"})",
         {}},
        {"EVENT /", make(packet_type::event, "/", {}, R"(["foo"])"), R"(2["foo"])", {}},
        {"EVENT /admin",
         make(packet_type::event, "/admin", {}, R"(["bar"])"),
         R"(2/admin,["bar"])",
         {}},
        {"BINARY_EVENT /",
         binary(make(packet_type::event, "/", {}, R"(["baz",)" + ph0 + "]"), {bytes4}),
         R"(51-["baz",{"_placeholder":true,"num":0}])",
         {bytes4}},
        {"BINARY_EVENT /admin, 2 buffers",
         binary(make(packet_type::event, "/admin", {}, R"(["baz",)" + ph0 + "," + ph1 + "]"),
                {"\x01\x02", "\x03\x04"}),
         R"(52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
         {"\x01\x02", "\x03\x04"}},
        {"EVENT / id 12", make(packet_type::event, "/", 12, R"(["foo"])"), R"(212["foo"])", {}},
        {"ACK /admin id 13",
         make(packet_type::ack, "/admin", 13, R"(["bar"])"),
         R"(3/admin,13["bar"])",
         {}},
        {"BINARY_ACK / id 15",
         binary(make(packet_type::ack, "/", 15, R"(["bar",)" + ph0 + "]"), {bytes4}),
         R"(61-15["bar",{"_placeholder":true,"num":0}])",
         {bytes4}},
        {"DISCONNECT /", make(packet_type::disconnect, "/", {}, {}), "1", {}},
        {"DISCONNECT /admin", make(packet_type::disconnect, "/admin", {}, {}), "1/admin,", {}},
        // the suite's answers
        {"CONNECT answer",
         make(packet_type::connect, "/", {}, R"({"sid":"wZX3oN0bSVIhsaknAAAI"})"),
         R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})",
         {}},
        {"ACK 456",
         make(packet_type::ack, "/", 456, R"([1,"2",{"3":[false]}])"),
         R"(3456[1,"2",{"3":[false]}])",
         {}},
        {"BINARY_ACK 789",
         binary(make(packet_type::ack, "/", 789, "[" + ph0 + "," + ph1 + "]"),
                {"\x01\x02\x03", "\x04\x05\x06"}),
         R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
         {"\x01\x02\x03", "\x04\x05\x06"}},
        {"empty ACK", make(packet_type::ack, "/", 7, "[]"), "37[]", {}},
        // binary types follow the attachments
        {"BINARY_EVENT type without attachments",
         make(packet_type::binary_event, "/", {}, R"(["x"])"),
         R"(2["x"])",
         {}},
        {"BINARY_ACK type without attachments",
         make(packet_type::binary_ack, "/", 1, "[]"),
         "31[]",
         {}},
        {"BINARY_EVENT type with attachments",
         binary(make(packet_type::binary_event, "/", {}, R"(["x",)" + ph0 + "]"), {"a"}),
         R"(51-["x",{"_placeholder":true,"num":0}])",
         {"a"}},
        // an empty namespace is the main one
        {"empty namespace", make(packet_type::event, "", {}, R"(["x"])"), R"(2["x"])", {}},
        // attachments belong to EVENT / ACK only
        {"CONNECT with attachments",
         binary(make(packet_type::connect, "/", {}, "{}"), {"ignored"}),
         "0{}",
         {}},
    };
    for (auto const& r : rows) {
        BOOST_TEST_CONTEXT(r.name) {
            auto const e = encode(r.p);
            BOOST_TEST(e.text == r.text);
            BOOST_TEST(e.attachments == r.attachments);
            BOOST_TEST(encode_text(r.p) == r.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(encode_then_decode) {
    auto p =
        make(packet_type::event, "/chat", 42, R"(["msg",{"a":[1,2,)" + ph1 + "]}," + ph0 + "]", 2);
    auto const e = encode(p);
    decoder d;
    auto r = d.on_text(e.text);
    for (auto const& a : e.attachments) {
        BOOST_TEST_REQUIRE(outcome(r) == "pending");
        r = d.on_binary(a);
    }
    BOOST_TEST_REQUIRE(outcome(r) == "complete");
    BOOST_TEST((*r.complete == p));
}

BOOST_AUTO_TEST_CASE(numbers_that_are_not_finite_are_written_null) {
    // A client's 1e400 reads as infinity (as in Node, whose JSON.parse gives Infinity); written
    // back it must be JSON: `null`, as JSON.stringify writes it. Before, the server wrote
    // `Infinity`, which its own decoder and socket.io-client refused (fuzzing found it:
    // tests/fuzz/corpus/socketio_packet/infinity).
    auto const in = decode_all(R"(2["chat",1e400,{"a":[-1e400,1.5]}])", 0);
    BOOST_TEST_REQUIRE(in.has_value());
    BOOST_TEST(in->data->as_array()[1].as_double() == std::numeric_limits<double>::infinity());
    auto const text = encode_text(*in);
    BOOST_TEST(text == R"(2["chat",null,{"a":[null,1.5E0]}])");
    auto const again = decode_all(text, 0);
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(encode_text(*again) == text);

    // An application's NaN too, deep in an object, next to attachments, in every packet type
    // that carries data.
    json::value nan = std::numeric_limits<double>::quiet_NaN();
    json::array deep{nan};
    for (int i = 0; i < 10; ++i)
        deep = json::array{deep};
    auto ack = make(packet_type::ack, "/x", 7, "[" + ph0 + "]", 1);
    ack.data->as_array().push_back(json::object{{"n", nan}, {"d", deep}});
    auto const e = encode(ack);
    BOOST_TEST(e.text.find("NaN") == std::string::npos);
    BOOST_TEST(e.text.find(R"({"n":null,"d":[[[)") != std::string::npos);
    BOOST_TEST(decode_all(e.text, 1).has_value());
    auto err = make(packet_type::connect_error, "/", {}, R"({"message":"x"})");
    err.data->as_object()["data"] = -std::numeric_limits<double>::infinity();
    BOOST_TEST(encode_text(err) == R"(4{"message":"x","data":null})");

    // An event named by such a number is valid, as in Node; written back it is no longer an
    // event (Node's encoder and decoder do the same).
    auto const named = decode_all("2[1e400]", 0);
    BOOST_TEST_REQUIRE(named.has_value());
    BOOST_TEST(encode_text(*named) == "2[null]");
    decoder d;
    BOOST_TEST(outcome(d.on_text("2[null]")) == error_outcome(decode_error::invalid_payload));

    BOOST_TEST(to_json(json::value(std::numeric_limits<double>::infinity())) == "null");
    BOOST_TEST(to_json(json::parse(R"([1,"Infinity",2.5E-1])")) == R"([1,"Infinity",2.5E-1])");
}

BOOST_AUTO_TEST_CASE(reserved_events) {
    for (auto name : {"connect", "connect_error", "disconnect", "disconnecting", "newListener",
                      "removeListener"})
        BOOST_TEST(is_reserved_event(name), name);
    for (auto name : {"", "message", "Connect", "connect ", "error", "ping", "newlistener"})
        BOOST_TEST(!is_reserved_event(name), name);
}

BOOST_AUTO_TEST_CASE(payload_validity) {
    auto const valid = [](packet_type t, std::optional<std::string_view> data) {
        return is_payload_valid(t, data ? std::optional<json::value>(js(*data)) : std::nullopt);
    };
    BOOST_TEST(valid(packet_type::connect, {}));
    BOOST_TEST(valid(packet_type::connect, "{}"));
    BOOST_TEST(!valid(packet_type::connect, "[]"));
    BOOST_TEST(valid(packet_type::disconnect, {}));
    BOOST_TEST(!valid(packet_type::disconnect, "{}"));
    BOOST_TEST(valid(packet_type::connect_error, R"({"message":"x"})"));
    BOOST_TEST(valid(packet_type::connect_error, R"("x")"));
    BOOST_TEST(!valid(packet_type::connect_error, {}));
    BOOST_TEST(!valid(packet_type::connect_error, "1"));
    for (auto t : {packet_type::event, packet_type::binary_event}) {
        BOOST_TEST(valid(t, R"(["x"])"));
        BOOST_TEST(valid(t, "[1]"));
        BOOST_TEST(valid(t, "[-2.5]"));
        BOOST_TEST(!valid(t, {}));
        BOOST_TEST(!valid(t, "[]"));
        BOOST_TEST(!valid(t, "{}"));
        BOOST_TEST(!valid(t, R"(["disconnect"])"));
        BOOST_TEST(!valid(t, "[null]"));
    }
    for (auto t : {packet_type::ack, packet_type::binary_ack}) {
        BOOST_TEST(valid(t, "[]"));
        BOOST_TEST(valid(t, R"(["disconnect"])"));
        BOOST_TEST(!valid(t, {}));
        BOOST_TEST(!valid(t, "{}"));
    }
}

BOOST_AUTO_TEST_CASE(error_names_are_distinct) {
    std::vector<std::string_view> names;
    for (auto e :
         {decode_error::empty, decode_error::unknown_type, decode_error::bad_attachment_count,
          decode_error::too_many_attachments, decode_error::bad_ack_id, decode_error::bad_json,
          decode_error::invalid_payload, decode_error::bad_placeholders,
          decode_error::unexpected_text, decode_error::unexpected_binary}) {
        auto const n = to_string(e);
        BOOST_TEST(!n.empty());
        BOOST_TEST((std::find(names.begin(), names.end(), n) == names.end()), n);
        names.push_back(n);
    }
}

BOOST_AUTO_TEST_SUITE_END()
