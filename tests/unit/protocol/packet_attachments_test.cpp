// Binary Socket.IO packets: attachments completing a packet, their limit, and placeholders.
#include "sio/protocol/packet.hpp"

#include "unit/protocol/packet_test_support.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace sio::protocol;
using namespace sio::test::socketio_packet;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(socketio_packet)

BOOST_AUTO_TEST_CASE(binary_messages_complete_a_packet_in_order) {
    decoder d;
    BOOST_TEST(!d.awaiting_attachments());
    auto r = d.on_text("52-[\"message\"," + ph0 + "," + ph1 + "]");
    BOOST_TEST(outcome(r) == "pending");
    BOOST_TEST(d.awaiting_attachments());
    r = d.on_binary("\x01\x02\x03");
    BOOST_TEST(outcome(r) == "pending");
    BOOST_TEST(d.awaiting_attachments());
    r = d.on_binary("\x04\x05\x06");
    BOOST_TEST_REQUIRE(outcome(r) == "complete");
    BOOST_TEST(!d.awaiting_attachments());
    BOOST_TEST(r.complete->attachments ==
               (std::vector<std::string>{"\x01\x02\x03", "\x04\x05\x06"}));

    // The decoder is ready for the next packet.
    r = d.on_text(R"(2["next"])");
    BOOST_TEST(outcome(r) == "complete");

    // Empty attachments are attachments.
    r = d.on_text("51-[\"e\"," + ph0 + "]");
    BOOST_TEST(outcome(r) == "pending");
    r = d.on_binary("");
    BOOST_TEST_REQUIRE(outcome(r) == "complete");
    BOOST_TEST(r.complete->attachments == std::vector<std::string>{""});
}

BOOST_AUTO_TEST_CASE(binary_when_none_expected) {
    decoder d;
    BOOST_TEST(outcome(d.on_binary("\x01")) == error_outcome(decode_error::unexpected_binary));
    BOOST_TEST(outcome(d.on_text(R"(2["x"])")) == "complete");
    BOOST_TEST(outcome(d.on_binary("\x01")) == error_outcome(decode_error::unexpected_binary));

    // One binary message too many.
    BOOST_TEST(outcome(d.on_text("51-[\"x\"," + ph0 + "]")) == "pending");
    BOOST_TEST(outcome(d.on_binary("\x01")) == "complete");
    BOOST_TEST(outcome(d.on_binary("\x02")) == error_outcome(decode_error::unexpected_binary));
}

BOOST_AUTO_TEST_CASE(text_while_attachments_pending) {
    decoder d;
    BOOST_TEST(outcome(d.on_text("52-[\"x\"," + ph0 + "," + ph1 + "]")) == "pending");
    BOOST_TEST(outcome(d.on_binary("\x01")) == "pending");
    BOOST_TEST(outcome(d.on_text(R"(2["x"])")) == error_outcome(decode_error::unexpected_text));
    // The error drops the pending packet.
    BOOST_TEST(!d.awaiting_attachments());
    BOOST_TEST(outcome(d.on_binary("\x02")) == error_outcome(decode_error::unexpected_binary));
    BOOST_TEST(outcome(d.on_text(R"(2["y"])")) == "complete");
}

BOOST_AUTO_TEST_CASE(attachment_limit) {
    auto const with = [](std::size_t n) {
        std::string text = "5" + std::to_string(n) + "-[\"x\"";
        for (std::size_t i = 0; i < n; ++i)
            text += "," + json::serialize(make_placeholder(i));
        return text + "]";
    };
    {
        decoder d; // default: 10
        auto r = d.on_text(with(10));
        for (std::size_t i = 0; i < 10; ++i) {
            BOOST_TEST_REQUIRE(outcome(r) == "pending");
            r = d.on_binary(attachment(i));
        }
        BOOST_TEST_REQUIRE(outcome(r) == "complete");
        BOOST_TEST(r.complete->attachments == attachments(10));
        BOOST_TEST(encode_text(*r.complete) == with(10));
        BOOST_TEST(outcome(d.on_text(with(11))) ==
                   error_outcome(decode_error::too_many_attachments));
    }
    {
        decoder d(2);
        BOOST_TEST(outcome(d.on_text(with(2))) == "pending");
        d = decoder(2);
        BOOST_TEST(outcome(d.on_text(with(3))) ==
                   error_outcome(decode_error::too_many_attachments));
    }
    {
        decoder d(0); // no binary packets at all
        BOOST_TEST(outcome(d.on_text(with(1))) ==
                   error_outcome(decode_error::too_many_attachments));
        BOOST_TEST(outcome(d.on_text(R"(2["x"])")) == "complete");
    }
}

BOOST_AUTO_TEST_CASE(placeholders) {
    BOOST_TEST(json::serialize(make_placeholder(0)) == ph0);
    BOOST_TEST(json::serialize(make_placeholder(12)) == R"({"_placeholder":true,"num":12})");
    BOOST_TEST(is_placeholder(make_placeholder(3)));
    BOOST_TEST(is_placeholder(js(ph1)));
    BOOST_TEST(is_placeholder(js(R"({"num":0,"_placeholder":true})")));
    BOOST_TEST(!is_placeholder(js(R"({"_placeholder":false,"num":0})")));
    BOOST_TEST(!is_placeholder(js(R"({"_placeholder":1,"num":0})")));
    BOOST_TEST(!is_placeholder(js(R"({"_placeholder":true,"num":-1})")));
    BOOST_TEST(!is_placeholder(js(R"({"_placeholder":true,"num":1.0})")));
    BOOST_TEST(!is_placeholder(js(R"({"_placeholder":true})")));
    BOOST_TEST(!is_placeholder(js(R"({"num":0})")));
    BOOST_TEST(!is_placeholder(js("[" + ph0 + "]")));
    BOOST_TEST(!is_placeholder(js("0")));

    struct row {
        std::string json;
        std::optional<std::size_t> count;
    };
    std::vector<row> const rows = {
        {"null", 0},
        {"[]", 0},
        {R"(["x",1,{"a":"b"}])", 0},
        {R"({"_placeholder":false,"num":5})", 0},
        {ph0, 1},
        {"[" + ph0 + "]", 1},
        {"[" + ph1 + "," + ph0 + "]", 2},
        {R"({"a":[)" + ph0 + R"(],"b":{"c":)" + ph1 + "}}", 2},
        {R"({"_placeholder":false,"x":)" + ph0 + "}", 1},
        {ph1, std::nullopt},
        {"[" + ph0 + "," + ph0 + "]", std::nullopt},
        {"[" + ph0 + R"(,{"_placeholder":true,"num":2}])", std::nullopt},
        {R"([{"_placeholder":true,"num":"0"}])", std::nullopt},
        {R"([{"_placeholder":true}])", std::nullopt},
    };
    for (auto const& r : rows) {
        BOOST_TEST_CONTEXT("json " << r.json) {
            BOOST_TEST((count_placeholders(js(r.json)) == r.count));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
