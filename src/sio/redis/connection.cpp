#include "sio/redis/connection.hpp"

#include "sio/core/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <string_view>

namespace sio::redis::detail {

using tcp = net::ip::tcp;
using std::chrono::milliseconds;

struct connection::link {
    explicit link(net::any_io_executor const& ex)
        : sock(ex)
        , resolver(ex)
        , deadline(ex)
        , watch(ex) {}

    void close() {
        boost::system::error_code ignored;
        sock.close(ignored);
        resolver.cancel();
        deadline.cancel();
        watch.cancel();
    }

    tcp::socket sock;
    tcp::resolver resolver;
    net::steady_timer deadline; ///< connect_timeout, while connecting
    net::steady_timer watch;    ///< the watchdog's tick
    bool alive = true;
    bool writing = false;
    bool timed_out = false;
    std::string why; ///< why it was dropped, when we dropped it
    std::vector<std::string> queued;
    std::vector<char> read_buffer = std::vector<char>(std::size_t{64} << 10);
    clock::time_point up_since{};
};

namespace {

std::string describe(boost::system::error_code ec) {
    if (ec == net::error::eof)
        return "closed by the server";
    return ec.message();
}

std::int64_t ms(clock::duration d) {
    return std::chrono::duration_cast<milliseconds>(d).count();
}

} // namespace

connection::connection(net::any_io_executor ex, options o, std::string_view role)
    : ex_(std::move(ex))
    , opt_(std::move(o))
    , name_(fmt::format("redis {} {}:{}", role, opt_.where.host, opt_.where.port))
    , backoff_(ex_) {}

connection::~connection() = default;

void connection::start() {
    post([this] {
        if (started_ || stopping())
            return;
        started_ = true;
        net::co_spawn(ex_, run(), [name = name_](std::exception_ptr e) {
            if (e)
                log::error("{}: stopped by an exception: {}", name, log::describe(e));
        });
    });
}

void connection::stop() {
    stopping_.store(true, std::memory_order_relaxed);
    post([this] { shutdown(); });
}

void connection::shutdown() {
    backoff_.cancel();
    if (link_)
        drop_link(*link_, "redis: stopped");
}

stats connection::get_stats() const {
    stats s;
    s.connected = connected_.load(std::memory_order_relaxed);
    s.ready = ready_.load(std::memory_order_relaxed);
    s.reconnects = reconnects_.load(std::memory_order_relaxed);
    s.dropped_publishes = dropped_.load(std::memory_order_relaxed);
    s.buffered_publishes = buffered_.load(std::memory_order_relaxed);
    s.buffered_bytes = buffered_bytes_.load(std::memory_order_relaxed);
    s.messages = messages_.load(std::memory_order_relaxed);
    return s;
}

void connection::send(std::string frame) {
    if (!link_ || !link_->alive)
        return;
    link_->queued.push_back(std::move(frame));
    if (!link_->writing) {
        link_->writing = true;
        net::co_spawn(ex_, write_loop(shared_from_this(), link_), net::detached);
    }
}

void connection::drop(std::string why) {
    if (link_)
        drop_link(*link_, std::move(why));
}

void connection::drop_link(link& l, std::string why) {
    if (!l.alive)
        return;
    l.alive = false;
    l.why = std::move(why);
    l.close(); // the reader and the writer end with operation_aborted
}

awaitable<void> connection::run() {
    auto const self = shared_from_this(); // the owner may go while this runs
    unsigned failures = 0;                // sets the backoff
    unsigned attempts = 0;                // failed since the last good connection, for the log
    bool ever_up = false;
    auto outage_since = clock::now();
    auto last_failure_log = clock::time_point{};
    std::string last_failure;
    while (!stopping()) {
        auto const l = std::make_shared<link>(ex_);
        link_ = l;
        reply_reader reader(opt_.max_reply_bytes);
        std::string why;
        bool const opened = co_await open(l, reader, why);
        if (opened && !stopping()) {
            if (ever_up)
                reconnects_.fetch_add(1, std::memory_order_relaxed);
            if (attempts > 0 || ever_up)
                log::info("{}: connected after {} attempt(s), {} ms after the connection was "
                          "lost or first tried",
                          name_, attempts + 1, ms(clock::now() - outage_since));
            else
                log::debug("{}: connected", name_);
            ever_up = true;
            failures = 0;
            attempts = 0;
            last_failure.clear();
            l->up_since = last_rx_ = clock::now();
            up_ = true;
            connected_.store(true, std::memory_order_relaxed);
            net::co_spawn(ex_, watchdog(self, l), net::detached);
            on_up();
            auto const lost = co_await read_loop(l, reader);
            up_ = false;
            connected_.store(false, std::memory_order_relaxed);
            drop_link(*l, lost);
            auto unwritten = std::move(l->queued);
            l->queued.clear();
            link_.reset();
            outage_since = clock::now();
            // A connection that dies young (Redis at maxclients, say) backs off; one that
            // lived is retried at once.
            failures = outage_since - l->up_since >= std::chrono::seconds(1) ? 0 : 1;
            if (!stopping())
                log::warn("{}: connection lost ({}); reconnecting", name_, l->why);
            on_down(stopping() ? "redis: stopped" : "redis: connection lost", std::move(unwritten));
        } else {
            drop_link(*l, why);
            link_.reset();
            if (stopping())
                break;
            ++failures;
            ++attempts;
            auto const now = clock::now();
            // One line when an outage starts or its reason changes, then one per 10 s.
            if (why != last_failure || now - last_failure_log >= std::chrono::seconds(10)) {
                log::warn("{}: cannot connect ({}); attempt {}, retrying", name_, why, attempts);
                last_failure = why;
                last_failure_log = now;
            } else {
                log::debug("{}: cannot connect ({}); attempt {}", name_, why, attempts);
            }
        }
        if (stopping())
            break;
        if (failures > 0) {
            auto delay = opt_.initial_backoff;
            for (unsigned i = 1; i < failures && delay < opt_.max_backoff; ++i)
                delay *= 2;
            backoff_.expires_after(std::min(delay, opt_.max_backoff));
            co_await backoff_.async_wait(use_tuple);
        }
    }
}

awaitable<bool> connection::open(std::shared_ptr<link> l, reply_reader& rd, std::string& why) {
    auto const& where = opt_.where;
    l->deadline.expires_after(opt_.connect_timeout);
    l->deadline.async_wait([l](boost::system::error_code ec) {
        if (ec || !l->alive)
            return;
        l->timed_out = true;
        l->close();
    });
    auto const timeout_or = [&](std::string what) {
        if (l->timed_out)
            return fmt::format("connect timeout ({} ms)", opt_.connect_timeout.count());
        return what;
    };

    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code ec;
    auto const address = net::ip::make_address(where.host, ec);
    if (!ec) {
        endpoints.emplace_back(address, where.port);
    } else {
        auto const port = std::to_string(where.port);
        auto [rec, results] = co_await l->resolver.async_resolve(where.host, port, use_tuple);
        if (rec || !l->alive) {
            why = timeout_or(fmt::format("cannot resolve {}: {}", where.host, rec.message()));
            co_return false;
        }
        for (auto const& r : results)
            endpoints.push_back(r.endpoint());
    }
    auto [cec, endpoint] = co_await net::async_connect(l->sock, endpoints, use_tuple);
    if (cec || !l->alive) {
        why = timeout_or(cec ? cec.message() : l->why);
        co_return false;
    }
    l->sock.set_option(tcp::no_delay(true), ec); // small pipelined writes must not wait

    // AUTH and SELECT before anything else, and a PING so that "connected" means that Redis
    // answers (a wrong port or a server that takes connections but cannot serve them fails
    // here, and backs off).
    std::vector<std::string> names;
    std::string frames;
    if (!where.password.empty()) {
        std::vector<std::string> auth{"AUTH"};
        if (!where.user.empty())
            auth.push_back(where.user);
        auth.push_back(where.password);
        frames += format_command(auth);
        names.emplace_back("AUTH");
    }
    if (where.db != 0) {
        std::vector<std::string> select{"SELECT", std::to_string(where.db)};
        frames += format_command(select);
        names.emplace_back("SELECT");
    }
    std::vector<std::string> ping{"PING"};
    frames += format_command(ping);
    names.emplace_back("PING");

    auto [wec, written] = co_await net::async_write(l->sock, net::buffer(frames), use_tuple);
    if (wec || !l->alive) {
        why = timeout_or(wec ? wec.message() : l->why);
        co_return false;
    }
    (void)written;
    for (auto const& name : names) {
        std::optional<reply> r;
        try {
            r = rd.next();
        } catch (protocol_error const& e) {
            why = e.what();
            co_return false;
        }
        while (!r) {
            auto [rec, n] =
                co_await l->sock.async_read_some(net::buffer(l->read_buffer), use_tuple);
            if (rec || !l->alive) {
                why = timeout_or(rec ? describe(rec) : l->why);
                co_return false;
            }
            try {
                rd.feed(std::string_view(l->read_buffer.data(), n));
                r = rd.next();
            } catch (protocol_error const& e) {
                why = e.what();
                co_return false;
            }
        }
        if (r->type == reply::kind::error) {
            why = fmt::format("{} refused: {}", name, r->str);
            co_return false;
        }
    }
    l->deadline.cancel();
    co_return l->alive;
}

awaitable<std::string> connection::read_loop(std::shared_ptr<link> l, reply_reader& rd) {
    for (;;) {
        // The handshake's read may have buffered replies past the PING (there are none in
        // RESP2, but the reader is the judge).
        std::string failure;
        try {
            while (l->alive) {
                auto r = rd.next();
                if (!r)
                    break;
                on_reply(std::move(*r));
            }
        } catch (protocol_error const& e) {
            failure = e.what();
        }
        if (!failure.empty()) {
            log::warn("{}: {}", name_, failure);
            co_return failure;
        }
        if (!l->alive)
            co_return l->why;
        auto [ec, n] = co_await l->sock.async_read_some(net::buffer(l->read_buffer), use_tuple);
        if (!l->alive)
            co_return l->why;
        if (ec)
            co_return describe(ec);
        last_rx_ = clock::now();
        try {
            rd.feed(std::string_view(l->read_buffer.data(), n));
        } catch (protocol_error const& e) {
            failure = e.what();
        }
        if (!failure.empty()) {
            log::warn("{}: {}", name_, failure);
            co_return failure;
        }
    }
}

awaitable<void> connection::write_loop(std::shared_ptr<connection> self, std::shared_ptr<link> l) {
    std::vector<std::string> batch;
    std::vector<net::const_buffer> buffers;
    while (l->alive && !l->queued.empty()) {
        batch.swap(l->queued);
        buffers.clear();
        buffers.reserve(batch.size());
        for (auto const& frame : batch)
            buffers.push_back(net::buffer(frame));
        auto [ec, n] = co_await net::async_write(l->sock, buffers, use_tuple);
        (void)n;
        batch.clear();
        if (ec) {
            self->drop_link(*l, fmt::format("write failed: {}", ec.message()));
            break;
        }
    }
    l->writing = false;
}

awaitable<void> connection::watchdog(std::shared_ptr<connection> self, std::shared_ptr<link> l) {
    auto const& o = self->opt_;
    auto const tick =
        std::max(milliseconds(5), std::min(o.request_timeout, o.health_check_interval) / 4);
    while (l->alive) {
        l->watch.expires_after(tick);
        co_await l->watch.async_wait(use_tuple);
        if (!l->alive)
            break;
        auto const now = clock::now();
        if (auto const since = self->waiting_since()) {
            auto const progress = std::max(*since, self->last_rx_);
            if (now - progress > o.request_timeout) {
                auto why = fmt::format("no reply for {} ms (request_timeout)", ms(now - progress));
                log::warn("{}: {}", self->name_, why);
                self->drop_link(*l, std::move(why));
                break;
            }
        } else if (now - self->last_rx_ >= o.health_check_interval) {
            self->on_idle();
        }
    }
}

} // namespace sio::redis::detail
