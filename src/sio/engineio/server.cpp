#include "sio/engineio/server.hpp"

#include "sio/core/log.hpp"
#include "sio/core/run_on.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>

namespace sio::engineio {

namespace bhttp = beast::http;
using namespace net::experimental::awaitable_operators;

namespace {

/// Completes when the client closes a connection that has no request outstanding: how an
/// aborted long-poll is noticed. Bytes that arrive instead are kept for the next request.
awaitable<bool> watch_for_close(http::connection& conn) {
    auto& buffer = conn.buffer();
    auto [ec, n] = co_await conn.stream().async_read_some(buffer.prepare(1024), use_tuple);
    if (ec)
        co_return true;
    buffer.commit(n);
    // The client pipelined its next request; stop watching but keep waiting for the reply.
    net::steady_timer forever(co_await net::this_coro::executor,
                              net::steady_timer::time_point::max());
    co_await forever.async_wait(use_tuple);
    co_return false;
}

awaitable<void> wait_for_reply(poll_waiter& w) {
    if (!w.reply)
        co_await w.wake.async_wait(use_tuple);
}

/// Bytes the client sent behind its upgrade request (its first frames).
std::string early_bytes(http::connection& conn) {
    auto const data = conn.buffer().cdata();
    std::string bytes(static_cast<char const*>(data.data()), data.size());
    conn.buffer().consume(data.size());
    return bytes;
}

void log_exception(std::exception_ptr e) {
    if (e)
        log::error("engine.io: WebSocket ended by an exception: {}", log::describe(e));
}

} // namespace

server::server(config cfg, std::shared_ptr<handler> handler)
    : config_(std::move(cfg))
    , handler_(std::move(handler))
    , registry_(std::make_shared<session_registry>()) {
    if (config_.path.empty() || config_.path.back() != '/')
        config_.path.push_back('/');
}

server::~server() = default;

std::size_t server::session_count() const {
    return registry_->size();
}

std::shared_ptr<session> server::find(std::string const& sid) const {
    return registry_->find(sid);
}

void server::stop() {
    for (auto const& s : registry_->all())
        s->close(disconnect_reason::server_shutdown);
}

void server::body_too_large(http::request const& header) {
    auto const q = parse_query(header.target());
    if (!q.sid)
        return;
    if (auto s = registry_->find(*q.sid)) {
        log::info("engine.io {}: POST over maxPayload ({} bytes): closing", s->id(),
                  config_.max_payload);
        s->close(disconnect_reason::payload_too_large);
    }
}

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
    return info;
}

} // namespace

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
    auto s = std::make_shared<session>(std::move(strand), generate_sid(), config_, t, handler_,
                                       registry_, std::move(info));
    registry_->add(s);
    return s;
}

std::optional<server::cors_fields> server::cors_for(http::request const& req) const {
    auto const origin = req[bhttp::field::origin];
    if (!config_.cors.enabled || origin.empty())
        return std::nullopt;
    auto const& allowed = config_.cors.origins;
    bool const any = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
    bool const listed = std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
    if (!any && !listed)
        return std::nullopt;
    // With credentials a browser refuses "*": echo the origin instead.
    cors_fields f;
    if (any && !config_.cors.credentials) {
        f.allow_origin = "*";
    } else {
        f.allow_origin = origin;
        f.vary_origin = true;
    }
    f.credentials = config_.cors.credentials;
    return f;
}

void server::add_cors(http::request const& req, http::response& res) const {
    auto const f = cors_for(req);
    if (!f)
        return;
    res.set(bhttp::field::access_control_allow_origin, f->allow_origin);
    if (f->vary_origin)
        res.set(bhttp::field::vary, "Origin");
    if (f->credentials)
        res.set(bhttp::field::access_control_allow_credentials, "true");
}

