#include "sio/engineio/server.hpp"

#include "sio/core/log.hpp"
#include "sio/core/random_id.hpp"
#include "sio/core/run_on.hpp"
#include "sio/engineio/cors.hpp"
#include "sio/engineio/metrics.hpp"
#include "sio/engineio/polling.hpp"
#include "sio/engineio/session.hpp"
#include "sio/engineio/session_registry.hpp"
#include "sio/engineio/ws_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace sio::engineio {

namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

/// What the session (and allow_request) keep of the handshake request.
handshake_info request_info(http::connection& conn, http::request const& req) {
    handshake_info info;
    info.url = std::string(req.target());
    boost::system::error_code ec;
    auto const peer = conn.stream().socket().remote_endpoint(ec);
    if (!ec)
        info.address = peer.address().to_string();
    std::size_t size = 0;
    for (auto const& field : req)
        size += field.name_string().size() + field.value().size() + 3;
    info.header_block.reserve(size);
    for (auto const& field : req)
        info.add_header(field.name_string(), field.value());
    info.issued = std::chrono::system_clock::now();
    info.secure = conn.stream().is_tls();
    return info;
}

void log_exception(std::exception_ptr e) {
    if (e)
        log::error("engine.io: WebSocket ended by an exception: {}", log::describe(e));
}

/// Bytes the client sent behind its upgrade request (its first frames).
std::string early_bytes(http::connection& conn) {
    auto const data = conn.buffer().cdata();
    std::string bytes(static_cast<char const*>(data.data()), data.size());
    conn.buffer().consume(data.size());
    return bytes;
}

/// Answers an upgrade request that ws::accept refused, and closes the connection.
awaitable<http::after_response> refuse_upgrade(http::connection& conn, http::request const& req,
                                               ws::refused why) {
    log::info("engine.io: WebSocket upgrade refused: {}", why.message);
    stats().bad_input(malformed::websocket);
    http::response res{why.status, req.version()};
    res.set(bhttp::field::content_type, "text/plain");
    res.body() = std::string(why.message);
    res.keep_alive(false);
    res.prepare_payload();
    co_return co_await conn.send(std::move(res));
}

} // namespace

server::server(config cfg, std::shared_ptr<handler> handler)
    : config_(std::move(cfg))
    , handler_(std::move(handler))
    , registry_(std::make_shared<session_registry>(config_)) {
    if (config_.path.empty() || config_.path.back() != '/')
        config_.path.push_back('/');
}

server::~server() = default;

std::size_t server::session_count() const {
    return registry_->size();
}

void server::stop(std::chrono::milliseconds drain) {
    registry_->close_admission();
    auto sessions = registry_->all();
    if (drain.count() <= 0 || sessions.size() < 2) {
        for (auto const& s : sessions)
            s->close(disconnect_reason::server_shutdown);
        return;
    }
    // Session i of n closes at i/n of the drain: its clients reconnect (to the other servers
    // of a cluster) as a trickle, not all at once. Each timer runs on its session's strand.
    log::info("engine.io: closing {} sessions over {} ms", sessions.size(), drain.count());
    auto const n = static_cast<std::int64_t>(sessions.size());
    for (std::int64_t i = 0; i < n; ++i) {
        auto& s = sessions[static_cast<std::size_t>(i)];
        auto timer = std::make_shared<net::steady_timer>(s->get_executor(), drain * i / n);
        timer->async_wait([s, timer](boost::system::error_code) {
            s->close(disconnect_reason::server_shutdown);
        });
    }
}

void server::body_too_large(http::request const& header) {
    auto const q = parse_query(header.target());
    if (!q.sid)
        return;
    if (auto s = registry_->find(*q.sid)) {
        stats().bad_input(malformed::payload_too_large);
        log::info("engine.io {}: POST over maxPayload ({} bytes): closing", s->id(),
                  config_.max_payload);
        s->close(disconnect_reason::payload_too_large);
    }
}

http::request_handler::body_ticket server::body_begins(http::request const& header) {
    if (header.method() != bhttp::verb::post)
        return {};
    auto const q = parse_query(header.target());
    if (!q.sid)
        return {};
    auto s = registry_->find(*q.sid);
    if (!s)
        return {}; // answered 400 "Session ID unknown" once the body is in
    if (!s->begin_post()) {
        log::info("engine.io {}: a second POST while one is in progress: closing", s->id());
        s->close(disconnect_reason::transport_error);
        return {true, nullptr};
    }
    return {false, std::shared_ptr<void>(nullptr, [s](void*) { s->end_post(); })};
}

std::shared_ptr<session> server::create_session(net::any_io_executor strand, transport_kind t,
                                                handshake_info info) {
    auto s = std::make_shared<session>(std::move(strand), random_id(), config_, t, handler_,
                                       registry_, std::move(info));
    registry_->add(s);
    return s;
}

awaitable<http::after_response> server::refuse(http::connection& conn, http::request const& req,
                                               http_error e, std::string_view message) {
    log::debug("engine.io: {} {} refused: {}", std::string_view(req.method_string()),
               std::string_view(req.target()), message.empty() ? error_message(e) : message);
    stats().refused[static_cast<std::size_t>(e)]->inc();
    co_return co_await send_poll_reply(conn, req, poll_reply::error(e, message), config_.cors);
}

