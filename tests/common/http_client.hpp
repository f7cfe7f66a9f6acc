// A small Beast HTTP client for tests.
#pragma once

#include "sio/core/net.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <string>

namespace sio::test {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using http_request = bhttp::request<bhttp::string_body>;
using http_response = bhttp::response<bhttp::string_body>;

/// One client connection, for keep-alive tests.
class http_client {
public:
    explicit http_client(net::any_io_executor ex)
        : stream_(std::move(ex)) {}

    awaitable<void> connect(tcp::endpoint ep) {
        co_await stream_.async_connect(ep, net::use_awaitable);
    }

    /// Sends `req` and reads the response; a HEAD response is read without a body.
    awaitable<http_response> request(http_request req) {
        stream_.expires_after(std::chrono::seconds(5));
        req.prepare_payload();
        co_await bhttp::async_write(stream_, req, net::use_awaitable);
        co_return co_await read_response(req.method() == bhttp::verb::head);
    }

    awaitable<http_response> read_response(bool head = false) {
        bhttp::response_parser<bhttp::string_body> parser;
        parser.skip(head);
        co_await bhttp::async_read(stream_, buffer_, parser, net::use_awaitable);
        co_return parser.release();
    }

    /// Sends raw bytes, e.g. a request Beast would refuse to serialize.
    awaitable<void> send_raw(std::string data) {
        co_await net::async_write(stream_, net::buffer(data), net::use_awaitable);
    }

    /// True when the server has closed the connection (EOF) within the timeout.
    awaitable<bool> closed_by_peer(std::chrono::milliseconds timeout) {
        stream_.expires_after(timeout);
        char byte;
        auto [ec, n] = co_await stream_.async_read_some(net::buffer(&byte, 1), use_tuple);
        co_return ec == net::error::eof || ec == net::error::connection_reset;
    }

    /// True when the connection is still open with nothing to read: a non-blocking peek finds
    /// no byte and no end of stream. Leaves the connection as it was.
    bool open_and_quiet() {
        auto& socket = stream_.socket();
        bool const was_non_blocking = socket.non_blocking();
        socket.non_blocking(true);
        char byte;
        boost::system::error_code ec;
        socket.receive(net::buffer(&byte, 1), tcp::socket::message_peek, ec);
        socket.non_blocking(was_non_blocking);
        return ec == net::error::would_block;
    }

    beast::tcp_stream& stream() { return stream_; }

private:
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
};

inline http_request make_get(std::string target, bhttp::verb verb = bhttp::verb::get) {
    http_request req{verb, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    return req;
}

/// A single request on a fresh connection.
inline awaitable<http_response> fetch(tcp::endpoint ep, http_request req) {
    http_client client(co_await net::this_coro::executor);
    co_await client.connect(ep);
    co_return co_await client.request(std::move(req));
}

} // namespace sio::test
