#include "sio/engineio/websocket.hpp"

#include "common/ws_frames.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio;
using namespace sio::engineio;
namespace bhttp = boost::beast::http;
using kind = ws::event::kind;
using sio::test::client_frame;

namespace {

std::vector<ws::event> read_all(ws::frame_reader& r, std::string_view bytes) {
    std::vector<ws::event> out;
    r.feed(bytes);
    while (auto e = r.next())
        out.push_back(std::move(*e));
    return out;
}

http::request upgrade_request() {
    http::request req{bhttp::verb::get, "/socket.io/?EIO=4&transport=websocket", 11};
    req.set(bhttp::field::connection, "keep-alive, Upgrade");
    req.set(bhttp::field::upgrade, "websocket");
    req.set(bhttp::field::sec_websocket_version, "13");
    req.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    return req;
}

} // namespace

BOOST_AUTO_TEST_SUITE(websocket_codec)

BOOST_AUTO_TEST_CASE(accept_key_matches_rfc_6455_example) {
    BOOST_TEST(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

BOOST_AUTO_TEST_CASE(accept_builds_the_101_response) {
    auto outcome = ws::accept(upgrade_request(), false);
    auto const* a = std::get_if<ws::accepted>(&outcome);
    BOOST_REQUIRE(a);
    BOOST_TEST(a->response.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
    BOOST_TEST(a->response.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") !=
               std::string::npos);
    BOOST_TEST(a->response.ends_with("\r\n\r\n"));
    BOOST_TEST(!a->deflate);
}

BOOST_AUTO_TEST_CASE(accept_refuses_bad_version_and_key) {
    auto req = upgrade_request();
    req.set(bhttp::field::sec_websocket_version, "8");
    auto outcome = ws::accept(req, false);
    BOOST_REQUIRE(std::holds_alternative<ws::refused>(outcome));
    BOOST_TEST(std::get<ws::refused>(outcome).message.find("Version") != std::string_view::npos);

    req = upgrade_request();
    req.set(bhttp::field::sec_websocket_key, "c2hvcnQ="); // 5 bytes, not 16
    BOOST_TEST(std::holds_alternative<ws::refused>(ws::accept(req, false)));

    req = upgrade_request();
    req.erase(bhttp::field::upgrade);
    BOOST_TEST(std::holds_alternative<ws::refused>(ws::accept(req, false)));
}

BOOST_AUTO_TEST_CASE(deflate_is_agreed_only_when_offered_and_enabled) {
    auto req = upgrade_request();
    req.set(bhttp::field::sec_websocket_extensions, "permessage-deflate; client_max_window_bits");
    auto on = ws::accept(req, true);
    BOOST_REQUIRE(std::holds_alternative<ws::accepted>(on));
    BOOST_TEST(std::get<ws::accepted>(on).deflate);
    BOOST_TEST(std::get<ws::accepted>(on).response.find(
                   "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; "
                   "client_no_context_takeover\r\n") != std::string::npos);
    auto off = ws::accept(req, false);
    BOOST_TEST(!std::get<ws::accepted>(off).deflate);
}

BOOST_AUTO_TEST_CASE(server_frame_headers_use_the_shortest_length_form) {
    BOOST_TEST(ws::make_frame(ws::opcode::text, "4hi") == std::string("\x81\x03"
                                                                      "4hi"));
    auto const medium = ws::make_frame(ws::opcode::binary, std::string(300, 'x'));
    BOOST_TEST(medium.substr(0, 4) == std::string("\x82\x7e\x01\x2c", 4));
    auto const large = ws::make_frame(ws::opcode::text, std::string(70000, 'x'));
    BOOST_TEST(large.substr(0, 10) == std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10));
    BOOST_TEST(ws::make_close_frame(1009) == std::string("\x88\x02\x03\xf1", 4));
}

BOOST_AUTO_TEST_CASE(reader_unmasks_messages_and_control_frames) {
    ws::frame_reader r(1000);
    auto const bytes = client_frame(ws::opcode::text, "4hello") +
                       client_frame(ws::opcode::ping, "p") +
                       client_frame(ws::opcode::binary, std::string("\x00\x01\xff", 3));
    auto const events = read_all(r, bytes);
    BOOST_REQUIRE(events.size() == 3u);
    BOOST_TEST((events[0].type == kind::text));
    BOOST_TEST(events[0].data == "4hello");
    BOOST_TEST((events[1].type == kind::ping));
    BOOST_TEST(events[1].data == "p");
    BOOST_TEST((events[2].type == kind::binary));
    BOOST_TEST(events[2].data == std::string("\x00\x01\xff", 3));
    BOOST_TEST(r.buffered() == 0u);
}

BOOST_AUTO_TEST_CASE(reader_handles_any_split_of_the_input) {
    auto const msg = std::string(200, 'a');
    auto const bytes = client_frame(ws::opcode::text, msg) + client_frame(ws::opcode::text, "4x");
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        ws::frame_reader r(1000);
        auto events = read_all(r, std::string_view(bytes).substr(0, cut));
        auto more = read_all(r, std::string_view(bytes).substr(cut));
        events.insert(events.end(), more.begin(), more.end());
        BOOST_REQUIRE(events.size() == 2u);
        BOOST_TEST(events[0].data == msg);
        BOOST_TEST(events[1].data == "4x");
        BOOST_TEST(r.buffered() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(reader_joins_fragments_around_control_frames) {
    ws::frame_reader r(1000);
    auto const bytes = client_frame(ws::opcode::text, "4he", false) +
                       client_frame(ws::opcode::ping, "") +
                       client_frame(ws::opcode::continuation, "ll", false) +
                       client_frame(ws::opcode::continuation, "o", true);
    auto const events = read_all(r, bytes);
    BOOST_REQUIRE(events.size() == 2u);
    BOOST_TEST((events[0].type == kind::ping));
    BOOST_TEST((events[1].type == kind::text));
    BOOST_TEST(events[1].data == "4hello");
}

BOOST_AUTO_TEST_CASE(reader_reports_the_peer_close_code) {
    ws::frame_reader r(1000);
    auto events = read_all(r, client_frame(ws::opcode::close, std::string("\x03\xe8"
                                                                          "bye",
                                                                          5)));
    BOOST_REQUIRE(events.size() == 1u);
    BOOST_TEST((events[0].type == kind::close));
    BOOST_TEST(events[0].code == 1000);
    ws::frame_reader empty(1000);
    events = read_all(empty, client_frame(ws::opcode::close, ""));
    BOOST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events[0].code == ws::close_code::no_status);
}

BOOST_AUTO_TEST_CASE(protocol_violations_are_errors_with_their_close_code) {
    struct case_t {
        std::string bytes;
        std::uint16_t code;
    };
    std::string unmasked = ws::make_frame(ws::opcode::text, "4x");
    std::vector<case_t> const cases{
        {unmasked, ws::close_code::protocol_error},
        {client_frame(ws::opcode::text, "4x", true, true), ws::close_code::protocol_error},
        {client_frame(static_cast<ws::opcode>(3), "x"), ws::close_code::protocol_error},
        {client_frame(static_cast<ws::opcode>(0xB), "x"), ws::close_code::protocol_error},
        {client_frame(ws::opcode::continuation, "x"), ws::close_code::protocol_error},
        {client_frame(ws::opcode::ping, "p", false), ws::close_code::protocol_error},
        {client_frame(ws::opcode::ping, std::string(126, 'p')), ws::close_code::protocol_error},
        {client_frame(ws::opcode::text, "a", false) + client_frame(ws::opcode::text, "b"),
         ws::close_code::protocol_error},
        {client_frame(ws::opcode::close, "\x03"), ws::close_code::protocol_error},
        {client_frame(ws::opcode::text, "\xc3\x28"), ws::close_code::invalid_payload},
        {client_frame(ws::opcode::text, std::string(1001, 'x')), ws::close_code::too_big},
        {client_frame(ws::opcode::text, std::string(600, 'x'), false) +
             client_frame(ws::opcode::continuation, std::string(600, 'x')),
         ws::close_code::too_big},
    };
    for (auto const& c : cases) {
        ws::frame_reader r(1000);
        auto const events = read_all(r, c.bytes);
        BOOST_REQUIRE(!events.empty());
        BOOST_TEST((events.back().type == kind::error));
        BOOST_TEST(events.back().code == c.code);
        BOOST_TEST(!events.back().reason.empty());
    }
}

BOOST_AUTO_TEST_CASE(an_oversized_frame_fails_before_its_payload_arrives) {
    ws::frame_reader r(1000);
    auto const frame = client_frame(ws::opcode::binary, std::string(5000, 'x'));
    auto const events = read_all(r, std::string_view(frame).substr(0, 20));
    BOOST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events[0].code == ws::close_code::too_big);
}

BOOST_AUTO_TEST_CASE(a_64_bit_length_with_the_top_bit_set_is_a_protocol_error) {
    // A masked frame header announcing `length` in the 64-bit form, without its payload.
    auto const header = [](std::uint8_t b0, std::uint64_t length) {
        std::string h{static_cast<char>(b0), static_cast<char>(0x80 | 127)};
        for (int i = 7; i >= 0; --i)
            h.push_back(static_cast<char>((length >> (8 * i)) & 0xFF));
        return h + "\x11\x22\x33\x44";
    };
    auto const continuation = static_cast<std::uint8_t>(0x80 | 0x00);
    auto const binary = static_cast<std::uint8_t>(0x80 | 0x02);
    struct case_t {
        std::string bytes;
        std::uint16_t code;
    };
    // RFC 6455 5.2: the most significant bit MUST be 0. Fuzzing found that a continuation
    // frame announcing 2^64 - n bytes after a fragment of n bytes wrapped the size check, and
    // the reader then kept every byte that followed (tests/fuzz/corpus/websocket_frames/
    // length_overflow*).
    std::vector<case_t> const cases{
        {header(binary, std::uint64_t{1} << 63), ws::close_code::protocol_error},
        {client_frame(ws::opcode::binary, "x", false) + header(continuation, ~std::uint64_t{0}) +
             std::string(200, 'y'),
         ws::close_code::protocol_error},
        {client_frame(ws::opcode::binary, "abcd", false) +
             header(continuation, ~std::uint64_t{0} - 3) + std::string(200, 'y'),
         ws::close_code::protocol_error},
        // The largest length the RFC allows is still over any maximum, fragment or not.
        {header(binary, ~std::uint64_t{0} >> 1), ws::close_code::too_big},
        {client_frame(ws::opcode::binary, "x", false) +
             header(continuation, ~std::uint64_t{0} >> 1),
         ws::close_code::too_big},
    };
    for (auto const& c : cases) {
        ws::frame_reader r(1000);
        auto const events = read_all(r, c.bytes);
        BOOST_REQUIRE(events.size() == 1u);
        BOOST_TEST((events[0].type == kind::error));
        BOOST_TEST(events[0].code == c.code);
        BOOST_TEST(r.buffered() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(rsv1_marks_a_compressed_message_when_agreed) {
    ws::frame_reader r(1000, true);
    auto const events = read_all(r, client_frame(ws::opcode::text, "zz", true, true));
    BOOST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events[0].compressed);
}

BOOST_AUTO_TEST_CASE(utf8_validation) {
    BOOST_TEST(ws::valid_utf8(""));
    BOOST_TEST(ws::valid_utf8("plain ascii text that is longer than eight bytes"));
    BOOST_TEST(ws::valid_utf8("\xe2\x82\xac \xf0\x9f\x98\x80 \xc3\xa9"));
    BOOST_TEST(!ws::valid_utf8("\xc0\xaf"));         // overlong
    BOOST_TEST(!ws::valid_utf8("\xed\xa0\x80"));     // surrogate
    BOOST_TEST(!ws::valid_utf8("\xf4\x90\x80\x80")); // past U+10FFFF
    BOOST_TEST(!ws::valid_utf8("abc\xe2\x82"));      // truncated
    BOOST_TEST(!ws::valid_utf8("\x80"));             // stray continuation
}

BOOST_AUTO_TEST_SUITE_END()
