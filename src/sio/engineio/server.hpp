// The Engine.IO endpoint: mounted on the HTTP server at config.path, it routes each request
// to the handshake, a session's polling requests (polling.hpp) or a WebSocket
// (ws_transport.hpp), and owns the session registry.
//
// Public API (docs/PUBLIC-API.md): applications get this object from socketio::server::engine()
// and only mount it (http::server::mount), read settings() / session_count(), or stop() it;
// the request-handling members are called by the HTTP server.
#pragma once

#include "sio/engineio/config.hpp"
#include "sio/engineio/handler.hpp"
#include "sio/engineio/handshake.hpp"
#include "sio/http/server.hpp"

#include <cstdint>
#include <memory>

namespace sio::engineio {

class session;
class session_registry;
enum class admission : std::uint8_t;

/// Thread safety: handle() runs on HTTP connection strands; stop() and session_count()
/// from any thread.
class server final : public http::request_handler {
public:
    server(config cfg, std::shared_ptr<handler> handler);
    ~server() override;

    std::uint64_t body_limit() const override { return config_.max_payload; }
    awaitable<http::after_response> handle(http::connection& conn, http::request& req) override;
    void body_too_large(http::request const& header) override;
    /// A second POST while one is still being received closes the session (the spec's
    /// "more than one active POST": 400).
    body_ticket body_begins(http::request const& header) override;
    /// Closes every session ("server shutdown"), spread evenly over `drain`; from now on
    /// handshakes are refused (503).
    void stop(std::chrono::milliseconds drain = {}) override;

    config const& settings() const { return config_; }
    std::size_t session_count() const;

private:
    awaitable<http::after_response> handshake(http::connection& conn, http::request& req,
                                              transport_kind transport, handshake_info info);
    awaitable<http::after_response> preflight(http::connection& conn, http::request const& req);
    awaitable<http::after_response> upgrade(http::connection& conn, http::request& req,
                                            std::shared_ptr<session> s);
    awaitable<http::after_response> refuse_over_limit(http::connection& conn,
                                                      http::request const& req, admission a,
                                                      std::string const& address);
    awaitable<http::after_response> refuse(http::connection& conn, http::request const& req,
                                           http_error e, std::string_view message = {});
    std::shared_ptr<session> create_session(net::any_io_executor strand, transport_kind t,
                                            handshake_info info);

    config config_;
    std::shared_ptr<handler> handler_;
    std::shared_ptr<session_registry> registry_;
};

} // namespace sio::engineio
