// sio_loadgen: a Socket.IO load generator (Engine.IO v4 + Socket.IO v5 over WebSocket or
// HTTP long-polling). Scenarios connect, echo, fanout and idle; one JSON line on stdout,
// progress on stderr. The stderr lines "sio_loadgen: phase load-start" and "... load-end"
// mark the measured phase (after the sessions are open, before they are closed) so that a
// driver such as tools/bench/compare.mjs can sample the server's CPU there. Scenario members
// splits a fan-out over several load-generator processes (tools/bench/cluster-scale.mjs).
#include "session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

namespace {

using namespace sio;
using namespace sio::loadgen;
using std::chrono::milliseconds;
using sessions = std::vector<std::shared_ptr<session>>;

/// Ephemeral ports per (source address, server address, server port) on Linux by default
/// (32768-60999): more sessions than this need --sources.
constexpr std::size_t ports_per_source = 28000;

struct options {
    std::string host = "127.0.0.1";
    std::string port = "3000";
    std::string scenario;
    transport kind = transport::websocket;
    std::size_t clients = 10;
    double duration = 5.0;
    double rate = 0; ///< 0: closed loop (echo), 1000 (fanout)
    std::size_t payload = 32;
    std::size_t senders = 1;
    unsigned threads = 1;
    std::size_t window = 0;     ///< fanout: broadcasts in flight (0: paced by rate)
    std::uint64_t count = 0;    ///< fanout: broadcasts to send (0: until duration)
    unsigned sources = 0;       ///< bind to 127.0.0.A ... 127.0.0.(A+N-1) (0: no bind)
    unsigned source_from = 1;   ///< A: the first source address's last byte
    bool senders_set = false;   ///< members: --senders given, so this process sends
    std::string start_file;     ///< members: wait for this file before the load
    std::size_t connects = 200; ///< handshakes in flight
    /// --member-url (repeatable): the room members (the clients) connect to these servers
    /// round-robin, e.g. two servers of one cluster; --url is then the senders' server.
    std::vector<std::pair<std::string, std::string>> member_urls; ///< host, port
};

/// "http://HOST:PORT[/...]" -> host, port.
std::pair<std::string, std::string> split_url(std::string_view url) {
    if (url.starts_with("http://"))
        url.remove_prefix(7);
    url = url.substr(0, url.find('/'));
    auto const colon = url.rfind(':');
    return {std::string(url.substr(0, colon)),
            colon == std::string_view::npos ? "80" : std::string(url.substr(colon + 1))};
}

template <class T>
bool parse_number(std::string_view text, T& out) {
    auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

std::optional<options> parse_cli(int argc, char** argv) {
    options o;
    bool ok = true;
    for (int i = 1; i < argc && ok; ++i) {
        std::string_view const key = argv[i];
        if (i + 1 >= argc)
            return std::nullopt;
        std::string_view const value = argv[++i];
        if (key == "--url") {
            std::tie(o.host, o.port) = split_url(value);
        } else if (key == "--member-url") {
            o.member_urls.push_back(split_url(value));
        } else if (key == "--scenario") {
            o.scenario = value;
        } else if (key == "--transport") {
            ok = value == "websocket" || value == "polling";
            o.kind = value == "polling" ? transport::polling : transport::websocket;
        } else if (key == "--clients") {
            ok = parse_number(value, o.clients) && o.clients > 0;
        } else if (key == "--duration") {
            ok = parse_number(value, o.duration) && o.duration > 0;
        } else if (key == "--rate") {
            ok = parse_number(value, o.rate) && o.rate >= 0;
        } else if (key == "--payload") {
            ok = parse_number(value, o.payload);
        } else if (key == "--senders") {
            ok = parse_number(value, o.senders) && o.senders > 0;
            o.senders_set = true;
        } else if (key == "--threads") {
            ok = parse_number(value, o.threads) && o.threads > 0;
        } else if (key == "--window") {
            ok = parse_number(value, o.window) && o.window > 0;
        } else if (key == "--count") {
            ok = parse_number(value, o.count) && o.count > 0;
        } else if (key == "--sources") {
            ok = parse_number(value, o.sources) && o.sources > 0 && o.sources < 255;
        } else if (key == "--source-from") {
            ok = parse_number(value, o.source_from) && o.source_from > 0 && o.source_from < 255;
        } else if (key == "--start-file") {
            o.start_file = value;
            ok = !value.empty();
        } else if (key == "--connects") {
            ok = parse_number(value, o.connects) && o.connects > 0;
        } else {
            ok = false;
        }
    }
    if (!ok ||
        (o.scenario != "connect" && o.scenario != "echo" && o.scenario != "fanout" &&
         o.scenario != "idle" && o.scenario != "members") ||
        o.source_from + o.sources > 256 || (o.scenario == "members" && o.count == 0))
        return std::nullopt;
    if (o.scenario == "members" && o.rate == 0)
        o.rate = 10;
    if (o.scenario == "fanout" && o.rate == 0)
        o.rate = 1000;
    if (o.window > 0 && o.count == 0)
        o.count = 1'000'000; // bounds the per-broadcast counters; --duration ends it first
    return o;
}

/// The closed-loop fan-out: at most `window` broadcasts whose delivery to every room member
/// is not complete yet.
struct window_state {
    std::uint64_t members = 0;
    std::unique_ptr<std::atomic<std::uint32_t>[]> received; ///< per sequence number
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::int64_t> last_complete_ns{0};
    std::uint64_t sent = 0; ///< on the run's strand only
    std::size_t next_sender = 0;
};

/// Where sessions connect: the address and the Host header.
struct server_addr {
    tcp::endpoint ep;
    std::string host_header;
};

/// Everything a run shares; the counters are atomic because sessions live on strands.
struct run_state {
    run_state(net::io_context& io, options o)
        : ioc(io)
        , opt(std::move(o)) {}

    net::io_context& ioc;
    options opt;
    server_addr main_server;                 ///< --url: the senders, and the clients by default
    std::vector<server_addr> member_servers; ///< --member-url, else main_server
    std::string host_header;                 ///< main_server's, for the log lines
    counters totals;                         ///< the clients
    counters sender_totals;                  ///< fanout senders (not room members)
    sessions clients;
    sessions senders;
    window_state win;
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> sent{0};
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> active_pacers{0};
    bool finished = false;
    double elapsed_s = 0;
    double setup_s = 0;
    std::uint64_t ops = 0;
    std::uint64_t delivered = 0;
    std::uint64_t expected = 0;
    std::uint64_t connected = 0;
    std::int64_t start_ns = 0;    ///< members: when the load started
    std::int64_t last_msg_ns = 0; ///< members: when the last "msg" arrived (2 ms resolution)
};

double seconds_since(steady::time_point t0) {
    return std::chrono::duration<double>(steady::now() - t0).count();
}

steady::duration setup_timeout(options const& o) {
    // 30 s, plus 2 ms per session for large runs (50 000 sessions: 130 s).
    return std::chrono::seconds(30) + milliseconds(2 * static_cast<long>(o.clients + o.senders));
}

void phase(char const* name) {
    fmt::print(stderr, "sio_loadgen: phase {}\n", name);
    std::fflush(stderr);
}

awaitable<void> sleep_for(milliseconds d) {
    net::steady_timer timer(co_await net::this_coro::executor, d);
    co_await timer.async_wait(use_tuple);
}

/// Polls `done` every 2 ms until it holds or `timeout` passed; returns its last value.
awaitable<bool> wait_until(std::function<bool()> done, steady::duration timeout) {
    auto const until = steady::now() + timeout;
    while (!done()) {
        if (steady::now() >= until)
            co_return false;
        co_await sleep_for(milliseconds(2));
    }
    co_return true;
}

/// Sleeps `seconds` (or until `done`), printing `progress()` to stderr once a second.
awaitable<void> measure(double seconds, std::function<std::string()> progress,
                        std::function<bool()> done = {}) {
    auto const t0 = steady::now();
    auto next_print = t0 + std::chrono::seconds(1);
    while (seconds_since(t0) < seconds && !(done && done())) {
        co_await sleep_for(milliseconds(done ? 2 : 20));
        if (steady::now() >= next_print) {
            fmt::print(stderr, "  {:.0f}s: {}\n", seconds_since(t0), progress());
            next_print += std::chrono::seconds(1);
        }
    }
}

awaitable<void> connect_worker(run_state& r, sessions& out, counters& totals,
                               std::vector<server_addr> const& servers,
                               std::atomic<std::size_t>& next, steady::time_point deadline,
                               std::atomic<std::size_t>& done) {
    for (;;) {
        auto const i = next++;
        if (i >= out.size() || steady::now() >= deadline)
            break;
        target to;
        auto const& server = servers[i % servers.size()];
        to.server = server.ep;
        to.host = server.host_header;
        if (r.opt.sources > 0)
            to.source = net::ip::address_v4(0x7f000000u + r.opt.source_from +
                                            static_cast<unsigned>(i % r.opt.sources));
        auto s = session::make(r.opt.kind, net::make_strand(r.ioc), totals);
        auto op = net::co_spawn(s->strand(), s->connect(to), net::use_awaitable);
        if (co_await std::move(op))
            s->start();
        else
            ++r.errors;
        out[i] = std::move(s);
    }
    ++done;
}

/// Opens `count` sessions into `out`, at most --connects handshakes at a time; none after
/// `deadline`. Returns the seconds it took.
awaitable<double> open_sessions(run_state& r, sessions& out, counters& totals, std::size_t count,
                                steady::time_point deadline) {
    bool const members = &out == &r.clients;
    auto const servers =
        members && !r.member_servers.empty() ? r.member_servers : std::vector{r.main_server};
    auto const t0 = steady::now();
    out.resize(count);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::size_t const workers = std::min(count, r.opt.connects);
    for (std::size_t i = 0; i < workers; ++i)
        net::co_spawn(r.ioc, connect_worker(r, out, totals, servers, next, deadline, done),
                      net::detached);
    auto next_print = t0 + std::chrono::seconds(1);
    while (done != workers) { // the hard timeout bounds it
        co_await sleep_for(milliseconds(2));
        if (steady::now() >= next_print) {
            fmt::print(stderr, "  {:.0f}s: {} of {} sessions open, {} failed\n", seconds_since(t0),
                       totals.open.load(), count, r.errors.load());
            next_print += std::chrono::seconds(1);
        }
    }
    auto const took = seconds_since(t0);
    fmt::print(stderr, "  {} of {} sessions open in {:.2f}s\n", totals.open.load(), count, took);
    co_return took;
}

/// Calls `fire` `per_second` times a second on `s`'s strand until r.stop.
awaitable<void> pace(run_state& r, std::shared_ptr<session> s, double per_second,
                     steady::duration offset, std::function<void(session&)> fire) {
    auto const interval = std::chrono::duration_cast<steady::duration>(
        std::chrono::duration<double>(1.0 / per_second));
    auto next = steady::now() + offset;
    net::steady_timer timer(co_await net::this_coro::executor);
    while (!r.stop) {
        timer.expires_at(next);
        co_await timer.async_wait(use_tuple);
        if (r.stop)
            break;
        fire(*s);
        next += interval;
        if (steady::now() - next > milliseconds(100))
            next = steady::now(); // fell behind: no burst to catch up
    }
    --r.active_pacers;
}

void start_pacers(run_state& r, sessions const& from, double total_rate,
                  std::function<void(session&)> const& fire) {
    auto const n = static_cast<double>(from.size());
    for (std::size_t i = 0; i < from.size(); ++i) {
        if (!from[i] || !from[i]->open())
            continue;
        auto const offset = std::chrono::duration_cast<steady::duration>(
            std::chrono::duration<double>(static_cast<double>(i) / total_rate));
        ++r.active_pacers;
        net::co_spawn(from[i]->strand(), pace(r, from[i], total_rate / n, offset, fire),
                      net::detached);
    }
}

awaitable<void> scenario_connect(run_state& r) {
    auto const t0 = steady::now();
    auto const deadline = t0 + std::chrono::duration_cast<steady::duration>(
                                   std::chrono::duration<double>(r.opt.duration));
    phase("load-start");
    r.setup_s = co_await open_sessions(r, r.clients, r.totals, r.opt.clients, deadline);
    phase("load-end");
    r.elapsed_s = seconds_since(t0);
    r.connected = r.ops = r.totals.open;
}

awaitable<void> scenario_idle(run_state& r) {
    r.setup_s = co_await open_sessions(r, r.clients, r.totals, r.opt.clients,
                                       steady::now() + setup_timeout(r.opt));
    phase("load-start");
    auto const t0 = steady::now();
    auto progress = [&r] {
        return fmt::format("{} open, {} pongs", r.totals.open.load(), r.totals.pongs.load());
    };
    co_await measure(r.opt.duration, progress);
    phase("load-end");
    r.elapsed_s = seconds_since(t0);
    r.connected = r.ops = r.totals.open;
}

awaitable<void> scenario_echo(run_state& r) {
    r.setup_s = co_await open_sessions(r, r.clients, r.totals, r.opt.clients,
                                       steady::now() + setup_timeout(r.opt));
    auto const args = fmt::format("[\"echo\",\"{}\"]", std::string(r.opt.payload, 'x'));
    phase("load-start");
    auto const t0 = steady::now();
    if (r.opt.rate > 0) {
        auto fire = [args](session& s) {
            s.emit_with_ack(args, true);
        };
        start_pacers(r, r.clients, r.opt.rate, fire);
    } else {
        for (auto const& s : r.clients) {
            if (!s || !s->open())
                continue;
            s->on_ack = [&r, args](session& self) {
                if (!r.stop)
                    self.emit_with_ack(args, true);
            };
            s->emit_with_ack(args, true);
        }
    }
    auto progress = [&r] {
        return fmt::format("{} acked", r.totals.acks.load());
    };
    co_await measure(r.opt.duration, progress);
    r.stop = true;
    auto drained = [&r] {
        return r.active_pacers == 0 && r.totals.in_flight == 0;
    };
    co_await wait_until(drained, std::chrono::seconds(3));
    phase("load-end");
    r.elapsed_s = seconds_since(t0);
    r.ops = r.totals.acks;
    r.errors += r.totals.in_flight;
    r.connected = r.totals.open;
}

std::string broadcast_frame(std::int64_t t, std::uint64_t seq, std::string const& payload) {
    return fmt::format("42[\"broadcast\",\"bench\",{{\"t\":{},\"s\":{},\"p\":\"{}\"}}]", t, seq,
                       payload);
}

/// Window mode, on the run's strand: sends broadcasts while fewer than --window are in
/// flight, round-robin over the open senders.
void fill_window(run_state& r, std::string const& payload) {
    auto& w = r.win;
    while (!r.stop && w.sent < r.opt.count && w.sent - w.completed < r.opt.window) {
        std::shared_ptr<session> sender;
        for (std::size_t tries = 0; tries < r.senders.size() && !sender; ++tries) {
            auto const& s = r.senders[w.next_sender++ % r.senders.size()];
            if (s && s->open())
                sender = s;
        }
        if (!sender)
            return;
        sender->send(broadcast_frame(now_ns(), w.sent, payload));
        ++w.sent;
        ++r.sent;
    }
}

awaitable<void> scenario_fanout(run_state& r) {
    auto const setup_deadline = steady::now() + setup_timeout(r.opt);
    r.setup_s = co_await open_sessions(r, r.clients, r.totals, r.opt.clients, setup_deadline);
    co_await open_sessions(r, r.senders, r.sender_totals, r.opt.senders, setup_deadline);
    for (auto const& s : r.clients)
        if (s && s->open())
            s->emit_with_ack("[\"join\",\"bench\"]", false);
    std::uint64_t const members = r.totals.open;
    auto joined = [&r, members] {
        return r.totals.acks >= members;
    };
    if (!co_await wait_until(joined, setup_deadline - steady::now()))
        ++r.errors;
    fmt::print(stderr, "  {} clients joined room bench\n", members);

    auto delivered = [&r] {
        return r.totals.messages.load();
    };
    auto const payload = std::string(r.opt.payload, 'x');
    bool const windowed = r.opt.window > 0;
    auto const strand = co_await net::this_coro::executor;
    if (windowed) {
        auto& w = r.win;
        w.members = members;
        w.received.reset(new std::atomic<std::uint32_t>[r.opt.count]);
        for (std::uint64_t i = 0; i < r.opt.count; ++i)
            w.received[i] = 0;
        auto on_sequence = [&r, strand, payload](std::uint64_t seq) {
            auto& win = r.win;
            if (seq >= r.opt.count || win.members == 0)
                return;
            if (win.received[seq].fetch_add(1, std::memory_order_acq_rel) + 1 != win.members)
                return;
            win.completed.fetch_add(1, std::memory_order_acq_rel);
            win.last_complete_ns = now_ns();
            auto refill = [&r, payload] {
                fill_window(r, payload);
            };
            net::post(strand, refill);
        };
        r.totals.on_sequence = on_sequence;
    }
    phase("load-start");
    auto const t0 = steady::now();
    auto const t0_ns = now_ns();
    if (windowed) {
        fill_window(r, payload);
    } else {
        auto fire = [&r, payload](session& s) {
            s.send(broadcast_frame(now_ns(), r.sent++, payload));
        };
        start_pacers(r, r.senders, r.opt.rate, fire);
    }
    auto progress = [&] {
        return fmt::format("{} sent, {} delivered", r.sent.load(), delivered());
    };
    auto all_done = [&r] {
        return r.win.completed >= r.opt.count;
    };
    if (windowed)
        co_await measure(r.opt.duration, progress, all_done);
    else
        co_await measure(r.opt.duration, progress);
    r.stop = true;
    auto stopped = [&r] {
        return r.active_pacers == 0;
    };
    co_await wait_until(stopped, std::chrono::seconds(2));

    // Drain: until everything arrived or nothing moved for a second (10 s at most).
    r.expected = r.sent * members;
    auto const drain_end = steady::now() + std::chrono::seconds(10);
    auto last = delivered();
    auto last_change = steady::now();
    while (last < r.expected && steady::now() < drain_end &&
           steady::now() - last_change < std::chrono::seconds(1)) {
        co_await sleep_for(milliseconds(20));
        if (auto const now_delivered = delivered(); now_delivered != last) {
            last = now_delivered;
            last_change = steady::now();
        }
    }
    phase("load-end");
    r.elapsed_s = seconds_since(t0);
    if (windowed && r.win.completed > 0) // until the last broadcast reached everyone
        r.elapsed_s = static_cast<double>(r.win.last_complete_ns - t0_ns) / 1e9;
    r.ops = r.sent;
    r.delivered = delivered();
    if (r.delivered != r.expected)
        r.errors += r.expected > r.delivered ? r.expected - r.delivered : 1;
    r.connected = r.totals.open;
}

/// One of several processes that share a fan-out: opens --clients room members, joins them,
/// prints "phase ready", waits for --start-file, then expects --count broadcasts per member
/// (sent by whichever process has --senders, paced at --rate). Ends when every member got
/// every broadcast or after --duration.
awaitable<void> scenario_members(run_state& r) {
    auto const setup_deadline = steady::now() + setup_timeout(r.opt);
    r.setup_s = co_await open_sessions(r, r.clients, r.totals, r.opt.clients, setup_deadline);
    phase("connected");
    if (r.opt.senders_set)
        co_await open_sessions(r, r.senders, r.sender_totals, r.opt.senders, setup_deadline);
    for (auto const& s : r.clients)
        if (s && s->open())
            s->emit_with_ack("[\"join\",\"bench\"]", false);
    std::uint64_t const members = r.totals.open;
    auto joined = [&r, members] {
        return r.totals.acks >= members;
    };
    if (!co_await wait_until(joined, setup_deadline - steady::now()))
        ++r.errors;
    fmt::print(stderr, "  {} clients joined room bench\n", members);
    phase("ready");
    if (!r.opt.start_file.empty()) {
        auto started = [&r] {
            return ::access(r.opt.start_file.c_str(), F_OK) == 0;
        };
        if (!co_await wait_until(started, setup_timeout(r.opt))) {
            fmt::print(stderr, "sio_loadgen: {} did not appear\n", r.opt.start_file);
            ++r.errors;
            r.connected = r.totals.open;
            co_return;
        }
    }
    phase("load-start");
    auto const t0 = steady::now();
    r.start_ns = now_ns();
    if (r.opt.senders_set) {
        auto const payload = std::string(r.opt.payload, 'x');
        auto fire = [&r, payload](session& s) {
            if (auto const seq = r.sent++; seq < r.opt.count)
                s.send(broadcast_frame(now_ns(), seq, payload));
        };
        start_pacers(r, r.senders, r.opt.rate, fire);
    }
    r.expected = members * r.opt.count;
    // Until every member got every broadcast (or --duration), noting when the last one came.
    auto const until = t0 + std::chrono::duration_cast<steady::duration>(
                                std::chrono::duration<double>(r.opt.duration));
    auto next_print = t0 + std::chrono::seconds(1);
    std::uint64_t last = 0;
    while (steady::now() < until) {
        if (r.opt.senders_set && r.sent >= r.opt.count)
            r.stop = true;
        auto const got = r.totals.messages.load();
        if (got != last) {
            last = got;
            r.last_msg_ns = now_ns();
        }
        if (got >= r.expected && (!r.opt.senders_set || r.stop))
            break;
        if (steady::now() >= next_print) {
            fmt::print(stderr, "  {:.0f}s: {} sent, {} of {} delivered\n", seconds_since(t0),
                       std::min<std::uint64_t>(r.sent, r.opt.count), got, r.expected);
            next_print += std::chrono::seconds(1);
        }
        co_await sleep_for(milliseconds(2));
    }
    r.stop = true;
    co_await wait_until([&r] { return r.active_pacers == 0; }, std::chrono::seconds(2));
    phase("load-end");
    r.ops = std::min<std::uint64_t>(r.sent, r.opt.count);
    r.delivered = r.totals.messages;
    r.elapsed_s = r.last_msg_ns > r.start_ns ? static_cast<double>(r.last_msg_ns - r.start_ns) / 1e9
                                             : seconds_since(t0);
    if (r.delivered != r.expected)
        r.errors += r.expected > r.delivered ? r.expected - r.delivered : 1;
    r.connected = r.totals.open;
}

awaitable<void> run_scenario(run_state& r) {
    fmt::print(stderr, "sio_loadgen: {} over {} against {}, {} clients\n", r.opt.scenario,
               r.opt.kind == transport::polling ? "polling" : "websocket", r.host_header,
               r.opt.clients);
    if (r.opt.scenario == "connect")
        co_await scenario_connect(r);
    else if (r.opt.scenario == "idle")
        co_await scenario_idle(r);
    else if (r.opt.scenario == "echo")
        co_await scenario_echo(r);
    else if (r.opt.scenario == "members")
        co_await scenario_members(r);
    else
        co_await scenario_fanout(r);
    // Sessions that the server closed count as errors; then close the rest.
    r.errors += r.totals.dropped + r.sender_totals.dropped;
    r.finished = true;
    for (auto const& s : r.clients)
        if (s)
            s->close();
    for (auto const& s : r.senders)
        if (s)
            s->close();
    auto closed = [&r] {
        return r.totals.open + r.sender_totals.open == 0;
    };
    co_await wait_until(closed, std::chrono::seconds(3) +
                                    milliseconds(static_cast<long>(r.opt.clients / 10)));
    r.ioc.stop();
}

double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto const s = [](timeval const& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return s(ru.ru_utime) + s(ru.ru_stime);
}

/// Percentile p (0..1) of sorted samples; 0 when there are none.
std::uint64_t percentile(std::vector<std::uint32_t> const& sorted, double p) {
    if (sorted.empty())
        return 0;
    return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

/// With --member-url: the delivery latencies of each member server's clients, so that a
/// cluster run shows the cross-server deliveries apart from the local ones.
std::string report_by_member_server(run_state const& r) {
    if (r.member_servers.size() < 2)
        return {};
    std::string out = ",\"by_member_server\":[";
    for (std::size_t m = 0; m < r.member_servers.size(); ++m) {
        std::vector<std::uint32_t> lat;
        std::size_t clients = 0;
        for (std::size_t i = m; i < r.clients.size(); i += r.member_servers.size()) {
            if (!r.clients[i])
                continue;
            ++clients;
            lat.insert(lat.end(), r.clients[i]->latencies().begin(),
                       r.clients[i]->latencies().end());
        }
        std::sort(lat.begin(), lat.end());
        out += fmt::format("{}{{\"server\":\"{}\",\"clients\":{},\"delivered\":{},"
                           "\"latency_us\":{{\"p50\":{},\"p99\":{},\"p999\":{},\"max\":{}}}}}",
                           m ? "," : "", r.member_servers[m].host_header, clients, lat.size(),
                           percentile(lat, 0.5), percentile(lat, 0.99), percentile(lat, 0.999),
                           percentile(lat, 1.0));
    }
    return out + "]";
}

std::string report(run_state const& r) {
    std::vector<std::uint32_t> lat;
    bool const connect_latency = r.opt.scenario == "connect" || r.opt.scenario == "idle";
    for (auto const& s : r.clients) {
        if (!s)
            continue;
        if (connect_latency) {
            if (s->connect_us() > 0)
                lat.push_back(static_cast<std::uint32_t>(s->connect_us()));
        } else {
            lat.insert(lat.end(), s->latencies().begin(), s->latencies().end());
        }
    }
    std::sort(lat.begin(), lat.end());
    auto pct = [&lat](double p) {
        return percentile(lat, p);
    };
    auto rate = [](double n, double s) {
        return s > 0 ? n / s : 0.0;
    };
    double const ops_per_s = rate(static_cast<double>(r.ops), r.elapsed_s);
    double const delivered_per_s = rate(static_cast<double>(r.delivered), r.elapsed_s);
    double const connects_per_s = rate(static_cast<double>(r.connected), r.setup_s);
    // Written by hand: Boost.JSON 1.81 prints doubles as 5.001E0.
    return fmt::format(
        "{{\"scenario\":\"{}\",\"transport\":\"{}\",\"clients\":{},\"duration_s\":{:.3f},"
        "\"ops\":{},\"ops_per_s\":{:.0f},\"delivered\":{},\"expected\":{},"
        "\"delivered_per_s\":{:.0f},\"errors\":{},\"connected\":{},\"setup_s\":{:.3f},"
        "\"connects_per_s\":{:.0f},\"window\":{},\"loadgen_cpu_s\":{:.3f},"
        "\"latency_us\":{{\"p50\":{},\"p99\":{},\"p999\":{},\"max\":{}}}{}{}}}",
        r.opt.scenario, r.opt.kind == transport::polling ? "polling" : "websocket", r.opt.clients,
        r.elapsed_s, r.ops, ops_per_s, r.delivered, r.expected, delivered_per_s,
        r.errors.load() + (r.finished ? 0 : 1), r.connected, r.setup_s, connects_per_s,
        r.opt.window, cpu_seconds(), pct(0.5), pct(0.99), pct(0.999), pct(1.0),
        report_by_member_server(r),
        r.opt.scenario == "members"
            ? fmt::format(",\"start_ns\":{},\"last_msg_ns\":{}", r.start_ns, r.last_msg_ns)
            : std::string{});
}

/// Raises the open-file limit to its hard limit; warns when `needed` descriptors won't fit.
void raise_fd_limit(std::size_t needed) {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && needed > rl.rlim_cur)
        fmt::print(stderr,
                   "sio_loadgen: warning: {} sockets needed but the open-file limit is {} "
                   "(raise the hard limit: prlimit --nofile=N:N, needs CAP_SYS_RESOURCE)\n",
                   needed, static_cast<std::uint64_t>(rl.rlim_cur));
}

} // namespace

int main(int argc, char** argv) {
    auto opt = parse_cli(argc, argv);
    if (!opt) {
        fmt::print(
            stderr,
            "usage: sio_loadgen --url http://HOST:PORT --scenario "
            "connect|echo|fanout|idle|members\n"
            "       [--transport websocket|polling] [--clients N] [--duration SECONDS]\n"
            "       [--rate PER_SECOND] [--payload BYTES] [--senders K] [--threads T]\n"
            "       [--window W [--count K]]   fanout closed loop: at most W broadcasts not yet\n"
            "                                  received by every member; stop after K\n"
            "       [--sources N]              bind to 127.0.0.1 ... 127.0.0.N (> 28k sessions)\n"
            "       [--source-from A]          ... to 127.0.0.A ... 127.0.0.(A+N-1) instead\n"
            "       [--connects C]             handshakes in flight (default 200)\n"
            "       [--member-url URL]...      the clients connect to these servers round-robin\n"
            "                                  (a cluster); --url is the senders' server\n"
            "  members: one of several processes sharing a fan-out. Opens --clients members,\n"
            "  joins them to room bench, prints 'phase ready', waits for --start-file PATH to\n"
            "  exist (if given), then expects --count K broadcasts per member; with --senders S\n"
            "  this process also sends the K broadcasts, paced at --rate R/s (default 10). Ends\n"
            "  when all arrived or after --duration; JSON adds start_ns and last_msg_ns\n"
            "  (steady clock, comparable across processes).\n");
        return 2;
    }
    std::size_t const per_session = opt->kind == transport::polling ? 2 : 1;
    raise_fd_limit((opt->clients + opt->senders) * per_session + 64);
    if (opt->clients * per_session > ports_per_source * std::max(1u, opt->sources))
        fmt::print(stderr,
                   "sio_loadgen: warning: about {} connections per source address fit; "
                   "pass --sources N\n",
                   ports_per_source);

    net::io_context ioc{static_cast<int>(opt->threads)};
    run_state r{ioc, *opt};
    auto resolve = [&ioc](std::string const& host, std::string const& port) {
        tcp::resolver resolver{ioc};
        try {
            return std::optional{server_addr{*resolver.resolve(host, port).begin(),
                                             fmt::format("{}:{}", host, port)}};
        } catch (std::exception const& e) {
            fmt::print(stderr, "sio_loadgen: cannot resolve {}:{}: {}\n", host, port, e.what());
            return std::optional<server_addr>{};
        }
    };
    auto main_server = resolve(opt->host, opt->port);
    if (!main_server)
        return 1;
    r.main_server = *main_server;
    r.host_header = r.main_server.host_header;
    for (auto const& [host, port] : opt->member_urls) {
        auto member = resolve(host, port);
        if (!member)
            return 1;
        r.member_servers.push_back(std::move(*member));
    }

    // The hard timeout: whatever happens, the run ends.
    auto const limit = std::chrono::duration_cast<steady::duration>(
                           std::chrono::duration<double>(opt->duration + 60)) +
                       setup_timeout(*opt);
    net::steady_timer watchdog{ioc, limit};
    watchdog.async_wait([&ioc](boost::system::error_code ec) {
        if (!ec) {
            fmt::print(stderr, "sio_loadgen: hard timeout\n");
            ioc.stop();
        }
    });
    net::co_spawn(net::make_strand(ioc), run_scenario(r), net::detached);
    {
        std::vector<std::jthread> pool;
        for (unsigned i = 1; i < opt->threads; ++i)
            pool.emplace_back([&ioc] { ioc.run(); });
        ioc.run();
    }
    auto const line = report(r);
    fmt::print("{}\n", line);
    std::fflush(stdout);
    return r.errors == 0 && r.finished ? 0 : 1;
}
