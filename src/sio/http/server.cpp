#include "sio/http/server.hpp"

#include "sio/core/io_pool.hpp"
#include "sio/core/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace sio::http {

namespace bhttp = beast::http;

namespace {

/// After a failed accept (EMFILE and friends), wait this long instead of spinning on it.
constexpr auto accept_error_pause = std::chrono::milliseconds(50);
/// What the first read of a request asks for; the buffer is freed again while idle.
constexpr std::size_t first_read_size = 4096;

} // namespace

struct server::impl : std::enable_shared_from_this<impl> {
    std::function<net::io_context&()> pick; // where the next connection lives
    bool one_thread_per_context;            // an io_pool: no strands needed
    server_config config;
    std::shared_ptr<tls_context> tls; // null: plain HTTP
    tcp::acceptor acceptor;
    net::steady_timer grace_timer;
    std::vector<std::pair<std::string, std::shared_ptr<request_handler>>> routes;
    std::shared_ptr<request_handler> fallback;

    mutable std::mutex mutex; // guards the fields below
    std::map<std::uint64_t, std::weak_ptr<connection>> connections;
    std::uint64_t next_id = 0;
    bool stopping = false;
    bool draining = false; // stopping, but keep-alive connections still serve requests

    impl(net::io_context& main, std::function<net::io_context&()> next, server_config cfg,
         bool one_thread_each)
        : pick(std::move(next))
        , one_thread_per_context(one_thread_each)
        , config(std::move(cfg))
        , tls(config.tls_cert_file.empty() && config.tls_key_file.empty()
                  ? nullptr
                  : load_tls_context(config.tls_cert_file, config.tls_key_file))
        , acceptor(net::make_strand(main))
        , grace_timer(acceptor.get_executor()) {}

    /// A connection's executor. An io_context that one thread runs (an io_pool's)
    /// serialises its handlers already: a strand on it would only add a queue and a lock.
    net::any_io_executor connection_executor() {
        auto& ctx = pick();
        if (one_thread_per_context)
            return ctx.get_executor();
        return net::make_strand(ctx);
    }

    /// Whether connections should take no further request: stopping, and not draining.
    bool is_stopping() const {
        std::lock_guard lock(mutex);
        return stopping && !draining;
    }

    request_handler* route(std::string_view target) const {
        for (auto const& [prefix, handler] : routes) {
            if (target.starts_with(prefix))
                return handler.get();
        }
        return fallback.get();
    }

    awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(connection_executor(), use_tuple);
            if (ec == net::error::operation_aborted || !acceptor.is_open())
                co_return;
            if (ec) {
                // EMFILE and friends: back off instead of spinning on the error.
                log::warn("http: accept failed: {}", ec.message());
                net::steady_timer pause(acceptor.get_executor(), accept_error_pause);
                co_await pause.async_wait(use_tuple);
                continue;
            }
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            auto conn = std::make_shared<connection>(tls ? http::stream(std::move(socket), *tls)
                                                         : http::stream(std::move(socket)),
                                                     config.write_timeout);
            std::uint64_t id = 0;
            {
                std::lock_guard lock(mutex);
                if (stopping && !draining)
                    co_return;
                id = next_id++;
                connections.emplace(id, conn);
            }
            auto ex = conn->stream().get_executor();
            net::co_spawn(
                ex, [self = shared_from_this(), conn, id] { return self->serve(conn, id); },
                [](std::exception_ptr e) {
                    if (e)
                        log::error("http: connection ended by an exception: {}", log::describe(e));
                });
        }
    }

    /// The server's side of the TLS handshake, within request_timeout.
    awaitable<bool> handshake(connection& conn) {
        conn.set_deadline(config.request_timeout);
        auto [ec] = co_await conn.stream_.async_handshake(use_tuple);
        if (ec) {
            // A client that speaks plain HTTP, distrusts our certificate or never says hello.
            log::debug("http: TLS handshake failed: {}",
                       conn.timed_out_ ? std::string("timed out") : ec.message());
            co_return false;
        }
        co_return true;
    }

    awaitable<void> serve(std::shared_ptr<connection> conn, std::uint64_t id) {
        auto outcome = after_response::close;
        if (!conn->stream_.is_tls() || co_await handshake(*conn))
            outcome = co_await serve_requests(*conn);
        conn->clear_deadline();
        conn->taken_over_ = outcome == after_response::taken_over;
        if (!conn->taken_over_) {
            boost::system::error_code ignored;
            conn->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            conn->stream_.close();
        }
        std::lock_guard lock(mutex);
        connections.erase(id);
        // The grace timer lives on the acceptor's strand: cancel it there. A drain lasts
        // its whole time (the sessions' closes are spread over it).
        if (stopping && !draining && connections.empty())
            net::post(acceptor.get_executor(),
                      [self = shared_from_this()] { self->grace_timer.cancel(); });
    }

    awaitable<after_response> reply_error(connection& conn, status code, std::string text) {
        co_await conn.send(make_text_response(code, std::move(text), false));
        co_return after_response::close;
    }

    awaitable<after_response> serve_requests(connection& conn) {
        auto& stream = conn.stream_;
        auto& buffer = conn.buffer_;
        for (bool first = true;; first = false) {
            if (is_stopping())
                co_return after_response::close;
            // Wait for the first byte of the next request under the keep-alive timeout;
            // stop() may cancel this wait.
            if (buffer.size() == 0) {
                conn.idle_ = true;
                buffer.shrink_to_fit(); // idle connections hold no read buffer
                conn.set_deadline(first ? config.request_timeout : config.keep_alive_timeout);
                auto [ec, n] =
                    co_await stream.async_read_some(buffer.prepare(first_read_size), use_tuple);
                conn.idle_ = false;
                if (ec) {
                    log::trace("http: connection ends: {}", ec.message());
                    co_return after_response::close;
                }
                buffer.commit(n);
            }
            conn.idle_ = false;
            conn.set_deadline(config.request_timeout);

            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(config.header_limit);
            auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
            if (hec == bhttp::error::header_limit) {
                log::info("http: refused a request whose header exceeds {} bytes",
                          config.header_limit);
                co_return co_await reply_error(conn, status::request_header_fields_too_large,
                                               "Request Header Fields Too Large\n");
            }
            // Only a parse error is answered (400); an I/O error (timeout, reset, a TLS
            // alert) ends the connection.
            if (hec &&
                (hec == bhttp::error::end_of_stream ||
                 hec.category() != bhttp::make_error_code(bhttp::error::bad_target).category())) {
                log::trace("http: connection ends: {}", hec.message());
                co_return after_response::close;
            }
            if (hec) {
                log::info("http: malformed request: {}", hec.message());
                co_return co_await reply_error(conn, status::bad_request, "Bad Request\n");
            }

            conn.head_request_ = parser.get().method() == bhttp::verb::head;
            auto const target = parser.get().target();
            auto* handler = route(std::string_view(target.data(), target.size()));
            if (!handler)
                co_return co_await reply_error(conn, status::not_found, "Not Found\n");

            // Beast checks Content-Length against the limit while parsing the header, before
            // we know the handler; check it here, and let the parser enforce it on chunks.
            parser.body_limit(handler->body_limit());
            if (auto const length = parser.content_length();
                length && *length > handler->body_limit()) {
                log::info("http: refused a request body of {} bytes (limit {})", *length,
                          handler->body_limit());
                handler->body_too_large(parser.get());
                co_return co_await reply_error(conn, status::payload_too_large,
                                               "Payload Too Large\n");
            }
            if (!parser.is_done()) {
                auto ticket = handler->body_begins(parser.get());
                if (ticket.refuse)
                    co_return co_await reply_error(conn, status::bad_request, "");
                conn.body_note_ = std::move(ticket.hold);
                auto const expect = parser.get()[bhttp::field::expect];
                if (beast::iequals(expect, "100-continue")) {
                    static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
                    auto [wec, wn] = co_await net::async_write(
                        stream, net::buffer(cont.data(), cont.size()), use_tuple);
                    if (wec)
                        co_return after_response::close;
                }
                auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
                if (bec == bhttp::error::body_limit) {
                    log::info("http: refused a request body over {} bytes", handler->body_limit());
                    handler->body_too_large(parser.get());
                    co_return co_await reply_error(conn, status::payload_too_large,
                                                   "Payload Too Large\n");
                }
                if (bec)
                    co_return after_response::close;
            }
            // The handler may wait (long-polling) with no deadline from us.
            conn.clear_deadline();
            auto req = parser.release();
            auto const next = co_await handler->handle(conn, req);
            conn.body_note_.reset(); // abandoned without an answer
            if (next != after_response::keep_alive)
                co_return next;
        }
    }

    void stop() {
        std::vector<std::shared_ptr<connection>> live;
        {
            std::lock_guard lock(mutex);
            if (stopping)
                return;
            stopping = true;
            draining = config.drain.count() > 0;
            for (auto& [id, weak] : connections) {
                if (auto c = weak.lock())
                    live.push_back(std::move(c));
            }
        }
        auto const drain = config.drain;
        net::post(acceptor.get_executor(), [self = shared_from_this(), drain] {
            if (drain.count() > 0) {
                // The sessions still open are served through the drain, on connections old
                // and new (handlers refuse new sessions); then the acceptor closes, idle
                // connections go, and the grace begins.
                self->grace_timer.expires_after(drain);
                self->grace_timer.async_wait([self](boost::system::error_code ec) {
                    if (!ec)
                        self->drained();
                });
                return;
            }
            boost::system::error_code ignored;
            self->acceptor.close(ignored);
            std::lock_guard lock(self->mutex);
            if (!self->connections.empty())
                self->start_grace();
        });
        if (drain.count() == 0)
            close_idle(live);
        for (auto const& [prefix, handler] : routes)
            handler->stop(drain);
        if (fallback)
            fallback->stop(drain);
    }

    void drained() {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        std::vector<std::shared_ptr<connection>> live;
        {
            std::lock_guard lock(mutex);
            draining = false;
            for (auto& [id, weak] : connections) {
                if (auto c = weak.lock())
                    live.push_back(std::move(c));
            }
            if (live.empty())
                return;
            start_grace();
        }
        close_idle(live);
    }

    /// Called with `mutex` held, on the acceptor's strand.
    void start_grace() {
        grace_timer.expires_after(config.shutdown_grace);
        grace_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec)
                self->force_close();
        });
    }

    static void close_idle(std::vector<std::shared_ptr<connection>> const& live) {
        for (auto const& c : live) {
            net::post(c->stream_.get_executor(), [c] {
                if (c->idle_ && !c->taken_over_)
                    c->stream_.cancel();
            });
        }
    }

    void force_close() {
        std::lock_guard lock(mutex);
        if (!connections.empty())
            log::warn("http: closing {} connections still busy after the grace period",
                      connections.size());
        for (auto& [id, weak] : connections) {
            if (auto c = weak.lock())
                net::post(c->stream_.get_executor(), [c] {
                    if (!c->taken_over_)
                        c->stream_.close();
                });
        }
    }
};

