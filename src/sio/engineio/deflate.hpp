// permessage-deflate (RFC 7692) on the server's terms: no context takeover in either
// direction, so every message is compressed on its own and a connection keeps no zlib state
// (one compressor and one decompressor per thread serve every connection).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sio::engineio::deflate {

/// What the server agreed to.
struct agreement {
    std::string terms;           ///< the response's Sec-WebSocket-Extensions value
    int server_window_bits = 15; ///< the window the server compresses with
};

/// Picks the first acceptable permessage-deflate offer of a Sec-WebSocket-Extensions header;
/// nullopt when none is acceptable (the connection then goes uncompressed).
std::optional<agreement> negotiate(std::string_view extensions);

/// Messages smaller than this are sent uncompressed (as the reference's ws does).
inline constexpr std::size_t threshold = 1024;

/// Compresses one message (without the trailing 00 00 FF FF, as the RFC asks).
std::string compress(std::string_view message, int window_bits = 15);

enum class inflate_status { ok, too_big, corrupt };

/// Decompresses one message of at most `max_size` bytes into `out`.
inflate_status decompress(std::string_view compressed, std::size_t max_size, std::string& out);

} // namespace sio::engineio::deflate