awaitable<http::after_response> server::reply(http::connection& conn, http::request const& req,
                                              poll_reply r) {
    // Written by hand rather than through Beast's serializer: every long-poll answer
    // comes this way, and the fields are few and fixed.
    auto const status = static_cast<bhttp::status>(r.status);
    bool const keep_alive = req.keep_alive();
    std::string head;
    head.reserve(192);
    fmt::format_to(std::back_inserter(head), "HTTP/1.{} {} {}\r\n", req.version() == 10 ? 0 : 1,
                   r.status, std::string_view(bhttp::obsolete_reason(status)));
    if (r.json_error) {
        head += "Content-Type: application/json\r\n";
    } else {
        head += r.body == "ok" ? "Content-Type: text/html\r\n"
                               : "Content-Type: text/plain; charset=UTF-8\r\n";
        head += "Cache-Control: no-store\r\n";
    }
    if (auto const f = cors_for(req)) {
        fmt::format_to(std::back_inserter(head), "Access-Control-Allow-Origin: {}\r\n",
                       std::string_view(f->allow_origin));
        if (f->vary_origin)
            head += "Vary: Origin\r\n";
        if (f->credentials)
            head += "Access-Control-Allow-Credentials: true\r\n";
    }
    if (req.version() == 10 && keep_alive)
        head += "Connection: keep-alive\r\n";
    else if (req.version() != 10 && !keep_alive)
        head += "Connection: close\r\n";
    fmt::format_to(std::back_inserter(head), "Content-Length: {}\r\n\r\n", r.body.size());
    co_return co_await conn.send_raw(std::move(head), std::move(r.body), keep_alive);
}

awaitable<http::after_response>
server::refuse_websocket(http::connection& conn, http::request const& req, ws::refused why) {
    log::info("engine.io: WebSocket upgrade refused: {}", why.message);
    http::response res{static_cast<bhttp::status>(why.status), req.version()};
    res.set(bhttp::field::content_type, "text/plain");
    res.body() = std::string(why.message);
    res.keep_alive(false);
    res.prepare_payload();
    co_return co_await conn.send(std::move(res));
}

awaitable<http::after_response> server::preflight(http::connection& conn,
                                                  http::request const& req) {
    http::response res{bhttp::status::no_content, req.version()};
    add_cors(req, res);
    res.set(bhttp::field::access_control_allow_methods, "GET,HEAD,PUT,PATCH,POST,DELETE");
    if (auto const headers = req[bhttp::field::access_control_request_headers]; !headers.empty())
        res.set(bhttp::field::access_control_allow_headers, headers);
    res.set(bhttp::field::vary, "Access-Control-Request-Headers");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    co_return co_await conn.send(std::move(res));
}

awaitable<http::after_response> server::handle(http::connection& conn, http::request& req) {
    auto const refuse = [&](http_error e) {
        log::debug("engine.io: {} {} refused: {}", std::string_view(req.method_string()),
                   std::string_view(req.target()), error_message(e));
        poll_reply refused{error_status(e), error_body(e), true};
        return reply(conn, req, std::move(refused));
    };
    auto const q = parse_query(req.target());
    if (req.method() == bhttp::verb::options && config_.cors.enabled)
        co_return co_await preflight(conn, req);

    auto const transport = parse_transport(q.transport);
    if (!transport || (*transport == transport_kind::polling && !config_.allow_polling) ||
        (*transport == transport_kind::websocket && !config_.allow_websocket))
        co_return co_await refuse(http_error::unknown_transport);
    bool const is_upgrade = beast::websocket::is_upgrade(req);

    if (!q.sid) {
        if (req.method() != bhttp::verb::get)
            co_return co_await refuse(http_error::bad_handshake_method);
        if ((*transport == transport_kind::websocket) != is_upgrade)
            co_return co_await refuse(http_error::bad_request);
        auto info = request_info(conn, req);
        if (config_.allow_request) {
            if (auto why = config_.allow_request(info)) {
                log::info("engine.io: handshake from {} refused by allow_request: {}", info.address,
                          why->empty() ? "Forbidden" : *why);
                poll_reply forbidden{error_status(http_error::forbidden),
                                     error_body(http_error::forbidden, *why), true};
                co_return co_await reply(conn, req, std::move(forbidden));
            }
        }
        if (q.eio != "4")
            co_return co_await refuse(http_error::unsupported_protocol_version);
        co_return co_await handshake(conn, req, *transport, std::move(info));
    }

    auto s = registry_->find(*q.sid);
    if (!s)
        co_return co_await refuse(http_error::unknown_sid);

    if (is_upgrade) {
        if (*transport != transport_kind::websocket)
            co_return co_await refuse(http_error::bad_request);
        auto outcome = ws::accept(req, config_.per_message_deflate);
        if (auto const* why = std::get_if<ws::refused>(&outcome))
            co_return co_await refuse_websocket(conn, req, *why);
        auto& terms = std::get<ws::accepted>(outcome);
        // A session that cannot upgrade (already on WebSocket, or probing) gets its
        // WebSocket accepted and closed at once, as the reference does.
        // Move the socket onto the session's strand, so the WebSocket and the session
        // share one strand and never need to post to each other.
        auto& stream = conn.stream();
        stream.expires_never();
        auto socket = stream.release_socket();
        boost::system::error_code ec;
        auto const protocol = socket.local_endpoint(ec).protocol();
        auto const fd = socket.release(ec);
        if (ec)
            co_return http::after_response::close;
        http::tcp::socket rehomed(s->get_executor(), protocol, fd);
        net::co_spawn(
            s->get_executor(),
            s->run_websocket(std::move(rehomed), std::move(terms), early_bytes(conn), true),
            log_exception);
        co_return http::after_response::taken_over;
    }
    if (*transport != transport_kind::polling)
        co_return co_await refuse(http_error::bad_request);
    if (req.method() == bhttp::verb::get)
        co_return co_await poll(conn, req, std::move(s));
    if (req.method() == bhttp::verb::post)
        co_return co_await post(conn, req, std::move(s));
    co_return co_await refuse(http_error::bad_request);
}

