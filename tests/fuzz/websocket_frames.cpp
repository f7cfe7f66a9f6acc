// libFuzzer target: the WebSocket frame reader (sio::engineio::ws::frame_reader), and
// permessage-deflate inflation of the compressed messages it yields.
//
// Input: one options byte, one split byte, then the client's byte stream.
//   options bit 0: permessage-deflate agreed (RSV1 allowed); bits 1-3: the maximum message
//   size, from max_sizes below. split: 0 feeds the stream in one piece; otherwise it seeds the
//   lengths (1 to split) of the pieces the stream is fed in, as reads from a socket would cut it.
//
// Checks: the events do not depend on how the stream is cut (whole and in pieces give the same
// events and leave the same bytes buffered); nothing follows an error; an error carries 1002,
// 1007 or 1009; messages stay within the maximum, control payloads within 125 bytes; text that
// is not compressed is UTF-8; RSV1 only when agreed; a close frame's code is the one it
// carries (1005 without one); the reader never holds more than one message and one partial
// frame; a compressed message inflates to at most the maximum.
//
// A frame announcing a 64-bit length with its top bit set (RFC 6455 forbids it) ends the
// stream with an error: it once wrapped the reader's size check on a continuation frame, and
// the reader then held every byte that followed (corpus: length_overflow*).
#include "sio/engineio/deflate.hpp"
#include "sio/engineio/websocket.hpp"

#include "fuzz_check.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace sio::engineio;
using kind = ws::event::kind;

constexpr std::array<std::uint64_t, 8> max_sizes{0, 1, 2, 125, 126, 4096, 65536, 1 << 20};

/// The largest client frame header: 2 bytes, 8 of extended length, a 4-byte mask.
constexpr std::uint64_t max_client_header = 14;

/// Whether a frame of `stream` announces a 64-bit length with its top bit set (RFC 6455
/// forbids it) in a complete header (with the mask the reader waits for), walking the frames
/// as the reader does.
bool announces_huge_length(std::string_view stream) {
    while (stream.size() >= 2) {
        auto const b1 = static_cast<unsigned char>(stream[1]);
        std::uint64_t length = b1 & 0x7F;
        std::size_t header = 2;
        if (length == 126) {
            header = 4;
        } else if (length == 127) {
            header = 10;
            if (stream.size() >= header + 4 && (static_cast<unsigned char>(stream[2]) & 0x80) != 0)
                return true;
        }
        if (stream.size() < header)
            return false;
        if (header > 2) {
            length = 0;
            for (std::size_t i = 2; i < header; ++i)
                length = (length << 8) | static_cast<unsigned char>(stream[i]);
        }
        header += (b1 & 0x80) != 0 ? 4 : 0;
        if (stream.size() < header || stream.size() - header < length)
            return false;
        stream.remove_prefix(header + static_cast<std::size_t>(length));
    }
    return false;
}

struct seen {
    kind type;
    std::string data;
    bool compressed;
    std::uint16_t code;
    std::string_view reason;

    friend bool operator==(seen const&, seen const&) = default;
};

struct outcome {
    std::vector<seen> events;
    std::size_t buffered = 0;
};

outcome read(std::string_view stream, std::uint64_t max_message, bool deflate, unsigned split) {
    ws::frame_reader reader(max_message, deflate);
    outcome out;
    bool failed = false;
    std::uint32_t state = split;
    while (!stream.empty()) {
        std::size_t n = stream.size();
        if (split != 0) {
            state = state * 1103515245u + 12345u;
            n = std::min<std::size_t>(n, 1 + (state >> 16) % split);
        }
        reader.feed(stream.substr(0, n));
        while (auto e = reader.next()) {
            FUZZ_CHECK(!failed);
            switch (e->type) {
            case kind::error:
                failed = true;
                FUZZ_CHECK(e->code == ws::close_code::protocol_error ||
                           e->code == ws::close_code::invalid_payload ||
                           e->code == ws::close_code::too_big);
                FUZZ_CHECK(!e->reason.empty() && e->data.empty());
                break;
            case kind::text:
            case kind::binary:
                FUZZ_CHECK(e->data.size() <= max_message);
                FUZZ_CHECK(!e->compressed || deflate);
                if (e->type == kind::text && !e->compressed)
                    FUZZ_CHECK(ws::valid_utf8(e->data));
                break;
            case kind::close:
                FUZZ_CHECK(e->data.size() != 1 && e->data.size() <= 125);
                if (e->data.size() >= 2) {
                    FUZZ_CHECK(e->code == ((static_cast<unsigned char>(e->data[0]) << 8) |
                                           static_cast<unsigned char>(e->data[1])));
                    FUZZ_CHECK(ws::valid_utf8(std::string_view(e->data).substr(2)));
                } else {
                    FUZZ_CHECK(e->code == ws::close_code::no_status);
                }
                break;
            case kind::ping:
            case kind::pong:
                FUZZ_CHECK(e->data.size() <= 125 && !e->compressed);
                break;
            }
            out.events.push_back({e->type, std::move(e->data), e->compressed, e->code, e->reason});
        }
        // One message in progress plus one partial frame (a control frame can come between
        // the fragments of a message), and nothing once failed.
        FUZZ_CHECK(reader.buffered() <= max_message + max_client_header + 125);
        if (failed)
            FUZZ_CHECK(reader.buffered() == 0);
        stream.remove_prefix(n);
    }
    out.buffered = reader.buffered();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size < 2)
        return 0;
    bool const deflate = (data[0] & 1) != 0;
    auto const max_message = max_sizes[(data[0] >> 1) & 7];
    unsigned const split = data[1];
    auto const stream = sio::fuzz::as_chars(data + 2, size - 2);

    auto const whole = read(stream, max_message, deflate, 0);
    // The reader reaches that frame (and refuses it) unless it failed before.
    if (announces_huge_length(stream))
        FUZZ_CHECK(!whole.events.empty() && whole.events.back().type == kind::error);
    if (split != 0) {
        auto const pieces = read(stream, max_message, deflate, split);
        FUZZ_CHECK(pieces.events == whole.events);
        FUZZ_CHECK(pieces.buffered == whole.buffered);
    }

    // What the transport does with a compressed message.
    std::string inflated;
    for (auto const& e : whole.events) {
        if (!e.compressed)
            continue;
        auto const status = deflate::decompress(e.data, max_message, inflated);
        if (status == deflate::inflate_status::ok)
            FUZZ_CHECK(inflated.size() <= max_message);
    }
    return 0;
}
