// A member of a Redis-backed cluster for the black-box cluster checks: the chapter's
// IO_CLIENT_JOIN_ROOM plus the test hooks of shared/docs/cluster-hooks.md, on namespace "/",
// key prefix "socket.io"; and, as tests/js/cluster/node_member.mjs has them, `survey`
// {room, timeoutMs} (a broadcast with acks of 'question', acked {error, answers sorted}),
// `sockets-join` / `sockets-leave` {room, target} and `disconnect-room` {room, close}.
// Also the server-side event `note`, relayed to its clients as `server-side-note`.
//
//   sio_cluster_member --port PORT --redis redis://HOST:PORT [--id NAME] [--host ADDR]
//
// Prints "cluster member <id> listening on port <port>" once it serves.
#include "sio/cluster/redis_adapter.hpp"
#include "sio/core/io_pool.hpp"
#include "sio/core/log.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/run.hpp"
#include "sio/http/server.hpp"
#include "sio/redis/url.hpp"
#include "sio/socketio/remote_socket.hpp"
#include "sio/socketio/server.hpp"

#include <boost/asio/strand.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <thread>

namespace {

using namespace sio;
using socketio::event;
using socketio::socket;

struct options {
    std::uint16_t port = 0;
    std::string host = "127.0.0.1";
    std::string redis = "redis://127.0.0.1:6379";
    std::string id;
};

[[noreturn]] void usage(std::string_view why) {
    fmt::print(stderr,
               "sio_cluster_member: {}\nusage: sio_cluster_member --port PORT --redis "
               "redis://HOST:PORT [--id NAME] [--host ADDR] [--log-level L]\n",
               why);
    std::exit(2);
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (i + 1 >= argc)
            usage(fmt::format("{} needs a value", arg));
        std::string_view const value = argv[++i];
        if (arg == "--port") {
            auto const [p, ec] = std::from_chars(value.data(), value.data() + value.size(), o.port);
            if (ec != std::errc{} || p != value.data() + value.size())
                usage("--port expects a number");
        } else if (arg == "--redis") {
            o.redis = value;
        } else if (arg == "--id") {
            o.id = value;
        } else if (arg == "--host") {
            o.host = value;
        } else if (arg == "--log-level") {
            auto const lvl = log::parse_level(value);
            if (!lvl)
                usage("unknown log level");
            log::set_level(*lvl);
        } else {
            usage(fmt::format("unknown option {}", arg));
        }
    }
    return o;
}

boost::json::array string_array(std::set<std::string> const& rooms) {
    boost::json::array out;
    for (auto const& r : rooms)
        out.emplace_back(r);
    return out;
}

/// `{rooms, except}` of a hook's argument: a string or an array of strings.
std::vector<std::string> names(boost::json::object const& o, std::string_view key) {
    std::vector<std::string> out;
    auto const* v = o.if_contains(key);
    if (!v)
        return out;
    if (v->is_string())
        out.emplace_back(v->as_string());
    if (v->is_array()) {
        for (auto const& e : v->as_array()) {
            if (e.is_string())
                out.emplace_back(e.as_string());
        }
    }
    return out;
}

/// `{error, answers}` as the Node member acks a survey: each client's first argument, sorted
/// (the clients answer strings), and Node's error text after a timeout.
socketio::payload survey_result(socketio::broadcast_ack_result const& r) {
    std::vector<std::string> answers;
    for (auto const& a : r.answers) {
        if (a.args.empty())
            answers.emplace_back();
        else if (a.args[0].is_string())
            answers.emplace_back(a.args[0].as_string());
        else
            answers.push_back(boost::json::serialize(a.args[0]));
    }
    std::sort(answers.begin(), answers.end());
    boost::json::object out;
    out["error"] =
        r.timed_out ? boost::json::value("operation has timed out") : boost::json::value();
    out["answers"] = boost::json::array(answers.begin(), answers.end());
    return socketio::make_payload(std::move(out));
}

