// The Socket.IO server in-process on 127.0.0.1:0, driven by a WebSocket client that speaks
// the wire protocol, so every byte the server sends is checked.
#include "sio/engineio/handshake.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/server.hpp"
#include "sio/socketio/server.hpp"

#include "common/io_runner.hpp"
#include "common/loopback.hpp"
#include "common/ws_client.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace sio;
using namespace sio::test;
using namespace std::chrono_literals;
using socketio::event;
using sio_socket = socketio::socket;

namespace {

socketio::server_options options() {
    socketio::server_options o;
    o.engine.ping_interval = 2000ms; // long enough to stay out of the way
    o.engine.ping_timeout = 2000ms;
    o.connect_timeout = 400ms;
    return o;
}

struct sio_fixture {
    io_runner io;
    http::server server{io.ioc(), loopback_config()};
    socketio::server sio{options()};
    tcp::endpoint ep;

    std::mutex mutex;
    std::vector<std::string> disconnects;
    std::vector<std::shared_ptr<sio_socket>> sockets;
    std::vector<socketio::next_fn> held;                  // answers withheld by /held's middleware
    socketio::parent_namespace* dynamic_parent = nullptr; // of the /dyn-* namespaces
    io_runner worker{1};                                  // where /later's middleware answers from

    sio_fixture() {
        sio.on_connection([this](std::shared_ptr<sio_socket> const& s) {
            {
                std::lock_guard lock(mutex);
                sockets.push_back(s);
            }
            s->on("join", [](sio_socket& self, event& ev) {
                self.join(ev.arg<std::string>(0).value_or("none"));
                ev.ack(true);
            });
            s->on("echo", [](sio_socket&, event& ev) { ev.ack_payload(ev.data()); });
            s->on("to-room", [](sio_socket& self, event& ev) {
                self.to(ev.arg<std::string>(0).value_or("")).emit("room-msg", "from peer");
            });
            s->on("leave-all", [](sio_socket& self, event&) { self.disconnect(); });
            // Event middleware: refuses one event, rewrites another's first argument.
            s->use([](sio_socket&, event& ev) -> std::optional<std::string> {
                if (ev.name() == "forbidden")
                    return "not allowed";
                auto& args = ev.mutable_data().args;
                if (!args.empty() && args[0] == "rewrite-me")
                    args[0] = "rewritten";
                return std::nullopt;
            });
            s->on_error([](sio_socket& self, std::string_view message) {
                self.emit("error-seen", std::string(message));
            });
            s->on_typed<std::string, int>("typed", [](sio_socket& self, std::string a, int b) {
                self.emit("typed-back", a, b + 1);
            });
            s->on_disconnect([this](sio_socket&, socketio::disconnect_reason reason) {
                std::lock_guard lock(mutex);
                disconnects.emplace_back(to_string(reason));
            });
        });
        auto& admin = sio.of("/admin");
        admin.use([](sio_socket& s) -> std::optional<socketio::connect_error> {
            if (s.auth().is_object() && s.auth().as_object().if_contains("token") &&
                s.auth().at("token") == "secret")
                return std::nullopt;
            return socketio::connect_error{"not authorized", boost::json::value{{"retry", false}}};
        });
        admin.on_connection(
            [](std::shared_ptr<sio_socket> const& s) { s->emit("welcome", "admin"); });
        dynamic_parent =
            &sio.of([](std::string_view name,
                       boost::json::value const&) { return name.starts_with("/dyn-"); },
                    [](socketio::nsp& ns) {
                        ns.on_connection([](std::shared_ptr<sio_socket> const& s) {
                            if (s->nsp_name() == "/dyn-1")
                                s->join("vip");
                            s->emit("hi", s->nsp_name());
                        });
                    });
        auto& secure = sio.of("/secure");
        secure.use([](sio_socket& s) -> std::optional<socketio::connect_error> {
            if (s.handshake().query("token") == "t0k")
                return std::nullopt;
            return socketio::connect_error{"bad token", std::nullopt};
        });
        secure.on_connection([](std::shared_ptr<sio_socket> const& s) {
            auto const& hs = s->handshake();
            s->emit("hs", hs.address, std::string(hs.header("Host").value_or("")),
                    hs.query("EIO").value_or(""));
        });
        // Asynchronous middleware: the first answers from another thread after a while,
        // the second (synchronous) runs only then and sees what the first stored.
        auto& later = sio.of("/later");
        later.use([this](std::shared_ptr<sio_socket> const& s, socketio::next_fn next) {
            s->data() = boost::json::object{{"checked_by", "first"}};
            bool const ok = s->auth().is_object() && s->auth().as_object().if_contains("token") &&
                            s->auth().at("token") == "ok";
            auto timer = std::make_shared<net::steady_timer>(worker.ioc(), 30ms);
            timer->async_wait([timer, next, ok](boost::system::error_code) {
                if (ok)
                    next();
                else
                    next(socketio::connect_error{"refused later", boost::json::value{{"code", 7}}});
            });
        });
        later.use([](sio_socket& s) -> std::optional<socketio::connect_error> {
            s.data().as_object()["then"] = "second";
            return std::nullopt;
        });
        later.on_connection(
            [](std::shared_ptr<sio_socket> const& s) { s->emit("data", s->data()); });
        // A coroutine middleware: waits, then lets in, refuses or throws.
        auto& coro = sio.of("/coro");
        coro.use(
            [](std::shared_ptr<sio_socket> s) -> awaitable<std::optional<socketio::connect_error>> {
                net::steady_timer pause(s->get_executor(), 20ms);
                co_await pause.async_wait(net::use_awaitable);
                auto const token =
                    s->auth().is_object() && s->auth().as_object().if_contains("token")
                        ? s->auth().at("token")
                        : boost::json::value();
                if (token == "boom")
                    throw std::runtime_error("lookup failed");
                if (token != "ok")
                    co_return socketio::connect_error{"denied", std::nullopt};
                co_return std::nullopt;
            });
        coro.on_connection([](std::shared_ptr<sio_socket> const& s) { s->emit("in", "coro"); });
        // A connection handler that throws, run after middleware answered from another
        // thread (so from a posted handler): the server must carry on.
        auto& throws = sio.of("/throws");
        throws.use([this](std::shared_ptr<sio_socket> const&, socketio::next_fn next) {
            net::post(worker.ioc(), [next] { next(); });
        });
        throws.on_connection(
            [](std::shared_ptr<sio_socket> const&) { throw std::runtime_error("handler bug"); });
        // Middleware that answers only when the test says so.
        sio.of("/held").use([this](std::shared_ptr<sio_socket> const&, socketio::next_fn next) {
            std::lock_guard lock(mutex);
            held.push_back(next);
        });
        server.mount(sio.path(), sio.engine());
        ep = server.start();
    }
    ~sio_fixture() {
        // Handlers refer to this fixture: let every session close before its members go.
        server.stop();
        BOOST_TEST(io.wait_idle(5s));
    }

