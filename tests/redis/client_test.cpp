// The client and the subscriber against a real redis-server.
#include "sio/redis/client.hpp"
#include "sio/redis/subscriber.hpp"

#include "common/io_runner.hpp"
#include "redis/helpers.hpp"
#include "redis/redis_server.hpp"

#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <fmt/core.h>

#include <atomic>
#include <mutex>

using namespace sio;
using namespace sio::test;
using kind = redis::reply::kind;
using namespace std::string_literals;

namespace {

struct server_fixture {
    server_fixture() {
        if (!redis_server::available())
            BOOST_FAIL("redis-server is not installed: run tools/setup.sh --tests");
    }
};

redis::client started_client(io_runner& io, redis::options o) {
    redis::client c(net::make_strand(io.ioc()), std::move(o));
    c.start();
    return c;
}

bool connected(redis::client const& c) {
    return eventually([&] { return c.get_stats().connected; });
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_client)

BOOST_FIXTURE_TEST_CASE(command_round_trips, server_fixture) {
    redis_server server;
    io_runner io;
    auto c = started_client(io, options_for(server));
    BOOST_TEST_REQUIRE(connected(c));

    auto pong = run(c, {"PING"});
    BOOST_TEST_REQUIRE(pong.ok());
    BOOST_TEST((pong.value->type == kind::status && pong.value->str == "PONG"));

    auto const binary = "v\0\r\nw"s;
    BOOST_TEST(run(c, {"SET", "k", binary}).ok());
    auto got = run(c, {"GET", "k"});
    BOOST_TEST_REQUIRE(got.ok());
    BOOST_TEST((got.value->type == kind::string && got.value->str == binary));

    auto missing = run(c, {"GET", "nothing"});
    BOOST_TEST(missing.value->type == kind::nil);

    // An error reply is an answer, not a transport failure.
    auto wrong = run(c, {"INCR", "k"});
    BOOST_TEST(!wrong.ok());
    BOOST_TEST_REQUIRE(wrong.value.has_value());
    BOOST_TEST(wrong.value->type == kind::error);
    BOOST_TEST(std::string(wrong.error_text()).find("ERR") == 0u);

    // Redis would answer nothing to an empty command: it is refused here.
    BOOST_TEST(run(c, {}).error == "redis: empty command");
    BOOST_TEST(run(c, {"PING"}).ok());

    auto list = run(c, {"MGET", "k", "nothing"});
    BOOST_TEST_REQUIRE(list.value->elements.size() == 2u);
    BOOST_TEST(list.value->elements[0].str == binary);
    BOOST_TEST(list.value->elements[1].type == kind::nil);
}

BOOST_FIXTURE_TEST_CASE(pipelined_commands_answer_in_order, server_fixture) {
    redis_server server;
    io_runner io;
    auto c = started_client(io, options_for(server));
    BOOST_TEST_REQUIRE(connected(c));

    constexpr int n = 5000;
    std::mutex m;
    std::vector<std::int64_t> results;
    std::atomic<int> done{0};
    for (int i = 0; i < n; ++i) {
        c.command({"INCR", "counter"}, [&](redis::outcome o) {
            {
                std::lock_guard lock(m);
                results.push_back(o.value ? o.value->integer : -1);
            }
            ++done;
        });
    }
    BOOST_TEST_REQUIRE(eventually([&] { return done == n; }, 10s));
    std::lock_guard lock(m);
    bool in_order = true;
    for (int i = 0; i < n; ++i)
        in_order = in_order && results[static_cast<std::size_t>(i)] == i + 1;
    BOOST_TEST(in_order);
}

BOOST_FIXTURE_TEST_CASE(publish_reaches_subscribers, server_fixture) {
    redis_server server;
    message_log log;
    io_runner io;
    auto c = started_client(io, options_for(server));
    redis::subscriber s(net::make_strand(io.ioc()), options_for(server));
    log.attach(s);
    std::atomic<bool> ready{false};
    s.on_state([&](bool r) { ready = r; });
    s.start();
    BOOST_TEST_REQUIRE(subscribe(s, {"news"}));
    BOOST_TEST_REQUIRE(subscribe(s, {"sport.*"}, true));
    BOOST_TEST(ready.load());
    BOOST_TEST_REQUIRE(connected(c));

    auto const payload = "\x93\0\r\n\xff"s;
    c.publish("news", payload);
    c.publish("sport.tennis", "ace");
    c.publish("weather", "not subscribed");
    BOOST_TEST_REQUIRE(log.wait_for(2));
    auto const got = log.take();
    BOOST_TEST(got[0].pattern == "");
    BOOST_TEST(got[0].channel == "news");
    BOOST_TEST(got[0].payload == payload);
    BOOST_TEST(got[1].pattern == "sport.*");
    BOOST_TEST(got[1].channel == "sport.tennis");
    BOOST_TEST(got[1].payload == "ace");

    // PUBLISH as a command counts the receivers: unsubscribing takes this one away.
    BOOST_TEST(run(c, {"PUBLISH", "news", "x"}).value->integer == 1);
    s.unsubscribe({"news"});
    s.punsubscribe({"sport.*"});
    BOOST_TEST(eventually([&] {
        return run(c, {"PUBLISH", "news", "y"}).value->integer == 0 &&
               run(c, {"PUBLISH", "sport.golf", "y"}).value->integer == 0;
    }));
    BOOST_TEST(s.get_stats().messages >= 3u);
}

BOOST_FIXTURE_TEST_CASE(ten_thousand_publishes_keep_their_order, server_fixture) {
    redis_server server;
    message_log log;
    io_runner io;
    auto c = started_client(io, options_for(server));
    redis::subscriber s(net::make_strand(io.ioc()), options_for(server));
    log.attach(s);
    s.start();
    BOOST_TEST_REQUIRE(subscribe(s, {"order"}));
    BOOST_TEST_REQUIRE(connected(c));

    constexpr int n = 10000;
    for (int i = 0; i < n; ++i)
        c.publish("order", std::to_string(i));
    BOOST_TEST_REQUIRE(log.wait_for(n, 20s));
    auto const got = log.take();
    BOOST_TEST(got.size() == static_cast<std::size_t>(n));
    bool in_order = true;
    for (int i = 0; i < n; ++i)
        in_order = in_order && got[static_cast<std::size_t>(i)].payload == std::to_string(i);
    BOOST_TEST(in_order);
}

BOOST_FIXTURE_TEST_CASE(auth_with_the_right_and_a_wrong_password, server_fixture) {
    std::vector<std::string> const secure{"--requirepass", "s3cret"};
    redis_server server(secure);
    io_runner io;

    auto o = options_for(server);
    o.where.password = "s3cret";
    auto good = started_client(io, o);
    BOOST_TEST_REQUIRE(connected(good));
    BOOST_TEST(run(good, {"SET", "a", "1"}).ok());

    // The same through a URL with the user named (Redis 6 ACL form).
    auto with_user = options_for(server);
    with_user.where =
        redis::parse_url(fmt::format("redis://default:s3cret@127.0.0.1:{}", server.port()));
    auto named = started_client(io, with_user);
    BOOST_TEST_REQUIRE(connected(named));
    BOOST_TEST(run(named, {"GET", "a"}).value->str == "1");

    redis::subscriber sub(net::make_strand(io.ioc()), o);
    sub.start();
    BOOST_TEST(subscribe(sub, {"x"}));

    auto bad_options = options_for(server);
    bad_options.where.password = "wrong";
    auto bad = started_client(io, bad_options);
    auto none = options_for(server); // no password at all: the PING gets NOAUTH
    auto anonymous = started_client(io, none);
    std::this_thread::sleep_for(300ms);
    BOOST_TEST(!bad.get_stats().connected);
    BOOST_TEST(!anonymous.get_stats().connected);
    auto refused = run(bad, {"PING"});
    BOOST_TEST(!refused.value.has_value());
    BOOST_TEST(refused.error == "redis: not connected");
}

BOOST_FIXTURE_TEST_CASE(select_db, server_fixture) {
    redis_server server;
    io_runner io;
    auto o = options_for(server);
    o.where.db = 3;
    auto db3 = started_client(io, o);
    auto db0 = started_client(io, options_for(server));
    BOOST_TEST_REQUIRE(connected(db3));
    BOOST_TEST_REQUIRE(connected(db0));
    BOOST_TEST(run(db3, {"SET", "where", "three"}).ok());
    BOOST_TEST(run(db0, {"GET", "where"}).value->type == kind::nil);
    BOOST_TEST(run(db3, {"GET", "where"}).value->str == "three");
    BOOST_TEST(run(db0, {"SELECT", "3"}).ok());
    BOOST_TEST(run(db0, {"GET", "where"}).value->str == "three");

    // A database that does not exist: SELECT is refused, and the client keeps retrying.
    o.where.db = 100000;
    auto nowhere = started_client(io, o);
    std::this_thread::sleep_for(200ms);
    BOOST_TEST(!nowhere.get_stats().connected);
}

BOOST_FIXTURE_TEST_CASE(an_oversized_reply_drops_the_connection_not_the_process, server_fixture) {
    redis_server server;
    io_runner io;
    auto o = options_for(server);
    o.max_reply_bytes = 4096;
    auto c = started_client(io, o);
    BOOST_TEST_REQUIRE(connected(c));
    BOOST_TEST(run(c, {"SET", "big", std::string(100000, 'b')}).ok());
    auto huge = run(c, {"GET", "big"});
    BOOST_TEST(!huge.value.has_value());
    BOOST_TEST(huge.error == "redis: connection lost");
    // It comes back by itself and works for what fits.
    BOOST_TEST_REQUIRE(eventually([&] { return c.get_stats().reconnects >= 1u; }));
    BOOST_TEST_REQUIRE(connected(c));
    BOOST_TEST(run(c, {"SET", "small", "s"}).ok());
    BOOST_TEST(run(c, {"GET", "small"}).value->str == "s");
}

BOOST_FIXTURE_TEST_CASE(stop_fails_what_waits_and_ends_quietly, server_fixture) {
    redis_server server;
    io_runner io;
    auto c = started_client(io, options_for(server));
    BOOST_TEST_REQUIRE(connected(c));
    // BLPOP holds its reply: stopping must fail it rather than wait.
    auto blocked = std::make_shared<std::promise<redis::outcome>>();
    auto future = blocked->get_future();
    c.command({"BLPOP", "empty-list", "0"},
              [blocked](redis::outcome o) { blocked->set_value(std::move(o)); });
    std::this_thread::sleep_for(50ms);
    c.stop();
    BOOST_TEST_REQUIRE((future.wait_for(2s) == std::future_status::ready));
    BOOST_TEST(future.get().error == "redis: stopped");
    BOOST_TEST(run(c, {"PING"}).error == "redis: stopped");
    BOOST_TEST(io.wait_idle(2000ms));
}

BOOST_AUTO_TEST_SUITE_END()
