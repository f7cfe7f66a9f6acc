// Socket.IO packets decoded from text: round trips, fields, namespaces and every malformed form.
#include "sio/protocol/packet.hpp"

#include "unit/protocol/packet_test_support.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace sio::protocol;
using namespace sio::test::socketio_packet;
namespace json = boost::json;

namespace {

struct valid_case {
    std::string text;
    std::size_t attachments = 0;
};

std::vector<valid_case> const round_trip_cases = {
    // requirements 2.2, encoded examples
    {"0"},
    {R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})"},
    {R"(4{"message":"Not authorized"})"},
    {R"(2["foo"])"},
    {R"(2/admin,["bar"])"},
    {R"(51-["baz",)" + ph0 + "]", 1},
    {R"(52-/admin,["baz",)" + ph0 + "," + ph1 + "]", 2},
    {R"(212["foo"])"},
    {R"(3/admin,13["bar"])"},
    {R"(61-15["bar",)" + ph0 + "]", 1},
    {"1"},
    {"1/admin,"},
    // requirements 2.3 / 2.6 samples
    {R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})"},
    {"0/admin,"},
    {R"(0/admin,{"token":"123"})"},
    {R"(4/random,{"message":"Invalid namespace"})"},
    {R"(2["hey","Jude"])"},
    {R"(2["hello"])"},
    {R"(2/admin,1["tellme"])"},
    {"61-/admin,1[" + ph0 + "]", 1},
    {R"(51-3["message-with-ack",)" + ph0 + "]", 1},
    {"61-3[" + ph0 + "]", 1},
    {R"(27["x"])"},
    {"37[]"},
    // socket.io suite frames (without the Engine.IO '4')
    {R"(0{"token":"123"})"},
    {"0/custom,"},
    {R"(0/custom,{"token":"abc"})"},
    {R"(2["auth",{}])"},
    {R"(2["auth",{"token":"123"}])"},
    {R"(2/custom,["auth",{}])"},
    {R"(2/custom,["auth",{"token":"abc"}])"},
    {R"(2["message",1,"2",{"3":[true]}])"},
    {R"(2["message-back",1,"2",{"3":[true]}])"},
    {R"(52-["message",)" + ph0 + "," + ph1 + "]", 2},
    {R"(52-["message-back",)" + ph0 + "," + ph1 + "]", 2},
    {R"(2456["message-with-ack",1,"2",{"3":[false]}])"},
    {R"(3456[1,"2",{"3":[false]}])"},
    {R"(52-789["message-with-ack",)" + ph0 + "," + ph1 + "]", 2},
    {"62-789[" + ph0 + "," + ph1 + "]", 2},
    {R"(2["message","message to main namespace"])"},
    {R"(2["message-back","message to main namespace"])"},
    // other valid shapes
    {"3[]"},
    {R"(4"some error")"},
    {R"(4{"message":"nope","data":{"code":42}})"},
    {"2[1]"},
    {R"(2[-5,null,"x"])"},
    {R"(2["n",0,-9223372036854775808,9223372036854775807,18446744073709551615])"},
    {R"(218446744073709551615["max id"])"},
    {R"(2["keys",{"b":1,"a":2,"c":{"z":[],"y":{}}}])"},
    {R"(2["unicode","h\u00e9llo","日本語",""])"},
    {R"(2["escapes","a\"b\\c\nd\te"])"},
    {R"(51-["deep",{"a":[{"b":)" + ph0 + "}]}]", 1},
    {R"(52-["swapped",)" + ph1 + "," + ph0 + "]", 2},
    {R"(52-/admin,7["n",{"x":)" + ph1 + R"(,"y":[)" + ph0 + "]}]", 2},
};

} // namespace

BOOST_AUTO_TEST_SUITE(socketio_packet)

