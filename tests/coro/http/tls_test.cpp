// The HTTP server over TLS, in-process on 127.0.0.1:0, with a CA and certificate the test
// makes, through a Beast client that verifies the certificate against that CA.
#include "sio/http/server.hpp"
#include "sio/http/static_files.hpp"

#include "common/http_client.hpp"
#include "common/io_runner.hpp"
#include "common/temp_www.hpp"
#include "common/tls_cert.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/test/unit_test.hpp>

using namespace sio;
using namespace sio::test;
using namespace std::chrono_literals;

namespace {

namespace ssl = net::ssl;
using tls_client_stream = beast::ssl_stream<beast::tcp_stream>;

struct tls_fixture {
    temp_www www;
    test_cert cert{www.base() / "tls"};
    io_runner io;
    http::server server{io.ioc(), config(cert)};
    ssl::context client_ctx{ssl::context::tls_client};
    tcp::endpoint ep;

    static http::server_config config(test_cert const& cert) {
        http::server_config c;
        c.host = "127.0.0.1";
        c.port = 0;
        c.request_timeout = 400ms; // bounds the handshake too
        c.keep_alive_timeout = 2s;
        c.shutdown_grace = 2s;
        c.tls_cert_file = cert.cert();
        c.tls_key_file = cert.key();
        return c;
    }

    tls_fixture() {
        server.set_fallback(std::make_shared<http::static_files>(http::static_config{
            .index_file = www.root() / "index.html",
            .static_prefix = "/static",
            .roots = {www.root() / "dist", www.root() / "public"},
        }));
        ep = server.start();
        client_ctx.load_verify_file(cert.ca());
        client_ctx.set_verify_mode(ssl::verify_peer);
    }
    ~tls_fixture() { server.stop(); }

    /// A verified TLS connection to the server, named as `host`.
    awaitable<std::unique_ptr<tls_client_stream>> connect(std::string host = "localhost") {
        auto s = std::make_unique<tls_client_stream>(co_await net::this_coro::executor, client_ctx);
        s->set_verify_callback(ssl::host_name_verification(host));
        beast::get_lowest_layer(*s).expires_after(5s);
        co_await beast::get_lowest_layer(*s).async_connect(ep, net::use_awaitable);
        co_await s->async_handshake(ssl::stream_base::client, net::use_awaitable);
        co_return s;
    }

    static awaitable<http_response> get(tls_client_stream& s, beast::flat_buffer& buffer,
                                        std::string target) {
        auto req = make_get(std::move(target));
        req.set(bhttp::field::host, "localhost");
        co_await bhttp::async_write(s, req, net::use_awaitable);
        http_response res;
        co_await bhttp::async_read(s, buffer, res, net::use_awaitable);
        co_return res;
    }

    /// Connects over TLS and GETs `target`.
    awaitable<http_response> fetch_tls(std::string target) {
        auto s = co_await connect();
        beast::flat_buffer buffer;
        co_return co_await get(*s, buffer, std::move(target));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(http_tls, tls_fixture)

BOOST_AUTO_TEST_CASE(serves_static_files_over_https_with_keep_alive) {
    auto const [page, style] =
        io.run([this]() -> awaitable<std::pair<http_response, http_response>> {
            auto s = co_await connect();
            beast::flat_buffer buffer;
            auto first = co_await get(*s, buffer, "/");
            auto second = co_await get(*s, buffer, "/static/css/style.css"); // the same connection
            co_return std::pair{std::move(first), std::move(second)};
        }());
    BOOST_TEST(page.result_int() == 200u);
    BOOST_TEST(page.body() == temp_www::index_html);
    BOOST_TEST(style.result_int() == 200u);
    BOOST_TEST(style[bhttp::field::content_type] == "text/css; charset=utf-8");
    BOOST_TEST(style.body() == "body { color: #222; }\n");
}

BOOST_AUTO_TEST_CASE(a_client_that_does_not_trust_the_certificate_fails_the_handshake) {
    // The certificate names localhost and 127.0.0.1, not another host.
    auto const refused = io.run([this]() -> awaitable<bool> {
        try {
            co_await connect("example.com");
        } catch (boost::system::system_error const&) {
            co_return true;
        }
        co_return false;
    }());
    BOOST_TEST(refused);
    BOOST_TEST(io.run(fetch_tls("/")).result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(plain_http_to_the_tls_port_fails_cleanly_and_the_server_keeps_serving) {
    auto const answer =
        io.run([this]() -> awaitable<std::pair<boost::system::error_code, std::string>> {
            tcp::socket s(co_await net::this_coro::executor);
            co_await s.async_connect(ep, net::use_awaitable);
            std::string const req = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
            co_await net::async_write(s, net::buffer(req), net::use_awaitable);
            std::string got;
            auto [ec, n] = co_await net::async_read(s, net::dynamic_buffer(got), use_tuple);
            co_return std::pair{ec, got};
        }());
    // Closed without an HTTP answer (at most a TLS alert).
    BOOST_TEST((answer.first == net::error::eof || answer.first == net::error::connection_reset),
               answer.first.message());
    BOOST_TEST(!answer.second.starts_with("HTTP/"));
    BOOST_TEST(io.run(fetch_tls("/static/css/style.css")).result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(a_client_that_never_says_hello_is_closed_by_the_request_timeout) {
    auto const [ec, waited] = io.run(
        [this]() -> awaitable<std::pair<boost::system::error_code, std::chrono::milliseconds>> {
            tcp::socket s(co_await net::this_coro::executor);
            co_await s.async_connect(ep, net::use_awaitable);
            auto const start = std::chrono::steady_clock::now();
            char byte;
            auto [read_ec, n] = co_await s.async_read_some(net::buffer(&byte, 1), use_tuple);
            co_return std::pair{read_ec, std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::steady_clock::now() - start)};
        }());
    BOOST_TEST((ec == net::error::eof || ec == net::error::connection_reset), ec.message());
    BOOST_TEST(waited.count() >= 300); // request_timeout is 400 ms
    BOOST_TEST(waited.count() < 3000);
    BOOST_TEST(io.run(fetch_tls("/")).result_int() == 200u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(unusable_tls_files_are_a_clear_error) {
    temp_www www;
    test_cert cert{www.base() / "tls"};
    io_runner io;
    http::server_config c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.tls_cert_file = (www.base() / "missing.pem").string();
    c.tls_key_file = cert.key();
    try {
        http::server s{io.ioc(), c};
        BOOST_FAIL("a missing certificate file was accepted");
    } catch (std::runtime_error const& e) {
        BOOST_TEST(std::string(e.what()).find("missing.pem") != std::string::npos, e.what());
    }
    c.tls_cert_file = cert.ca(); // another certificate than the key's
    try {
        http::server s{io.ioc(), c};
        BOOST_FAIL("a key that does not match the certificate was accepted");
    } catch (std::runtime_error const& e) {
        // OpenSSL refuses it while loading the key ("key values mismatch"): named, with why.
        BOOST_TEST(std::string(e.what()).find(cert.key()) != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("mismatch") != std::string::npos, e.what());
    }
}
