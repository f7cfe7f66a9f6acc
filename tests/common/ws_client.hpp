// A small Beast WebSocket client for tests.
#pragma once

#include "common/http_client.hpp"

#include <boost/beast/websocket.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sio::test {

namespace websocket = boost::beast::websocket;

struct ws_frame {
    std::string data;
    bool binary = false;
};

class ws_client {
public:
    explicit ws_client(net::any_io_executor ex)
        : ws_(std::move(ex)) {}

    /// Connects and performs the handshake; false when the server refused the upgrade.
    awaitable<bool> connect(tcp::endpoint ep, std::string target) {
        beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
        co_await beast::get_lowest_layer(ws_).async_connect(ep, net::use_awaitable);
        auto [ec] =
            co_await ws_.async_handshake(handshake_response, "127.0.0.1", target, use_tuple);
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        co_return !ec;
    }

    awaitable<void> send_text(std::string text) {
        ws_.text(true);
        co_await ws_.async_write(net::buffer(text), net::use_awaitable);
    }
    awaitable<void> send_binary(std::string bytes) {
        ws_.binary(true);
        co_await ws_.async_write(net::buffer(bytes), net::use_awaitable);
    }

    /// The next frame, or nullopt when the connection closed (close_code() tells why) or
    /// nothing arrived within the timeout.
    awaitable<std::optional<ws_frame>>
    read(std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
        // A timeout cancels the read, which leaves the stream unusable: tests treat it as
        // the end of the conversation. The flag outlives this call: a timer handler that was
        // already queued when the read finished must not touch the stream.
        struct watch {
            bool armed = true;
            bool fired = false;
        };
        auto w = std::make_shared<watch>();
        net::steady_timer timer(co_await net::this_coro::executor, timeout);
        timer.async_wait([this, w](boost::system::error_code ec) {
            if (!ec && w->armed) {
                w->fired = true;
                beast::get_lowest_layer(ws_).cancel();
            }
        });
        beast::flat_buffer buffer;
        auto [ec, n] = co_await ws_.async_read(buffer, use_tuple);
        w->armed = false;
        timer.cancel();
        if (ec) {
            closed_ = !w->fired;
            co_return std::nullopt;
        }
        co_return ws_frame{beast::buffers_to_string(buffer.data()), ws_.got_binary()};
    }

    /// Reads frames, skipping server pings ("2"), until one that is not a ping.
    awaitable<std::optional<ws_frame>> read_skipping_pings() {
        for (;;) {
            auto f = co_await read();
            if (!f || f->binary || f->data != "2")
                co_return f;
        }
    }

    /// True when the server closed the WebSocket (a close frame or EOF) within the timeout.
    awaitable<bool> closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
        auto const until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            auto f = co_await read(std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now()));
            if (!f)
                co_return closed_&& std::chrono::steady_clock::now() < until;
        }
        co_return false;
    }

    /// Appends the payload of every pong the server sends to `out` (seen while reading).
    void record_pongs(std::vector<std::string>& out) {
        ws_.control_callback([&out](websocket::frame_type kind, beast::string_view payload) {
            if (kind == websocket::frame_type::pong)
                out.emplace_back(payload);
        });
    }

    websocket::close_reason close_code() const { return ws_.reason(); }
    /// The server's answer to the upgrade request.
    websocket::response_type handshake_response;
    websocket::stream<beast::tcp_stream>& stream() { return ws_; }

private:
    websocket::stream<beast::tcp_stream> ws_;
    bool closed_ = false;
};

} // namespace sio::test
