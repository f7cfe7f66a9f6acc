// One load-generator client: a Socket.IO v5 session over an Engine.IO v4 WebSocket
// (no polling). Every method may be called from any thread; the work runs on the
// session's strand.
#pragma once

#include "sio/core/net.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace sio::loadgen {

using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

/// steady_clock time in nanoseconds, the timestamp fanout payloads carry.
std::int64_t now_ns();

class session : public std::enable_shared_from_this<session> {
public:
    explicit session(net::any_io_executor strand);

    net::any_io_executor const& strand() const { return strand_; }

    /// Opens the WebSocket, reads the open packet, joins the main namespace. Run it on
    /// strand(). Records the time until the namespace CONNECT arrived.
    awaitable<bool> connect(tcp::endpoint ep, std::string host);
    /// Starts reading: pongs, acks, "msg" events.
    void start();
    /// Sends `42<id><args_json>` and times the ack; `record` keeps the latency.
    void emit_with_ack(std::string args_json, bool record);
    /// Sends one Engine.IO text frame.
    void send(std::string frame);
    /// Closes the WebSocket (close frame, then the server's answer).
    void close();

    /// Called on the strand after each ack (the closed-loop echo sends the next one).
    std::function<void(session&)> on_ack;

    bool open() const { return open_; }
    bool dropped() const { return dropped_; }
    std::uint64_t acks() const { return acks_; }
    std::uint64_t messages() const { return messages_; }
    std::uint64_t in_flight() const { return in_flight_; }
    std::uint64_t pongs() const { return pongs_; }
    std::uint64_t connect_us() const { return connect_us_; }
    /// Ack and delivery latencies in µs; read once the io_context has stopped.
    std::vector<std::uint32_t> const& latencies() const { return latencies_; }

private:
    struct pending {
        steady::time_point sent;
        bool record;
    };

    static awaitable<void> read_loop(std::shared_ptr<session> self);
    void handle(std::string_view frame);
    void enqueue(std::string frame);
    void write_next();
    void record(std::int64_t ns);

    net::any_io_executor strand_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
    std::deque<std::string> queue_;
    bool writing_ = false;
    bool closing_ = false;
    std::uint64_t next_id_ = 0;
    std::unordered_map<std::uint64_t, pending> pending_;
    std::vector<std::uint32_t> latencies_;
    std::uint64_t connect_us_ = 0;

    std::atomic<bool> open_{false};
    std::atomic<bool> dropped_{false};
    std::atomic<std::uint64_t> acks_{0};
    std::atomic<std::uint64_t> messages_{0};
    std::atomic<std::uint64_t> in_flight_{0};
    std::atomic<std::uint64_t> pongs_{0};
};

} // namespace sio::loadgen
