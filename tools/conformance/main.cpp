// The server the official protocol suites expect: /engine.io/ echoes every message on
// its session; /socket.io/ serves namespaces / and /custom with the suite's handlers;
// pingInterval 300, pingTimeout 200, maxPayload 1000000, connect timeout 1000, CORS open.
// Beyond the suites, /auth shows asynchronous middleware to client tests: it waits 20 ms
// (a stand-in for a token lookup), then admits auth {"token":"letmein"} and refuses the
// rest with {"message":"unauthorized","data":{"reason":"bad token"}}. On /auth, the event
// `survey` (question, timeout ms) asks every socket of /auth for an acknowledgement and
// answers the asker with `survey-result` (timed out?, the answers' first arguments).
// /recovering/ is a second Socket.IO server with connection state recovery (see below).
#include "sio/core/log.hpp"
#include "sio/engineio/connection.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/run.hpp"
#include "sio/http/server.hpp"
#include "sio/socketio/server.hpp"

#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <csignal>
#include <thread>
#include <vector>

namespace {

using namespace sio;

/// Sends every message back on the session it came from.
class echo_listener final : public engineio::session_listener {
public:
    explicit echo_listener(std::weak_ptr<engineio::connection> s)
        : session_(std::move(s)) {}
    void on_message(std::string text) override {
        if (auto s = session_.lock())
            s->send(engineio::make_text_message(text));
    }
    void on_binary(std::string bytes) override {
        if (auto s = session_.lock())
            s->send(engineio::make_binary_message(std::move(bytes)));
    }
    void on_close(engineio::disconnect_reason) override {}

private:
    std::weak_ptr<engineio::connection> session_;
};

class echo_handler final : public engineio::handler {
public:
    std::shared_ptr<engineio::session_listener>
    on_open(std::shared_ptr<engineio::connection> const& s) override {
        return std::make_shared<echo_listener>(s);
    }
};

engineio::config suite_config(std::string path) {
    engineio::config c;
    c.path = std::move(path);
    c.ping_interval = std::chrono::milliseconds(300);
    c.ping_timeout = std::chrono::milliseconds(200);
    c.max_payload = 1'000'000;
    c.cors.enabled = true;
    return c;
}

} // namespace

int main(int argc, char** argv) {
    std::uint16_t port = 3000;
    if (argc > 1) {
        std::string_view const arg = argv[1];
        auto const [ptr, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), port);
        if (ec != std::errc{} || ptr != arg.data() + arg.size()) {
            fmt::print(stderr, "usage: sio_conformance_server [PORT] [LOG-LEVEL]\n");
            return 2;
        }
    }
    if (argc > 2) {
        if (auto lvl = log::parse_level(argv[2]))
            log::set_level(*lvl);
    }
    unsigned const threads = std::max(1u, std::thread::hardware_concurrency());
    io_pool pool{threads};

    http::server_config hc;
    hc.host = "127.0.0.1";
    hc.port = port;
    http::server server{pool, hc};
    auto eio = std::make_shared<engineio::server>(suite_config("/engine.io/"),
                                                  std::make_shared<echo_handler>());
    server.mount(eio->settings().path, eio);

    socketio::server_options sio_options;
    sio_options.engine = suite_config("/socket.io/");
    sio_options.connect_timeout = std::chrono::milliseconds(1000);
    socketio::server io{sio_options};
    io.on_connection([](std::shared_ptr<socketio::socket> const& s) {
        s->emit("auth", s->auth());
        s->on("message", [](socketio::socket& self, socketio::event& ev) {
            self.emit_payload("message-back", ev.data());
        });
        s->on("message-with-ack",
              [](socketio::socket&, socketio::event& ev) { ev.ack_payload(ev.data()); });
    });
    io.of("/auth").use([](std::shared_ptr<socketio::socket> s)
                           -> awaitable<std::optional<socketio::connect_error>> {
        net::steady_timer lookup(s->get_executor(), std::chrono::milliseconds(20));
        co_await lookup.async_wait(net::use_awaitable);
        auto const* auth = s->auth().if_object();
        auto const* token = auth ? auth->if_contains("token") : nullptr;
        if (token && *token == "letmein") {
            s->data() = boost::json::object{{"user", "alice"}};
            co_return std::nullopt;
        }
        co_return socketio::connect_error{"unauthorized",
                                          boost::json::value{{"reason", "bad token"}}};
    });
    io.of("/auth").on_connection([&io](std::shared_ptr<socketio::socket> const& s) {
        s->emit("welcome", s->data());
        // A broadcast with acknowledgements: every socket of /auth is asked; the asker gets
        // the answers (or those in time) back.
        s->on("survey", [&io](socketio::socket& asker, socketio::event& ev) {
            auto const question = ev.arg<std::string>(0).value_or("?");
            auto const timeout = std::chrono::milliseconds(ev.arg<std::int64_t>(1).value_or(2000));
            auto reply = [weak = asker.weak_from_this()](socketio::broadcast_ack_result r) {
                boost::json::array answers;
                for (auto& a : r.answers)
                    answers.emplace_back(a.args.empty() ? boost::json::value() : a.args.front());
                if (auto a = weak.lock())
                    a->emit("survey-result", r.timed_out, std::move(answers));
            };
            io.of("/auth").all().emit_with_ack("question", socketio::make_payload(question),
                                               timeout, reply);
        });
    });
    io.of("/custom").on_connection(
        [](std::shared_ptr<socketio::socket> const& s) { s->emit("auth", s->auth()); });
    server.mount(io.path(), io.engine());

    // A second Socket.IO server at /recovering/ with connection state recovery (it changes
    // what every event carries, so it stays out of the suites' way): greets with `hello`
    // (recovered?); `join` (room) acks true; `shout` (room, payload) emits `news` to the room.
    socketio::server_options recovering_options;
    recovering_options.engine = suite_config("/recovering/");
    recovering_options.engine.ping_interval = std::chrono::milliseconds(2000);
    recovering_options.engine.ping_timeout = std::chrono::milliseconds(2000);
    recovering_options.connection_state_recovery.enabled = true;
    socketio::server recovering{recovering_options};
    recovering.on_connection([&recovering](std::shared_ptr<socketio::socket> const& s) {
        s->emit("hello", s->recovered());
        s->on("join", [](socketio::socket& self, socketio::event& ev) {
            self.join(ev.arg<std::string>(0).value_or(""));
            ev.ack(true);
        });
        s->on("shout", [&recovering](socketio::socket&, socketio::event& ev) {
            recovering.to(ev.arg<std::string>(0).value_or(""))
                .emit("news", ev.args().size() > 1 ? ev.args()[1] : boost::json::value());
            ev.ack(true);
        });
    });
    server.mount(recovering.path(), recovering.engine());

    auto const ep = server.start();
    log::out(fmt::format("conformance server on http://127.0.0.1:{} (/engine.io/ echo, "
                         "/socket.io/ suite handlers)",
                         ep.port()));

    http::run_until_signal(pool, server);
    return 0;
}
