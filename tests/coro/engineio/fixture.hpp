// The Engine.IO server in-process on 127.0.0.1:0, for the coro/engineio tests: a handler
// that echoes and records closes, the test configuration, and a fixture that mounts the
// server and talks to it through Beast HTTP and WebSocket clients.
#pragma once

#include "sio/engineio/connection.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/server.hpp"

#include "common/http_client.hpp"
#include "common/io_runner.hpp"
#include "common/loopback.hpp"
#include "common/ws_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sio::test::eio_tests {

using namespace std::chrono_literals;
using engineio::disconnect_reason;

/// Echoes every message and records what happened to each session.
class recording_handler final : public engineio::handler {
public:
    struct listener final : engineio::session_listener {
        listener(recording_handler& h, std::shared_ptr<engineio::connection> s)
            : owner(h)
            , session(s) {}
        void on_message(std::string text) override {
            if (auto s = session.lock())
                s->send(engineio::make_text_message(text));
        }
        void on_binary(std::string bytes) override {
            if (auto s = session.lock())
                s->send(engineio::make_binary_message(std::move(bytes)));
        }
        void on_close(disconnect_reason reason) override {
            std::lock_guard lock(owner.mutex);
            owner.closes.push_back(reason);
        }
        recording_handler& owner;
        std::weak_ptr<engineio::connection> session;
    };

    std::shared_ptr<engineio::session_listener>
    on_open(std::shared_ptr<engineio::connection> const& s) override {
        std::lock_guard lock(mutex);
        sessions.push_back(s);
        return std::make_shared<listener>(*this, s);
    }

    std::vector<disconnect_reason> close_reasons() {
        std::lock_guard lock(mutex);
        return closes;
    }
    std::shared_ptr<engineio::connection> last_session() {
        std::lock_guard lock(mutex);
        return sessions.empty() ? nullptr : sessions.back().lock();
    }

    std::mutex mutex;
    std::vector<disconnect_reason> closes;
    std::vector<std::weak_ptr<engineio::connection>> sessions;
};

/// Opens a WebSocket-only session on `ws` and reads its open packet.
inline awaitable<void> open_websocket(ws_client& ws, tcp::endpoint at) {
    co_await ws.connect(at, "/engine.io/?EIO=4&transport=websocket");
    co_await ws.read();
}

inline engineio::config test_config() {
    engineio::config c;
    c.path = "/engine.io/";
    c.ping_interval = 300ms;
    c.ping_timeout = 200ms;
    c.max_payload = 100'000;
    c.upgrade_timeout = 1s;
    return c;
}

/// test_config() with CORS for https://app.example (credentials) and permessage-deflate.
inline engineio::config with_cors_and_deflate() {
    auto c = test_config();
    c.cors.enabled = true;
    c.cors.origins = {"https://app.example"};
    c.cors.credentials = true;
    c.per_message_deflate = true;
    return c;
}

struct eio_fixture {
    io_runner io;
    std::shared_ptr<recording_handler> handler = std::make_shared<recording_handler>();
    std::shared_ptr<engineio::server> eio;
    http::server server;
    tcp::endpoint ep;

    explicit eio_fixture(engineio::config cfg = test_config(),
                         http::server_config http_cfg = loopback_config())
        : server(io.ioc(), std::move(http_cfg)) {
        eio = std::make_shared<engineio::server>(std::move(cfg), handler);
        server.mount("/engine.io/", eio);
        ep = server.start();
    }
    ~eio_fixture() { server.stop(); }

    http_response request(std::string target, bhttp::verb verb = bhttp::verb::get,
                          std::string body = {}) {
        auto req = make_get("/engine.io/" + target, verb);
        req.body() = std::move(body);
        return io.run(fetch(ep, std::move(req)));
    }
    /// A polling handshake; returns the sid.
    std::string open_polling() {
        auto const res = request("?EIO=4&transport=polling");
        BOOST_TEST_REQUIRE(res.result_int() == 200u);
        BOOST_TEST_REQUIRE(res.body().starts_with("0{"));
        return std::string(boost::json::parse(res.body().substr(1)).at("sid").as_string());
    }
    static std::string polling(std::string const& sid) {
        return "?EIO=4&transport=polling&sid=" + sid;
    }
    /// Waits (bounded) until the registry is empty; true when it is.
    bool sessions_drain(std::chrono::milliseconds timeout = 2s) {
        auto const until = std::chrono::steady_clock::now() + timeout;
        while (eio->session_count() != 0 && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(5ms);
        return eio->session_count() == 0;
    }
    bool closed_with(disconnect_reason r, std::chrono::milliseconds timeout = 2s) {
        auto const until = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto const reasons = handler->close_reasons();
            if (std::find(reasons.begin(), reasons.end(), r) != reasons.end())
                return true;
            if (std::chrono::steady_clock::now() > until)
                return false;
            std::this_thread::sleep_for(5ms);
        }
    }
};

} // namespace sio::test::eio_tests
