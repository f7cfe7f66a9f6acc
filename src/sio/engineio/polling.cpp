#include "sio/engineio/polling.hpp"

#include "sio/core/log.hpp"
#include "sio/core/run_on.hpp"
#include "sio/engineio/cors.hpp"
#include "sio/engineio/metrics.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/engineio/session.hpp"
#include "sio/http/server.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/http/field.hpp>

#include <fmt/format.h>

#include <iterator>

namespace sio::engineio {

namespace bhttp = boost::beast::http;
using namespace net::experimental::awaitable_operators;

/// What a watch for an aborted long-poll reads at a time (a pipelined request, if any).
inline constexpr std::size_t close_watch_read_size = 1024;

poll_waiter::poll_waiter(net::any_io_executor ex)
    : wake(std::move(ex), net::steady_timer::time_point::max()) {}

// --- the session's side (on its strand) ----------------------------------------------------

std::optional<poll_reply> session::poll(std::shared_ptr<poll_waiter> const& waiter) {
    if (state_ == state::closed)
        return poll_reply::error(http_error::unknown_sid);
    if (transport_ != transport_kind::polling)
        return poll_reply::error(http_error::bad_request);
    if (state_ == state::closing) {
        std::string body;
        if (closed_by_client_) {
            body = encode_text(packet_type::noop);
        } else {
            body = drain_payload();
            append_payload(body, {"1", false});
        }
        finalize();
        return poll_reply::ok(std::move(body));
    }
    if (waiter_) {
        log::info("engine.io {}: a second concurrent GET: closing", sid_);
        do_close(disconnect_reason::multiple_polling);
        return poll_reply::error(http_error::bad_request);
    }
    if (upgrading_)
        return poll_reply::ok(encode_text(packet_type::noop));
    if (!queue_.empty())
        return poll_reply::ok(drain_payload());
    waiter_ = waiter;
    return std::nullopt;
}

void session::poll_aborted(std::shared_ptr<poll_waiter> const& waiter) {
    if (waiter_ != waiter)
        return;
    waiter_.reset();
    log::debug("engine.io {}: poll connection closed prematurely", sid_);
    do_close(disconnect_reason::transport_close);
}

poll_reply session::post(std::string_view body) {
    if (state_ == state::closed)
        return poll_reply::error(http_error::unknown_sid);
    if (transport_ != transport_kind::polling)
        return poll_reply::error(http_error::bad_request);
    if (state_ == state::closing)
        return poll_reply::ok("ok");
    auto packets = decode_payload(body);
    if (!packets) {
        log::info("engine.io {}: malformed polling payload: closing", sid_);
        stats().bad_input(malformed::payload);
        do_close(disconnect_reason::parse_error);
        return poll_reply::error(http_error::bad_request);
    }
    for (auto& p : *packets) {
        if (state_ != state::open)
            break;
        if (p.binary)
            receive_binary(std::move(p.data));
        else
            dispatch(std::move(p));
    }
    return poll_reply::ok("ok");
}

// --- the HTTP side (on the request's connection) -------------------------------------------

namespace {

/// Completes when the client closes a connection that has no request outstanding: how an
/// aborted long-poll is noticed. Bytes that arrive instead are kept for the next request.
awaitable<bool> watch_for_close(http::connection& conn) {
    auto& buffer = conn.buffer();
    auto [ec, n] =
        co_await conn.stream().async_read_some(buffer.prepare(close_watch_read_size), use_tuple);
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

} // namespace

awaitable<http::after_response> send_poll_reply(http::connection& conn, http::request const& req,
                                                poll_reply r, cors_config const& cors) {
    bool const keep_alive = req.keep_alive();
    std::string head;
    head.reserve(192);
    fmt::format_to(std::back_inserter(head), "HTTP/1.{} {} {}\r\n", req.version() == 10 ? 0 : 1,
                   static_cast<unsigned>(r.status),
                   std::string_view(bhttp::obsolete_reason(r.status)));
    if (r.json_error) {
        head += "Content-Type: application/json\r\n";
    } else {
        head += r.body == "ok" ? "Content-Type: text/html\r\n"
                               : "Content-Type: text/plain; charset=UTF-8\r\n";
        head += "Cache-Control: no-store\r\n";
    }
    if (auto const f = cors_for(cors, req)) {
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

awaitable<http::after_response> serve_poll(http::connection& conn, http::request const& req,
                                           std::shared_ptr<session> s, cors_config const& cors) {
    auto waiter = std::make_shared<poll_waiter>(conn.stream().get_executor());
    auto begin_poll = [s, waiter] {
        return s->poll(waiter);
    };
    auto reply = co_await run_on(s->get_executor(), std::move(begin_poll));
    if (!reply) {
        auto const outcome = co_await (wait_for_reply(*waiter) || watch_for_close(conn));
        if (outcome.index() == 1 || !waiter->reply) {
            // The client went away: the session ends unless the reply raced in first.
            net::post(s->get_executor(), [s, waiter] { s->poll_aborted(waiter); });
            co_return http::after_response::close;
        }
        reply = std::move(waiter->reply);
    }
    auto const next = co_await send_poll_reply(conn, req, std::move(*reply), cors);
    if (conn.write_failed()) {
        // What the reply carried is lost: end the session rather than go on with a gap.
        auto const why = conn.write_timed_out() ? disconnect_reason::write_timeout
                                                : disconnect_reason::transport_error;
        net::post(s->get_executor(), [s, why] { s->close(why); });
    }
    co_return next;
}

awaitable<http::after_response> serve_post(http::connection& conn, http::request& req,
                                           std::shared_ptr<session> s, cors_config const& cors) {
    if (req[bhttp::field::content_type].starts_with("application/octet-stream")) {
        // v4 polling payloads are text (binary as base64).
        s->close(disconnect_reason::parse_error);
        co_return co_await send_poll_reply(conn, req, poll_reply::error(http_error::bad_request),
                                           cors);
    }
    auto deliver = [s, body = std::move(req.body())] {
        return s->post(body);
    };
    auto result = co_await run_on(s->get_executor(), std::move(deliver));
    co_return co_await send_poll_reply(conn, req, std::move(result), cors);
}

} // namespace sio::engineio
