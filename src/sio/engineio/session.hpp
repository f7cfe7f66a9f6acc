// One Engine.IO session: its outbound queue, heartbeat and transports (long-polling,
// WebSocket, and the upgrade from one to the other). All state lives on the session's strand.
#pragma once

#include "sio/core/net.hpp"
#include "sio/engineio/config.hpp"
#include "sio/engineio/handler.hpp"
#include "sio/engineio/handshake.hpp"
#include "sio/engineio/websocket.hpp"
#include "sio/http/server.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace sio::engineio {

namespace beast = boost::beast;

/// A message encoded once, shareable by every session it is sent to (broadcasts).
struct message {
    std::shared_ptr<std::string const> bytes; ///< text: "4" + data; binary: the raw bytes
    bool binary = false;
};

/// A text message: `text` becomes the Engine.IO packet "4<text>".
message make_text_message(std::string_view text);
/// A binary message carrying `bytes` as they are.
message make_binary_message(std::string bytes);

/// An HTTP answer computed on the session's strand for a polling request.
struct poll_reply {
    unsigned status = 200;
    std::string body;
    bool json_error = false; ///< body is an Engine.IO error object
};

/// A polling GET parked until packets arrive. Lives on the HTTP connection's executor.
struct poll_waiter {
    explicit poll_waiter(net::any_io_executor ex);
    net::steady_timer wake;
    std::optional<poll_reply> reply; ///< set on the waiter's executor only
};

class session_registry;
struct ws_transport;
struct packet;

/// Thread safety: send(), close() and the accessors marked so may be called from any
/// thread; everything else runs on the session's strand.
class session : public std::enable_shared_from_this<session> {
public:
    session(net::any_io_executor strand, std::string sid, config const& cfg, transport_kind initial,
            std::shared_ptr<handler> handler, std::shared_ptr<session_registry> registry,
            handshake_info handshake = {});
    ~session();

    /// Any thread.
    std::string const& id() const { return sid_; }
    /// The request that opened the session. Any thread.
    handshake_info const& handshake() const { return handshake_; }
    /// The session's strand. Any thread.
    net::any_io_executor const& get_executor() const { return strand_; }

    /// Queues one message, or a group that must stay together (a packet and its binary
    /// attachments). Droppable (volatile) messages are dropped when the queue is full;
    /// otherwise a full queue closes the session. Any thread.
    void send(message m, bool droppable = false);
    void send(std::vector<message> group, bool droppable = false);
    /// send(group) to each of `sessions` (a broadcast), sharing the group. Any thread.
    static void send_to_all(std::vector<std::shared_ptr<session>> const& sessions,
                            std::vector<message> group, bool droppable = false);

    /// Closes the session after flushing what is queued. Any thread.
    void close(disconnect_reason reason = disconnect_reason::forced_close);
    /// A POST body starts / ends arriving; false when another is in progress. Any thread.
    bool begin_post() { return !post_active_.exchange(true); }
    void end_post() { post_active_.store(false); }

    // --- strand only: the transports' entry points ---

    /// Queues the open packet, starts the heartbeat and tells the handler.
    void start();
    /// A polling GET: the reply now, or nullopt when parked on `waiter`.
    std::optional<poll_reply> poll(std::shared_ptr<poll_waiter> const& waiter);
    /// The client went away while `waiter` was parked.
    void poll_aborted(std::shared_ptr<poll_waiter> const& waiter);
    /// A polling POST body.
    poll_reply post(std::string_view body);
    /// Whether a WebSocket for this session may start probing now.
    bool can_upgrade() const;
    transport_kind transport() const { return transport_; }
    bool is_closed() const { return state_ != state::open; }

    /// Runs a WebSocket on the session's strand: the only transport of a new session
    /// (`upgrade` false), or a probe that may take over from polling. Sends `terms.response`
    /// (the 101) first; `early_bytes` are frames the client sent right behind its request.
    awaitable<void> run_websocket(http::tcp::socket socket, ws::accepted terms,
                                  std::string early_bytes, bool upgrade);

private:
    enum class state { open, closing, closed };

    void enqueue(std::span<message const> group, bool droppable);
    void enqueue_control(std::string packet);
    void flush_soon();
    void flush();
    std::string drain_payload();
    void complete_waiter(poll_reply reply);

    void handle_packet(std::string_view text);
    void dispatch(packet p);
    void handle_binary(std::string bytes);
    void on_pong();
    void schedule_heartbeat(std::chrono::milliseconds after);
    void on_heartbeat();

    void do_close(disconnect_reason reason);
    void finalize();

    /// Whether frames are owed (a pong, "3probe", queued messages) and may still be sent.
    bool ws_has_frames(ws_transport const& t) const;
    /// Whether the close frame is due and not yet sent.
    bool ws_must_close(ws_transport const& t) const;
    /// Writes what is queued, or the close frame; false when the connection is over.
    awaitable<bool> ws_flush(ws_transport& t);
    awaitable<boost::system::error_code> ws_send(ws_transport& t,
                                                 std::vector<net::const_buffer>& bufs);
    /// Reads what the socket holds; false when the connection is over.
    bool ws_read_available(ws_transport& t);
    void ws_read_failed(ws_transport& t, boost::system::error_code ec);
    void ws_receive(ws_transport& t, std::string_view bytes);
    /// One frame-level event; false when the client closed or broke the protocol.
    bool handle_ws_event(ws_transport& t, ws::event& e);
    void ws_failed(ws_transport& t, std::uint16_t code, std::string_view why);
    void abort_upgrade(ws_transport& t);
    void wake_writer();

    net::any_io_executor strand_;
    std::string sid_;
    handshake_info const handshake_;
    config const& config_;
    std::shared_ptr<handler> handler_;
    std::shared_ptr<session_registry> registry_;
    std::shared_ptr<session_listener> listener_;

    state state_ = state::open;
    disconnect_reason close_reason_ = disconnect_reason::forced_close;
    transport_kind transport_;

    std::vector<message> queue_; // a vector: no allocation while empty
    std::size_t queued_bytes_ = 0;
    bool flush_scheduled_ = false;

    std::shared_ptr<poll_waiter> waiter_;

    net::steady_timer heartbeat_; ///< pings; after a polling close, the sid's last wait
    std::uint64_t heartbeat_generation_ = 0;
    bool awaiting_pong_ = false;

    ws_transport* active_ws_ = nullptr;    ///< the WebSocket carrying the session
    ws_transport* probe_ws_ = nullptr;     ///< a WebSocket probing an upgrade
    bool upgrading_ = false;               ///< 3probe sent, waiting for 5
    bool closed_by_client_ = false;        ///< the client sent a close packet
    std::atomic<bool> post_active_{false}; ///< a POST body is being received
};

/// sid -> session, shared by the server and its sessions. Thread safety: all members.
class session_registry {
public:
    void add(std::shared_ptr<session> s);
    std::shared_ptr<session> find(std::string const& sid) const;
    void remove(std::string const& sid);
    std::size_t size() const;
    std::vector<std::shared_ptr<session>> all() const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<session>> sessions_;
};

} // namespace sio::engineio
