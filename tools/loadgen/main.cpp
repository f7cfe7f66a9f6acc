// sio_loadgen: a Socket.IO load generator (Engine.IO v4 + Socket.IO v5 over WebSocket).
// Scenarios connect, echo, fanout and idle; one JSON line on stdout, progress on stderr.
#include "session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <thread>

namespace {

using namespace sio;
using namespace sio::loadgen;
using std::chrono::milliseconds;
using sessions = std::vector<std::shared_ptr<session>>;

constexpr std::size_t max_concurrent_connects = 200;
constexpr auto setup_timeout = std::chrono::seconds(30);

struct options {
    std::string host = "127.0.0.1";
    std::string port = "3000";
    std::string scenario;
    std::size_t clients = 10;
    double duration = 5.0;
    double rate = 0; ///< 0: closed loop (echo), 1000 (fanout)
    std::size_t payload = 32;
    std::size_t senders = 1;
    unsigned threads = 1;
};

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
            auto rest = value;
            if (rest.starts_with("http://"))
                rest.remove_prefix(7);
            rest = rest.substr(0, rest.find('/'));
            auto const colon = rest.rfind(':');
            o.host = std::string(rest.substr(0, colon));
            o.port = colon == std::string_view::npos ? "80" : std::string(rest.substr(colon + 1));
        } else if (key == "--scenario") {
            o.scenario = value;
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
        } else if (key == "--threads") {
            ok = parse_number(value, o.threads) && o.threads > 0;
        } else {
            ok = false;
        }
    }
    if (!ok || (o.scenario != "connect" && o.scenario != "echo" && o.scenario != "fanout" &&
                o.scenario != "idle"))
        return std::nullopt;
    if (o.scenario == "fanout" && o.rate == 0)
        o.rate = 1000;
    return o;
}

/// Everything a run shares; the counters are atomic because sessions live on strands.
struct run_state {
    run_state(net::io_context& io, options o)
        : ioc(io)
        , opt(std::move(o)) {}

    net::io_context& ioc;
    options opt;
    tcp::endpoint ep;
    std::string host_header;
    sessions clients;
    sessions senders;
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> sent{0};
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> active_pacers{0};
    bool finished = false;
    double elapsed_s = 0;
    std::uint64_t ops = 0;
    std::uint64_t delivered = 0;
    std::uint64_t expected = 0;
    std::uint64_t connected = 0;
};

template <class F>
std::uint64_t sum(sessions const& all, F f) {
    std::uint64_t total = 0;
    for (auto const& s : all)
        if (s)
            total += f(*s);
    return total;
}

std::uint64_t open_count(sessions const& all) {
    return sum(all, [](session const& s) -> std::uint64_t { return s.open() ? 1 : 0; });
}

