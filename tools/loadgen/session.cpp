#include "session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <fmt/core.h>

#include <cctype>
#include <charconv>

#include <netinet/in.h>
#include <sys/socket.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace sio::loadgen {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

constexpr auto connect_timeout = std::chrono::seconds(10);
constexpr auto post_timeout = std::chrono::seconds(10);
/// A polling GET is held until packets arrive or the next ping (25 s by default).
constexpr auto get_timeout = std::chrono::seconds(60);
/// Both servers close a keep-alive connection idle for 5 s: reconnect the POST one first.
constexpr auto post_idle_reuse = std::chrono::seconds(4);

std::string_view view(beast::flat_buffer const& b) {
    return {static_cast<char const*>(b.data().data()), b.size()};
}

/// Binds `s` to `to.source` (port chosen at connect time) when one is set.
bool bind_source(tcp::socket& s, target const& to) {
    if (!to.source)
        return true;
    beast::error_code ec;
    if (!s.is_open())
        s.open(to.server.protocol(), ec);
    if (ec)
        return false;
    // Defer the port choice to connect(): ports are then unique per 4-tuple, not per address.
    int const one = 1;
    ::setsockopt(s.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    s.bind(tcp::endpoint(*to.source, 0), ec);
    return !ec;
}

template <class F>
void for_each_packet(std::string_view payload, F f) {
    for (;;) {
        auto const sep = payload.find('\x1e');
        f(payload.substr(0, sep));
        if (sep == std::string_view::npos)
            break;
        payload.remove_prefix(sep + 1);
    }
}

template <class T>
bool number_after(std::string_view text, std::string_view key, T& out) {
    auto const pos = text.find(key);
    if (pos == std::string_view::npos)
        return false;
    auto const* first = text.data() + pos + key.size();
    return std::from_chars(first, text.data() + text.size(), out).ec == std::errc{};
}

// ------------------------------------------------------------------ WebSocket

class ws_session final : public session {
public:
    ws_session(net::any_io_executor strand, counters& totals)
        : session(strand, totals)
        , ws_(strand) {}

    awaitable<bool> connect(target const& to) override;
    void start() override;

private:
    static awaitable<void> read_loop(std::shared_ptr<ws_session> self);
    void flush() override;
    void shutdown() override;
    std::shared_ptr<ws_session> self() {
        return std::static_pointer_cast<ws_session>(shared_from_this());
    }

    websocket::stream<beast::tcp_stream> ws_;
};

awaitable<bool> ws_session::connect(target const& to) {
    auto const t0 = steady::now();
    auto& stream = beast::get_lowest_layer(ws_);
    if (!bind_source(stream.socket(), to))
        co_return false;
    stream.expires_after(connect_timeout);
    auto [ec] = co_await stream.async_connect(to.server, use_tuple);
    if (ec)
        co_return false;
    stream.socket().set_option(tcp::no_delay(true));
    std::tie(ec) =
        co_await ws_.async_handshake(to.host, "/socket.io/?EIO=4&transport=websocket", use_tuple);
    if (ec)
        co_return false;
    ws_.text(true);
    beast::flat_buffer buffer;
    bool got_open = false;
    for (;;) {
        buffer.clear();
        auto [rec, n] = co_await ws_.async_read(buffer, use_tuple);
        if (rec)
            co_return false;
        auto const frame = view(buffer);
        if (!got_open) {
            if (!frame.starts_with("0{"))
                co_return false;
            got_open = true;
            auto [wec, wn] = co_await ws_.async_write(net::buffer("40", 2), use_tuple);
            if (wec)
                co_return false;
        } else if (frame == "2") {
            auto [wec, wn] = co_await ws_.async_write(net::buffer("3", 1), use_tuple);
            if (wec)
                co_return false;
        } else if (frame.starts_with("40{")) {
            break;
        } else if (frame.starts_with("44")) {
            co_return false;
        }
    }
    stream.expires_never();
    opened(t0);
    co_return true;
}

void ws_session::start() {
    net::co_spawn(strand_, read_loop(self()), net::detached);
}

awaitable<void> ws_session::read_loop(std::shared_ptr<ws_session> self) {
    beast::flat_buffer buffer;
    for (;;) {
        buffer.clear();
        auto [ec, n] = co_await self->ws_.async_read(buffer, use_tuple);
        if (ec)
            break;
        self->handle(view(buffer));
    }
    self->ended();
}

void ws_session::flush() {
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front()),
                    [self = self()](beast::error_code ec, std::size_t) {
                        self->queue_.pop_front();
                        self->write_done(!ec);
                    });
}

