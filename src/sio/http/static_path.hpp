// Pure functions that turn a request target into a safe relative file path.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sio::http {

/// Why a target was refused.
enum class target_error {
    malformed, ///< not origin-form, bad percent-encoding, NUL, backslash, dot segments,
               ///< encoded slash or double encoding: answered 400
    hidden,    ///< a segment starts with '.': answered 404, as Express `dotfiles: ignore`
};

/// The decoded path of a request target, split into segments; the query is dropped.
struct target_path {
    std::vector<std::string> segments;
    bool trailing_slash = false;
};

struct decoded_target {
    std::optional<target_path> path;
    std::optional<target_error> error;
};

/// Decodes an origin-form target ("/static/js/app.js?v=1") into segments. Every segment is
/// percent-decoded exactly once; anything that could name a file outside the served folder
/// once decoded (or decoded again by someone else) is refused.
decoded_target decode_target(std::string_view target);

/// Joins segments with '/', for use under a served root.
std::string join_segments(std::vector<std::string> const& segments, std::size_t first = 0);

} // namespace sio::http
