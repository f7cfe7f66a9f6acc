// Clients that stop reading: the outbound budget counts what is being written as well as
// what is queued, by bytes and by messages; a write that makes no progress ends the
// connection with a reset.
#include "coro/engineio/fixture.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

using namespace sio;
using namespace sio::test;
using namespace sio::test::eio_tests;
using namespace std::chrono_literals;

namespace {

/// Heartbeat far away, so that only the budget and the write deadline can end a session.
engineio::config stalled_config() {
    auto c = test_config();
    c.ping_interval = 30s;
    c.ping_timeout = 30s;
    c.max_queued_bytes = 64u << 20;
    c.max_queued_messages = 1'000'000;
    c.write_timeout = 30s;
    return c;
}

/// A WebSocket session whose client reads its open packet and then nothing more.
std::shared_ptr<ws_client> stalled_client(eio_fixture& f) {
    return f.io.run([](tcp::endpoint at) -> awaitable<std::shared_ptr<ws_client>> {
        auto ws = std::make_shared<ws_client>(co_await net::this_coro::executor);
        co_await open_websocket(*ws, at);
        co_return ws;
    }(f.ep));
}

/// Sends `count` binary messages of `size` bytes: far more than loopback buffers hold.
void flood(engineio::connection& c, int count, std::size_t size) {
    for (int i = 0; i < count; ++i)
        c.send(engineio::make_binary_message(std::string(size, 'x')));
}

bool wait_until(std::function<bool()> const& pred, std::chrono::milliseconds timeout = 5s) {
    auto const until = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

/// Whether the kernel has seen the peer end `ws`'s TCP connection (a reset leaves it in
/// CLOSE, whatever the client reads).
bool tcp_closed(ws_client& ws) {
    tcp_info info{};
    socklen_t len = sizeof info;
    auto const fd = beast::get_lowest_layer(ws.stream()).socket().native_handle();
    return ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
           info.tcpi_state == TCP_CLOSE;
}

} // namespace

BOOST_AUTO_TEST_SUITE(engineio_backpressure)

BOOST_AUTO_TEST_CASE(a_write_without_progress_resets_the_connection_after_write_timeout) {
    auto cfg = stalled_config();
    cfg.write_timeout = 300ms;
    eio_fixture f(cfg);
    auto ws = stalled_client(f);
    auto s = f.handler->last_session();
    BOOST_TEST_REQUIRE(s);
    flood(*s, 160, 256 * 1024); // 40 MiB
    BOOST_TEST(f.closed_with(disconnect_reason::write_timeout));
    BOOST_TEST(f.sessions_drain());
    // The client finds a reset connection, not the rest of the 40 MiB and a close frame.
    auto const outcome = f.io.run([](std::shared_ptr<ws_client> client) -> awaitable<std::string> {
        auto& socket = beast::get_lowest_layer(client->stream()).socket();
        std::vector<char> buffer(1 << 20);
        std::size_t total = 0;
        for (;;) {
            auto [ec, n] = co_await socket.async_read_some(net::buffer(buffer), use_tuple);
            total += n;
            if (ec)
                co_return ec == net::error::connection_reset ? "reset" : ec.message();
            if (total > (40u << 20))
                co_return "read everything";
        }
    }(ws));
    BOOST_TEST(outcome == "reset");
    f.io.run([](std::shared_ptr<ws_client> client) -> awaitable<void> {
        client.reset(); // on an I/O thread, as its socket belongs there
        co_return;
    }(std::move(ws)));
}

BOOST_AUTO_TEST_CASE(a_poll_reply_the_client_does_not_read_ends_its_session_after_write_timeout) {
    auto http_cfg = loopback_config();
    http_cfg.write_timeout = 300ms;
    eio_fixture f(stalled_config(), http_cfg);
    auto const sid = f.open_polling();
    auto s = f.handler->last_session();
    BOOST_TEST_REQUIRE(s);
    flood(*s, 64, 256 * 1024); // a 16 MiB reply (base64 makes it larger): loopback holds less
    // A GET whose answer is never read, from a socket with a small receive window.
    auto get = [](tcp::endpoint at, std::string target) -> awaitable<std::shared_ptr<tcp::socket>> {
        auto socket = std::make_shared<tcp::socket>(co_await net::this_coro::executor);
        socket->open(tcp::v4());
        socket->set_option(net::socket_base::receive_buffer_size(4096));
        co_await socket->async_connect(at, net::use_awaitable);
        auto const request = "GET /engine.io/" + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        co_await net::async_write(*socket, net::buffer(request), net::use_awaitable);
        co_return socket;
    };
    auto socket = f.io.run(get(f.ep, eio_fixture::polling(sid)));
    // The session ends with the reason, its data gone; the connection does not outlive it.
    // (Bounded generously: filling the kernel's buffers first takes a while on a busy machine.)
    BOOST_TEST(f.closed_with(disconnect_reason::write_timeout, 15s));
    BOOST_TEST(f.sessions_drain());
    BOOST_TEST(wait_until([&] { return f.server.connection_count() == 0u; }, 2s));
    f.io.run([](std::shared_ptr<tcp::socket> client) -> awaitable<void> {
        client.reset(); // on an I/O thread, as its socket belongs there
        co_return;
    }(std::move(socket)));
}

BOOST_AUTO_TEST_CASE(the_batch_being_written_counts_and_the_message_limit_closes) {
    auto cfg = stalled_config();
    cfg.max_queued_messages = 200;
    eio_fixture f(cfg);
    auto ws = stalled_client(f);
    auto s = f.handler->last_session();
    BOOST_TEST_REQUIRE(s);
    flood(*s, 40, 1 << 20); // 40 MiB: the writer holds a batch it cannot finish
    // What the writer took still counts: the queue itself may be empty.
    BOOST_TEST(wait_until([&] { return s->buffered_bytes() > (8u << 20); }));
    BOOST_TEST(wait_until(
        [&] { return f.eio->session_count() == 1u && s->buffered_bytes() > (8u << 20); }));

    // Volatile messages past the limit are dropped; the session stays.
    for (int i = 0; i < 300; ++i)
        s->send(engineio::make_text_message("v"), engineio::delivery::droppable);
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(f.handler->close_reasons().empty());
    // A message that must not be lost closes it instead ("queue full").
    for (int i = 0; i < 300; ++i)
        s->send(engineio::make_text_message("r"));
    BOOST_TEST(f.closed_with(disconnect_reason::queue_full));
    // The connection is reset at once, its backlog dropped, long before write_timeout.
    BOOST_TEST(wait_until([&] { return tcp_closed(*ws); }, 2s));
    f.io.run([](std::shared_ptr<ws_client> client) -> awaitable<void> {
        client.reset(); // on an I/O thread, as its socket belongs there
        co_return;
    }(std::move(ws)));
}

BOOST_AUTO_TEST_CASE(past_the_server_budget_only_sessions_that_fall_behind_are_closed) {
    auto cfg = stalled_config();
    cfg.max_total_queued_bytes = 150u << 10;
    cfg.queue_fair_share = 32u << 10;
    eio_fixture f(cfg);
    auto open = [&f] {
        auto const sid = f.open_polling();
        auto s = f.handler->last_session();
        BOOST_TEST_REQUIRE(s);
        return std::pair{sid, s};
    };
    auto const big = std::string(40u << 10, 'b');
    // Three polling clients that do not poll hold 40 KiB each: 120 KiB, past 150 KiB once
    // rounded to the budget's granules. Each was empty, so each took its message.
    auto [sid_a, a] = open();
    auto [sid_b, b] = open();
    auto [sid_c, c] = open();
    for (auto const& s : {a, b, c})
        s->send(engineio::make_text_message(big));
    BOOST_TEST(wait_until([&] { return c->buffered_bytes() > big.size(); }));

    // A client that keeps up (it holds less than its fair share) is not affected...
    std::this_thread::sleep_for(300ms); // a, b and c have taken nothing for stalled_after
    auto [sid_d, d] = open();
    d->send(engineio::make_text_message("one"));
    d->send(engineio::make_text_message("two"));
    BOOST_TEST(f.request(f.polling(sid_d)).body() == "4one\x1e"
                                                     "4two");
    // ...while one holding more than its share is closed by its next message.
    a->send(engineio::make_text_message("more"));
    BOOST_TEST(f.closed_with(disconnect_reason::queue_full));
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(f.handler->close_reasons().size() == 1u);
    BOOST_TEST(f.request(f.polling(sid_a)).body() == "1");
    // The others still get everything they were sent.
    BOOST_TEST(f.request(f.polling(sid_b)).body() == "4" + big);
    BOOST_TEST(f.request(f.polling(sid_c)).body() == "4" + big);
}

BOOST_AUTO_TEST_SUITE_END()