    std::size_t socket_count(std::string const& nsp = "/") { return sio.of(nsp).socket_count(); }

    bool eventually(std::function<bool()> const& pred, std::chrono::milliseconds timeout = 2s) {
        auto const until = std::chrono::steady_clock::now() + timeout;
        while (!pred()) {
            if (std::chrono::steady_clock::now() > until)
                return false;
            std::this_thread::sleep_for(5ms);
        }
        return true;
    }
};

/// Opens a WebSocket-only Engine.IO session and returns the client after the open packet.
awaitable<std::unique_ptr<ws_client>> open_session(tcp::endpoint at) {
    auto ws = std::make_unique<ws_client>(co_await net::this_coro::executor);
    bool const ok = co_await ws->connect(at, "/socket.io/?EIO=4&transport=websocket");
    BOOST_TEST_REQUIRE(ok);
    auto open = co_await ws->read();
    BOOST_TEST_REQUIRE(open.has_value());
    BOOST_TEST_REQUIRE(open->data.starts_with("0{"));
    co_return ws;
}

/// Text of the next frame, skipping pings; "<closed>" when the connection ended.
awaitable<std::string> next_text(ws_client& ws) {
    auto f = co_await ws.read_skipping_pings();
    co_return f ? f->data : std::string("<closed>");
}

/// One step of a conversation: a frame to send, then how many frames to collect.
struct step {
    std::string send;
    int replies;
};

/// Opens a WebSocket session and goes through `steps`; returns every frame collected.
awaitable<std::vector<std::string>> converse(tcp::endpoint at, std::vector<step> steps) {
    auto ws = co_await open_session(at);
    std::vector<std::string> out;
    for (auto const& s : steps) {
        co_await ws->send_text(s.send);
        for (int i = 0; i < s.replies; ++i)
            out.push_back(co_await next_text(*ws));
    }
    co_return out;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(socketio_server, sio_fixture)

BOOST_AUTO_TEST_CASE(connect_main_custom_dynamic_and_unknown_namespaces) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
        auto ws = co_await open_session(at);
        std::vector<std::string> out;
        co_await ws->send_text("40");
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text("40/admin,{\"token\":\"wrong\"}");
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text("40/admin,{\"token\":\"secret\"}");
        out.push_back(co_await next_text(*ws));
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text("40/dyn-42");
        out.push_back(co_await next_text(*ws));
        out.push_back(co_await next_text(*ws));
        co_await ws->send_text("40/random");
        out.push_back(co_await next_text(*ws));
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 7u);
    BOOST_TEST(frames[0].starts_with("40{\"sid\":\""));
    BOOST_TEST(boost::json::parse(frames[0].substr(2)).as_object().size() == 1u);
    BOOST_TEST(frames[1] == R"(44/admin,{"message":"not authorized","data":{"retry":false}})");
    BOOST_TEST(frames[2].starts_with("40/admin,{\"sid\":\""));
    BOOST_TEST(frames[3] == R"(42/admin,["welcome","admin"])");
    BOOST_TEST(frames[4].starts_with("40/dyn-42,{\"sid\":\""));
    BOOST_TEST(frames[5] == R"(42/dyn-42,["hi","/dyn-42"])");
    BOOST_TEST(frames[6] == R"(44/random,{"message":"Invalid namespace"})");
    // The client is gone once the coroutine returns: its sockets leave every namespace.
    BOOST_TEST(
        eventually([&] { return socket_count("/admin") == 0 && socket_count("/dyn-42") == 0; }));
}

