// The WebSocket frame reader on random bytes, mutated frames and random splits of valid
// streams (common/mutator.hpp): errors carry a close code, nothing grows past the limits,
// and valid frames give back exactly what they carry.
#include "sio/engineio/websocket.hpp"

#include "common/mutator.hpp"
#include "common/ws_frames.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio;
using sio::test::mutator;

BOOST_AUTO_TEST_SUITE(robustness)

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

BOOST_AUTO_TEST_SUITE_END()