BOOST_AUTO_TEST_CASE(decode_then_encode_gives_the_same_bytes) {
    for (auto const& c : round_trip_cases) {
        BOOST_TEST_CONTEXT("text " << c.text) {
            // The escaped unicode sample comes back as raw UTF-8, as JSON.stringify writes it.
            auto const expected = c.text.find("\\u00e9") == std::string::npos
                                      ? c.text
                                      : R"(2["unicode","héllo","日本語",""])";
            auto const p = decode_all(c.text, c.attachments);
            BOOST_TEST_REQUIRE(p.has_value());
            BOOST_TEST(p->attachments.size() == c.attachments);
            auto const e = encode(*p);
            BOOST_TEST(e.text == expected);
            BOOST_TEST(e.attachments == attachments(c.attachments));
            BOOST_TEST(encode_text(*p) == expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(decoded_fields) {
    auto p = decode_all(R"(3/admin,13["bar"])", 0);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST((p->type == packet_type::ack));
    BOOST_TEST(p->nsp == "/admin");
    BOOST_TEST(p->id.value() == 13u);
    BOOST_TEST(json::serialize(p->data.value()) == R"(["bar"])");

    p = decode_all("1", 0);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST((p->type == packet_type::disconnect));
    BOOST_TEST(p->nsp == "/");
    BOOST_TEST(!p->id);
    BOOST_TEST(!p->data);

    // Binary packets come out as EVENT / ACK with their attachments.
    p = decode_all("52-789[\"m\"," + ph0 + "," + ph1 + "]", 2);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST((p->type == packet_type::event));
    BOOST_TEST(p->id.value() == 789u);
    BOOST_TEST(p->attachments == attachments(2));
    p = decode_all("61-15[\"bar\"," + ph0 + "]", 1);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST((p->type == packet_type::ack));
    BOOST_TEST(p->id.value() == 15u);

    // Integers keep their kind; other numbers are doubles.
    p = decode_all(R"(2["n",1,-1,18446744073709551615,1.5])", 0);
    BOOST_TEST_REQUIRE(p.has_value());
    auto const& a = p->data->as_array();
    BOOST_TEST(a[1].is_int64());
    BOOST_TEST(a[2].is_int64());
    BOOST_TEST(a[3].is_uint64());
    BOOST_TEST(a[4].is_double());

    // A number as the first element of an EVENT is accepted (socket.io-parser).
    p = decode_all("2[1.5]", 0);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->data->as_array()[0].as_double() == 1.5);

    // Leading zeros are read, not kept.
    p = decode_all(R"(2007["x"])", 0);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->id.value() == 7u);
    p = decode_all("501-[\"x\"," + ph0 + "]", 1);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(encode_text(*p) == "51-[\"x\"," + ph0 + "]");
}

BOOST_AUTO_TEST_CASE(namespace_without_trailing_comma) {
    // Suite: `40/random` and `41/custom` (Engine.IO frames) carry no comma.
    struct row {
        std::string_view text;
        packet_type type;
        std::string_view nsp;
        std::string_view reencoded;
    };
    std::vector<row> const rows = {
        {"0/random", packet_type::connect, "/random", "0/random,"},
        {"0/custom", packet_type::connect, "/custom", "0/custom,"},
        {"1/custom", packet_type::disconnect, "/custom", "1/custom,"},
        {"1/admin", packet_type::disconnect, "/admin", "1/admin,"},
        // The namespace runs to the first ',' whatever it contains, as in socket.io-parser.
        {R"(0/admin{"a":1})", packet_type::connect, R"(/admin{"a":1})", R"(0/admin{"a":1},)"},
        // "/" written explicitly is the main namespace.
        {"0/,", packet_type::connect, "/", "0"},
    };
    for (auto const& r : rows) {
        BOOST_TEST_CONTEXT("text " << r.text) {
            auto const p = decode_all(r.text, 0);
            BOOST_TEST_REQUIRE(p.has_value());
            BOOST_TEST((p->type == r.type));
            BOOST_TEST(p->nsp == r.nsp);
            BOOST_TEST(!p->id);
            BOOST_TEST(!p->data);
            BOOST_TEST(encode_text(*p) == r.reencoded);
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_texts) {
    struct row {
        std::string text;
        decode_error error;
    };
    std::vector<row> rows = {
        {"", decode_error::empty},
        // unknown type (suite: `4abc`)
        {"7", decode_error::unknown_type},
        {"9x", decode_error::unknown_type},
        {"abc", decode_error::unknown_type},
        {"-1", decode_error::unknown_type},
        {R"( 2["x"])", decode_error::unknown_type},
        {R"(/2["x"])", decode_error::unknown_type},
        // EVENT payloads (suite: `42{}`)
        {"2{}", decode_error::invalid_payload},
        {"2[]", decode_error::invalid_payload},
        {"2", decode_error::invalid_payload},
        {"2/nsp,", decode_error::invalid_payload},
        {"212", decode_error::invalid_payload},
        {R"(2"x")", decode_error::invalid_payload},
        {"2[null]", decode_error::invalid_payload},
        {"2[true]", decode_error::invalid_payload},
        {R"(2[["x"]])", decode_error::invalid_payload},
        {R"(2[{"x":1}])", decode_error::invalid_payload},
        {R"(2["connect"])", decode_error::invalid_payload},
        {R"(2["connect_error",1])", decode_error::invalid_payload},
        {R"(2["disconnect"])", decode_error::invalid_payload},
        {R"(2/admin,["disconnecting"])", decode_error::invalid_payload},
        {R"(2["newListener"])", decode_error::invalid_payload},
        {R"(21["removeListener"])", decode_error::invalid_payload},
        // ACK payloads
        {"3{}", decode_error::invalid_payload},
        {"3", decode_error::invalid_payload},
        {"3/admin,13", decode_error::invalid_payload},
        {R"(3"x")", decode_error::invalid_payload},
        {"3null", decode_error::invalid_payload},
        // CONNECT / DISCONNECT / CONNECT_ERROR payloads
        {"0[]", decode_error::invalid_payload},
        {R"(0"x")", decode_error::invalid_payload},
        {"0null", decode_error::invalid_payload},
        {"0/admin,[]", decode_error::invalid_payload},
        {"1{}", decode_error::invalid_payload},
        {"1[]", decode_error::invalid_payload},
        {"1/admin,{}", decode_error::invalid_payload},
        {"4", decode_error::invalid_payload},
        {"4[]", decode_error::invalid_payload},
        {"4/admin,", decode_error::invalid_payload},
        // JSON that does not parse (suite: `42abc[...]`, invalid ack id)
        {R"(2abc["message-with-ack",1,"2",{"3":[false]}])", decode_error::bad_json},
        {R"(2["x")", decode_error::bad_json},
        {R"(2["x"]])", decode_error::bad_json},
        {R"(2["x",])", decode_error::bad_json},
        {"2['x']", decode_error::bad_json},
        {R"(2["x"] junk)", decode_error::bad_json},
        {"2[NaN]", decode_error::bad_json},
        {"0/admin,{bad}", decode_error::bad_json},
        {"0{", decode_error::bad_json},
        {"1abc", decode_error::bad_json},
        {"4abc", decode_error::bad_json}, // the Socket.IO text; the suite's frame `4abc` is "abc"
        {R"(0/x{"a":1,"b":2})", decode_error::bad_json}, // namespace ends at the first ','
        {"2[" + std::string(40, '[') + std::string(41, ']'), decode_error::bad_json}, // too deep
        // ack id
        {R"(218446744073709551616["x"])", decode_error::bad_ack_id},
        {R"(2184467440737095516160["x"])", decode_error::bad_ack_id},
        {R"(3/admin,99999999999999999999999[])", decode_error::bad_ack_id},
        // attachment count
        {R"(5-["x"])", decode_error::bad_attachment_count},
        {R"(5x-["x"])", decode_error::bad_attachment_count},
        {R"(51x-["x"])", decode_error::bad_attachment_count},
        {R"(51["x"])", decode_error::bad_attachment_count},
        {"5", decode_error::bad_attachment_count},
        {"6", decode_error::bad_attachment_count},
        {"6-[]", decode_error::bad_attachment_count},
        {R"(50-["x"])", decode_error::bad_attachment_count},
        {"500-[]", decode_error::bad_attachment_count},
        {R"(511-["x"])", decode_error::too_many_attachments},
        {"699999999999999999999999999-[]", decode_error::too_many_attachments},
        // binary packet without a payload
        {"51-", decode_error::invalid_payload},
        {"61-/admin,3", decode_error::invalid_payload},
        {R"(51-["disconnect",)" + ph0 + "]", decode_error::invalid_payload},
        {"51-{}", decode_error::invalid_payload},
        // placeholders not matching the count
        {R"(51-["x"])", decode_error::bad_placeholders},
        {"61-[]", decode_error::bad_placeholders},
        {R"(52-["x",)" + ph0 + "]", decode_error::bad_placeholders},
        {R"(51-["x",)" + ph0 + "," + ph1 + "]", decode_error::bad_placeholders},
        {R"(51-["x",)" + ph1 + "]", decode_error::bad_placeholders},
        {R"(52-["x",)" + ph0 + "," + ph0 + "]", decode_error::bad_placeholders},
        {R"(52-["x",)" + ph1 + "," + ph1 + "]", decode_error::bad_placeholders},
        {R"(51-["x",{"_placeholder":true,"num":-1}])", decode_error::bad_placeholders},
        {R"(51-["x",{"_placeholder":true,"num":"0"}])", decode_error::bad_placeholders},
        {R"(51-["x",{"_placeholder":true,"num":0.5}])", decode_error::bad_placeholders},
        {R"(51-["x",{"_placeholder":true}])", decode_error::bad_placeholders},
        {R"(51-["x",{"_placeholder":false,"num":0}])", decode_error::bad_placeholders},
        // placeholders in a packet that announces no attachments
        {R"(2["x",)" + ph0 + "]", decode_error::bad_placeholders},
        {"3[" + ph0 + "]", decode_error::bad_placeholders},
        {R"(0{"a":)" + ph0 + "}", decode_error::bad_placeholders},
        {R"(2["x",{"_placeholder":true}])", decode_error::bad_placeholders},
    };
    for (auto const& r : rows) {
        BOOST_TEST_CONTEXT("text " << r.text) {
            decoder d;
            BOOST_TEST(outcome(d.on_text(r.text)) == error_outcome(r.error));
            BOOST_TEST(!d.awaiting_attachments());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
