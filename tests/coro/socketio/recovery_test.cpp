// Socket.IO connection state recovery: a socket that comes back gets its id, rooms, data
// and the events it missed; a kick with disconnect(true) leaves nothing to recover.
#include "coro/socketio/fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

namespace {

socketio::server_options recovery_options() {
    auto o = options();
    o.connection_state_recovery.enabled = true;
    o.connection_state_recovery.max_disconnection_duration = 5s;
    return o;
}

/// A server with connection state recovery: "/" greets with whether the socket was
/// recovered, and has the fixture's "join".
struct recovery_fixture {
    io_runner io;
    http::server server{io.ioc(), loopback_config()};
    socketio::server sio{recovery_options()};
    tcp::endpoint ep;

    recovery_fixture() {
        sio.on_connection([](std::shared_ptr<sio_socket> const& s) {
            if (!s->recovered())
                s->data() = boost::json::object{{"first_sid", s->id()}};
            s->emit("hello", s->recovered(), s->data());
            s->on("join", [](sio_socket& self, event& ev) {
                self.join(ev.arg<std::string>(0).value_or("none"));
                ev.ack(true);
            });
        });
        sio.of("/other").on_connection([](std::shared_ptr<sio_socket> const& s) {
            s->on("kick", [](sio_socket& self, event&) { self.disconnect(true); });
        });
        server.mount(sio.path(), sio.engine());
        ep = server.start();
    }
    ~recovery_fixture() {
        server.stop();
        BOOST_TEST(io.wait_idle(5s));
    }
};

/// The event name and arguments of `42[...]`, and its last argument (the offset).
std::pair<boost::json::array, std::string> event_with_offset(std::string const& frame) {
    if (!frame.starts_with("42["))
        return {};
    auto args = boost::json::parse(frame.substr(2)).as_array();
    auto const* last = args.empty() ? nullptr : args.back().if_string();
    return {args, last ? std::string(*last) : std::string()};
}

} // namespace

