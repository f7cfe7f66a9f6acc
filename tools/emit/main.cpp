// sio_emit: one emit (or join, leave, disconnect, server-side emit) into a Redis-backed
// Socket.IO cluster of Node and C++ servers, through sio::cluster::emitter (what Node's
// @socket.io/redis-emitter publishes). For operations and scripts.
//
//   sio_emit --redis URL [--key PREFIX] [--nsp NSP] [--to ROOM]... [--except ROOM]...
//            [--volatile] [--timeout MS] [--log-level L] ACTION
//   ACTION:  EVENT [ARG]...                emit EVENT to the matching sockets
//            --server-side EVENT [ARG]...  every server's server-side listeners of EVENT
//            --join ROOM [--join ROOM]...  the matching sockets join the rooms
//            --leave ROOM [--leave ROOM]...
//            --disconnect [--close]        the matching sockets disconnect (--close: their
//                                          connections too)
//   Each ARG is JSON ('"text"', 42, '{"a":1}'), or @FILE: FILE's bytes as a binary argument.
//
// Exits 0 once Redis has processed the publish (a PING sent after it on the same connection
// has been answered), 1 when it could not be published within --timeout (default 5000 ms),
// 2 on a usage error.
#include "sio/cluster/emitter.hpp"
#include "sio/core/log.hpp"
#include "sio/redis/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace sio;

enum class action { none, emit, server_side, join, leave, disconnect };

struct options {
    std::string redis;
    std::string key = "socket.io";
    std::string nsp = "/";
    std::vector<std::string> to, except, join, leave;
    bool is_volatile = false;
    bool close = false;
    unsigned timeout_ms = 5000;
    action what = action::none;
    std::string event;
    std::vector<std::string> args;
};

[[noreturn]] void usage(std::string_view why) {
    fmt::print(stderr,
               "sio_emit: {}\n"
               "usage: sio_emit --redis URL [--key PREFIX] [--nsp NSP] [--to ROOM]... "
               "[--except ROOM]...\n"
               "                [--volatile] [--timeout MS] [--log-level L] ACTION\n"
               "  ACTION: EVENT [ARG]...  |  --server-side EVENT [ARG]...  |  --join ROOM...  "
               "|\n"
               "          --leave ROOM...  |  --disconnect [--close]\n"
               "  ARG: JSON, or @FILE for FILE's bytes as a binary argument\n",
               why);
    std::exit(2);
}

void set_action(options& o, action a) {
    if (o.what != action::none && o.what != a)
        usage("give one action");
    o.what = a;
}

options parse(int argc, char** argv) {
    options o;
    int i = 1;
    auto value = [&](std::string_view name) -> std::string {
        if (i + 1 >= argc)
            usage(fmt::format("{} needs a value", name));
        return argv[++i];
    };
    for (; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg == "--") {
            ++i;
            break;
        }
        if (!arg.starts_with("--"))
            break;
        if (arg == "--redis") {
            o.redis = value(arg);
        } else if (arg == "--key") {
            o.key = value(arg);
        } else if (arg == "--nsp") {
            o.nsp = value(arg);
        } else if (arg == "--to") {
            o.to.push_back(value(arg));
        } else if (arg == "--except") {
            o.except.push_back(value(arg));
        } else if (arg == "--volatile") {
            o.is_volatile = true;
        } else if (arg == "--timeout") {
            auto const v = value(arg);
            auto const [p, ec] = std::from_chars(v.data(), v.data() + v.size(), o.timeout_ms);
            if (ec != std::errc{} || p != v.data() + v.size())
                usage("--timeout expects a number of milliseconds");
        } else if (arg == "--log-level") {
            auto const lvl = log::parse_level(value(arg));
            if (!lvl)
                usage("unknown log level");
            log::set_level(*lvl);
        } else if (arg == "--server-side") {
            set_action(o, action::server_side);
        } else if (arg == "--join") {
            set_action(o, action::join);
            o.join.push_back(value(arg));
        } else if (arg == "--leave") {
            set_action(o, action::leave);
            o.leave.push_back(value(arg));
        } else if (arg == "--disconnect") {
            set_action(o, action::disconnect);
        } else if (arg == "--close") {
            o.close = true;
        } else {
            usage(fmt::format("unknown option {}", arg));
        }
    }
    if (o.redis.empty())
        usage("--redis is required");
    if (o.what == action::none)
        o.what = action::emit;
    bool const takes_event = o.what == action::emit || o.what == action::server_side;
    if (takes_event) {
        if (i >= argc)
            usage("no EVENT");
        o.event = argv[i++];
        for (; i < argc; ++i)
            o.args.emplace_back(argv[i]);
    } else if (i < argc) {
        usage(fmt::format("unexpected argument {}", argv[i]));
    }
    if (o.close && o.what != action::disconnect)
        usage("--close goes with --disconnect");
    return o;
}

/// An ARG: JSON, or @FILE as binary.
void push_arg(protocol::payload& p, std::string const& arg, bool binary_allowed) {
    if (arg.starts_with('@')) {
        if (!binary_allowed)
            usage("binary (@FILE) does not survive a server-side emit (it is JSON)");
        std::ifstream in(arg.substr(1), std::ios::binary);
        if (!in)
            usage(fmt::format("cannot read {}", arg.substr(1)));
        std::ostringstream bytes;
        bytes << in.rdbuf();
        p.push(protocol::binary{std::move(bytes).str()});
        return;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(arg, ec);
    if (ec)
        usage(
            fmt::format("{} is not JSON ({}); a string is written '\"text\"'", arg, ec.message()));
    p.push(std::move(v));
}

} // namespace

int main(int argc, char** argv) {
    auto const o = parse(argc, argv);
    redis::options ro;
    try {
        ro.where = redis::parse_url(o.redis);
    } catch (std::exception const& e) {
        usage(e.what());
    }
    protocol::payload p;
    for (auto const& a : o.args)
        push_arg(p, a, o.what == action::emit);

    net::io_context ioc;
    cluster::emitter io(ioc.get_executor(), ro, cluster::emitter_options{o.key});
    auto const ns = io.of(o.nsp);
    auto target = ns.all();
    for (auto const& r : o.to)
        target = target.to(r);
    for (auto const& r : o.except)
        target = target.except(r);
    if (o.is_volatile)
        target = target.volatile_();
    try {
        switch (o.what) {
        case action::emit:
            target.emit_payload(o.event, std::move(p));
            break;
        case action::server_side:
            ns.server_side_emit_args(o.event, std::move(p.args));
            break;
        case action::join:
            target.sockets_join(o.join);
            break;
        case action::leave:
            target.sockets_leave(o.leave);
            break;
        case action::disconnect:
            target.disconnect_sockets(o.close);
            break;
        case action::none:
            break;
        }
    } catch (std::exception const& e) {
        usage(e.what()); // a reserved event name
    }

    int rc = 1;
    io.flush(
        [&](std::string const& error) {
            if (!error.empty())
                fmt::print(stderr, "sio_emit: not published: {}\n", error);
            else if (io.get_stats().dropped_publishes > 0)
                fmt::print(stderr, "sio_emit: not published: dropped from the outage buffer\n");
            else
                rc = 0;
            ioc.stop();
        },
        std::chrono::milliseconds(o.timeout_ms));
    ioc.run();
    return rc;
}
