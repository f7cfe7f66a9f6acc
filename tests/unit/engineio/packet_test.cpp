#include "sio/engineio/packet.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio::engineio;

BOOST_AUTO_TEST_SUITE(engineio_packet)

BOOST_AUTO_TEST_CASE(text_packets_round_trip) {
    struct case_t {
        std::string text;
        packet_type type;
        std::string data;
    };
    std::vector<case_t> const cases{
        {"0{\"sid\":\"x\"}", packet_type::open, "{\"sid\":\"x\"}"},
        {"1", packet_type::close, ""},
        {"2", packet_type::ping, ""},
        {"2probe", packet_type::ping, "probe"},
        {"3probe", packet_type::pong, "probe"},
        {"4hello", packet_type::message, "hello"},
        {"4", packet_type::message, ""},
        {"4\xe2\x82\xac", packet_type::message, "\xe2\x82\xac"}, // UTF-8 untouched
        {"5", packet_type::upgrade, ""},
        {"6", packet_type::noop, ""},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c.text) {
            auto const p = decode_text(c.text);
            BOOST_TEST_REQUIRE(p.has_value());
            BOOST_TEST((p->type == c.type));
            BOOST_TEST(p->data == c.data);
            BOOST_TEST(!p->binary);
            BOOST_TEST(encode_text(p->type, p->data) == c.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_text_packets) {
    std::vector<std::string> const cases{"",        "7",  "9",  "abc",
                                         "x4hello", "b4", "-1", std::string(1, '\0')};
    for (auto const& text : cases) {
        BOOST_TEST_CONTEXT(text) {
            BOOST_TEST(!decode_text(text));
        }
    }
}

BOOST_AUTO_TEST_CASE(payload_with_text_and_binary) {
    auto const decoded = decode_payload("4hello\x1e"
                                        "bAQIDBA==\x1e"
                                        "2\x1e"
                                        "4world");
    BOOST_TEST_REQUIRE(decoded.has_value());
    BOOST_TEST_REQUIRE(decoded->size() == 4u);
    BOOST_TEST(((*decoded)[0] == packet{packet_type::message, "hello", false}));
    BOOST_TEST(
        ((*decoded)[1] == packet{packet_type::message, std::string("\x01\x02\x03\x04"), true}));
    BOOST_TEST(((*decoded)[2] == packet{packet_type::ping, "", false}));
    BOOST_TEST(((*decoded)[3] == packet{packet_type::message, "world", false}));

    std::string out;
    append_payload(out, {"4hello", false});
    append_payload(out, {"\x01\x02\x03\x04", true});
    append_payload(out, {"2", false});
    append_payload(out, {"4world", false});
    BOOST_TEST(out == "4hello\x1e"
                      "bAQIDBA==\x1e"
                      "2\x1e"
                      "4world");
}

BOOST_AUTO_TEST_CASE(single_packet_payloads) {
    auto const one = decode_payload("4hello");
    BOOST_TEST_REQUIRE(one.has_value());
    BOOST_TEST(one->size() == 1u);
    auto const empty_binary = decode_payload("b");
    BOOST_TEST_REQUIRE(empty_binary.has_value());
    BOOST_TEST(((*empty_binary)[0] == packet{packet_type::message, "", true}));
}

BOOST_AUTO_TEST_CASE(malformed_payloads) {
    std::vector<std::string> const cases{
        "",           // no packet at all
        "abc",        // unknown type
        "4hello\x1e", // trailing separator: an empty record
        "\x1e"
        "4hello", // leading separator
        "4a\x1e\x1e"
        "4b",        // empty record in the middle
        "bAQID!A==", // bad base64 character
        "bAQI",      // base64 length not a multiple of 4
        "bA===",     // too much padding
        "4ok\x1e"
        "9", // one bad record spoils the payload
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c) {
            BOOST_TEST(!decode_payload(c));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