void ws_session::shutdown() {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(2));
    ws_.async_close(websocket::close_code::normal, [self = self()](beast::error_code) {});
}

// ------------------------------------------------------------------ long-polling

/// Engine.IO v4 long-polling: one keep-alive connection carries the GET loop, another the
/// POSTs (one in flight, the queued packets joined by '\x1e').
class polling_session final : public session {
public:
    polling_session(net::any_io_executor strand, counters& totals)
        : session(strand, totals)
        , get_(strand)
        , post_(strand) {}

    awaitable<bool> connect(target const& to) override;
    void start() override;

private:
    struct reply {
        unsigned status = 0;
        std::string body;
    };
    /// One connection and its read buffer (it may hold the start of the next response).
    struct conn {
        explicit conn(net::any_io_executor const& ex)
            : stream(ex) {}
        beast::tcp_stream stream;
        beast::flat_buffer buffer;
        bool connected = false;
        steady::time_point used{};
    };

    static awaitable<void> read_loop(std::shared_ptr<polling_session> self);
    static awaitable<void> post_queued(std::shared_ptr<polling_session> self, std::string body);
    static awaitable<void> close_session(std::shared_ptr<polling_session> self);
    void flush() override;
    void shutdown() override;
    std::shared_ptr<polling_session> self() {
        return std::static_pointer_cast<polling_session>(shared_from_this());
    }

    awaitable<bool> open_conn(conn& c);
    /// One request on `c` (connected first if needed); nullopt on any I/O error.
    awaitable<std::optional<reply>> request(conn& c, http::verb verb, std::string const& path,
                                            std::string_view body, std::chrono::seconds timeout);
    /// POSTs `body`; retries once on a fresh connection when a reused one failed.
    awaitable<bool> post(std::string_view body);
    void close_conns();

    target to_;
    std::string path_; ///< the request target with the sid
    conn get_;
    conn post_;
};

awaitable<bool> polling_session::open_conn(conn& c) {
    beast::error_code ignored;
    c.stream.socket().close(ignored);
    c.buffer.clear();
    c.connected = false;
    if (!bind_source(c.stream.socket(), to_))
        co_return false;
    c.stream.expires_after(connect_timeout);
    auto [ec] = co_await c.stream.async_connect(to_.server, use_tuple);
    if (ec)
        co_return false;
    c.stream.socket().set_option(tcp::no_delay(true), ignored);
    c.connected = true;
    c.used = steady::now();
    co_return true;
}

awaitable<std::optional<polling_session::reply>>
polling_session::request(conn& c, http::verb verb, std::string const& path, std::string_view body,
                         std::chrono::seconds timeout) {
    if (!c.connected && !co_await open_conn(c))
        co_return std::nullopt;
    http::request<http::string_body> req(verb, path, 11);
    req.set(http::field::host, to_.host);
    if (verb == http::verb::post) {
        req.set(http::field::content_type, "text/plain;charset=UTF-8");
        req.body() = body;
        req.prepare_payload();
    }
    c.stream.expires_after(timeout);
    auto [wec, wn] = co_await http::async_write(c.stream, req, use_tuple);
    if (wec) {
        c.connected = false;
        co_return std::nullopt;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{64} << 20);
    auto [rec, rn] = co_await http::async_read(c.stream, c.buffer, parser, use_tuple);
    c.stream.expires_never();
    c.used = steady::now();
    if (rec) {
        c.connected = false;
        co_return std::nullopt;
    }
    auto& res = parser.get();
    if (!res.keep_alive()) {
        beast::error_code ignored;
        c.stream.socket().close(ignored);
        c.connected = false;
    }
    reply out;
    out.status = res.result_int();
    out.body = std::move(res.body());
    co_return out;
}

