// The HTTP/1.1 server: accepts connections and runs one coroutine per connection that reads
// requests and hands each to the handler mounted on its path.
//
// Public API (docs/PUBLIC-API.md): server_config; server: the constructors, mount(),
// set_fallback(), start() (returns the bound endpoint: port 0 picks one), stop(),
// connection_count(), settings(); request_handler, to serve something of one's own.
// connection and the stream types are what a request_handler is handed.
#pragma once

#include "sio/core/net.hpp"
#include "sio/core/owned_timer.hpp"
#include "sio/http/message.hpp"
#include "sio/http/status.hpp"
#include "sio/http/stream.hpp"

#include <boost/asio/io_context.hpp>

namespace sio {
class io_pool;
} // namespace sio
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sio::http {

namespace beast = boost::beast;

struct server_config {
    std::string host = "0.0.0.0";
    std::uint16_t port = 8000;
    /// Wait for the next request on an idle keep-alive connection (Node: 5 s).
    std::chrono::milliseconds keep_alive_timeout{5000};
    /// Time to receive a whole request once its first byte arrived.
    std::chrono::milliseconds request_timeout{30000};
    /// A response write that makes no progress this long (a client that stopped reading)
    /// closes the connection; Engine.IO closes the poll's session with `write timeout`.
    std::chrono::milliseconds write_timeout{20000};
    /// After stop() (and the drain), connections still busy this long are closed.
    std::chrono::milliseconds shutdown_grace{10000};
    /// On stop(), handlers spread their clients' disconnects over this long (Engine.IO
    /// closes its sessions evenly across it), so that a cluster's clients move to the other
    /// servers gradually; idle keep-alive connections stay open until it ends. 0: at once.
    std::chrono::milliseconds drain{0};
    /// Request line plus header fields (431 beyond).
    std::uint32_t header_limit = 16 * 1024;
    /// HTTPS and WSS on the port when both are set: a PEM certificate chain (the server's
    /// certificate first) and its PEM private key, loaded when the server is made (which
    /// throws std::runtime_error if they cannot be used). The TLS handshake counts against
    /// request_timeout.
    std::string tls_cert_file;
    std::string tls_key_file;
};

/// What the connection does once a handler has answered.
enum class after_response {
    keep_alive, ///< read the next request
    close,      ///< shut the connection down
    taken_over, ///< the handler now owns the stream (a WebSocket upgrade)
};

/// One accepted TCP connection (plain or TLS), as handlers see it.
/// Thread safety: use only from the connection's own executor (a strand, or with an io_pool
/// the io_context that one thread runs).
class connection {
public:
    explicit connection(http::stream stream,
                        std::chrono::milliseconds write_timeout = std::chrono::seconds(20));

    /// A handler that answers with after_response::taken_over may move it out.
    http::stream& stream() { return stream_; }
    /// Bytes read past the current request (pipelining, or a WebSocket's first frame).
    beast::flat_buffer& buffer() { return buffer_; }

    /// Writes a response; keep_alive only when the write succeeded and the message allows it.
    /// The answer to a HEAD request goes without its body, whatever the handler built.
    awaitable<after_response> send(beast::http::message_generator message);
    /// Writes a response already serialised: `head` (status line and fields, ending with the
    /// blank line) and `body`, in one gather write. For hot paths (long-polling replies).
    awaitable<after_response> send_raw(std::string head, std::string body, bool keep_alive);
    /// Whether a response write failed: the peer reset, or it made no progress within
    /// write_timeout (then write_timed_out() too). What it carried did not arrive.
    bool write_failed() const { return write_failed_; }
    bool write_timed_out() const { return write_failed_ && timed_out_; }

private:
    friend class server;
    /// Reads (and the TLS handshake) must end within `after`, or the connection is closed.
    void set_deadline(std::chrono::milliseconds after);
    void clear_deadline() { deadline_.cancel(); }
    /// Writes `buffers` whole, each partial write within write_timeout_ of the last.
    template <class ConstBuffers>
    awaitable<bool> write_progressing(ConstBuffers buffers);
    awaitable<after_response> finish_write(bool written, bool keep_alive);

    http::stream stream_;
    owned_timer<connection> deadline_;
    beast::flat_buffer buffer_;
    std::chrono::milliseconds write_timeout_;
    bool timed_out_ = false;    // the deadline closed the socket
    bool write_failed_ = false; // a response did not get out
    bool idle_ = true;          // waiting for a request: stop() may cancel the read
    bool taken_over_ = false;   // a handler owns the stream now: hands off
    bool head_request_ = false; // the request being answered is a HEAD: no body goes out
    /// The handler's note of a request body in progress (body_begins), until the response
    /// starts (or the request is abandoned).
    std::shared_ptr<void> body_note_;
};

/// A component that answers requests under a path prefix.
class request_handler {
public:
    virtual ~request_handler() = default;
    /// The largest request body accepted (413 beyond).
    virtual std::uint64_t body_limit() const { return 0; }
    /// Answers one request, writing the response through `conn`.
    virtual awaitable<after_response> handle(connection& conn, request& req) = 0;
    /// A request was refused with 413 before reaching handle(); `header` has no body.
    virtual void body_too_large(request const& header) { (void)header; }
    /// What body_begins() decides for a request whose body is still to be read.
    struct body_ticket {
        bool refuse = false;        ///< answer 400 at once and close the connection
        std::shared_ptr<void> hold; ///< kept until the request is answered or abandoned
    };
    /// The header of a request with a body has been read, the body not yet: a handler may
    /// note the request as in progress (through `hold`'s deleter, released when the response
    /// starts to be written) or refuse it.
    virtual body_ticket body_begins(request const& header) {
        (void)header;
        return {};
    }
    /// Called once when the server stops: end long-lived work (polls, WebSockets), spread
    /// over `drain` (see server_config::drain).
    virtual void stop(std::chrono::milliseconds drain) { (void)drain; }
};

/// A plain response with a text body; `keep_alive` mirrors the request's.
response make_text_response(status code, std::string body, bool keep_alive,
                            std::string_view content_type = "text/plain; charset=utf-8");

/// Thread safety: mount() before start(); stop() from any thread.
class server {
public:
    /// Every connection on `ioc` (which may be run by several threads).
    server(net::io_context& ioc, server_config config);
    /// Connections spread over the pool's io_contexts, one per thread.
    server(io_pool& pool, server_config config);
    ~server();
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// Requests whose path starts with `prefix` go to `handler` (longest prefix first).
    void mount(std::string prefix, std::shared_ptr<request_handler> handler);
    /// Requests no prefix matches.
    void set_fallback(std::shared_ptr<request_handler> handler);

    /// Binds and listens, starts accepting; returns the bound endpoint (port 0 picks one).
    tcp::endpoint start();

    /// Stops accepting, lets in-flight responses finish, closes idle connections (after the
    /// drain, if any) and, after the grace period, any that remain. Idempotent. The
    /// io_context then runs out of work.
    void stop();

    std::size_t connection_count() const;
    server_config const& settings() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace sio::http
