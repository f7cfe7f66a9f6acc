#include "sio/engineio/cors.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>

namespace sio::engineio {

namespace bhttp = boost::beast::http;

std::optional<cors_fields> cors_for(cors_config const& cfg, http::request const& req) {
    auto const origin = req[bhttp::field::origin];
    if (!cfg.enabled || origin.empty())
        return std::nullopt;
    auto const& allowed = cfg.origins;
    bool const any = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
    bool const listed = std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
    if (!any && !listed)
        return std::nullopt;
    // With credentials a browser refuses "*": echo the origin instead.
    cors_fields f;
    if (any && !cfg.credentials) {
        f.allow_origin = "*";
    } else {
        f.allow_origin = origin;
        f.vary_origin = true;
    }
    f.credentials = cfg.credentials;
    return f;
}

void add_cors(cors_config const& cfg, http::request const& req, http::response& res) {
    auto const f = cors_for(cfg, req);
    if (!f)
        return;
    res.set(bhttp::field::access_control_allow_origin, f->allow_origin);
    if (f->vary_origin)
        res.set(bhttp::field::vary, "Origin");
    if (f->credentials)
        res.set(bhttp::field::access_control_allow_credentials, "true");
}

http::response preflight_response(cors_config const& cfg, http::request const& req) {
    http::response res{http::status::no_content, req.version()};
    add_cors(cfg, req, res);
    res.set(bhttp::field::access_control_allow_methods, "GET,HEAD,PUT,PATCH,POST,DELETE");
    if (auto const headers = req[bhttp::field::access_control_request_headers]; !headers.empty())
        res.set(bhttp::field::access_control_allow_headers, headers);
    res.set(bhttp::field::vary, "Access-Control-Request-Headers");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

} // namespace sio::engineio
