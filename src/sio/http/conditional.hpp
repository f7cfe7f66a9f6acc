// Pure functions for validators and content negotiation: ETag, HTTP dates, conditional
// requests (RFC 9110 section 13) and Accept-Encoding.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sio::http {

using sys_seconds = std::chrono::sys_seconds;

/// A weak validator from the size and a hash of the content: `W/"<size>-<hash>"` in hex.
/// Weak, because the identity and gzip representations share it (as Express does).
std::string make_etag(std::string_view content);

/// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(sys_seconds t);

/// Parses IMF-fixdate (the only form a sender may generate); nullopt otherwise.
std::optional<sys_seconds> parse_http_date(std::string_view s);

/// True when If-None-Match lists `etag` (weak comparison) or is `*`.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

/// Whether a GET/HEAD with these request headers gets 304. If-None-Match, when present,
/// decides alone; otherwise If-Modified-Since compares whole seconds.
bool is_not_modified(std::string_view if_none_match, std::string_view if_modified_since,
                     std::string_view etag, sys_seconds last_modified);

/// Whether Accept-Encoding allows gzip: an explicit `gzip`/`x-gzip` with q > 0, or else
/// a `*` with q > 0.
bool accepts_gzip(std::string_view accept_encoding);

} // namespace sio::http
