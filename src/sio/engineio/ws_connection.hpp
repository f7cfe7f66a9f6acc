// The WebSocket transport's per-connection state, for ws_transport.cpp only (not part of
// the layer's interface: run_websocket() in ws_transport.hpp is).
#pragma once

#include "sio/core/net.hpp"
#include "sio/core/owned_timer.hpp"
#include "sio/engineio/session.hpp"
#include "sio/engineio/transport.hpp"
#include "sio/engineio/websocket.hpp"
#include "sio/engineio/ws_transport.hpp"
#include "sio/http/server.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sio::engineio::detail {

/// What an idle connection reads into: enough for a typical small frame.
constexpr std::size_t idle_read_size = 128;
/// How long our close frame waits for the client's before the TCP connection is dropped.
constexpr auto close_handshake_timeout = std::chrono::seconds(2);

/// Drops the first `n` bytes of a gather list (after a partial write).
inline void consume_buffers(std::vector<net::const_buffer>& bufs, std::size_t n) {
    auto it = bufs.begin();
    while (it != bufs.end() && n >= it->size()) {
        n -= it->size();
        ++it;
    }
    bufs.erase(bufs.begin(), it);
    if (!bufs.empty() && n > 0)
        bufs.front() += n;
}

class ws_connection;

/// What run_websocket() is handed, on the heap until the 101 is written: as parameters of
/// the connection's coroutine they would stay in its frame for the connection's life.
struct ws_start {
    std::shared_ptr<session> owner;
    http::stream stream;
    ws::accepted terms;
    std::string early_bytes;
    ws_role role;
};

/// The connection's coroutines (ws_transport.cpp).
struct ws_runner {
    static awaitable<void> run(std::unique_ptr<ws_start> start);
    /// Writes the 101 and takes the early bytes; false when the connection is over.
    static awaitable<bool> begin(ws_connection& c, std::unique_ptr<ws_start> start);
};

/// One WebSocket connection of a session, owned by the frame of its run() coroutine, which
/// is the only coroutine a connection has. Nothing in it holds a buffer while idle. Every
/// member runs on the session's strand.
class ws_connection final : public transport {
public:
    ws_connection(std::shared_ptr<session> s, http::stream stream, ws::accepted const& terms)
        : session_(std::move(s))
        , stream_(std::move(stream))
        , reader_(session_->settings().max_payload, terms.deflate)
        , deflate_window_bits_(terms.deflate_window_bits)
        , deflate_(terms.deflate)
        , direct_writes_(!stream_.is_tls() &&
                         session_->get_executor().target<net::io_context::executor_type>()) {}

    friend struct ws_runner;

    void wake() override {
        // A no-op while the loop is running: it checks for work before it waits.
        if (waiting_) {
            waiting_ = false;
            wake_signal_.emit(net::cancellation_type::total);
        }
    }

    void queued() override;
    void write_queued() override;

    void stop() override {
        closing_ = true;
        cancel_deadline(deadline_use::probe);
        wake();
    }

    void abort() override {
        aborting_ = true;
        if (tls_writing_)
            stream_.cancel(); // a TLS record cannot be cut by a wake-up
        wake();
    }

private:
    /// Carries the session, or probes; or, when it may do neither, is closed at once.
    void open(ws_role role);
    /// Whether frames are owed (a pong, "3probe", queued messages) and may still be sent.
    bool has_frames() const;
    /// Whether the close frame is due and not yet sent.
    bool must_close() const;
    /// Writes what is owed, then the close frame if due; false when the connection is over.
    awaitable<bool> flush();
    awaitable<boost::system::error_code> write(std::vector<net::const_buffer>& bufs);
    /// write() over TLS: asynchronous writes of whole records, which a wake-up must not
    /// interrupt; the write deadline (or the probe's) cancels them instead.
    awaitable<boost::system::error_code> write_tls(std::vector<net::const_buffer>& bufs);
    /// Reads the rest of what the socket holds; false when the connection is over.
    bool read_available();
    /// read_available() over TLS: what the TLS layer has decrypted already; false when the
    /// connection is over.
    awaitable<bool> read_pending_tls();
    /// TLS: after our close frame, close_notify (TCP's half-close would cut the TLS stream).
    awaitable<void> close_tls();
    void read_failed(boost::system::error_code ec);
    void receive(std::string_view bytes);
    /// One frame-level event; false when the client closed or broke the protocol.
    bool handle(ws::event& e);
    void deliver(ws::event& e);
    void fail(std::uint16_t code, std::string_view why);

    /// One timer serves three deadlines in turn: a probe's upgrade, a write that makes no
    /// progress (never while probing), and the close handshake once our close frame is out.
    enum class deadline_use : std::uint8_t { none, probe, write, close };
    template <class F>
    void set_deadline(deadline_use use, std::chrono::steady_clock::duration after, F expired) {
        deadline_use_ = use;
        deadline_.set(stream_.get_executor(), *this, after, std::move(expired));
    }
    void cancel_deadline(deadline_use use) {
        if (deadline_use_ == use) {
            deadline_use_ = deadline_use::none;
            deadline_.cancel();
        }
    }

    // Every byte here is one per idle connection: small members are packed together.
    std::shared_ptr<session> session_;
    http::stream stream_;
    owned_timer<ws_connection> deadline_;
    net::cancellation_signal wake_signal_; // interrupts the wait on the socket
    ws::frame_reader reader_;
    /// The payload of the pong owed to the client's latest ping: one at most, however many
    /// pings a client that does not read sends (RFC 6455 §5.5.3 allows that). Made when due.
    std::unique_ptr<std::string> pong_;
    std::array<char, idle_read_size> first_bytes_; // where a wait for the next frames reads
    int deflate_window_bits_;
    /// What the socket did not take of a write made outside the loop: the loop writes it
    /// first, then reports the batch written. Made when needed.
    std::unique_ptr<std::string> unsent_;
    deadline_use deadline_use_ = deadline_use::none;
    bool probe_reply_ = false; // "3probe" is owed, before any data
    bool deflate_;
    bool waiting_ = false;             // suspended on the socket; wake() interrupts it
    bool in_read_ = false;             // the suspension is the loop's read (not a wait to write)
    bool listed_ = false;              // on the flush service: write_queued() comes
    bool direct_writes_ = false;       // queued messages may be written outside the loop
    bool direct_write_failed_ = false; // such a write failed: the loop ends
    bool closing_ = false;             // send a close frame, then wait for the client's
    bool close_sent_ = false;          // our close frame is out and our half of TCP shut
    bool timed_out_ = false;           // the close handshake took too long
    bool write_stalled_ = false;       // a write made no progress within write_timeout
    bool aborting_ = false;            // reset the connection, unwritten frames dropped
    bool tls_writing_ = false;         // a TLS write is pending: a deadline cancels it
    std::uint16_t close_code_ = ws::close_code::normal;
};

} // namespace sio::engineio::detail