BOOST_AUTO_TEST_CASE(a_parent_namespace_broadcasts_to_every_child) {
    auto const frames =
        io.run([](tcp::endpoint at, socketio::server& server_io,
                  socketio::parent_namespace& parent) -> awaitable<std::vector<std::string>> {
            std::vector<std::string> out;
            auto one = co_await open_session(at);
            co_await one->send_text("40/dyn-1,");
            co_await next_text(*one); // CONNECT
            co_await next_text(*one); // hi
            auto two = co_await open_session(at);
            co_await two->send_text("40/dyn-2,");
            co_await next_text(*two);
            co_await next_text(*two);
            auto main = co_await open_session(at);
            co_await main->send_text("40");
            co_await next_text(*main);

            parent.emit("news", 1);
            parent.to("vip").emit("vip-news", 2); // only /dyn-1's socket is in "vip"
            parent.emit("end");
            server_io.emit("main-only");
            for (int i = 0; i < 3; ++i)
                out.push_back(co_await next_text(*one));
            for (int i = 0; i < 2; ++i)
                out.push_back(co_await next_text(*two));
            out.push_back(co_await next_text(*main)); // none of the parent's broadcasts
            co_return out;
        }(ep, sio, *dynamic_parent));
    BOOST_TEST_REQUIRE(frames.size() == 6u);
    BOOST_TEST(frames[0] == R"(42/dyn-1,["news",1])");
    BOOST_TEST(frames[1] == R"(42/dyn-1,["vip-news",2])");
    BOOST_TEST(frames[2] == R"(42/dyn-1,["end"])");
    BOOST_TEST(frames[3] == R"(42/dyn-2,["news",1])");
    BOOST_TEST(frames[4] == R"(42/dyn-2,["end"])");
    BOOST_TEST(frames[5] == R"(42["main-only"])");
    BOOST_TEST(dynamic_parent->children().size() >= 2u);
}

BOOST_AUTO_TEST_CASE(client_acks_and_binary_round_trip) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<ws_frame>> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40");
        co_await next_text(*ws);
        std::vector<ws_frame> out;
        co_await ws->send_text(R"(427["echo",1,"2",{"3":[true]},null])");
        out.push_back(*co_await ws->read_skipping_pings());
        co_await ws->send_text(R"(451-8["echo",{"bin":{"_placeholder":true,"num":0}}])");
        co_await ws->send_binary(std::string("\x00\xff", 2));
        out.push_back(*co_await ws->read_skipping_pings());
        out.push_back(*co_await ws->read_skipping_pings());
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 3u);
    BOOST_TEST(frames[0].data == R"(437[1,"2",{"3":[true]},null])");
    BOOST_TEST(frames[1].data == R"(461-8[{"bin":{"_placeholder":true,"num":0}}])");
    BOOST_TEST(frames[2].binary);
    BOOST_TEST(frames[2].data == std::string("\x00\xff", 2));
}

