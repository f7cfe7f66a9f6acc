// The long-polling transport: a GET parked until packets arrive, a POST that delivers a
// payload, and the replies both get, written by hand (every long-poll answer comes this way).
#pragma once

#include "sio/core/net.hpp"
#include "sio/engineio/config.hpp"
#include "sio/engineio/handshake.hpp"
#include "sio/http/message.hpp"
#include "sio/http/status.hpp"

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sio::http {
class connection;
enum class after_response;
} // namespace sio::http

namespace sio::engineio {

class session;

/// An HTTP answer computed on the session's strand for a polling request.
struct poll_reply {
    http::status status = http::status::ok;
    std::string body;
    bool json_error = false; ///< body is an Engine.IO error object

    static poll_reply ok(std::string body) { return {http::status::ok, std::move(body), false}; }
    /// The reference server's error object for `e`; `message` replaces its text if not empty.
    static poll_reply error(http_error e, std::string_view message = {}) {
        return {error_status(e), error_body(e, message), true};
    }
};

/// A polling GET parked until packets arrive. Lives on the HTTP connection's executor.
struct poll_waiter {
    explicit poll_waiter(net::any_io_executor ex);
    net::steady_timer wake;
    std::optional<poll_reply> reply; ///< set on the waiter's executor only
};

/// A GET: answered at once when packets are queued, else parked until they are, the session
/// closes, or the client goes away. Runs on the HTTP connection's executor.
awaitable<http::after_response> serve_poll(http::connection& conn, http::request const& req,
                                           std::shared_ptr<session> s, cors_config const& cors);
/// A POST: its payload is handed to the session.
awaitable<http::after_response> serve_post(http::connection& conn, http::request& req,
                                           std::shared_ptr<session> s, cors_config const& cors);
/// Writes `r` (status line, the fixed fields, CORS, body) in one gather write.
awaitable<http::after_response> send_poll_reply(http::connection& conn, http::request const& req,
                                                poll_reply r, cors_config const& cors);

} // namespace sio::engineio
