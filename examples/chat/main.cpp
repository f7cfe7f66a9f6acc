// A chat on two namespaces, built against the installed library:
//   "/"       "chat message" (text, ack): the server acknowledges it with {ok, id} and
//             broadcasts {from, text} to every other client; a client names itself with the
//             auth option {name}.
//   "/admin"  only for clients whose auth carries {token} equal to --token; "announce"
//             (text, ack) sends "announcement" to every client of "/" and acknowledges with
//             how many there were.
//
//   chat [--port N] [--host ADDR] [--token T]      (--port 0: a free port, printed as
//                                                   "Listening on port N")
#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <sio/core/io_pool.hpp>
#include <sio/core/log.hpp>
#include <sio/engineio/server.hpp> // what io.engine() returns, to mount
#include <sio/http/run.hpp>
#include <sio/http/server.hpp>
#include <sio/socketio/server.hpp>
#include <string>
#include <string_view>

namespace {

int usage(std::string_view error) {
    fmt::print(stderr, "chat: {}\nusage: chat [--port N] [--host ADDR] [--token T]\n", error);
    return 2;
}

/// The client's auth field `key` when it is a string, else `fallback`.
std::string auth_string(sio::socketio::socket const& s, std::string_view key,
                        std::string fallback) {
    auto const* auth = s.auth().if_object();
    auto const* value = auth ? auth->if_contains(key) : nullptr;
    return value && value->is_string() ? std::string(value->get_string()) : fallback;
}

} // namespace

int main(int argc, char** argv) {
    sio::http::server_config config;
    std::string token = "admin";
    for (int i = 1; i < argc; i += 2) {
        std::string_view const option = argv[i];
        if (i + 1 == argc)
            return usage(fmt::format("{} needs a value", option));
        std::string_view const value = argv[i + 1];
        if (option == "--port") {
            auto const last = value.data() + value.size();
            auto const [end, ec] = std::from_chars(value.data(), last, config.port);
            if (ec != std::errc{} || end != last)
                return usage(
                    fmt::format("--port expects a number from 0 to 65535, got '{}'", value));
        } else if (option == "--host") {
            config.host = value;
        } else if (option == "--token") {
            token = value;
        } else {
            return usage(fmt::format("unknown option '{}'", option));
        }
    }

    sio::io_pool pool{2};
    sio::http::server http_server{pool, config};
    sio::socketio::server io;
    std::atomic<std::uint64_t> last_id{0}; // handlers run on several threads

    io.on_connection([&last_id](std::shared_ptr<sio::socketio::socket> const& s) {
        s->on("chat message", [&last_id](sio::socketio::socket& self, sio::socketio::event& ev) {
            auto const text = ev.arg<std::string>(0);
            if (!text) {
                ev.ack(
                    boost::json::object{{"ok", false}, {"error", "the message must be a string"}});
                return;
            }
            auto const id = ++last_id;
            self.broadcast().emit(
                "chat message", boost::json::object{{"from", auth_string(self, "name", self.id())},
                                                    {"text", *text}});
            ev.ack(boost::json::object{{"ok", true}, {"id", id}});
        });
    });

    auto& admin = io.of("/admin");
    // Connect middleware: refuses with a CONNECT_ERROR the client sees as connect_error.
    admin.use([token](sio::socketio::socket& s) -> std::optional<sio::socketio::connect_error> {
        if (auth_string(s, "token", "") != token)
            return sio::socketio::connect_error{.message = "not authorized", .data = {}};
        return std::nullopt;
    });
    admin.on_connection([&io](std::shared_ptr<sio::socketio::socket> const& s) {
        s->on("announce", [&io](sio::socketio::socket&, sio::socketio::event& ev) {
            auto const text = ev.arg<std::string>(0).value_or("");
            io.emit("announcement", text); // every client of "/", from another namespace
            ev.ack(io.main().socket_count());
        });
    });
    http_server.mount(io.path(), io.engine());

    try {
        auto const bound = http_server.start();
        sio::log::out(fmt::format("Listening on port {}", bound.port()));
    } catch (std::exception const& e) {
        sio::log::error("cannot listen on {}:{}: {}", config.host, config.port, e.what());
        return 1;
    }
    sio::http::run_until_signal(pool, http_server);
    return 0;
}
