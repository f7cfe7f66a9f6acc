// Percent-decoding (RFC 3986 §2.1), shared by HTTP targets, the Engine.IO query and Redis URLs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sio {

/// Percent-decodes `in`; nullopt on a truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view in);

} // namespace sio
