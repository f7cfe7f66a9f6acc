// Cross-origin fields for Engine.IO responses (Node's `cors` option).
#pragma once

#include "sio/engineio/config.hpp"
#include "sio/http/message.hpp"
#include "sio/http/status.hpp"

#include <optional>
#include <string_view>

namespace sio::engineio {

struct cors_fields {
    std::string_view allow_origin;
    bool vary_origin = false;
    bool credentials = false;
};

/// The CORS fields for a request's Origin, or nullopt when none apply.
std::optional<cors_fields> cors_for(cors_config const& cfg, http::request const& req);
/// Adds them to `res`.
void add_cors(cors_config const& cfg, http::request const& req, http::response& res);
/// The answer to a preflight OPTIONS request.
http::response preflight_response(cors_config const& cfg, http::request const& req);

} // namespace sio::engineio
