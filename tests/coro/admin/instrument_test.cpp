// sio::admin::instrument on a server in-process, over the wire: the bcrypt check runs off the
// I/O threads (the session store it consults notes where it is called from), and a refused or
// accepted admin connection gets what @socket.io/admin-ui 0.5.1 sends.
#include "sio/admin/instrument.hpp"

#include "coro/socketio/fixture.hpp"

#include <algorithm>
#include <set>

namespace sio::test::sio_tests {
namespace {

// require('bcryptjs').hashSync('s3cret-admin', 4)
constexpr char const* hash = "$2a$04$aSX5RY6j0rBzf7KClr2SVORvEIz9OjQoql6ZQBmg3pgkP/ISRZpxC";

/// A session store that counts the calls made on the I/O threads (the server's io_context).
struct recording_store final : admin::session_store {
    explicit recording_store(net::io_context& ioc)
        : io(ioc) {}
    net::io_context& io;
    std::mutex mutex;
    int calls = 0;
    int calls_on_io = 0;
    std::set<std::string> ids;
    void note() {
        ++calls;
        if (io.get_executor().running_in_this_thread())
            ++calls_on_io;
    }
    bool exists(std::string const& id) override {
        std::lock_guard lock(mutex);
        note();
        return ids.contains(id);
    }
    void save(std::string const& id) override {
        std::lock_guard lock(mutex);
        note();
        ids.insert(id);
    }
};

struct admin_fixture {
    io_runner io;
    http::server server{io.ioc(), loopback_config()};
    socketio::server sio{options()};
    std::shared_ptr<recording_store> store = std::make_shared<recording_store>(io.ioc());
    std::shared_ptr<admin::instrumentation> instrumented;
    tcp::endpoint ep;

    admin_fixture() {
        admin::options o;
        o.auth = admin::basic_auth{"admin", hash};
        o.store = store;
        o.stats_interval = std::chrono::hours(1); // one server_stats, at start: none on the wire
        instrumented = admin::instrument(sio, io.ioc().get_executor(), o);
        server.mount(sio.path(), sio.engine());
        ep = server.start();
    }
    ~admin_fixture() {
        instrumented->stop();
        server.stop();
        BOOST_TEST(io.wait_idle(5s));
    }
};

bool has_prefix(std::vector<std::string> const& frames, std::string_view prefix) {
    return std::ranges::any_of(frames, [&](auto const& f) { return f.starts_with(prefix); });
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(admin_instrument, admin_fixture)

BOOST_AUTO_TEST_CASE(the_password_is_checked_off_the_io_threads) {
    auto const frames = io.run(converse(
        ep, {
                {R"(40/admin,{"username":"admin","password":"wrong","sessionId":"made-up"})", 1},
                {R"(40/admin,{"username":"admin","password":"s3cret-admin"})", 6},
            }));
    BOOST_TEST_REQUIRE(frames.size() == 7u);
    BOOST_TEST(frames[0] == R"(44/admin,{"message":"invalid credentials"})");
    std::vector<std::string> const accepted(frames.begin() + 1, frames.end());
    BOOST_TEST(has_prefix(accepted, R"(40/admin,{"sid":")"));
    BOOST_TEST(has_prefix(accepted, R"(42/admin,["session",")"));
    BOOST_TEST(has_prefix(
        accepted,
        R"(42/admin,["config",{"supportedFeatures":["EMIT","JOIN","LEAVE","DISCONNECT","MJOIN","MLEAVE","MDISCONNECT","AGGREGATED_EVENTS","ALL_EVENTS"]}])"));
    BOOST_TEST(has_prefix(accepted, R"(42/admin,["all_sockets",[{"id":")"));
    BOOST_TEST(has_prefix(accepted, R"(42/admin,["socket_connected",{"id":")"));
    BOOST_TEST(has_prefix(accepted, R"(42/admin,["room_joined","/admin",")"));

    std::lock_guard lock(store->mutex);
    BOOST_TEST(store->ids.size() == 1u); // the session id handed out
    BOOST_TEST(store->calls == 2);       // the made-up session id looked up, the new one saved
    BOOST_TEST(store->calls_on_io == 0);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace sio::test::sio_tests
