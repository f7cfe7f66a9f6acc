// Random and mutated input for every parser a client can reach: none may crash, leak past
// its limits or accept something it cannot give back. Seeded, so a failure reproduces;
// bounded, so the suite stays fast (the sanitizer presets run it too).
#include "sio/engineio/packet.hpp"
#include "sio/engineio/websocket.hpp"
#include "sio/http/static_path.hpp"
#include "sio/protocol/packet.hpp"

#include "common/ws_frames.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

using namespace sio;

namespace {

class mutator {
public:
    explicit mutator(std::uint32_t seed)
        : rng_(seed) {}

    std::size_t below(std::size_t n) { return n == 0 ? 0 : rng_() % n; }
    char byte() { return static_cast<char>(rng_() & 0xFF); }
    std::string bytes(std::size_t n) {
        std::string s(n, '\0');
        for (auto& c : s)
            c = byte();
        return s;
    }

    /// A mutated member of `corpus`, with pieces of another spliced in at times.
    std::string mutant(std::vector<std::string> const& corpus) {
        return mutate(corpus[below(corpus.size())], corpus[below(corpus.size())]);
    }

    /// A few random edits: flip, insert, delete, truncate, or splice in a piece of `other`.
    std::string mutate(std::string s, std::string_view other) {
        auto const edits = 1 + below(4);
        for (std::size_t e = 0; e < edits; ++e) {
            switch (below(6)) {
            case 0:
                if (!s.empty())
                    s[below(s.size())] ^= static_cast<char>(1u << below(8));
                break;
            case 1:
                s.insert(below(s.size() + 1), 1, byte());
                break;
            case 2:
                if (!s.empty())
                    s.erase(below(s.size()), 1 + below(4));
                break;
            case 3:
                s.resize(below(s.size() + 1));
                break;
            case 4: {
                // Characters the grammars care about.
                static constexpr std::string_view special = "0123456789[]{},-/\"\\:\x1e b";
                s.insert(below(s.size() + 1), 1, special[below(special.size())]);
                break;
            }
            default:
                if (!other.empty()) {
                    auto const from = below(other.size());
                    s.insert(below(s.size() + 1), other.substr(from, 1 + below(8)));
                }
            }
        }
        return s;
    }

private:
    std::mt19937 rng_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(socketio_decoder_on_mutated_packets) {
    std::vector<std::string> const corpus{
        R"(0{"token":"123"})",
        "0/admin,",
        R"(2["hello",1,{"a":[true,null]}])",
        R"(2/chat,12["msg","x"])",
        R"(3/chat,12["ok"])",
        R"(51-["m",{"_placeholder":true,"num":0}])",
        R"(62-/x,4[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
        "1/admin,",
        R"(4{"message":"no"})",
    };
    mutator m(20261130);
    std::size_t decoded = 0;
    for (int i = 0; i < 20000; ++i) {
        auto const text = m.mutant(corpus);
        protocol::decoder d(10);
        auto r = d.on_text(text);
        // Attachments for a binary packet: a few, maybe fewer than announced.
        for (int a = 0; d.awaiting_attachments() && a < 3 && !r.error; ++a)
            r = d.on_binary(m.bytes(m.below(5)));
        BOOST_TEST_REQUIRE(!(r.complete && r.error), text);
        if (!r.complete)
            continue;
        ++decoded;
        auto const& p = *r.complete;
        BOOST_TEST_REQUIRE(protocol::is_payload_valid(p.type, p.data), text);
        BOOST_TEST_REQUIRE(p.attachments.size() <= 10u, text);
        // What we accept we can write back, and it reads the same.
        auto const again = protocol::encode(p);
        protocol::decoder d2(10);
        auto r2 = d2.on_text(again.text);
        for (auto const& att : again.attachments)
            r2 = d2.on_binary(att);
        BOOST_TEST_REQUIRE(r2.complete.has_value(), text << " -> " << again.text);
        BOOST_TEST_REQUIRE((*r2.complete == p), text << " -> " << again.text);
    }
    BOOST_TEST(decoded > 1000u); // the mutations still reach the decoder's deeper paths
}

BOOST_AUTO_TEST_CASE(engineio_payloads_on_mutated_bodies) {
    std::vector<std::string> const corpus{
        "4hello\x1e"
        "4world",
        "2\x1e"
        "3",
        "bAQIDBA==\x1e"
        "4x",
        "1",
        "6",
        "40/admin,\x1e"
        "42[\"a\"]",
        "5",
    };
    mutator m(4242);
    for (int i = 0; i < 20000; ++i) {
        auto const body = m.mutant(corpus);
        auto const packets = engineio::decode_payload(body);
        if (!packets)
            continue;
        std::string again;
        for (auto const& p : *packets) {
            auto const text = p.binary ? p.data : engineio::encode_text(p.type, p.data);
            engineio::append_payload(again, {text, p.binary});
        }
        auto const back = engineio::decode_payload(again);
        BOOST_TEST_REQUIRE(back.has_value(), body);
        BOOST_TEST_REQUIRE((*back == *packets), body);
    }
}

BOOST_AUTO_TEST_CASE(websocket_reader_on_random_bytes_in_random_pieces) {
    mutator m(1234);
    std::vector<std::string> const pieces{
        test::client_frame(engineio::ws::opcode::text, "4hello"),
        test::client_frame(engineio::ws::opcode::binary, std::string("\x00\xff", 2)),
        test::client_frame(engineio::ws::opcode::ping, "p"),
        test::client_frame(engineio::ws::opcode::text, "4he", false),
        test::client_frame(engineio::ws::opcode::continuation, "llo", true),
        test::client_frame(engineio::ws::opcode::close, "\x03\xe8"),
    };
    constexpr std::uint64_t max_message = 4096;
    for (int i = 0; i < 3000; ++i) {
        engineio::ws::frame_reader reader(max_message, m.below(2) == 1);
        std::string stream;
        for (std::size_t n = 1 + m.below(6); n > 0; --n)
            stream += m.below(3) == 0 ? m.bytes(m.below(40)) : m.mutant(pieces);
        bool failed = false;
        std::size_t at = 0;
        while (at < stream.size()) {
            auto const n = 1 + m.below(stream.size() - at);
            reader.feed(std::string_view(stream).substr(at, n));
            at += n;
            while (auto e = reader.next()) {
                BOOST_TEST_REQUIRE(!failed, "an event after an error");
                if (e->type == engineio::ws::event::kind::error) {
                    failed = true;
                    BOOST_TEST_REQUIRE((e->code == 1002 || e->code == 1007 || e->code == 1009));
                }
                BOOST_TEST_REQUIRE(e->data.size() <= max_message);
            }
            // Never more than a partial frame header plus one message is held.
            BOOST_TEST_REQUIRE(reader.buffered() <=
                               max_message + 2 * engineio::ws::max_header_size + 4);
        }
    }
}

BOOST_AUTO_TEST_CASE(websocket_reader_gives_back_exactly_what_valid_frames_carry) {
    mutator m(99);
    for (int i = 0; i < 500; ++i) {
        std::string stream;
        std::vector<std::string> sent;
        for (std::size_t n = 1 + m.below(8); n > 0; --n) {
            std::string message = "4";
            for (std::size_t k = m.below(300); k > 0; --k)
                message.push_back(static_cast<char>('a' + m.below(26)));
            auto const key = m.bytes(4);
            // Sometimes fragmented, with a ping between the fragments.
            if (message.size() > 2 && m.below(2) == 0) {
                auto const cut = 1 + m.below(message.size() - 1);
                stream += test::client_frame(engineio::ws::opcode::text, message.substr(0, cut),
                                             false, false, key);
                stream += test::client_frame(engineio::ws::opcode::ping, "", true, false, key);
                stream += test::client_frame(engineio::ws::opcode::continuation,
                                             message.substr(cut), true, false, key);
            } else {
                stream += test::client_frame(engineio::ws::opcode::text, message, true, false, key);
            }
            sent.push_back(message);
        }
        engineio::ws::frame_reader reader(1 << 20);
        std::vector<std::string> got;
        std::size_t at = 0;
        while (at < stream.size()) {
            auto const n = 1 + m.below(std::min<std::size_t>(stream.size() - at, 64));
            reader.feed(std::string_view(stream).substr(at, n));
            at += n;
            while (auto e = reader.next()) {
                BOOST_TEST_REQUIRE((e->type != engineio::ws::event::kind::error), e->reason);
                if (e->type == engineio::ws::event::kind::text)
                    got.push_back(e->data);
            }
        }
        BOOST_TEST_REQUIRE(got == sent);
        BOOST_TEST(reader.buffered() == 0u); // nothing held once every frame is in
    }
}

BOOST_AUTO_TEST_CASE(request_targets_never_decode_to_a_way_out) {
    std::vector<std::string> const corpus{
        "/static/js/app.js?v=1",
        "/static/%2e%2e/secret",
        "/a/b/../c",
        "/%252e%252e/x",
        "/static/.hidden",
        "/x%00y",
        "/a%2fb",
        "/static//double",
    };
    mutator m(7);
    for (int i = 0; i < 20000; ++i) {
        auto const target = m.mutant(corpus);
        auto const d = http::decode_target(target);
        BOOST_TEST_REQUIRE(d.path.has_value() != d.error.has_value(), target);
        if (!d.path)
            continue;
        for (auto const& seg : d.path->segments) {
            BOOST_TEST_REQUIRE(!seg.empty(), target);
            BOOST_TEST_REQUIRE((seg != "." && seg != ".."), target);
            BOOST_TEST_REQUIRE(seg.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos,
                               target);
        }
        BOOST_TEST_REQUIRE(!http::join_segments(d.path->segments).starts_with('/'), target);
    }
}

BOOST_AUTO_TEST_SUITE_END()
