// The Engine.IO request query, the open packet and the reference server's error bodies:
// pure functions.
#pragma once

#include "sio/http/status.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sio::engineio {

/// The error codes of the reference server's HTTP error bodies (status 400, 403 for 4).
enum class http_error : std::uint8_t {
    unknown_transport = 0,
    unknown_sid = 1,
    bad_handshake_method = 2,
    bad_request = 3,
    forbidden = 4,
    unsupported_protocol_version = 5,
};

/// `{"code":N,"message":"..."}` exactly as the reference writes it; `message` (JSON-escaped)
/// replaces the standard text when not empty, as the reference does for allowRequest.
std::string error_body(http_error e, std::string_view message = {});
std::string_view error_message(http_error e);
http::status error_status(http_error e);

enum class transport_kind : std::uint8_t { polling, websocket };
std::string_view to_string(transport_kind t);

/// The query parameters Engine.IO reads; the rest (`t`, `j`, app parameters) are ignored.
struct query {
    std::optional<std::string> eio;
    std::optional<std::string> transport;
    std::optional<std::string> sid;
};

/// Parses the query of a request target ("/engine.io/?EIO=4&transport=polling&t=x"),
/// percent-decoding values. Repeated keys keep the first value.
query parse_query(std::string_view target);

/// The transport a query names, if it is one we serve.
std::optional<transport_kind> parse_transport(std::optional<std::string> const& name);

struct handshake_settings {
    std::chrono::milliseconds ping_interval;
    std::chrono::milliseconds ping_timeout;
    std::uint64_t max_payload;
};

/// The open packet's JSON: exactly sid, upgrades, pingInterval, pingTimeout, maxPayload.
std::string open_json(std::string_view sid, std::vector<std::string_view> const& upgrades,
                      handshake_settings const& settings);

/// What the client's first request looked like, kept for the layers above (authentication
/// by cookie, header, query parameter or address). Immutable once the session exists.
struct handshake_info {
    std::string url;     ///< the request target, query included
    std::string address; ///< the peer's IP address
    /// The request's header fields as "name: value\n" lines, names lower-cased: one
    /// allocation per session rather than two per field.
    std::string header_block;
    std::chrono::system_clock::time_point issued;
    bool secure = false; ///< over TLS

    /// Appends a field (the name is lower-cased).
    void add_header(std::string_view name, std::string_view value);
    /// Every field in order, names lower-cased.
    std::vector<std::pair<std::string_view, std::string_view>> headers() const;
    /// The first header with this (case-insensitive) name, or nullopt.
    std::optional<std::string_view> header(std::string_view name) const;
    /// The percent-decoded value of a query parameter, or nullopt.
    std::optional<std::string> query(std::string_view name) const;
    /// Every query parameter, percent-decoded, in order.
    std::vector<std::pair<std::string, std::string>> query_params() const;
};

} // namespace sio::engineio