awaitable<bool> polling_session::post(std::string_view body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool const reused = post_.connected && steady::now() - post_.used < post_idle_reuse;
        if (!reused)
            post_.connected = false; // idle for long: the server may have closed it
        auto const res = co_await request(post_, http::verb::post, path_, body, post_timeout);
        if (res)
            co_return res->status == 200;
        if (!reused)
            break;
    }
    co_return false;
}

awaitable<bool> polling_session::connect(target const& to) {
    auto const t0 = steady::now();
    to_ = to;
    std::string const open_path = "/socket.io/?EIO=4&transport=polling";
    auto res = co_await request(get_, http::verb::get, open_path, "", connect_timeout);
    if (!res || res->status != 200 || !res->body.starts_with("0{"))
        co_return false;
    std::string_view const open = res->body;
    auto const key = open.find("\"sid\":\"");
    if (key == std::string_view::npos)
        co_return false;
    auto const sid = open.substr(key + 7, open.find('"', key + 7) - (key + 7));
    path_ = open_path + "&sid=";
    for (char const c : sid) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
            c == '~')
            path_ += c;
        else
            path_ += fmt::format("%{:02X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    }
    if (!co_await post("40"))
        co_return false;
    for (int polls = 0; polls < 10; ++polls) {
        res = co_await request(get_, http::verb::get, path_, "", connect_timeout);
        if (!res || res->status != 200)
            co_return false;
        bool joined = false;
        bool failed = false;
        bool pinged = false;
        std::vector<std::string> rest;
        for_each_packet(res->body, [&](std::string_view p) {
            if (joined)
                rest.emplace_back(p);
            else if (p == "2")
                pinged = true;
            else if (p.starts_with("40{"))
                joined = true;
            else if (p.starts_with("44") || p == "1")
                failed = true;
        });
        if (failed)
            co_return false;
        if (pinged && !co_await post("3"))
            co_return false;
        if (joined) {
            opened(t0);
            for (auto const& p : rest)
                handle(p);
            co_return true;
        }
    }
    co_return false;
}

void polling_session::start() {
    net::co_spawn(strand_, read_loop(self()), net::detached);
}

awaitable<void> polling_session::read_loop(std::shared_ptr<polling_session> self) {
    while (!self->closing_) {
        auto const res =
            co_await self->request(self->get_, http::verb::get, self->path_, "", get_timeout);
        if (!res || res->status != 200)
            break;
        for_each_packet(res->body, [&self](std::string_view p) { self->handle(p); });
    }
    self->close_conns();
    self->ended();
}

void polling_session::flush() {
    std::string body;
    for (auto const& p : queue_) {
        if (!body.empty())
            body += '\x1e';
        body += p;
    }
    queue_.clear();
    writing_ = true;
    net::co_spawn(strand_, post_queued(self(), std::move(body)), net::detached);
}

awaitable<void> polling_session::post_queued(std::shared_ptr<polling_session> self,
                                             std::string body) {
    bool const ok = co_await self->post(body);
    if (!ok)
        self->close_conns(); // the session is broken: end the GET loop too
    self->write_done(ok);
}

void polling_session::shutdown() {
    net::co_spawn(strand_, close_session(self()), net::detached);
}

awaitable<void> polling_session::close_session(std::shared_ptr<polling_session> self) {
    co_await self->post("1");
    self->close_conns(); // ends the pending GET
}

