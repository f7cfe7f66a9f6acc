// Cluster-wide operations on one server: fetch_sockets returns handles with Node's handshake
// shape, and their commands (emit, join, leave, disconnect) reach the sockets; rooms and
// the server count answer for this server.
#include "sio/socketio/remote_socket.hpp"

#include "coro/socketio/fixture.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace sio;
using namespace sio::test;
using namespace sio::test::sio_tests;

namespace {

/// A client of "/" that connected with `query` and `auth`, then joined `room`; returns it
/// and its socket id.
awaitable<std::pair<std::unique_ptr<ws_client>, std::string>>
join_with(tcp::endpoint at, std::string query, std::string auth, std::string room) {
    auto ws = std::make_unique<ws_client>(co_await net::this_coro::executor);
    co_await ws->connect(at, "/socket.io/?EIO=4&transport=websocket" + query);
    co_await next_text(*ws); // the open packet
    co_await ws->send_text("40" + auth);
    auto const connected = co_await next_text(*ws);
    auto const sid = std::string(boost::json::parse(connected.substr(2)).at("sid").as_string());
    co_await ws->send_text(R"(421["join",")" + room + R"("])");
    co_await next_text(*ws); // the ack
    co_return std::pair{std::move(ws), sid};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(socketio_cluster, sio_fixture)

BOOST_AUTO_TEST_CASE(fetch_sockets_describes_them_and_its_handles_command_them) {
    struct outcome {
        std::string a_id, b_id;
        std::vector<socketio::remote_socket> lobby, vip_after_join, vip_after_leave;
        std::string a_got, b_extra, b_bye;
        std::size_t servers = 0;
        std::set<std::string> rooms;
    };
    auto const r = io.run([](tcp::endpoint at, socketio::server& srv) -> awaitable<outcome> {
        outcome o;
        auto [a, a_id] =
            co_await join_with(at, "&k=v&k=w&name=caf%C3%A9", R"({"token":"t"})", "lobby");
        auto [b, b_id] = co_await join_with(at, "", "", "lobby");
        o.a_id = a_id;
        o.b_id = b_id;
        o.lobby = co_await srv.to("lobby").fetch_sockets();
        auto const handle_of = [&](std::string const& id) {
            return *std::find_if(o.lobby.begin(), o.lobby.end(),
                                 [&](auto const& s) { return s.id() == id; });
        };
        // A handle's emit reaches its socket alone.
        handle_of(a_id).emit("direct", 1);
        o.a_got = co_await next_text(*a);
        // join and leave move it between rooms.
        handle_of(a_id).join("vip");
        o.vip_after_join = co_await srv.to("vip").fetch_sockets();
        handle_of(a_id).leave("vip");
        o.vip_after_leave = co_await srv.to("vip").fetch_sockets();
        srv.main().server_count([&o](auto n) { o.servers = n.value; });
        srv.main().all_rooms([&o](auto rooms) { o.rooms = rooms.value; });
        // disconnect ends its namespace connection.
        handle_of(b_id).disconnect();
        o.b_bye = co_await next_text(*b);
        auto extra = co_await b->read(100ms);
        o.b_extra = extra ? extra->data : "";
        co_return o;
    }(ep, sio));

    BOOST_TEST_REQUIRE(r.lobby.size() == 2u);
    auto const& a = r.lobby[0].id() == r.a_id ? r.lobby[0] : r.lobby[1];
    auto const& b = r.lobby[0].id() == r.a_id ? r.lobby[1] : r.lobby[0];
    BOOST_TEST(a.id() == r.a_id);
    BOOST_TEST(b.id() == r.b_id);
    BOOST_TEST(a.rooms() == (std::set<std::string>{r.a_id, "lobby"}));
    // Node's socket.handshake shape.
    auto const& hs = a.handshake().as_object();
    BOOST_TEST(boost::json::serialize(hs.at("query")) ==
               R"({"EIO":"4","transport":"websocket","k":["v","w"],"name":"café"})");
    BOOST_TEST(boost::json::serialize(hs.at("auth")) == R"({"token":"t"})");
    BOOST_TEST(hs.at("address").as_string() == "127.0.0.1");
    BOOST_TEST(hs.at("headers").as_object().contains("host"));
    BOOST_TEST(hs.at("xdomain").as_bool() == false);
    BOOST_TEST(hs.at("secure").as_bool() == false);
    BOOST_TEST(hs.at("issued").as_int64() > 1'700'000'000'000);
    BOOST_TEST(
        std::string(hs.at("time").as_string()).ends_with("GMT+0000 (Coordinated Universal Time)"));
    BOOST_TEST(std::string(hs.at("url").as_string()).starts_with("/socket.io/?EIO=4"));
    BOOST_TEST(boost::json::serialize(b.handshake().at("auth")) == "{}");

    BOOST_TEST(r.a_got == R"(42["direct",1])");
    BOOST_TEST_REQUIRE(r.vip_after_join.size() == 1u);
    BOOST_TEST(r.vip_after_join[0].id() == r.a_id);
    BOOST_TEST(r.vip_after_leave.empty());
    BOOST_TEST(r.servers == 1u);
    BOOST_TEST(r.rooms.contains("lobby"));
    BOOST_TEST(r.b_bye == "41");
    BOOST_TEST(r.b_extra == "");
}

BOOST_AUTO_TEST_CASE(an_event_is_acknowledged_later_from_another_thread) {
    // What a handler does when its answer comes from the cluster: keep the responder.
    sio.of("/deferred").on_connection([](std::shared_ptr<sio_socket> const& s) {
        s->on("ask", [](sio_socket&, event& ev) {
            auto respond = ev.responder();
            ev.ack("too early"); // the responder took the ack: this does nothing
            std::thread([respond] {
                std::this_thread::sleep_for(50ms);
                respond(socketio::make_payload("later"));
                respond(socketio::make_payload("twice")); // only the first counts
            }).detach();
        });
    });
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
        auto ws = co_await open_session(at);
        std::vector<std::string> out;
        co_await ws->send_text("40/deferred,");
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text(R"(42/deferred,7["ask"])");
        out.push_back(co_await next_text(*ws));
        if (auto extra = co_await ws->read(200ms))
            out.push_back(extra->data);
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 2u); // one answer, no second
    BOOST_TEST(frames[1] == R"(43/deferred,7["later"])");
}

BOOST_AUTO_TEST_SUITE_END()