awaitable<http::after_response> server::handshake(http::connection& conn, http::request& req,
                                                  transport_kind transport, handshake_info info) {
    if (transport == transport_kind::websocket) {
        auto outcome = ws::accept(req, config_.per_message_deflate);
        if (auto const* why = std::get_if<ws::refused>(&outcome))
            co_return co_await refuse_websocket(conn, req, *why);
        auto& terms = std::get<ws::accepted>(outcome);
        // The connection's strand becomes the session's: no socket move needed.
        auto ex = conn.stream().get_executor();
        auto s = create_session(ex, transport, std::move(info));
        conn.stream().expires_never();
        net::co_spawn(ex,
                      s->run_websocket(conn.stream().release_socket(), std::move(terms),
                                       early_bytes(conn), false),
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
    co_return co_await poll(conn, req, std::move(s));
}

awaitable<http::after_response> server::poll(http::connection& conn, http::request& req,
                                             std::shared_ptr<session> s) {
    auto waiter = std::make_shared<poll_waiter>(conn.stream().get_executor());
    auto begin_poll = [s, waiter] {
        return s->poll(waiter);
    };
    auto immediate = co_await run_on(s->get_executor(), std::move(begin_poll));
    if (immediate)
        co_return co_await reply(conn, req, std::move(*immediate));

    auto const outcome = co_await (wait_for_reply(*waiter) || watch_for_close(conn));
    if (outcome.index() == 1 || !waiter->reply) {
        // The client went away: the session ends unless the reply raced in first.
        net::post(s->get_executor(), [s, waiter] { s->poll_aborted(waiter); });
        co_return http::after_response::close;
    }
    co_return co_await reply(conn, req, std::move(*waiter->reply));
}

awaitable<http::after_response> server::post(http::connection& conn, http::request& req,
                                             std::shared_ptr<session> s) {
    if (req[bhttp::field::content_type].starts_with("application/octet-stream")) {
        // v4 polling payloads are text (binary as base64).
        s->close(disconnect_reason::parse_error);
        poll_reply refused{400, error_body(http_error::bad_request), true};
        co_return co_await reply(conn, req, std::move(refused));
    }
    auto deliver = [s, body = std::move(req.body())] {
        return s->post(body);
    };
    auto result = co_await run_on(s->get_executor(), std::move(deliver));
    co_return co_await reply(conn, req, std::move(result));
}

} // namespace sio::engineio