void polling_session::close_conns() {
    beast::error_code ignored;
    get_.stream.socket().close(ignored);
    post_.stream.socket().close(ignored);
    get_.connected = post_.connected = false;
}

} // namespace

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
        .count();
}

std::shared_ptr<session> session::make(transport kind, net::any_io_executor strand,
                                       counters& totals) {
    if (kind == transport::polling)
        return std::make_shared<polling_session>(std::move(strand), totals);
    return std::make_shared<ws_session>(std::move(strand), totals);
}

session::session(net::any_io_executor strand, counters& totals)
    : strand_(std::move(strand))
    , totals_(totals) {}

void session::opened(steady::time_point t0) {
    connect_us_ = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t0).count());
    if (!open_.exchange(true))
        totals_.open.fetch_add(1, std::memory_order_relaxed);
}

void session::ended() {
    if (!closing_ && !dropped_.exchange(true))
        totals_.dropped.fetch_add(1, std::memory_order_relaxed);
    if (open_.exchange(false))
        totals_.open.fetch_sub(1, std::memory_order_relaxed);
}

void session::handle(std::string_view packet) {
    if (packet == "2") {
        totals_.pongs.fetch_add(1, std::memory_order_relaxed);
        enqueue("3");
    } else if (packet.starts_with("43")) {
        std::uint64_t id = 0;
        auto const [ptr, ec] =
            std::from_chars(packet.data() + 2, packet.data() + packet.size(), id);
        auto it = ec == std::errc{} ? pending_.find(id) : pending_.end();
        if (it == pending_.end())
            return;
        if (it->second.record)
            record((steady::now() - it->second.sent).count());
        pending_.erase(it);
        totals_.in_flight.fetch_sub(1, std::memory_order_relaxed);
        totals_.acks.fetch_add(1, std::memory_order_relaxed);
        if (on_ack)
            on_ack(*this);
    } else if (packet.starts_with("42[\"msg\"")) {
        totals_.messages.fetch_add(1, std::memory_order_relaxed);
        std::int64_t t = 0;
        if (number_after(packet, "\"t\":", t))
            record(now_ns() - t);
        std::uint64_t seq = 0;
        if (totals_.on_sequence && number_after(packet, "\"s\":", seq))
            totals_.on_sequence(seq);
    } else if (packet.starts_with("41") || packet.starts_with("1")) {
        close(); // the server ended the namespace or the session
    }
}

void session::record(std::int64_t ns) {
    latencies_.push_back(static_cast<std::uint32_t>(std::max<std::int64_t>(ns / 1000, 0)));
}

void session::emit_with_ack(std::string args_json, bool record_latency) {
    net::dispatch(strand_,
                  [self = shared_from_this(), args = std::move(args_json), record_latency] {
                      auto const id = self->next_id_++;
                      self->pending_.emplace(id, pending{steady::now(), record_latency});
                      self->totals_.in_flight.fetch_add(1, std::memory_order_relaxed);
                      self->enqueue(fmt::format("42{}{}", id, args));
                  });
}

void session::send(std::string packet) {
    net::dispatch(strand_, [self = shared_from_this(), p = std::move(packet)]() mutable {
        self->enqueue(std::move(p));
    });
}

void session::enqueue(std::string packet) {
    if (!open_ || closing_)
        return;
    queue_.push_back(std::move(packet));
    if (!writing_)
        flush();
}

void session::write_done(bool ok) {
    writing_ = false;
    if (!ok)
        queue_.clear();
    if (closing_) {
        if (!shut_) {
            shut_ = true;
            shutdown();
        }
    } else if (ok && !queue_.empty()) {
        flush();
    }
}

void session::close() {
    net::dispatch(strand_, [self = shared_from_this()] {
        if (!self->open_ || self->closing_)
            return;
        self->closing_ = true;
        if (!self->writing_ && !self->shut_) {
            self->shut_ = true;
            self->shutdown();
        }
    });
}

} // namespace sio::loadgen
