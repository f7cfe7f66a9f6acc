// The shared Socket.IO test server: what its namespaces, middleware and handlers do is
// described in fixture.hpp.
#include "coro/socketio/fixture.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <stdexcept>
#include <thread>

namespace sio::test::sio_tests {

socketio::server_options options() {
    socketio::server_options o;
    o.engine.ping_interval = 2000ms; // long enough to stay out of the way
    o.engine.ping_timeout = 2000ms;
    o.connect_timeout = 400ms;
    return o;
}

bool eventually(std::function<bool()> const& pred, std::chrono::milliseconds timeout) {
    auto const until = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

sio_fixture::sio_fixture() {
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
        // Emits N messages of 100 kB, then "drained" with buffered_bytes() once they are out.
        s->on("flood", [](sio_socket& self, event& ev) {
            auto pending = std::make_shared<bool>(true);
            self.on_drain([pending](sio_socket& me) {
                if (std::exchange(*pending, false))
                    me.emit("drained", me.buffered_bytes());
            });
            for (int i = 0; i < ev.arg<int>(0).value_or(0); ++i)
                self.emit("big", std::string(100'000, 'x'));
            ev.ack(self.buffered_bytes());
        });
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
    admin.on_connection([](std::shared_ptr<sio_socket> const& s) { s->emit("welcome", "admin"); });
    dynamic_parent = &sio.of(
        [](std::string_view name, boost::json::value const&) { return name.starts_with("/dyn-"); },
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
    later.on_connection([](std::shared_ptr<sio_socket> const& s) { s->emit("data", s->data()); });
    // A coroutine middleware: waits, then lets in, refuses or throws.
    auto& coro = sio.of("/coro");
    coro.use(
        [](std::shared_ptr<sio_socket> s) -> awaitable<std::optional<socketio::connect_error>> {
            net::steady_timer pause(s->get_executor(), 20ms);
            co_await pause.async_wait(net::use_awaitable);
            auto const token = s->auth().is_object() && s->auth().as_object().if_contains("token")
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

sio_fixture::~sio_fixture() {
    // Handlers refer to this fixture: let every session close before its members go.
    server.stop();
    BOOST_TEST(io.wait_idle(5s));
}

std::shared_ptr<sio_socket> sio_fixture::last_socket() {
    std::lock_guard lock(mutex);
    return sockets.back();
}

awaitable<std::unique_ptr<ws_client>> open_session(tcp::endpoint at) {
    auto ws = std::make_unique<ws_client>(co_await net::this_coro::executor);
    bool const ok = co_await ws->connect(at, "/socket.io/?EIO=4&transport=websocket");
    BOOST_TEST_REQUIRE(ok);
    auto open = co_await ws->read();
    BOOST_TEST_REQUIRE(open.has_value());
    BOOST_TEST_REQUIRE(open->data.starts_with("0{"));
    co_return ws;
}

awaitable<std::string> next_text(ws_client& ws) {
    auto f = co_await ws.read_skipping_pings();
    co_return f ? f->data : std::string("<closed>");
}

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

} // namespace sio::test::sio_tests
