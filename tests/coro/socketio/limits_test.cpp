// The operator's limits on a connection: namespaces it may join, rooms a socket may be in.
#include "coro/socketio/fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

namespace {

/// A server with small limits: two namespaces per connection, three rooms per socket.
struct limits_fixture {
    io_runner io;
    http::server server{io.ioc(), loopback_config()};
    socketio::server sio{limited()};
    tcp::endpoint ep;

    static socketio::server_options limited() {
        auto o = options();
        o.max_namespaces_per_connection = 2;
        o.max_rooms_per_socket = 3;
        return o;
    }

    limits_fixture() {
        auto const setup = [](std::shared_ptr<sio_socket> const& s) {
            s->on("join", [](sio_socket& self, event& ev) {
                auto const rooms =
                    ev.arg<std::vector<std::string>>(0).value_or(std::vector<std::string>{});
                bool const joined = self.join(rooms);
                ev.ack(joined, self.rooms().size());
            });
        };
        sio.on_connection(setup);
        sio.of("/a").on_connection(setup);
        sio.of("/b").on_connection(setup);
        server.mount(sio.path(), sio.engine());
        ep = server.start();
    }
    ~limits_fixture() { server.stop(); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(socketio_limits, limits_fixture)

BOOST_AUTO_TEST_CASE(a_connect_past_the_namespace_limit_gets_connect_error) {
    auto const frames = io.run(converse(ep, {{"40", 1}, {"40/a,", 1}, {"40/b,", 1}}));
    BOOST_TEST_REQUIRE(frames.size() == 3u);
    BOOST_TEST(frames[0].starts_with("40{\"sid\":"));
    BOOST_TEST(frames[1].starts_with("40/a,{\"sid\":"));
    BOOST_TEST(frames[2] == R"(44/b,{"message":"Too many namespaces"})");
}

BOOST_AUTO_TEST_CASE(a_join_past_the_room_limit_is_refused_whole) {
    // Its own room does not count: three joined, then a join of two more is refused (it
    // would make five) and one already joined is not a new room.
    auto const frames = io.run(converse(ep, {{"40", 1},
                                             {R"(420["join",["r1","r2","r3"]])", 1},
                                             {R"(421["join",["r4","r5"]])", 1},
                                             {R"(422["join",["r1"]])", 1},
                                             {R"(423["join",["r4"]])", 1}}));
    BOOST_TEST_REQUIRE(frames.size() == 5u);
    BOOST_TEST(frames[1] == "430[true,4]");
    BOOST_TEST(frames[2] == "431[false,4]");
    BOOST_TEST(frames[3] == "432[true,4]");
    BOOST_TEST(frames[4] == "433[false,4]");
}

BOOST_AUTO_TEST_SUITE_END()