BOOST_AUTO_TEST_CASE(event_middleware_rewrites_or_refuses_before_the_handlers) {
    // Refused: no handler, no ack; the error handler hears of it.
    auto const frames = io.run(converse(ep, {{"40", 1},
                                             {R"(421["echo","rewrite-me",2])", 1},
                                             {R"(422["forbidden","x"])", 1},
                                             {R"(423["echo","after"])", 1}}));
    BOOST_TEST_REQUIRE(frames.size() == 4u);
    BOOST_TEST(frames[1] == R"(431["rewritten",2])");
    BOOST_TEST(frames[2] == R"(42["error-seen","not allowed"])");
    BOOST_TEST(frames[3] == R"(433["after"])");
}

BOOST_AUTO_TEST_CASE(server_acks_answered_and_timed_out) {
    struct outcome {
        std::string emitted;
        std::string second;
    };
    std::promise<socketio::ack_result> answered, unanswered;
    auto const r =
        io.run([](tcp::endpoint at, sio_fixture& f, std::promise<socketio::ack_result>& a,
                  std::promise<socketio::ack_result>& b) -> awaitable<outcome> {
            auto ws = co_await open_session(at);
            co_await ws->send_text("40");
            co_await next_text(*ws);
            std::shared_ptr<sio_socket> s;
            {
                std::lock_guard lock(f.mutex);
                s = f.sockets.back();
            }
            s->emit_with_ack("question", socketio::make_payload(41), 2s,
                             [&a](socketio::ack_result res) { a.set_value(std::move(res)); });
            outcome out;
            out.emitted = co_await next_text(*ws);
            co_await ws->send_text("430[42,\"yes\"]");
            co_await ws->send_text("430[43]"); // a second answer for the same id is ignored
            s->emit_with_ack("ignored", socketio::make_payload(), 200ms,
                             [&b](socketio::ack_result res) { b.set_value(std::move(res)); });
            out.second = co_await next_text(*ws);
            // Stay connected past the 200 ms timeout: the callback must come from the timer,
            // not from the disconnect.
            net::steady_timer linger(co_await net::this_coro::executor, 500ms);
            co_await linger.async_wait(net::use_awaitable);
            co_return out;
        }(ep, *this, answered, unanswered));
    BOOST_TEST(r.emitted == R"(420["question",41])");
    BOOST_TEST(r.second == R"(421["ignored"])");
    auto fa = answered.get_future();
    BOOST_TEST_REQUIRE((fa.wait_for(2s) == std::future_status::ready));
    auto const a = fa.get();
    BOOST_TEST(!a.timed_out);
    BOOST_TEST(boost::json::serialize(a.args.args) == R"([42,"yes"])");
    auto fb = unanswered.get_future();
    BOOST_TEST_REQUIRE((fb.wait_for(2s) == std::future_status::ready));
    BOOST_TEST(fb.get().timed_out);
}

