// A Redis connection for commands and publishes: pipelined, made again forever with a capped
// backoff, and with an outage buffer for publishes (what a Redis adapter publishes with).
#pragma once

#include "sio/core/net.hpp"
#include "sio/redis/options.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sio::redis {

namespace detail {
class client_impl;
}

/// One connection for commands: many in flight at once, replies matched in order; AUTH and
/// SELECT (from options::where) on each connection.
///
/// Thread safety: every member function may be called from any thread. Each call is posted
/// to the executor given to the constructor, so calls from one thread keep their order, and
/// every callback (done, on_state) runs on that executor, never inside the call that gave
/// it. That executor must run one handler at a time (a strand, or a context run by one
/// thread).
///
/// Destroying the client stops it; the connection's state lives on until its coroutines
/// end. After stop() (or destruction) on_state is not called again, but commands still
/// waiting get their `done` with "redis: stopped". To be sure that no on_state call is
/// running, stop or destroy the client on its executor.
class client {
public:
    client(net::any_io_executor ex, options o);
    ~client();
    client(client&&) noexcept;
    client& operator=(client&&) noexcept;

    /// Connects (and keeps reconnecting); does nothing after stop().
    void start();
    /// Closes, makes no more connections; pending commands fail with "redis: stopped";
    /// buffered publishes are dropped.
    void stop();

    /// Sends a command. `done` gets Redis's reply (possibly an error reply), or no reply and
    /// an error text: while disconnected a command fails at once with "redis: not
    /// connected" rather than wait, so that a cluster request fails fast; one in flight when
    /// the connection drops fails with "redis: connection lost"; an empty one fails with
    /// "redis: empty command". Not for commands that change what the connection answers
    /// (SUBSCRIBE, MONITOR: use a subscriber), nor for blocking ones that outlast
    /// options::request_timeout; a SELECT lasts until the next reconnect.
    void command(std::vector<std::string> args, std::function<void(outcome)> done);

    /// Fire-and-forget PUBLISH, formatted here (on the caller's thread). While not connected,
    /// or while the gate is closed, publishes wait in an outage buffer, in order, and are
    /// sent once connected with the gate open; past max_buffered_bytes or max_buffered_age
    /// the oldest are dropped and counted (stats::dropped_publishes, and a log line at most
    /// once a second). Publishes from one thread are sent in the order they were made. One
    /// in flight when the connection drops may be lost (Redis pub/sub is at most once); one
    /// not yet written goes back to the buffer.
    void publish(std::string_view channel, std::string_view message);

    /// Holds publishes (in the buffer) while closed: an adapter closes it while its
    /// subscriber is not ready, so that nothing is sent into a half-resubscribed cluster and
    /// nothing others answer is missed. Open at first.
    void set_gate(bool open);

    /// Called with true when a connection is up (after AUTH/SELECT), false when it is lost;
    /// on each transition, on the client's executor. Set it before start().
    void on_state(std::function<void(bool connected)> f);

    /// Thread-safe; `ready` is the same as `connected`.
    stats get_stats() const;

private:
    std::shared_ptr<detail::client_impl> impl_;
};

} // namespace sio::redis