awaitable<http::after_response> server::refuse_over_limit(http::connection& conn,
                                                          http::request const& req, admission a,
                                                          std::string const& address) {
    // Code 4 as for allowRequest (the client's connect_error carries the message); the status
    // tells an HTTP client whether to come back later.
    std::string_view message = "Server full";
    auto status = http::status::service_unavailable;
    if (a == admission::shutting_down) {
        message = "Server shutting down";
    } else if (a == admission::address_full) {
        message = "Too many sessions from this address";
    } else if (a == admission::address_rate) {
        message = "Too many handshakes from this address";
        status = http::status::too_many_requests;
    }
    log::info("engine.io: handshake from {} refused: {}", address, message);
    poll_reply reply{status, error_body(http_error::forbidden, message), true};
    co_return co_await send_poll_reply(conn, req, std::move(reply), config_.cors);
}

awaitable<http::after_response> server::handle(http::connection& conn, http::request& req) {
    auto const q = parse_query(req.target());
    if (req.method() == bhttp::verb::options && config_.cors.enabled)
        co_return co_await preflight(conn, req);

    auto const transport = parse_transport(q.transport);
    if (!transport || (*transport == transport_kind::polling && !config_.allow_polling) ||
        (*transport == transport_kind::websocket && !config_.allow_websocket))
        co_return co_await refuse(conn, req, http_error::unknown_transport);
    bool const is_upgrade = beast::websocket::is_upgrade(req);

    if (!q.sid) {
        if (req.method() != bhttp::verb::get)
            co_return co_await refuse(conn, req, http_error::bad_handshake_method);
        if ((*transport == transport_kind::websocket) != is_upgrade)
            co_return co_await refuse(conn, req, http_error::bad_request);
        auto info = request_info(conn, req);
        if (config_.allow_request) {
            if (auto why = config_.allow_request(info)) {
                log::info("engine.io: handshake from {} refused by allow_request: {}", info.address,
                          why->empty() ? "Forbidden" : *why);
                co_return co_await refuse(conn, req, http_error::forbidden, *why);
            }
        }
        if (q.eio != "4")
            co_return co_await refuse(conn, req, http_error::unsupported_protocol_version);
        if (auto const a = registry_->admit(info.address); a != admission::admitted)
            co_return co_await refuse_over_limit(conn, req, a, info.address);
        co_return co_await handshake(conn, req, *transport, std::move(info));
    }

    auto s = registry_->find(*q.sid);
    if (!s)
        co_return co_await refuse(conn, req, http_error::unknown_sid);
    if (is_upgrade) {
        if (*transport != transport_kind::websocket)
            co_return co_await refuse(conn, req, http_error::bad_request);
        co_return co_await upgrade(conn, req, std::move(s));
    }
    if (*transport != transport_kind::polling)
        co_return co_await refuse(conn, req, http_error::bad_request);
    if (req.method() == bhttp::verb::get)
        co_return co_await serve_poll(conn, req, std::move(s), config_.cors);
    if (req.method() == bhttp::verb::post)
        co_return co_await serve_post(conn, req, std::move(s), config_.cors);
    co_return co_await refuse(conn, req, http_error::bad_request);
}

awaitable<http::after_response> server::preflight(http::connection& conn,
                                                  http::request const& req) {
    // Its own coroutine: the response is not part of every request's frame.
    co_return co_await conn.send(preflight_response(config_.cors, req));
}

awaitable<http::after_response> server::handshake(http::connection& conn, http::request& req,
                                                  transport_kind transport, handshake_info info) {
    if (transport == transport_kind::websocket) {
        auto outcome = ws::accept(req, config_.per_message_deflate);
        if (auto const* why = std::get_if<ws::refused>(&outcome)) {
            registry_->leave(info.address); // admitted, but no session is made
            co_return co_await refuse_upgrade(conn, req, *why);
        }
        // The connection's strand becomes the session's: no socket move needed.
        auto ex = conn.stream().get_executor();
        auto s = create_session(ex, transport, std::move(info));
        net::co_spawn(ex,
                      run_websocket(std::move(s), std::move(conn.stream()),
                                    std::move(std::get<ws::accepted>(outcome)), early_bytes(conn),
                                    ws_role::opens_session),
                      log_exception);
        co_return http::after_response::taken_over;
    }
    // The handshake's connection strand becomes the session's: its io_context (one per
    // thread with an io_pool) is where the session lives from now on.
    auto s = create_session(conn.stream().get_executor(), transport, std::move(info));
    // GCC 12 miscompiles a capturing lambda inside a co_await expression (double
    // destruction of its captures): lambdas are named first.
    auto start = [s] {
        s->start();
        return true;
    };
    co_await run_on(s->get_executor(), std::move(start));
    co_return co_await serve_poll(conn, req, std::move(s), config_.cors);
}

awaitable<http::after_response> server::upgrade(http::connection& conn, http::request& req,
                                                std::shared_ptr<session> s) {
    auto outcome = ws::accept(req, config_.per_message_deflate);
    if (auto const* why = std::get_if<ws::refused>(&outcome))
        co_return co_await refuse_upgrade(conn, req, *why);
    // Move the socket onto the session's strand, so the WebSocket and the session share
    // one strand and never need to post to each other.
    boost::system::error_code ec;
    conn.stream().rehome(s->get_executor(), ec);
    if (ec)
        co_return http::after_response::close;
    auto const ex = s->get_executor();
    net::co_spawn(ex,
                  run_websocket(std::move(s), std::move(conn.stream()),
                                std::move(std::get<ws::accepted>(outcome)), early_bytes(conn),
                                ws_role::probes_upgrade),
                  log_exception);
    co_return http::after_response::taken_over;
}

} // namespace sio::engineio
