// One load-generator client: a Socket.IO v5 session over Engine.IO v4, either on a WebSocket
// or on HTTP long-polling (a keep-alive connection for the GET loop, one for the POSTs).
// Every public method may be called from any thread; the work runs on the session's strand.
#pragma once

#include "sio/core/net.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sio::loadgen {

using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

/// steady_clock time in nanoseconds, the timestamp fanout payloads carry.
std::int64_t now_ns();

enum class transport { websocket, polling };

/// Totals over every session of a run: summing per-session counters would cost O(sessions)
/// per progress check. Relaxed atomics; sessions live on different strands.
struct counters {
    std::atomic<std::uint64_t> open{0};
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> acks{0};
    std::atomic<std::uint64_t> messages{0};
    std::atomic<std::uint64_t> in_flight{0};
    std::atomic<std::uint64_t> pongs{0};
    /// Called on the receiver's strand with the "s" of every "msg" that carries one. Set it
    /// before the load starts.
    std::function<void(std::uint64_t)> on_sequence;
};

/// Where and how a session connects.
struct target {
    tcp::endpoint server;
    std::string host; ///< Host header
    /// Local address to bind before connecting (spreads ports over 127.0.0.x); none: any.
    std::optional<net::ip::address> source;
};

class session : public std::enable_shared_from_this<session> {
public:
    static std::shared_ptr<session> make(transport kind, net::any_io_executor strand,
                                         counters& totals);
    virtual ~session() = default;
    session(session const&) = delete;
    session& operator=(session const&) = delete;

    net::any_io_executor const& strand() const { return strand_; }

    /// Opens the transport, reads the open packet, joins the main namespace. Run it on
    /// strand(). Records the time until the namespace CONNECT arrived.
    virtual awaitable<bool> connect(target const& to) = 0;
    /// Starts reading: pongs, acks, "msg" events.
    virtual void start() = 0;
    /// Sends `42<id><args_json>` and times the ack; `record` keeps the latency.
    void emit_with_ack(std::string args_json, bool record);
    /// Sends one Engine.IO packet.
    void send(std::string packet);
    /// Ends the session (WebSocket close, or a polling close packet).
    void close();

    /// Called on the strand after each ack (the closed-loop echo sends the next one).
    std::function<void(session&)> on_ack;

    bool open() const { return open_; }
    bool dropped() const { return dropped_; }
    std::uint64_t connect_us() const { return connect_us_; }
    /// Ack and delivery latencies in µs; read once the io_context has stopped.
    std::vector<std::uint32_t> const& latencies() const { return latencies_; }

protected:
    session(net::any_io_executor strand, counters& totals);

    /// Handles one Engine.IO packet (a WebSocket frame or one record of a polling payload).
    void handle(std::string_view packet);
    /// The handshake succeeded: counts the session as open.
    void opened(steady::time_point t0);
    /// The transport ended; `dropped` unless we were closing.
    void ended();
    /// Writes queue_ (called on the strand when !writing_ and the queue is not empty).
    virtual void flush() = 0;
    /// Ends the transport; closing_ is already set and no write is in progress.
    virtual void shutdown() = 0;
    /// A write finished: continues with the queue, or shuts down once closing.
    void write_done(bool ok);

    net::any_io_executor strand_;
    counters& totals_;
    std::deque<std::string> queue_;
    bool writing_ = false;
    bool closing_ = false;

private:
    struct pending {
        steady::time_point sent;
        bool record;
    };

    void enqueue(std::string packet);
    void record(std::int64_t ns);

    std::uint64_t next_id_ = 0;
    std::unordered_map<std::uint64_t, pending> pending_;
    std::vector<std::uint32_t> latencies_;
    std::uint64_t connect_us_ = 0;
    bool shut_ = false;

    std::atomic<bool> open_{false};
    std::atomic<bool> dropped_{false};
};

} // namespace sio::loadgen