double seconds_since(steady::time_point t0) {
    return std::chrono::duration<double>(steady::now() - t0).count();
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

/// Sleeps `seconds`, printing `progress()` to stderr once a second.
awaitable<void> measure(double seconds, std::function<std::string()> progress) {
    auto const t0 = steady::now();
    auto next_print = t0 + std::chrono::seconds(1);
    while (seconds_since(t0) < seconds) {
        co_await sleep_for(milliseconds(20));
        if (steady::now() >= next_print) {
            fmt::print(stderr, "  {:.0f}s: {}\n", seconds_since(t0), progress());
            next_print += std::chrono::seconds(1);
        }
    }
}

awaitable<void> connect_worker(run_state& r, sessions& out, std::atomic<std::size_t>& next,
                               steady::time_point deadline, std::atomic<std::size_t>& done) {
    for (;;) {
        auto const i = next++;
        if (i >= out.size() || steady::now() >= deadline)
            break;
        auto s = std::make_shared<session>(net::make_strand(r.ioc));
        auto op = net::co_spawn(s->strand(), s->connect(r.ep, r.host_header), net::use_awaitable);
        if (co_await std::move(op))
            s->start();
        else
            ++r.errors;
        out[i] = std::move(s);
    }
    ++done;
}

/// Opens `count` sessions into `out`, at most 200 handshakes at a time; none after `deadline`.
awaitable<void> open_sessions(run_state& r, sessions& out, std::size_t count,
                              steady::time_point deadline) {
    out.resize(count);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::size_t const workers = std::min(count, max_concurrent_connects);
    for (std::size_t i = 0; i < workers; ++i)
        net::co_spawn(r.ioc, connect_worker(r, out, next, deadline, done), net::detached);
    auto all_done = [&] {
        return done == workers;
    };
    co_await wait_until(all_done, std::chrono::hours(1)); // the hard timeout bounds it
    fmt::print(stderr, "  {} of {} sessions open\n", open_count(out), count);
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
    co_await open_sessions(r, r.clients, r.opt.clients, deadline);
    r.elapsed_s = seconds_since(t0);
    r.connected = r.ops = open_count(r.clients);
}

awaitable<void> scenario_idle(run_state& r) {
    co_await open_sessions(r, r.clients, r.opt.clients, steady::now() + setup_timeout);
    auto const t0 = steady::now();
    auto progress = [&r] {
        return fmt::format("{} open, {} pongs", open_count(r.clients),
                           sum(r.clients, [](session const& s) { return s.pongs(); }));
    };
    co_await measure(r.opt.duration, progress);
    r.elapsed_s = seconds_since(t0);
    r.connected = r.ops = open_count(r.clients);
}

awaitable<void> scenario_echo(run_state& r) {
    co_await open_sessions(r, r.clients, r.opt.clients, steady::now() + setup_timeout);
    auto const args = fmt::format("[\"echo\",\"{}\"]", std::string(r.opt.payload, 'x'));
    auto acks = [&r] {
        return sum(r.clients, [](session const& s) { return s.acks(); });
    };
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
    auto progress = [&] {
        return fmt::format("{} acked", acks());
    };
    co_await measure(r.opt.duration, progress);
    r.stop = true;
    auto drained = [&r] {
        return r.active_pacers == 0 &&
               sum(r.clients, [](session const& s) { return s.in_flight(); }) == 0;
    };
    co_await wait_until(drained, std::chrono::seconds(3));
    r.elapsed_s = seconds_since(t0);
    r.ops = acks();
    r.errors += sum(r.clients, [](session const& s) { return s.in_flight(); });
    r.connected = open_count(r.clients);
}

awaitable<void> scenario_fanout(run_state& r) {
    auto const setup_deadline = steady::now() + setup_timeout;
    co_await open_sessions(r, r.clients, r.opt.clients, setup_deadline);
    co_await open_sessions(r, r.senders, r.opt.senders, setup_deadline);
    for (auto const& s : r.clients)
        if (s && s->open())
            s->emit_with_ack("[\"join\",\"bench\"]", false);
    auto const members = open_count(r.clients);
    auto joined = [&r, members] {
        return sum(r.clients, [](session const& s) { return s.acks(); }) >= members;
    };
    if (!co_await wait_until(joined, setup_deadline - steady::now()))
        ++r.errors;
    fmt::print(stderr, "  {} clients joined room bench\n", members);

    auto delivered = [&r] {
        return sum(r.clients, [](session const& s) { return s.messages(); });
    };
    auto const payload = std::string(r.opt.payload, 'x');
    auto fire = [&r, payload](session& s) {
        s.send(fmt::format("42[\"broadcast\",\"bench\",{{\"t\":{},\"p\":\"{}\"}}]", now_ns(),
                           payload));
        ++r.sent;
    };
    auto const t0 = steady::now();
    start_pacers(r, r.senders, r.opt.rate, fire);
    auto progress = [&] {
        return fmt::format("{} sent, {} delivered", r.sent.load(), delivered());
    };
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
    r.elapsed_s = seconds_since(t0);
    r.ops = r.sent;
    r.delivered = delivered();
    if (r.delivered != r.expected)
        r.errors += r.expected > r.delivered ? r.expected - r.delivered : 1;
    r.connected = open_count(r.clients);
}

awaitable<void> run_scenario(run_state& r) {
    fmt::print(stderr, "sio_loadgen: {} against {}, {} clients\n", r.opt.scenario, r.host_header,
               r.opt.clients);
    if (r.opt.scenario == "connect")
        co_await scenario_connect(r);
    else if (r.opt.scenario == "idle")
        co_await scenario_idle(r);
    else if (r.opt.scenario == "echo")
        co_await scenario_echo(r);
    else
        co_await scenario_fanout(r);
    // Sessions that the server closed count as errors; then close the rest.
    r.errors += sum(r.clients, [](session const& s) -> std::uint64_t { return s.dropped(); });
    r.errors += sum(r.senders, [](session const& s) -> std::uint64_t { return s.dropped(); });
    r.finished = true;
    for (auto const& s : r.clients)
        if (s)
            s->close();
    for (auto const& s : r.senders)
        if (s)
            s->close();
    auto closed = [&r] {
        return open_count(r.clients) + open_count(r.senders) == 0;
    };
    co_await wait_until(closed, std::chrono::seconds(3));
    r.ioc.stop();
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
    auto pct = [&lat](double p) -> std::uint64_t {
        if (lat.empty())
            return 0;
        auto const i = static_cast<std::size_t>(p * static_cast<double>(lat.size() - 1));
        return lat[i];
    };
    double const ops_per_s = r.elapsed_s > 0 ? static_cast<double>(r.ops) / r.elapsed_s : 0;
    // Written by hand: Boost.JSON 1.81 prints doubles as 5.001E0.
    return fmt::format("{{\"scenario\":\"{}\",\"clients\":{},\"duration_s\":{:.3f},\"ops\":{},"
                       "\"ops_per_s\":{:.0f},\"delivered\":{},\"expected\":{},\"errors\":{},"
                       "\"connected\":{},\"latency_us\":{{\"p50\":{},\"p99\":{},\"max\":{}}}}}",
                       r.opt.scenario, r.opt.clients, r.elapsed_s, r.ops, ops_per_s, r.delivered,
                       r.expected, r.errors.load() + (r.finished ? 0 : 1), r.connected, pct(0.5),
                       pct(0.99), pct(1.0));
}

} // namespace

int main(int argc, char** argv) {
    auto opt = parse_cli(argc, argv);
    if (!opt) {
        fmt::print(stderr,
                   "usage: sio_loadgen --url http://HOST:PORT --scenario connect|echo|fanout|idle\n"
                   "       [--clients N] [--duration SECONDS] [--rate PER_SECOND]\n"
                   "       [--payload BYTES] [--senders K] [--threads T]\n");
        return 2;
    }
    net::io_context ioc{static_cast<int>(opt->threads)};
    run_state r{ioc, *opt};
    try {
        tcp::resolver resolver{ioc};
        r.ep = *resolver.resolve(opt->host, opt->port).begin();
    } catch (std::exception const& e) {
        fmt::print(stderr, "sio_loadgen: cannot resolve {}:{}: {}\n", opt->host, opt->port,
                   e.what());
        return 1;
    }
    r.host_header = fmt::format("{}:{}", opt->host, opt->port);

    // The hard timeout: whatever happens, the run ends.
    net::steady_timer watchdog{ioc, std::chrono::duration_cast<steady::duration>(
                                        std::chrono::duration<double>(opt->duration + 60))};
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
