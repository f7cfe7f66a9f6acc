// libFuzzer target: permessage-deflate (sio::engineio::deflate): inflating a message with a
// size limit, and negotiating the Sec-WebSocket-Extensions header.
//
// Input: one options byte, then a compressed message (raw deflate, without the 00 00 FF FF
// tail, as in a WebSocket frame). Options bits 0-2: the size limit, from max_sizes below;
// bits 3-5: the window (9 + n, at most 15) to compress the inflated message with again. The
// whole input is also negotiated as an extensions header.
//
// Checks: an inflated message is never over the limit; it inflates the same under a larger
// limit; compressing it and inflating again gives it back. An agreement is on our terms
// (no context takeover, a window of 9 to 15 bits) and our terms, offered back, are agreed
// as they are.
#include "sio/engineio/deflate.hpp"

#include "fuzz_check.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

using namespace sio::engineio;

namespace {

constexpr std::array<std::size_t, 8> max_sizes{0, 1, 100, 1024, 16383, 16384, 16385, 100000};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const in = sio::fuzz::as_chars(data, size);

    if (auto const a = deflate::negotiate(in)) {
        FUZZ_CHECK(a->terms.starts_with(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover"));
        FUZZ_CHECK(a->server_window_bits >= 9 && a->server_window_bits <= 15);
        auto const back = deflate::negotiate(a->terms);
        FUZZ_CHECK(back.has_value());
        FUZZ_CHECK(back->terms == a->terms && back->server_window_bits == a->server_window_bits);
    }

    if (size < 1)
        return 0;
    auto const max_size = max_sizes[data[0] & 7];
    int const window_bits = std::min(15, 9 + ((data[0] >> 3) & 7));
    auto const compressed = in.substr(1);

    std::string out;
    auto const status = deflate::decompress(compressed, max_size, out);
    if (status != deflate::inflate_status::ok)
        return 0;
    FUZZ_CHECK(out.size() <= max_size);

    std::string larger;
    FUZZ_CHECK(deflate::decompress(compressed, max_size * 2 + 1, larger) ==
               deflate::inflate_status::ok);
    FUZZ_CHECK(larger == out);

    auto const again = deflate::compress(out, window_bits);
    std::string back;
    FUZZ_CHECK(deflate::decompress(again, out.size(), back) == deflate::inflate_status::ok);
    FUZZ_CHECK(back == out);
    return 0;
}
