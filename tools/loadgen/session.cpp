#include "session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <fmt/core.h>

#include <charconv>

namespace sio::loadgen {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

std::string_view view(beast::flat_buffer const& b) {
    return {static_cast<char const*>(b.data().data()), b.size()};
}

} // namespace

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
        .count();
}

session::session(net::any_io_executor strand)
    : strand_(strand)
    , ws_(std::move(strand)) {}

awaitable<bool> session::connect(tcp::endpoint ep, std::string host) {
    auto const t0 = steady::now();
    auto& stream = beast::get_lowest_layer(ws_);
    stream.expires_after(std::chrono::seconds(10));
    auto [ec] = co_await stream.async_connect(ep, use_tuple);
    if (ec)
        co_return false;
    stream.socket().set_option(tcp::no_delay(true));
    std::tie(ec) =
        co_await ws_.async_handshake(host, "/socket.io/?EIO=4&transport=websocket", use_tuple);
    if (ec)
        co_return false;
    ws_.text(true);
    beast::flat_buffer buffer;
    bool opened = false;
    for (;;) {
        buffer.clear();
        auto [rec, n] = co_await ws_.async_read(buffer, use_tuple);
        if (rec)
            co_return false;
        auto const frame = view(buffer);
        if (!opened) {
            if (!frame.starts_with("0{"))
                co_return false;
            opened = true;
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
    connect_us_ = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t0).count());
    open_ = true;
    co_return true;
}

void session::start() {
    net::co_spawn(strand_, read_loop(shared_from_this()), net::detached);
}

awaitable<void> session::read_loop(std::shared_ptr<session> self) {
    beast::flat_buffer buffer;
    for (;;) {
        buffer.clear();
        auto [ec, n] = co_await self->ws_.async_read(buffer, use_tuple);
        if (ec)
            break;
        self->handle(view(buffer));
    }
    if (!self->closing_)
        self->dropped_ = true;
    self->open_ = false;
}

void session::handle(std::string_view frame) {
    if (frame == "2") {
        ++pongs_;
        enqueue("3");
    } else if (frame.starts_with("43")) {
        std::uint64_t id = 0;
        auto const [ptr, ec] = std::from_chars(frame.data() + 2, frame.data() + frame.size(), id);
        auto it = ec == std::errc{} ? pending_.find(id) : pending_.end();
        if (it == pending_.end())
            return;
        if (it->second.record)
            record((steady::now() - it->second.sent).count());
        pending_.erase(it);
        --in_flight_;
        ++acks_;
        if (on_ack)
            on_ack(*this);
    } else if (frame.starts_with("42[\"msg\"")) {
        ++messages_;
        auto const pos = frame.find("\"t\":");
        std::int64_t t = 0;
        if (pos != std::string_view::npos &&
            std::from_chars(frame.data() + pos + 4, frame.data() + frame.size(), t).ec ==
                std::errc{})
            record(now_ns() - t);
    } else if (frame.starts_with("41") || frame.starts_with("1")) {
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
                      ++self->in_flight_;
                      self->enqueue(fmt::format("42{}{}", id, args));
                  });
}

void session::send(std::string frame) {
    net::dispatch(strand_, [self = shared_from_this(), f = std::move(frame)]() mutable {
        self->enqueue(std::move(f));
    });
}

void session::enqueue(std::string frame) {
    if (!open_ || closing_)
        return;
    queue_.push_back(std::move(frame));
    if (!writing_)
        write_next();
}

void session::write_next() {
    if (queue_.empty() || closing_) {
        writing_ = false;
        return;
    }
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->queue_.pop_front();
                        if (ec) {
                            self->writing_ = false;
                            self->queue_.clear();
                            return;
                        }
                        self->write_next();
                    });
}

void session::close() {
    net::dispatch(strand_, [self = shared_from_this()] {
        if (!self->open_ || self->closing_)
            return;
        self->closing_ = true;
        beast::get_lowest_layer(self->ws_).expires_after(std::chrono::seconds(2));
        self->ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
    });
}

} // namespace sio::loadgen
