// Internal to the redis layer (included by its .cpp files only): the part the command
// client and the subscriber share -- one TCP connection at a time, made again forever with
// capped backoff, AUTH/SELECT/PING on each, a reader, a batching writer and a watchdog.
#pragma once

#include "sio/core/net.hpp"
#include "sio/redis/options.hpp"
#include "sio/redis/reply.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sio::redis::detail {

using clock = std::chrono::steady_clock;

/// Everything but start(), stop() and get_stats() runs on the executor `ex` (a strand or a
/// single-threaded context), and so needs no lock; those three may be called from any thread.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(net::any_io_executor ex, options o, std::string_view role);
    virtual ~connection();
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    void start();
    /// No more reconnects; the current connection closes and on_down() reports "stopped".
    void stop();
    stats get_stats() const;

protected:
    /// AUTH, SELECT and PING have succeeded: send() works from here.
    virtual void on_up() = 0;
    /// Every reply after the handshake, in order. May throw protocol_error (drops the
    /// connection).
    virtual void on_reply(reply r) = 0;
    /// The connection that was up is gone (`why` is the text to hand to waiting callers);
    /// `unwritten` are the frames given to send() that never reached the socket, in order.
    virtual void on_down(std::string const& why, std::vector<std::string> unwritten) = 0;
    /// Since when the connection has owed a reply, if it owes one (for the watchdog).
    virtual std::optional<clock::time_point> waiting_since() const = 0;
    /// Nothing owed and nothing received for health_check_interval: send a PING.
    virtual void on_idle() = 0;

    bool up() const { return up_; }
    bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
    /// Queues a frame for the writer, which sends everything queued in one gather write.
    /// Only while up().
    void send(std::string frame);
    /// Drops the current connection (it will be made again).
    void drop(std::string why);

    template <class F>
    void post(F f) {
        net::post(ex_, [self = shared_from_this(), f = std::move(f)]() mutable { f(); });
    }

    net::any_io_executor ex_;
    options opt_;
    std::string name_; ///< for log lines: "redis client 127.0.0.1:6379"

    std::atomic<bool> stopping_{false};
    std::atomic<bool> connected_{false};
    std::atomic<bool> ready_{false};
    std::atomic<std::uint64_t> reconnects_{0};
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> buffered_{0};
    std::atomic<std::uint64_t> buffered_bytes_{0};
    std::atomic<std::uint64_t> messages_{0};

private:
    struct link;
    awaitable<void> run();
    awaitable<bool> open(std::shared_ptr<link> l, reply_reader& rd, std::string& why);
    awaitable<std::string> read_loop(std::shared_ptr<link> l, reply_reader& rd);
    static awaitable<void> write_loop(std::shared_ptr<connection> self, std::shared_ptr<link> l);
    static awaitable<void> watchdog(std::shared_ptr<connection> self, std::shared_ptr<link> l);
    void drop_link(link& l, std::string why);
    void shutdown();

    std::shared_ptr<link> link_; ///< the connection being made or up; null between them
    net::steady_timer backoff_;
    bool started_ = false;
    bool up_ = false;
    clock::time_point last_rx_{};
};

} // namespace sio::redis::detail
