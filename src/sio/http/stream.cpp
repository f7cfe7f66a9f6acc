#include "sio/http/stream.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
// Separate compilation: Asio's SSL definitions are compiled here, the one file that uses them.
#include <boost/asio/ssl/impl/src.hpp>

#include <fmt/format.h>

#include <stdexcept>

#include <openssl/ssl.h>
#include <unistd.h>

namespace sio::http {

class tls_context {
public:
    tls_context()
        : ctx(net::ssl::context::tls_server) {}
    net::ssl::context ctx;
};

namespace {

[[noreturn]] void fail_load(std::string_view what, std::string const& file,
                            boost::system::error_code ec) {
    throw std::runtime_error(fmt::format("cannot use {} {}: {}", what, file, ec.message()));
}

} // namespace

std::shared_ptr<tls_context> load_tls_context(std::string const& cert_chain_file,
                                              std::string const& key_file) {
    auto tls = std::make_shared<tls_context>();
    auto& ctx = tls->ctx;
    // TLS 1.2 and 1.3 only.
    ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                    net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                    net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    boost::system::error_code ec;
    ctx.use_certificate_chain_file(cert_chain_file, ec);
    if (ec)
        fail_load("the TLS certificate chain", cert_chain_file, ec);
    ctx.use_private_key_file(key_file, net::ssl::context::pem, ec);
    if (ec)
        fail_load("the TLS private key", key_file, ec);
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
        throw std::runtime_error(fmt::format(
            "the TLS private key {} does not match the certificate {}", key_file, cert_chain_file));
    return tls;
}

struct stream::tls_layer {
    tls_layer(tcp::socket s, tls_context& tls)
        : socket(std::move(s))
        , ssl(socket, tls.ctx) {}
    tcp::socket socket;
    /// Refers to `socket`. Its internal timers (which only order a read and a write that
    /// both need the socket) stay on the first executor after rehome(); they never wait,
    /// as this stream has one read and one write at most, and every io_context lives as
    /// long as the server.
    net::ssl::stream<tcp::socket&> ssl;
    std::string scratch; // a gather write, flattened into one record
};

stream::stream(tcp::socket socket) noexcept
    : socket_(std::move(socket)) {}

stream::stream(tcp::socket socket, tls_context& tls)
    : socket_(socket.get_executor())
    , tls_(std::make_unique<tls_layer>(std::move(socket), tls)) {}

stream::stream(stream&&) noexcept = default;
stream& stream::operator=(stream&&) noexcept = default;
stream::~stream() = default;

tcp::socket& stream::tls_socket() const noexcept {
    return tls_->socket;
}

std::string& stream::tls_scratch() noexcept {
    return tls_->scratch;
}

std::size_t stream::tls_pending() const noexcept {
    int const n = SSL_pending(tls_->ssl.native_handle());
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void stream::tls_read_some(net::mutable_buffer buffer, io_handler handler) {
    tls_->ssl.async_read_some(buffer, std::move(handler));
}

void stream::tls_write_some(net::const_buffer buffer, io_handler handler) {
    tls_->ssl.async_write_some(buffer, std::move(handler));
}

void stream::tls_handshake(done_handler handler) {
    tls_->ssl.async_handshake(net::ssl::stream_base::server, std::move(handler));
}

void stream::tls_shutdown(done_handler handler) {
    tls_->ssl.async_shutdown(std::move(handler));
}

void stream::rehome(executor_type const& ex, boost::system::error_code& ec) {
    auto& current = socket();
    auto const protocol = current.local_endpoint(ec).protocol();
    if (ec)
        return;
    auto const fd = current.release(ec);
    if (ec)
        return;
    tcp::socket moved(ex);
    moved.assign(protocol, fd, ec);
    if (ec) {
        ::close(fd);
        return;
    }
    current = std::move(moved); // the same object: a TLS stream still refers to it
}

void stream::cancel() noexcept {
    boost::system::error_code ignored;
    socket().cancel(ignored);
}

void stream::close() noexcept {
    boost::system::error_code ignored;
    socket().close(ignored);
}

} // namespace sio::http
