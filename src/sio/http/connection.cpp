// What a request handler writes through: responses under a per-write progress deadline.
#include "sio/core/log.hpp"
#include "sio/http/server.hpp"

#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message_generator.hpp>

#include <array>
#include <string>
#include <string_view>

namespace sio::http {

namespace bhttp = beast::http;

namespace {

/// The status line and fields of a serialised response, without its body: what a HEAD
/// request gets (RFC 9110 §9.3.2), whatever body the handler built.
std::string header_of(bhttp::message_generator& message) {
    static constexpr std::string_view end_of_header = "\r\n\r\n";
    std::string bytes;
    for (;;) {
        beast::error_code ec;
        auto const buffers = message.prepare(ec);
        std::size_t n = 0;
        for (auto const& b : buffers) {
            bytes.append(static_cast<char const*>(b.data()), b.size());
            n += b.size();
        }
        if (auto const end = bytes.find(end_of_header); end != std::string::npos) {
            bytes.resize(end + end_of_header.size());
            return bytes;
        }
        if (ec || n == 0)
            return bytes;
        message.consume(n);
    }
}

} // namespace

connection::connection(http::stream stream, std::chrono::milliseconds write_timeout)
    : stream_(std::move(stream))
    , write_timeout_(write_timeout) {}

void connection::set_deadline(std::chrono::milliseconds after) {
    deadline_.set(stream_.get_executor(), *this, after, [](connection& c) {
        // Closed, not cancelled: the reader may be between two operations.
        c.timed_out_ = true;
        c.stream_.close();
    });
}

template <class ConstBuffers>
awaitable<bool> connection::write_progressing(ConstBuffers buffers) {
    // A deadline per partial write, not for the whole: a large file to a slow reader is fine,
    // a reader that takes nothing at all is not.
    beast::buffers_suffix<ConstBuffers> rest(std::move(buffers));
    while (beast::buffer_bytes(rest) > 0) {
        set_deadline(write_timeout_);
        auto [ec, n] = co_await stream_.async_write_some(rest, use_tuple);
        if (ec) {
            clear_deadline();
            co_return false;
        }
        rest.consume(n);
    }
    clear_deadline();
    co_return true;
}

awaitable<after_response> connection::finish_write(bool written, bool keep_alive) {
    if (!written) {
        write_failed_ = true;
        if (timed_out_)
            log::info("http: a response made no progress for {} ms (the client stopped "
                      "reading): connection closed",
                      write_timeout_.count());
        else
            log::debug("http: write failed");
        co_return after_response::close;
    }
    co_return keep_alive ? after_response::keep_alive : after_response::close;
}

awaitable<after_response> connection::send(bhttp::message_generator message) {
    // The request is answered: the client may send its next one (on any connection) as soon
    // as it reads this, which can be before this coroutine resumes after the write.
    body_note_.reset();
    bool const keep_alive = message.keep_alive();
    if (head_request_)
        co_return co_await send_raw(header_of(message), {}, keep_alive);
    bool written = true;
    while (written && !message.is_done()) {
        beast::error_code ec;
        auto const buffers = message.prepare(ec);
        if (ec) {
            written = false;
            break;
        }
        std::size_t const n = beast::buffer_bytes(buffers);
        written = co_await write_progressing(buffers);
        message.consume(n);
    }
    co_return co_await finish_write(written, keep_alive);
}

awaitable<after_response> connection::send_raw(std::string head, std::string body,
                                               bool keep_alive) {
    body_note_.reset(); // answered: see send()
    if (head_request_)
        body.clear(); // the header says how long the body would be; HEAD never gets one
    std::array<net::const_buffer, 2> const buffers{net::buffer(head), net::buffer(body)};
    co_return co_await finish_write(co_await write_progressing(buffers), keep_alive);
}

response make_text_response(status code, std::string body, bool keep_alive,
                            std::string_view content_type) {
    response res{code, 11};
    res.set(bhttp::field::content_type, content_type);
    res.body() = std::move(body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

} // namespace sio::http