void register_hooks(socketio::server& io, std::string const& id, std::uint16_t const& port) {
    auto& root = io.main();
    root.on_server_side("ping-servers", [id](boost::json::array args,
                                             adapter::server_answer reply) {
        if (!reply)
            return;
        auto const* in = args.empty() ? nullptr : args[0].if_object();
        boost::json::object out{{"server", id}};
        out["from"] = in && in->contains("from") ? in->at("from") : boost::json::value();
        out["payload"] = in && in->contains("payload") ? in->at("payload") : boost::json::value();
        reply(std::move(out));
    });
    // A server-side event from elsewhere (another member, an emitter), which nobody answers:
    // shown to this server's own clients as `server-side-note` with the event's arguments, so
    // that a test can see it arrive (not in cluster-hooks.md; tests/js/cluster_emitter).
    root.on_server_side("note", [&io](boost::json::array args, adapter::server_answer) {
        socketio::payload p;
        p.args = std::move(args);
        io.main().local().emit_payload("server-side-note", std::move(p));
    });
    io.on_connection([&io, id, &port](std::shared_ptr<socket> const& s) {
        s->on("IO_CLIENT_JOIN_ROOM", [&io](socket& self, event& ev) {
            auto const room = ev.arg<std::string>(0);
            if (!room)
                return;
            self.join(*room);
            io.emit("IO_SERVER_HELLO", "Hello everyone!");
            io.to(*room).emit("IO_SERVER_HELLO", fmt::format("Hello clients of room {}!", *room));
            self.emit("IO_SERVER_HELLO", "Hello you!");
        });
        s->on("whoami", [id, &port](socket& self, event& ev) {
            ev.ack(boost::json::object{
                {"id", id}, {"port", port}, {"impl", "cpp"}, {"sid", self.id()}});
        });
        s->on("join", [](socket& self, event& ev) {
            std::vector<std::string> rooms;
            if (auto const* a = ev.args().empty() ? nullptr : ev.args()[0].if_array()) {
                for (auto const& r : *a) {
                    if (r.is_string())
                        rooms.emplace_back(r.as_string());
                }
            } else if (auto r = ev.arg<std::string>(0)) {
                rooms.push_back(*r);
            }
            self.join(rooms);
            ev.ack(string_array(self.rooms()));
        });
        s->on("leave", [](socket& self, event& ev) {
            if (auto r = ev.arg<std::string>(0))
                self.leave(*r);
            ev.ack(string_array(self.rooms()));
        });
        s->on("relay", [&io](socket& self, event& ev) {
            auto const* spec = ev.args().empty() ? nullptr : ev.args()[0].if_object();
            if (!spec)
                return ev.ack(false);
            auto const* except_self = spec->if_contains("exceptSelf");
            auto target = except_self && except_self->is_bool() && except_self->as_bool()
                              ? self.broadcast()
                              : io.all();
            for (auto const& r : names(*spec, "rooms"))
                target = target.to(r);
            for (auto const& r : names(*spec, "except"))
                target = target.except(r);
            auto const* name = spec->if_contains("event");
            if (!name || !name->is_string())
                return ev.ack(false);
            // The args keep the event's binary attachments: their placeholders index them.
            socketio::payload p;
            if (auto const* args = spec->if_contains("args"); args && args->is_array())
                p.args = args->as_array();
            p.attachments = ev.data().attachments;
            target.emit_payload(std::string(name->as_string()), std::move(p));
            ev.ack(true);
        });
        s->on("fetch-room", [&io](socket&, event& ev) {
            auto const room = ev.arg<std::string>(0).value_or("");
            auto const ack = ev.responder(); // answered later, from any thread
            io.in(room).fetch_sockets(
                [ack](adapter::outcome<std::vector<socketio::remote_socket>> r) {
                    if (!r.ok())
                        return ack(socketio::make_payload(boost::json::object{{"error", r.error}}));
                    std::vector<std::string> ids;
                    for (auto const& s2 : r.value)
                        ids.push_back(s2.id());
                    std::sort(ids.begin(), ids.end());
                    boost::json::array out;
                    for (auto& i : ids)
                        out.emplace_back(i);
                    ack(socketio::make_payload(std::move(out)));
                });
        });
        s->on("server-side-emit", [&io, id](socket&, event& ev) {
            auto const ack = ev.responder();
            boost::json::object msg{{"from", id}};
            msg["payload"] = ev.args().empty() ? boost::json::value() : ev.args()[0];
            io.main().server_side_emit_with_ack(
                "ping-servers", boost::json::array{std::move(msg)},
                [ack](adapter::outcome<std::vector<boost::json::value>> r) {
                    boost::json::object out;
                    out["error"] = r.ok() ? boost::json::value() : boost::json::value(r.error);
                    out["responses"] = boost::json::array(r.value.begin(), r.value.end());
                    ack(socketio::make_payload(std::move(out)));
                });
        });
        s->on("survey", [&io](socket&, event& ev) {
            auto const* spec = ev.args().empty() ? nullptr : ev.args()[0].if_object();
            auto const room = spec ? names(*spec, "room") : std::vector<std::string>{};
            auto const* t = spec ? spec->if_contains("timeoutMs") : nullptr;
            auto const timeout = std::chrono::milliseconds(
                t && t->is_number() ? t->to_number<std::int64_t>() : 5000);
            auto const ack = ev.responder();
            auto target = io.all();
            for (auto const& r : room)
                target = target.to(r);
            target.emit_with_ack(
                "question", socketio::make_payload(), timeout,
                [ack](socketio::broadcast_ack_result r) { ack(survey_result(r)); });
        });
        // Cluster-wide room changes: `{room, target}` / `{room, close}`.
        auto const room_of = [](event& ev, std::string_view key) -> std::optional<std::string> {
            auto const* spec = ev.args().empty() ? nullptr : ev.args()[0].if_object();
            auto const* v = spec ? spec->if_contains(key) : nullptr;
            if (!v || !v->is_string())
                return std::nullopt;
            return std::string(v->as_string());
        };
        s->on("sockets-join", [&io, room_of](socket&, event& ev) {
            auto const room = room_of(ev, "room");
            auto const target = room_of(ev, "target");
            if (!room || !target)
                return ev.ack(false);
            io.in(*room).sockets_join(*target);
            ev.ack(true);
        });
        s->on("sockets-leave", [&io, room_of](socket&, event& ev) {
            auto const room = room_of(ev, "room");
            auto const target = room_of(ev, "target");
            if (!room || !target)
                return ev.ack(false);
            io.in(*room).sockets_leave(*target);
            ev.ack(true);
        });
        s->on("disconnect-room", [&io, room_of](socket&, event& ev) {
            auto const room = room_of(ev, "room");
            if (!room)
                return ev.ack(false);
            auto const* spec = ev.args()[0].if_object();
            auto const* close = spec->if_contains("close");
            // Acked first: with close, the asking socket may be one of those disconnected.
            ev.ack(true);
            io.in(*room).disconnect_sockets(close && close->is_bool() && close->as_bool());
        });
        s->on("count", [&io](socket&, event& ev) {
            auto const ack = ev.responder();
            auto const local = io.engine()->session_count();
            io.all().fetch_sockets([ack, local](auto r) {
                boost::json::object out{{"local", local}};
                out["cluster"] = r.ok() ? boost::json::value(r.value.size()) : boost::json::value();
                ack(socketio::make_payload(std::move(out)));
            });
        });
    });
}

} // namespace

int main(int argc, char** argv) {
    auto o = parse(argc, argv);
    if (o.id.empty())
        o.id = fmt::format("cpp-{}", o.port);
    redis::options ro;
    try {
        ro.where = redis::parse_url(o.redis);
    } catch (std::exception const& e) {
        usage(e.what());
    }
    io_pool pool{std::max(1u, std::thread::hardware_concurrency())};
    cluster::redis_link link(net::make_strand(pool.next()), ro);
    link.start();

    socketio::server_options so;
    so.adapter = link.adapter_factory();
    socketio::server io{so};
    std::uint16_t port = o.port;
    register_hooks(io, o.id, port);

    http::server_config hc;
    hc.host = o.host;
    hc.port = o.port;
    http::server server{pool, hc};
    server.mount(io.path(), io.engine());
    try {
        port = server.start().port();
    } catch (std::exception const& e) {
        log::error("cannot listen on {}:{}: {}", o.host, o.port, e.what());
        return 1;
    }
    fmt::print("cluster member {} listening on port {}\n", o.id, port);
    std::fflush(stdout);
    http::run_until_signal(pool, server, [&link] { link.stop(); });
    return 0;
}