server::server(net::io_context& ioc, server_config config)
    : impl_(std::make_shared<impl>(
          ioc, [&ioc]() -> net::io_context& { return ioc; }, std::move(config), false)) {}

server::server(io_pool& pool, server_config config)
    : impl_(std::make_shared<impl>(
          pool.main(), [&pool]() -> net::io_context& { return pool.next(); }, std::move(config),
          true)) {}

server::~server() = default;

void server::mount(std::string prefix, std::shared_ptr<request_handler> handler) {
    impl_->routes.emplace_back(std::move(prefix), std::move(handler));
    std::stable_sort(impl_->routes.begin(), impl_->routes.end(),
                     [](auto const& a, auto const& b) { return a.first.size() > b.first.size(); });
}

void server::set_fallback(std::shared_ptr<request_handler> handler) {
    impl_->fallback = std::move(handler);
}

tcp::endpoint server::start() {
    auto& acc = impl_->acceptor;
    tcp::endpoint const ep{net::ip::make_address(impl_->config.host), impl_->config.port};
    acc.open(ep.protocol());
    acc.set_option(net::socket_base::reuse_address(true));
    acc.bind(ep);
    acc.listen(net::socket_base::max_listen_connections);
    auto const bound = acc.local_endpoint();
    net::co_spawn(
        acc.get_executor(), [self = impl_] { return self->accept_loop(); },
        [](std::exception_ptr e) {
            if (e)
                log::error("http: the accept loop ended by an exception: {}", log::describe(e));
        });
    return bound;
}

void server::stop() {
    impl_->stop();
}

std::size_t server::connection_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections.size();
}

server_config const& server::settings() const {
    return impl_->config;
}

} // namespace sio::http
