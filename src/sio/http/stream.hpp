// The byte stream under a connection: plain TCP, or TLS over TCP. One type, so that the HTTP
// server, long-polling and the WebSocket transport are written once for both. The plain
// path is a branch and a direct socket operation; the TLS one goes through a type-erased
// handler into tls.cpp, the only file that includes Asio's SSL headers.
#pragma once

#include "sio/core/net.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>

namespace sio::http {

using tcp = net::ip::tcp;

/// A certificate chain and its private key, loaded once (an OpenSSL SSL_CTX); shared by
/// every TLS connection of a server.
class tls_context;

/// Loads a PEM certificate chain and a PEM private key for a TLS server. Throws
/// std::runtime_error naming the file and OpenSSL's reason when either cannot be used.
std::shared_ptr<tls_context> load_tls_context(std::string const& cert_chain_file,
                                              std::string const& key_file);

/// An AsyncReadStream and AsyncWriteStream (Beast's and Asio's free functions work on it).
/// Plain: a socket and a null pointer. TLS: the socket and the SSL state live on the heap
/// (their address must not change: the SSL stream refers to its socket).
/// Thread safety: as a socket's; one read and one write at a time.
class stream {
public:
    using executor_type = net::any_io_executor;
    using io_handler = net::any_completion_handler<void(boost::system::error_code, std::size_t)>;
    using done_handler = net::any_completion_handler<void(boost::system::error_code)>;

    /// A plain TCP connection.
    explicit stream(tcp::socket socket) noexcept;
    /// A TLS connection whose handshake is still to be made (async_handshake).
    stream(tcp::socket socket, tls_context& tls);
    stream(stream&&) noexcept;
    stream& operator=(stream&&) noexcept;
    ~stream();

    bool is_tls() const noexcept { return tls_ != nullptr; }
    /// The TCP socket (both kinds): endpoints, options, cancel, close, and the plain
    /// kind's synchronous non-blocking reads and writes.
    tcp::socket& socket() noexcept { return tls_ ? tls_socket() : socket_; }
    executor_type get_executor() noexcept { return socket().get_executor(); }

    template <class MutableBuffers, class Token>
    auto async_read_some(MutableBuffers const& buffers, Token&& token) {
        return net::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            initiate_read{this}, token, buffers);
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(ConstBuffers const& buffers, Token&& token) {
        return net::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            initiate_write{this}, token, buffers);
    }

    /// TLS only: the server side of the handshake.
    template <class Token>
    auto async_handshake(Token&& token) {
        return net::async_initiate<Token, void(boost::system::error_code)>(
            [this](auto handler) { tls_handshake(done_handler(std::move(handler))); }, token);
    }

    /// TLS only: sends close_notify and waits for the peer's (or its EOF).
    template <class Token>
    auto async_shutdown(Token&& token) {
        return net::async_initiate<Token, void(boost::system::error_code)>(
            [this](auto handler) { tls_shutdown(done_handler(std::move(handler))); }, token);
    }

    /// TLS: decrypted bytes a read would return at once, without waiting on the socket.
    /// Plain: 0 (the kernel holds what is readable).
    std::size_t pending() const noexcept { return tls_ ? tls_pending() : 0; }

    /// Moves the connection onto another executor (another io_context's thread), keeping
    /// its file descriptor and, for TLS, its session. No operation may be pending.
    void rehome(executor_type const& ex, boost::system::error_code& ec);

    void cancel() noexcept;
    void close() noexcept;

private:
    struct tls_layer;
    /// A TLS record carries at most 16 KiB of data: the most one TLS write takes.
    static constexpr std::size_t tls_write_size = 16 * 1024;

    struct initiate_read {
        stream* self;
        template <class Handler, class Buffers>
        void operator()(Handler&& handler, Buffers const& buffers) const {
            if (!self->tls_) [[likely]] {
                self->socket_.async_read_some(buffers, std::forward<Handler>(handler));
                return;
            }
            // Asio's SSL stream reads into the first buffer only: so do we.
            net::mutable_buffer first;
            for (auto it = net::buffer_sequence_begin(buffers);
                 it != net::buffer_sequence_end(buffers) && first.size() == 0; ++it)
                first = net::mutable_buffer(*it);
            self->tls_read_some(first, io_handler(std::forward<Handler>(handler)));
        }
    };

    struct initiate_write {
        stream* self;
        template <class Handler, class Buffers>
        void operator()(Handler&& handler, Buffers const& buffers) const {
            if (!self->tls_) [[likely]] {
                self->socket_.async_write_some(buffers, std::forward<Handler>(handler));
                return;
            }
            self->tls_write_some(self->coalesce(buffers),
                                 io_handler(std::forward<Handler>(handler)));
        }
    };

    /// The SSL stream writes the first buffer only, one record per write: a gather list of
    /// small buffers (frames, a head and a body) is copied into one record's worth.
    template <class Buffers>
    net::const_buffer coalesce(Buffers const& buffers) {
        auto it = net::buffer_sequence_begin(buffers);
        auto const end = net::buffer_sequence_end(buffers);
        while (it != end && net::const_buffer(*it).size() == 0)
            ++it;
        if (it == end)
            return {};
        net::const_buffer const first(*it);
        if (first.size() >= tls_write_size || std::next(it) == end)
            return first;
        std::string& out = tls_scratch();
        out.clear();
        for (; it != end && out.size() < tls_write_size; ++it) {
            net::const_buffer const b(*it);
            out.append(static_cast<char const*>(b.data()),
                       std::min(b.size(), tls_write_size - out.size()));
        }
        return net::buffer(out);
    }

    tcp::socket& tls_socket() const noexcept;
    std::string& tls_scratch() noexcept;
    std::size_t tls_pending() const noexcept;
    void tls_read_some(net::mutable_buffer buffer, io_handler handler);
    void tls_write_some(net::const_buffer buffer, io_handler handler);
    void tls_handshake(done_handler handler);
    void tls_shutdown(done_handler handler);

    tcp::socket socket_; // plain connections; a TLS one keeps its socket in tls_
    std::unique_ptr<tls_layer> tls_;
};

} // namespace sio::http
