// The client and the subscriber when Redis goes away, comes back, is not there at all, or
// answers what it should not.
#include "sio/redis/client.hpp"
#include "sio/redis/subscriber.hpp"

#include "common/io_runner.hpp"
#include "redis/helpers.hpp"
#include "redis/redis_server.hpp"

#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace sio;
using namespace sio::test;
using clock_type = std::chrono::steady_clock;

namespace {

double ms_between(clock_type::time_point a, clock_type::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

/// A TCP server on a free loopback port that answers each read with what `respond`
/// returns for it (nothing: stay silent), to play a Redis that misbehaves.
class fake_server {
public:
    using responder = std::function<std::string(std::string_view received)>;

    explicit fake_server(responder respond)
        : respond_(std::move(respond)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("fake_server: cannot listen");
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~fake_server() {
        stop_ = true;
        thread_.join();
        for (int c : clients_)
            ::close(c);
        ::close(fd_);
    }

    std::uint16_t port() const { return port_; }
    int accepted() const { return accepted_; }

private:
    void serve() {
        while (!stop_) {
            std::vector<pollfd> fds{{fd_, POLLIN, 0}};
            for (int c : clients_)
                fds.push_back({c, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 10) <= 0)
                continue;
            if (fds[0].revents & POLLIN) {
                int const c = ::accept(fd_, nullptr, nullptr);
                if (c >= 0) {
                    clients_.push_back(c);
                    ++accepted_;
                }
            }
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                char buf[4096];
                auto const n = ::recv(fds[i].fd, buf, sizeof buf, 0);
                if (n <= 0) {
                    ::close(fds[i].fd);
                    std::erase(clients_, fds[i].fd);
                    continue;
                }
                auto const answer = respond_(std::string_view(buf, static_cast<std::size_t>(n)));
                if (!answer.empty())
                    ::send(fds[i].fd, answer.data(), answer.size(), MSG_NOSIGNAL);
            }
        }
    }

    responder respond_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::vector<int> clients_;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::thread thread_;
};

struct server_fixture {
    server_fixture() {
        if (!redis_server::available())
            BOOST_FAIL("redis-server is not installed: run tools/setup.sh --tests");
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(redis_faults)

BOOST_FIXTURE_TEST_CASE(redis_killed_and_restarted, server_fixture) {
    redis_server server;
    message_log log;
    io_runner io;

    redis::client c(net::make_strand(io.ioc()), options_for(server));
    // A second publisher whose outage buffer holds ten of these publishes.
    auto const frame_size =
        redis::format_command(std::vector<std::string>{"PUBLISH", "small", "small-0000"}).size();
    auto small_options = options_for(server);
    small_options.max_buffered_bytes = 10 * frame_size;
    redis::client small(net::make_strand(io.ioc()), small_options);
    redis::subscriber s(net::make_strand(io.ioc()), options_for(server));
    log.attach(s);

    std::mutex m;
    std::atomic<bool> ready{false};
    clock_type::time_point ready_at, connected_at;
    // What an adapter does: publishes wait until the subscriber is back.
    s.on_state([&](bool r) {
        c.set_gate(r);
        small.set_gate(r);
        std::lock_guard lock(m);
        ready = r;
        if (r)
            ready_at = clock_type::now();
    });
    c.on_state([&](bool up) {
        std::lock_guard lock(m);
        if (up)
            connected_at = clock_type::now();
    });
    c.start();
    small.start();
    s.start();
    BOOST_TEST_REQUIRE(subscribe(s, {"ch"}));
    BOOST_TEST_REQUIRE(eventually([&] { return c.get_stats().connected && ready; }));
    c.publish("ch", "before");
    BOOST_TEST_REQUIRE(log.wait_for(1));

    server.kill();
    BOOST_TEST_REQUIRE(eventually(
        [&] { return !c.get_stats().connected && !small.get_stats().connected && !ready; }));

    // Commands fail at once while Redis is away.
    auto const asked = clock_type::now();
    auto const refused = run(c, {"GET", "x"}, std::chrono::milliseconds(1000));
    BOOST_TEST(!refused.value.has_value());
    BOOST_TEST(refused.error == "redis: not connected");
    BOOST_TEST_MESSAGE("a command failed " << ms_between(asked, clock_type::now())
                                           << " ms after it was made, Redis being down");

    // Publishes wait in order; the small buffer keeps its newest ten.
    for (int i = 0; i < 100; ++i)
        c.publish("ch", "during-" + std::to_string(i));
    for (int i = 0; i < 1000; ++i)
        small.publish("small", fmt::format("small-{:04}", i));
    BOOST_TEST_REQUIRE(eventually([&] {
        return c.get_stats().buffered_publishes == 100u &&
               small.get_stats().dropped_publishes == 990u;
    }));
    BOOST_TEST(c.get_stats().dropped_publishes == 0u);
    BOOST_TEST(small.get_stats().buffered_publishes == 10u);
    BOOST_TEST(small.get_stats().buffered_bytes == 10 * frame_size);
    s.subscribe({"small"}); // confirmed once Redis is back

    // Down long enough for the backoff to reach its cap.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto const accepted = server.start();
    BOOST_TEST_REQUIRE(eventually([&] { return ready.load() && c.get_stats().connected; }));
    {
        std::lock_guard lock(m);
        BOOST_TEST_MESSAGE("Redis accepting again -> subscriber ready (resubscribed): "
                           << ms_between(accepted, ready_at) << " ms; -> client connected: "
                           << ms_between(accepted, connected_at) << " ms");
    }

    // Everything buffered arrives, in order, after the subscriber is back.
    BOOST_TEST_REQUIRE(log.wait_for(1 + 100 + 10));
    auto const got = log.take();
    BOOST_TEST(got[0].payload == "before");
    std::vector<std::string> during, smalls;
    for (auto const& msg : got) {
        if (msg.channel == "ch" && msg.payload != "before")
            during.push_back(msg.payload);
        if (msg.channel == "small")
            smalls.push_back(msg.payload);
    }
    BOOST_TEST_REQUIRE(during.size() == 100u);
    for (int i = 0; i < 100; ++i)
        BOOST_TEST(during[static_cast<std::size_t>(i)] == "during-" + std::to_string(i));
    BOOST_TEST_REQUIRE(smalls.size() == 10u);
    for (int i = 0; i < 10; ++i)
        BOOST_TEST(smalls[static_cast<std::size_t>(i)] == fmt::format("small-{:04}", 990 + i));

    BOOST_TEST(c.get_stats().reconnects == 1u);
    BOOST_TEST(s.get_stats().reconnects == 1u);
    BOOST_TEST(c.get_stats().buffered_publishes == 0u);
    BOOST_TEST(run(c, {"PING"}).ok());
    c.publish("ch", "after");
    BOOST_TEST(log.wait_for(1 + 100 + 10 + 1));
}

BOOST_FIXTURE_TEST_CASE(resubscribe_time_over_several_restarts, server_fixture) {
    redis_server server;
    message_log log;
    io_runner io;
    redis::client c(net::make_strand(io.ioc()), options_for(server));
    redis::subscriber s(net::make_strand(io.ioc()), options_for(server));
    log.attach(s);
    std::mutex m;
    clock_type::time_point ready_at;
    std::atomic<bool> ready{false};
    s.on_state([&](bool r) {
        c.set_gate(r);
        {
            std::lock_guard lock(m);
            if (r)
                ready_at = clock_type::now();
        }
        ready = r;
    });
    c.start();
    s.start();
    BOOST_TEST_REQUIRE(subscribe(s, {"tick"}));
    BOOST_TEST_REQUIRE(eventually([&] { return ready && c.get_stats().connected; }));

    // Outages of different lengths catch the backoff (100 ms apart at its cap) at
    // different points of its cycle.
    std::vector<double> times;
    for (int down_ms : {110, 235, 360, 485, 520, 645, 770, 895}) {
        server.kill();
        BOOST_TEST_REQUIRE(eventually([&] { return !ready && !c.get_stats().connected; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(down_ms));
        auto const accepted = server.start();
        BOOST_TEST_REQUIRE(eventually([&] { return ready.load(); }));
        {
            std::lock_guard lock(m);
            times.push_back(ms_between(accepted, ready_at));
        }
        // Delivery has resumed: a publish made now arrives.
        auto const payload = std::to_string(down_ms);
        c.publish("tick", payload);
        BOOST_TEST_REQUIRE(eventually([&] {
            auto const got = log.take();
            return !got.empty() && got.back().payload == payload;
        }));
    }
    std::string line;
    for (double t : times)
        line += fmt::format(" {:.1f}", t);
    std::sort(times.begin(), times.end());
    BOOST_TEST_MESSAGE("Redis accepting again -> subscriber ready, "
                       << times.size() << " restarts (ms):" << line << "; max " << times.back());
    BOOST_TEST(s.get_stats().reconnects == times.size());
}

BOOST_FIXTURE_TEST_CASE(starting_while_redis_is_unreachable, server_fixture) {
    auto const port = redis_server::free_port();
    message_log log;
    io_runner io;
    redis::client c(net::make_strand(io.ioc()), options_for(port));
    redis::subscriber s(net::make_strand(io.ioc()), options_for(port));
    log.attach(s);
    std::atomic<bool> ready{false};
    s.on_state([&](bool r) { ready = r; });
    c.start();
    s.start();
    s.subscribe({"late"});
    c.publish("late", "queued before Redis existed");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    BOOST_TEST(!c.get_stats().connected);
    BOOST_TEST(!ready.load());
    BOOST_TEST(run(c, {"PING"}).error == "redis: not connected");

    redis_server server({}, port);
    BOOST_TEST_REQUIRE(eventually([&] { return ready.load() && c.get_stats().connected; }));
    BOOST_TEST(run(c, {"PING"}).ok());
    BOOST_TEST(c.get_stats().reconnects == 0u); // a first connection, not a reconnect
    // Without a gate the buffered publish may beat the subscriber; one made now arrives.
    c.publish("late", "now");
    BOOST_TEST_REQUIRE(eventually([&] {
        auto const got = log.take();
        return !got.empty() && got.back().payload == "now";
    }));
}

BOOST_AUTO_TEST_CASE(the_outage_buffer_drops_what_is_too_old) {
    io_runner io;
    auto o = options_for(redis_server::free_port()); // nobody there
    o.max_buffered_age = std::chrono::milliseconds(50);
    redis::client c(net::make_strand(io.ioc()), o);
    c.start();
    for (int i = 0; i < 5; ++i)
        c.publish("ch", "old");
    BOOST_TEST_REQUIRE(eventually([&] { return c.get_stats().buffered_publishes == 5u; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    c.publish("ch", "new");
    BOOST_TEST_REQUIRE(eventually([&] { return c.get_stats().dropped_publishes == 5u; }));
    BOOST_TEST(c.get_stats().buffered_publishes == 1u);
    c.stop();
    BOOST_TEST_REQUIRE(eventually([&] { return c.get_stats().buffered_publishes == 0u; }));
}

BOOST_FIXTURE_TEST_CASE(the_gate_holds_publishes, server_fixture) {
    redis_server server;
    message_log log;
    io_runner io;
    redis::client c(net::make_strand(io.ioc()), options_for(server));
    redis::subscriber s(net::make_strand(io.ioc()), options_for(server));
    log.attach(s);
    c.start();
    s.start();
    BOOST_TEST_REQUIRE(subscribe(s, {"gated"}));
    BOOST_TEST_REQUIRE(eventually([&] { return c.get_stats().connected; }));
    c.set_gate(false);
    for (int i = 0; i < 3; ++i)
        c.publish("gated", std::to_string(i));
    BOOST_TEST_REQUIRE(eventually([&] { return c.get_stats().buffered_publishes == 3u; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST(log.size() == 0u);
    // Commands are not held by the gate.
    BOOST_TEST(run(c, {"PING"}).ok());
    c.set_gate(true);
    c.publish("gated", "3");
    BOOST_TEST_REQUIRE(log.wait_for(4));
    auto const got = log.take();
    for (int i = 0; i < 4; ++i)
        BOOST_TEST(got[static_cast<std::size_t>(i)].payload == std::to_string(i));
}

BOOST_AUTO_TEST_CASE(a_server_that_answers_garbage) {
    fake_server garbage([](std::string_view) { return std::string("?garbage\r\n"); });
    message_log log;
    io_runner io;
    redis::client c(net::make_strand(io.ioc()), options_for(garbage.port()));
    redis::subscriber s(net::make_strand(io.ioc()), options_for(garbage.port()));
    log.attach(s);
    c.start();
    s.start();
    // Both keep trying, with backoff, and neither crashes nor reports a connection.
    BOOST_TEST(eventually([&] { return garbage.accepted() >= 6; }));
    BOOST_TEST(!c.get_stats().connected);
    BOOST_TEST(!s.get_stats().ready);
    BOOST_TEST(run(c, {"PING"}).error == "redis: not connected");
}

BOOST_AUTO_TEST_CASE(a_server_that_stops_answering) {
    // Answers the handshake's PING, then nothing: a half-open connection, as far as the
    // client can tell.
    std::atomic<int> reads{0};
    fake_server silent([&](std::string_view) {
        return ++reads % 2 == 1 ? std::string("+PONG\r\n") : std::string();
    });
    io_runner io;
    auto o = options_for(silent.port());
    o.request_timeout = std::chrono::milliseconds(200);
    redis::client c(net::make_strand(io.ioc()), o);
    c.start();
    BOOST_TEST_REQUIRE(eventually([&] { return c.get_stats().connected; }));
    auto const asked = clock_type::now();
    auto const lost = run(c, {"GET", "x"}, std::chrono::milliseconds(3000));
    BOOST_TEST(lost.error == "redis: connection lost");
    BOOST_TEST_MESSAGE("an unanswered command failed after " << ms_between(asked, clock_type::now())
                                                             << " ms (request_timeout 200 ms)");
    BOOST_TEST(eventually([&] { return silent.accepted() >= 2; }));
}

BOOST_AUTO_TEST_SUITE_END()
