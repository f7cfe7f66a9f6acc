// One Engine.IO session: its outbound queue, heartbeat, lifecycle and packet dispatch. The
// WebSocket that carries it (ws_transport.hpp) or its long-polling requests (polling.hpp)
// move the bytes. All state lives on the session's strand.
#pragma once

#include "sio/core/net.hpp"
#include "sio/engineio/config.hpp"
#include "sio/engineio/connection.hpp"
#include "sio/engineio/handler.hpp"
#include "sio/engineio/handshake.hpp"
#include "sio/engineio/polling.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sio::engineio {

class session_registry;
class transport;
struct packet;

/// What a probing WebSocket does after the session saw one of its packets.
enum class probe_step {
    reply_probe, ///< answer "3probe"
    upgraded,    ///< the probe carries the session from now on
    refused,     ///< the probe was stopped
};

/// Thread safety: the connection members, begin_post() and end_post() may be called from
/// any thread; everything else runs on the session's strand.
class session final : public connection, public std::enable_shared_from_this<session> {
public:
    session(net::any_io_executor strand, std::string sid, config const& cfg, transport_kind initial,
            std::shared_ptr<handler> handler, std::shared_ptr<session_registry> registry,
            handshake_info handshake = {});
    ~session() override;

    // --- connection (any thread) ---
    std::string const& id() const override { return sid_; }
    handshake_info const& handshake() const override { return handshake_; }
    net::any_io_executor const& get_executor() const override { return strand_; }
    using connection::send;
    void send(std::vector<message> group, delivery d = delivery::reliable) override;
    void close(disconnect_reason reason = disconnect_reason::forced_close) override;
    std::size_t buffered_bytes() const override {
        return buffered_.load(std::memory_order_relaxed);
    }

    /// A POST body starts / ends arriving; false when another is in progress. Any thread.
    bool begin_post() { return !post_active_.exchange(true); }
    void end_post() { post_active_.store(false); }

    // --- strand only: lifecycle ---
    /// Queues the open packet, starts the heartbeat and tells the handler.
    void start();
    config const& settings() const { return config_; }
    transport_kind transport() const override { return transport_; }
    bool is_open() const { return state_ == state::open; }
    /// Ends the session now (the transport failed, the client broke the protocol, ...).
    void end(disconnect_reason reason) { do_close(reason); }

    // --- strand only: the packets a transport brings in ---
    void receive_text(std::string_view text);
    void receive_binary(std::string bytes);

    // --- strand only: long-polling (defined in polling.cpp) ---
    /// A polling GET: the reply now, or nullopt when parked on `waiter`.
    std::optional<poll_reply> poll(std::shared_ptr<poll_waiter> const& waiter);
    /// The client went away while `waiter` was parked.
    void poll_aborted(std::shared_ptr<poll_waiter> const& waiter);
    /// A polling POST body.
    poll_reply post(std::string_view body);

    // --- strand only: the WebSocket that carries the session, or probes to ---
    /// `t` carries the session from now on (a session opened over WebSocket).
    void attach(engineio::transport& t);
    bool carried_by(engineio::transport const& t) const { return active_ == &t; }
    /// The WebSocket carrying the session, or null.
    engineio::transport* carrier() const { return active_; }
    bool probing_with(engineio::transport const& t) const { return probe_ == &t; }
    bool has_queued() const { return !queue_.empty(); }
    /// Everything queued, for one write; the queue is empty after, and what it held counts
    /// against the budget until batch_written().
    std::vector<message> take_queue();
    /// The write of what take_queue() returned completed.
    void batch_written();
    /// The transport's latest write moved bytes to the client.
    void made_progress() { last_progress_ = std::chrono::steady_clock::now(); }
    /// `t` is going away for `reason` (an I/O error, the client's close, a protocol error).
    void transport_closing(engineio::transport& t, disconnect_reason reason);
    /// `t`'s loop has ended; if it carried the session, the session ends too.
    void detach(engineio::transport& t);
    /// A WebSocket wants to take over from polling; false when it may not.
    bool begin_probe(engineio::transport& t);
    /// A packet from the probing WebSocket `t` (nullopt: not a text packet).
    probe_step probe_packet(engineio::transport& t, std::optional<packet> const& p);
    /// The probe took longer than the upgrade timeout.
    void probe_expired(engineio::transport& t);

protected:
    void send_shared(std::shared_ptr<std::vector<message> const> group, delivery d) override;

private:
    enum class state { open, closing, closed };

    void enqueue(std::span<message const> group, delivery d);
    void enqueue_control(std::string packet);
    static std::size_t cost_of(message const& m);
    void publish_buffered();
    void flush_soon();
    void flush();
    std::string drain_payload();
    void complete_waiter(poll_reply reply);

    void dispatch(packet p);
    void on_pong();
    void schedule_heartbeat(std::chrono::milliseconds after);
    void on_heartbeat();

    void do_close(disconnect_reason reason);
    void finalize();
    void abort_upgrade(engineio::transport& t);

    net::any_io_executor strand_;
    std::string sid_;
    handshake_info const handshake_;
    config const& config_;
    std::shared_ptr<handler> handler_;
    std::shared_ptr<session_registry> registry_;
    std::shared_ptr<session_listener> listener_;

    std::vector<message> queue_;    // a vector: no allocation while empty
    std::size_t queued_cost_ = 0;   ///< the queue's messages, see config::max_queued_bytes
    std::size_t inflight_cost_ = 0; ///< the batch being written
    std::size_t inflight_messages_ = 0;
    std::atomic<std::size_t> buffered_{0}; ///< queued + in flight, for any thread
    std::size_t reserved_ = 0;             ///< this session's part of the server's outbound budget
    /// When a write (or a poll) last took bytes: tells a client that reads slowly from one
    /// that does not read at all.
    std::chrono::steady_clock::time_point last_progress_ = std::chrono::steady_clock::now();

    std::shared_ptr<poll_waiter> waiter_;

    net::steady_timer heartbeat_; ///< pings; after a polling close, the sid's last wait
    std::uint64_t heartbeat_generation_ = 0;

    engineio::transport* active_ = nullptr; ///< the WebSocket carrying the session
    engineio::transport* probe_ = nullptr;  ///< a WebSocket probing an upgrade
    // The small members together (one session per connection: padding counts).
    state state_ = state::open;
    transport_kind transport_;
    bool flush_scheduled_ = false;
    bool awaiting_pong_ = false;
    bool upgrading_ = false;               ///< 3probe sent, waiting for 5
    bool closed_by_client_ = false;        ///< the client sent a close packet
    std::atomic<bool> post_active_{false}; ///< a POST body is being received
};

} // namespace sio::engineio
