// Standard base64 (RFC 4648 section 4, with padding): pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sio::base64 {

std::string encode(std::string_view bytes);
/// Appends the encoding of `bytes` to `out`.
void encode_to(std::string& out, std::string_view bytes);
/// Decodes padded base64; nullopt on a bad character, length or padding.
std::optional<std::string> decode(std::string_view text);

/// URL-safe alphabet, no padding (session ids).
std::string encode_url(std::string_view bytes);

} // namespace sio::base64