BOOST_AUTO_TEST_CASE(room_broadcasts_reach_exactly_the_members_across_threads) {
    constexpr int clients = 6;
    auto const received =
        io.run([](tcp::endpoint at,
                  socketio::server& srv) -> awaitable<std::vector<std::vector<std::string>>> {
            std::vector<std::unique_ptr<ws_client>> ws;
            for (int i = 0; i < clients; ++i) {
                ws.push_back(co_await open_session(at));
                co_await ws.back()->send_text("40");
                co_await next_text(*ws.back());
                // Even clients join "even", odd ones "odd".
                co_await ws.back()->send_text(
                    fmt::format(R"(421["join","{}"])", i % 2 ? "odd" : "even"));
                co_await next_text(*ws.back()); // the ack
            }
            // From a thread that is not an I/O thread.
            std::thread([&srv] {
                srv.to("even").emit("news", "for even");
                srv.except("even").emit("news", "for the rest");
                srv.emit("news", "for all");
            }).join();
            // A peer's broadcast to its room excludes itself.
            co_await ws[0]->send_text(R"(42["to-room","even"])");
            std::vector<std::vector<std::string>> out(clients);
            for (int i = 0; i < clients; ++i) {
                int const expected = i % 2 ? 2 : (i == 0 ? 2 : 3);
                for (int k = 0; k < expected; ++k)
                    out[static_cast<std::size_t>(i)].push_back(
                        co_await next_text(*ws[static_cast<std::size_t>(i)]));
                // Nothing more arrives.
                auto extra = co_await ws[static_cast<std::size_t>(i)]->read(150ms);
                if (extra)
                    out[static_cast<std::size_t>(i)].push_back("EXTRA " + extra->data);
            }
            co_return out;
        }(ep, sio));
    for (int i = 0; i < clients; ++i) {
        BOOST_TEST_CONTEXT("client " << i) {
            auto const& got = received[static_cast<std::size_t>(i)];
            std::vector<std::string> expected;
            if (i % 2) {
                expected = {R"(42["news","for the rest"])", R"(42["news","for all"])"};
            } else {
                expected = {R"(42["news","for even"])", R"(42["news","for all"])"};
                if (i != 0)
                    expected.push_back(R"(42["room-msg","from peer"])");
            }
            BOOST_TEST(got == expected, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(disconnects_clean_up_rooms_and_sockets) {
    io.run([](tcp::endpoint at) -> awaitable<bool> {
        auto a = co_await open_session(at);
        co_await a->send_text("40");
        co_await next_text(*a);
        co_await a->send_text(R"(421["join","lobby"])");
        co_await next_text(*a);
        co_await a->send_text("41"); // leaves the namespace, keeps the connection
        auto b = co_await open_session(at);
        co_await b->send_text("40");
        co_await next_text(*b);
        co_await b->send_text(R"(421["join","lobby"])");
        co_await next_text(*b);
        co_await b->send_text("1"); // closes the Engine.IO connection
        co_return true;
    }(ep));
    BOOST_TEST(eventually([&] { return socket_count() == 0; }));
    BOOST_TEST(sio.main().get_adapter().rooms().empty());
    std::lock_guard lock(mutex);
    BOOST_TEST_REQUIRE(disconnects.size() == 2u);
    BOOST_TEST(disconnects[0] == "client namespace disconnect");
    BOOST_TEST(disconnects[1] == "transport close");
}

BOOST_AUTO_TEST_CASE(server_side_disconnect_sends_41_and_keeps_the_connection) {
    auto const r = io.run([](tcp::endpoint at) -> awaitable<std::pair<std::string, std::string>> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40");
        co_await next_text(*ws);
        co_await ws->send_text(R"(42["leave-all"])");
        auto bye = co_await next_text(*ws);
        co_await ws->send_text("40"); // may connect again on the same connection
        auto again = co_await next_text(*ws);
        co_return std::pair{bye, again};
    }(ep));
    BOOST_TEST(r.first == "41");
    BOOST_TEST(r.second.starts_with("40{\"sid\":"));
    std::lock_guard lock(mutex);
    // The first socket left by the server's hand; the second may already have gone with
    // the client's connection.
    BOOST_TEST_REQUIRE(!disconnects.empty());
    BOOST_TEST(disconnects[0] == "server namespace disconnect");
    BOOST_TEST(std::count(disconnects.begin(), disconnects.end(), "server namespace disconnect") ==
               1);
}

BOOST_AUTO_TEST_CASE(no_connect_within_the_timeout_closes) {
    auto const closed = io.run([](tcp::endpoint at) -> awaitable<bool> {
        auto ws = co_await open_session(at);
        co_return co_await ws->closed_by_server(1500ms);
    }(ep));
    BOOST_TEST(closed);
    BOOST_TEST(eventually([&] { return sio.engine()->session_count() == 0; }));
}

BOOST_AUTO_TEST_CASE(malformed_packets_close_the_connection) {
    std::vector<std::string> const bad{
        "4abc",   R"(42{})",     R"(42abc["echo"])", R"(42["disconnect"])", R"(42/admin,["x"])",
        "40\x1e", R"(451-["x"])"};
    for (auto const& frame : bad) {
        BOOST_TEST_CONTEXT(frame) {
            auto const closed = io.run([](tcp::endpoint at, std::string text) -> awaitable<bool> {
                auto ws = co_await open_session(at);
                co_await ws->send_text("40");
                co_await next_text(*ws);
                co_await ws->send_text(text);
                if (text.starts_with("451-"))
                    co_await ws->send_text("42[\"x\"]"); // text while an attachment is due
                co_return co_await ws->closed_by_server();
            }(ep, frame));
            BOOST_TEST(closed);
        }
    }
    BOOST_TEST(eventually([&] { return socket_count() == 0; }));
}

BOOST_AUTO_TEST_CASE(binary_emit_and_reserved_names) {
    auto const frames =
        io.run([](tcp::endpoint at, sio_fixture& f) -> awaitable<std::vector<ws_frame>> {
            auto ws = co_await open_session(at);
            co_await ws->send_text("40");
            co_await next_text(*ws);
            std::shared_ptr<sio_socket> s;
            {
                std::lock_guard lock(f.mutex);
                s = f.sockets.back();
            }
            s->emit("file", "name.bin", socketio::binary{std::string("\x01\x02\x03", 3)});
            std::vector<ws_frame> out;
            out.push_back(*co_await ws->read_skipping_pings());
            out.push_back(*co_await ws->read_skipping_pings());
            co_return out;
        }(ep, *this));
    BOOST_TEST(frames[0].data == R"(451-["file","name.bin",{"_placeholder":true,"num":0}])");
    BOOST_TEST(frames[1].binary);
    BOOST_TEST(frames[1].data == std::string("\x01\x02\x03", 3));
    BOOST_CHECK_THROW(sio.emit("disconnect"), std::invalid_argument);
    BOOST_CHECK_THROW(sio.to("x").emit("connect", 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(middleware_sees_the_handshake_request) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
        std::vector<std::string> out;
        auto plain = co_await open_session(at);
        co_await plain->send_text("40/secure,");
        out.push_back(co_await next_text(*plain));

        auto ws = std::make_unique<ws_client>(co_await net::this_coro::executor);
        bool const ok = co_await ws->connect(at, "/socket.io/?EIO=4&transport=websocket&token=t0k");
        BOOST_TEST_REQUIRE(ok);
        co_await ws->read(); // the open packet
        co_await ws->send_text("40/secure,");
        out.push_back(co_await next_text(*ws));
        out.push_back(co_await next_text(*ws));
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 3u);
    BOOST_TEST(frames[0] == R"(44/secure,{"message":"bad token"})");
    BOOST_TEST(frames[1].starts_with("40/secure,{\"sid\":"));
    BOOST_TEST(frames[2] == R"(42/secure,["hs","127.0.0.1","127.0.0.1","4"])");
}

BOOST_AUTO_TEST_CASE(asynchronous_middleware_answers_later_from_another_thread) {
    auto const frames = io.run(
        converse(ep, {{R"(40/later,{"token":"nope"})", 1}, {R"(40/later,{"token":"ok"})", 2}}));
    BOOST_TEST_REQUIRE(frames.size() == 3u);
    BOOST_TEST(frames[0] == R"(44/later,{"message":"refused later","data":{"code":7}})");
    BOOST_TEST(frames[1].starts_with("40/later,{\"sid\":\""));
    // Both middlewares ran, in order, before the connection handler.
    BOOST_TEST(frames[2] == R"(42/later,["data",{"checked_by":"first","then":"second"}])");
}

BOOST_AUTO_TEST_CASE(coroutine_middleware_lets_in_refuses_or_fails_cleanly) {
    auto const frames = io.run(converse(ep, {{R"(40/coro,{"token":"no"})", 1},
                                             {R"(40/coro,{"token":"boom"})", 1},
                                             {R"(40/coro,{"token":"ok"})", 2}}));
    BOOST_TEST_REQUIRE(frames.size() == 4u);
    BOOST_TEST(frames[0] == R"(44/coro,{"message":"denied"})");
    // The exception's text stays in the server's log.
    BOOST_TEST(frames[1] == R"(44/coro,{"message":"Internal server error"})");
    BOOST_TEST(frames[2].starts_with("40/coro,{\"sid\":\""));
    BOOST_TEST(frames[3] == R"(42/coro,["in","coro"])");
}

BOOST_AUTO_TEST_CASE(a_throwing_connection_handler_after_late_middleware_is_contained) {
    auto const frames = io.run(converse(ep, {{"40/throws,", 1}, {"40", 1}}));
    BOOST_TEST_REQUIRE(frames.size() == 2u);
    BOOST_TEST(frames[0].starts_with("40/throws,{\"sid\":"));
    BOOST_TEST(frames[1].starts_with("40{\"sid\":")); // the connection still works
}

BOOST_AUTO_TEST_CASE(pending_middleware_a_second_connect_and_a_late_answer) {
    // A second CONNECT while the first waits is a protocol error: the connection closes.
    auto const after_second = io.run([](tcp::endpoint at) -> awaitable<std::string> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40/held,");
        co_await ws->send_text("40/held,");
        co_return co_await next_text(*ws);
    }(ep));
    BOOST_TEST(after_second == "<closed>");

    // An answer that comes after the client left is ignored: no socket joins.
    io.run([](tcp::endpoint at) -> awaitable<void> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40/held,");
        net::steady_timer pause(co_await net::this_coro::executor, 50ms);
        co_await pause.async_wait(net::use_awaitable);
    }(ep));
    BOOST_TEST_REQUIRE(eventually([&] {
        std::lock_guard lock(mutex);
        return held.size() == 2u; // the second CONNECT never reached it
    }));
    BOOST_TEST(eventually([&] { return sio.engine()->session_count() == 0; }));
    std::vector<socketio::next_fn> answers;
    {
        std::lock_guard lock(mutex);
        answers.swap(held);
    }
    for (auto& next : answers) {
        next();
        next(socketio::connect_error{"twice", std::nullopt}); // only the first call counts
    }
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(socket_count("/held") == 0u);
}

/// The id and the arguments of an EVENT on "/" with an ack id: 42<id>[...].
std::pair<std::string, std::string> split_ack_event(std::string const& frame) {
    if (!frame.starts_with("42"))
        return {};
    auto const open = frame.find('[');
    if (open == std::string::npos)
        return {};
    return {frame.substr(2, open - 2), frame.substr(open)};
}

/// The result of one broadcast with acknowledgements, set from an I/O thread.
struct ack_outcome {
    std::mutex mutex;
    std::optional<socketio::broadcast_ack_result> result;
    void set(socketio::broadcast_ack_result r) {
        std::lock_guard lock(mutex);
        result = std::move(r);
    }
    std::optional<socketio::broadcast_ack_result> get() {
        std::lock_guard lock(mutex);
        return result;
    }
};

/// What client `i` sends back to ack `id` ("" for nothing).
using survey_reply = std::function<std::string(std::size_t i, std::string const& id)>;

/// Asks the room "survey" with an acknowledgement; each client reads the question and sends
/// its reply; then waits (bounded) for the outcome. Returns each client's "<id><args>".
awaitable<std::vector<std::string>>
survey_round(socketio::server& server_io, std::vector<std::unique_ptr<ws_client>>& clients,
             std::string question, std::chrono::milliseconds timeout,
             std::shared_ptr<ack_outcome> outcome, survey_reply reply) {
    auto record = [outcome](socketio::broadcast_ack_result r) {
        outcome->set(std::move(r));
    };
    server_io.to("survey").emit_with_ack("ask", socketio::make_payload(question), timeout, record);
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        auto const [id, args] = split_ack_event(co_await next_text(*clients[i]));
        seen.push_back(id + args);
        if (auto const text = reply(i, id); !text.empty())
            co_await clients[i]->send_text(text);
    }
    for (int i = 0; i < 400 && !outcome->get(); ++i) {
        net::steady_timer pause(co_await net::this_coro::executor, 5ms);
        co_await pause.async_wait(net::use_awaitable);
    }
    co_return seen;
}

BOOST_AUTO_TEST_CASE(broadcast_with_acks_collects_every_answer_or_times_out) {
    auto all_answer = std::make_shared<ack_outcome>();
    auto one_silent = std::make_shared<ack_outcome>();
    auto one_leaves = std::make_shared<ack_outcome>();
    auto nobody = std::make_shared<ack_outcome>();

    auto const ids =
        io.run([](tcp::endpoint at, socketio::server& server_io, std::shared_ptr<ack_outcome> first,
                  std::shared_ptr<ack_outcome> second,
                  std::shared_ptr<ack_outcome> third) -> awaitable<std::vector<std::string>> {
            std::vector<std::unique_ptr<ws_client>> clients;
            for (int i = 0; i < 3; ++i) {
                auto ws = co_await open_session(at);
                co_await ws->send_text("40");
                co_await next_text(*ws);
                co_await ws->send_text(R"(420["join","survey"])");
                co_await next_text(*ws); // 430[true]
                clients.push_back(std::move(ws));
            }
            std::vector<std::string> seen_ids;
            auto const keep = [&](std::vector<std::string> const& round) {
                seen_ids.insert(seen_ids.end(), round.begin(), round.end());
            };

            // Everyone answers: done before the (long) timeout, answers in arrival order.
            survey_reply const everyone = [](std::size_t i, std::string const& id) {
                return fmt::format("43{}[\"a{}\"]", id, i);
            };
            keep(co_await survey_round(server_io, clients, "q1", 5s, first, everyone));

            // One stays silent: the timeout ends it with the answers that came.
            survey_reply const silent_second = [](std::size_t i, std::string const& id) {
                return i == 1 ? std::string() : fmt::format("43{}[{}]", id, i);
            };
            keep(co_await survey_round(server_io, clients, "q2", 300ms, second, silent_second));

            // One leaves without answering: it is not waited for.
            survey_reply const third_leaves = [](std::size_t i, std::string const& id) {
                return i == 2 ? std::string("41") : fmt::format("43{}[true]", id);
            };
            keep(co_await survey_round(server_io, clients, "q3", 5s, third, third_leaves));
            co_return seen_ids;
        }(ep, sio, all_answer, one_silent, one_leaves));

    // One packet per broadcast: the same id for every recipient, a new id per broadcast.
    BOOST_TEST_REQUIRE(ids.size() == 9u);
    for (std::size_t b = 0; b < 3; ++b) {
        BOOST_TEST(ids[3 * b] == ids[3 * b + 1]);
        BOOST_TEST(ids[3 * b] == ids[3 * b + 2]);
        BOOST_TEST(ids[3 * b].ends_with(fmt::format(R"(["ask","q{}"])", b + 1)));
    }
    BOOST_TEST(ids[0] != ids[3]);

    auto const r1 = all_answer->get();
    BOOST_TEST_REQUIRE(r1.has_value());
    BOOST_TEST(!r1->timed_out);
    BOOST_TEST_REQUIRE(r1->answers.size() == 3u);
    BOOST_TEST(r1->answers[0].args == boost::json::array{"a0"});
    BOOST_TEST(r1->answers[2].args == boost::json::array{"a2"});

    auto const r2 = one_silent->get();
    BOOST_TEST_REQUIRE(r2.has_value());
    BOOST_TEST(r2->timed_out);
    BOOST_TEST_REQUIRE(r2->answers.size() == 2u);
    BOOST_TEST(r2->answers[0].args == boost::json::array{0});
    BOOST_TEST(r2->answers[1].args == boost::json::array{2});

    auto const r3 = one_leaves->get();
    BOOST_TEST_REQUIRE(r3.has_value());
    BOOST_TEST(!r3->timed_out); // finished without waiting 5 s for the one that left
    BOOST_TEST(r3->answers.size() == 2u);

    // Nobody in the room: the callback runs at once with no answers.
    sio.to("empty-room").emit_with_ack("ask", socketio::make_payload("q4"), 5s, [nobody](auto r) {
        nobody->set(std::move(r));
    });
    auto const r4 = nobody->get();
    BOOST_TEST_REQUIRE(r4.has_value());
    BOOST_TEST(!r4->timed_out);
    BOOST_TEST(r4->answers.empty());
}

BOOST_AUTO_TEST_CASE(typed_handlers_convert_or_drop) {
    auto const frames = io.run([](tcp::endpoint at) -> awaitable<std::vector<std::string>> {
        auto ws = co_await open_session(at);
        co_await ws->send_text("40");
        co_await next_text(*ws);
        co_await ws->send_text(R"(42["typed",1,2])"); // wrong types: dropped with a log line
        co_await ws->send_text(R"(42["typed","x",41])");
        std::vector<std::string> out;
        out.push_back(co_await next_text(*ws));
        co_return out;
    }(ep));
    BOOST_TEST_REQUIRE(frames.size() == 1u);
    BOOST_TEST(frames[0] == R"(42["typed-back","x",42])");
}

BOOST_AUTO_TEST_CASE(server_object_lists_moves_and_disconnects_sockets_from_outside) {
    struct outcome {
        std::size_t in_even = 0, moved = 0;
        std::string news, bye_a, bye_b;
    };
    auto const r = io.run([](tcp::endpoint at, socketio::server& srv) -> awaitable<outcome> {
        std::vector<std::unique_ptr<ws_client>> ws;
        for (int i = 0; i < 3; ++i) {
            ws.push_back(co_await open_session(at));
            co_await ws.back()->send_text("40");
            co_await next_text(*ws.back());
            co_await ws.back()->send_text(
                fmt::format(R"(421["join","{}"])", i < 2 ? "even" : "odd"));
            co_await next_text(*ws.back());
        }
        outcome out;
        // From a plain thread, as a timer or another subsystem would.
        std::thread([&] {
            out.in_even = srv.to("even").sockets().size();
            srv.to("even").sockets_join("moved");
            out.moved = srv.to("moved").sockets().size();
            srv.to("moved").emit("news", "to moved");
            srv.to("moved").disconnect_sockets();
        }).join();
        out.news = co_await next_text(*ws[0]);
        out.bye_a = co_await next_text(*ws[0]);
        co_await next_text(*ws[1]); // its copy of the news
        out.bye_b = co_await next_text(*ws[1]);
        co_return out;
    }(ep, sio));
    BOOST_TEST(r.in_even == 2u);
    BOOST_TEST(r.moved == 2u);
    BOOST_TEST(r.news == R"(42["news","to moved"])");
    BOOST_TEST(r.bye_a == "41");
    BOOST_TEST(r.bye_b == "41");
}

BOOST_AUTO_TEST_SUITE_END()

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
    auto const until = std::chrono::steady_clock::now() + 2s;
    while (!gone() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(5ms);
    BOOST_TEST_REQUIRE(gone());
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