BOOST_FIXTURE_TEST_CASE(connection_state_recovery_restores_id_rooms_data_and_missed_events,
                        recovery_fixture) {
    struct first_visit {
        std::string sid, pid, offset;
        std::vector<std::string> frames;
    };
    auto const first =
        io.run([](tcp::endpoint at, socketio::server& server_io) -> awaitable<first_visit> {
            first_visit v;
            auto ws = co_await open_session(at);
            co_await ws->send_text("40");
            auto const connect = co_await next_text(*ws);
            v.frames.push_back(connect);
            auto const ids = boost::json::parse(connect.substr(2)).as_object();
            v.sid = std::string(ids.at("sid").as_string());
            v.pid = std::string(ids.at("pid").as_string());
            v.frames.push_back(co_await next_text(*ws)); // hello, with an offset
            co_await ws->send_text(R"(420["join","r"])");
            v.frames.push_back(co_await next_text(*ws));
            server_io.to("r").emit("news", 1);
            auto const news = co_await next_text(*ws);
            v.frames.push_back(news);
            v.offset = event_with_offset(news).second;
            co_return v; // the connection drops here, without a goodbye
        }(ep, sio));
    BOOST_TEST_REQUIRE(first.frames.size() == 4u);
    BOOST_TEST(!first.pid.empty());
    BOOST_TEST(first.pid != first.sid);
    auto const [hello_args, hello_offset] = event_with_offset(first.frames[1]);
    BOOST_TEST(hello_args.size() == 4u); // "hello", false, data, offset
    BOOST_TEST(hello_args.at(1) == false);
    BOOST_TEST(!hello_offset.empty());
    BOOST_TEST(first.frames[2] == "430[true]"); // acks carry no offset
    BOOST_TEST(!first.offset.empty());

    // While it is away: two events to its room, one to everyone, one to another room.
    auto const gone = [&] {
        return sio.of("/").socket_count() == 0;
    };
    BOOST_TEST_REQUIRE(eventually(gone));
    sio.to("r").emit("news", 2);
    sio.to("r").emit("news", 3);
    sio.emit("all", 4);
    sio.to("elsewhere").emit("news", 99);

    auto const back = io.run([](tcp::endpoint at, socketio::server& server_io, std::string pid,
                                std::string offset) -> awaitable<std::vector<std::string>> {
        std::vector<std::string> out;
        auto ws = co_await open_session(at);
        boost::json::object auth{{"token", "t"}, {"pid", pid}, {"offset", offset}};
        co_await ws->send_text("40" + boost::json::serialize(auth));
        for (int i = 0; i < 5; ++i) // CONNECT, three missed events, hello
            out.push_back(co_await next_text(*ws));
        server_io.to("r").emit("news", 5); // it is in its room again
        out.push_back(co_await next_text(*ws));
        // A pid the server does not know: a fresh socket.
        auto other = co_await open_session(at);
        co_await other->send_text(R"(40{"pid":"nope","offset":"x-1"})");
        out.push_back(co_await next_text(*other));
        out.push_back(co_await next_text(*other));
        co_return out;
    }(ep, sio, first.pid, first.offset));
    BOOST_TEST_REQUIRE(back.size() == 8u);
    auto const again = boost::json::parse(back[0].substr(2)).as_object();
    BOOST_TEST(again.at("sid").as_string() == first.sid); // the same socket id
    BOOST_TEST(again.at("pid").as_string() == first.pid);
    BOOST_TEST(event_with_offset(back[1]).first.at(1) == 2);
    BOOST_TEST(event_with_offset(back[2]).first.at(1) == 3);
    BOOST_TEST(event_with_offset(back[3]).first.at(0) == "all");
    auto const [hello_again, unused] = event_with_offset(back[4]);
    BOOST_TEST(hello_again.at(0) == "hello");
    BOOST_TEST(hello_again.at(1) == true); // recovered, with its data
    BOOST_TEST(hello_again.at(2).at("first_sid") == boost::json::value(first.sid));
    BOOST_TEST(event_with_offset(back[5]).first.at(1) == 5);
    auto const fresh = boost::json::parse(back[6].substr(2)).as_object();
    BOOST_TEST(fresh.at("sid").as_string() != first.sid);
    BOOST_TEST(event_with_offset(back[7]).first.at(1) == false);
}

BOOST_FIXTURE_TEST_CASE(a_kick_with_disconnect_true_ends_every_namespace_and_keeps_nothing,
                        recovery_fixture) {
    struct visit {
        std::string pid, offset;
        std::vector<std::string> frames;
    };
    auto const first = io.run([](tcp::endpoint at) -> awaitable<visit> {
        visit v;
        auto ws = co_await open_session(at);
        co_await ws->send_text("40");
        auto const connect = co_await next_text(*ws);
        v.pid = std::string(boost::json::parse(connect.substr(2)).at("pid").as_string());
        v.offset = event_with_offset(co_await next_text(*ws)).second; // hello
        co_await ws->send_text("40/other,");
        co_await next_text(*ws);
        co_await ws->send_text(R"(42/other,["kick"])");
        for (int i = 0; i < 3; ++i) // a DISCONNECT for each namespace, then the end
            v.frames.push_back(co_await next_text(*ws));
        co_return v;
    }(ep));
    BOOST_TEST_REQUIRE(first.frames.size() == 3u);
    std::vector<std::string> byes{first.frames[0], first.frames[1]};
    std::sort(byes.begin(), byes.end());
    BOOST_TEST(byes[0] == "41");
    BOOST_TEST(byes[1] == "41/other,");
    BOOST_TEST(first.frames[2] == "<closed>");

    // Nothing was kept for recovery: coming back gives a fresh socket.
    auto const back =
        io.run([](tcp::endpoint at, std::string pid, std::string offset) -> awaitable<std::string> {
            auto ws = co_await open_session(at);
            boost::json::object auth{{"pid", pid}, {"offset", offset}};
            co_await ws->send_text("40" + boost::json::serialize(auth));
            co_await next_text(*ws);
            co_return co_await next_text(*ws); // hello
        }(ep, first.pid, first.offset));
    BOOST_TEST(event_with_offset(back).first.at(1) == false);
}
