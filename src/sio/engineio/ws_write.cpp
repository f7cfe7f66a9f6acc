// The WebSocket connection's writes: from its loop (control frames, the close, a socket
// that is full) and, for the common case, from the io_context's flush service with the
// loop's read left pending.
#include "sio/core/log.hpp"
#include "sio/engineio/session.hpp"
#include "sio/engineio/ws_connection.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sio::engineio::detail {
namespace {

/// The sessions of one io_context (an io_pool thread) with messages to write, written
/// together from one posted handler after the handler that queued them. An io_context
/// service, so that it and its timer end with their io_context.
///
/// Under load the writes are paced: after a wave of writes to many sessions that took D,
/// the next such wave starts no sooner than `pace_factor` x D after it (at most
/// `max_pace`), and what arrives meanwhile goes out in the same writes. A server that
/// writes at once is otherwise faster than its clients send and writes one message per
/// system call; paced, the writer keeps to about a third of the thread's time and each
/// write carries more. At low load (waves further apart than that) nothing waits.
class flush_service final : public net::execution_context::service {
public:
    static inline net::execution_context::id id;

    /// Waves to fewer sessions than this are never held back (an echo, a small room).
    static constexpr std::size_t pace_from = 32;
    static constexpr int pace_factor = 2;
    static constexpr std::chrono::microseconds max_pace{5000};

    explicit flush_service(net::execution_context& context)
        : service(context)
        , context_(static_cast<net::io_context&>(context))
        , timer_(context_) {}

    static flush_service& of(net::io_context& context) {
        return net::use_service<flush_service>(context);
    }

    void add(std::shared_ptr<session> const& s) {
        dirty_.push_back(s);
        if (!scheduled_) {
            scheduled_ = true;
            net::post(context_, [this] { run(); });
        }
    }

private:
    void shutdown() override {
        timer_.cancel();
        dirty_.clear();
    }

    void run() {
        auto const now = std::chrono::steady_clock::now();
        if (!paced_ && dirty_.size() >= pace_from) {
            auto const gap =
                std::min<std::chrono::steady_clock::duration>(last_wave_ * pace_factor, max_pace);
            if (now - last_end_ < gap) {
                paced_ = true;
                timer_.expires_at(last_end_ + gap);
                timer_.async_wait([this](boost::system::error_code ec) {
                    if (!ec)
                        run();
                });
                return;
            }
        }
        scheduled_ = false;
        paced_ = false;
        bool const big = dirty_.size() >= pace_from;
        // Writes may queue more (a drain handler sends): those start a new list.
        std::vector<std::shared_ptr<session>> batch;
        batch.swap(dirty_);
        dirty_.swap(spare_);
        for (auto const& s : batch) {
            if (auto* carrier = s->carrier())
                carrier->write_queued();
        }
        batch.clear();
        if (spare_.capacity() < batch.capacity())
            spare_.swap(batch);
        if (big) {
            last_end_ = std::chrono::steady_clock::now();
            last_wave_ = last_end_ - now;
        }
    }

    net::io_context& context_;
    net::steady_timer timer_;
    std::vector<std::shared_ptr<session>> dirty_;
    std::vector<std::shared_ptr<session>> spare_; // the last wave's storage, reused
    bool scheduled_ = false;                      // run() is posted or timed
    bool paced_ = false;                          // run() waits for the pace
    std::chrono::steady_clock::time_point last_end_{};
    std::chrono::steady_clock::duration last_wave_{}; // how long the last big wave took
};

/// The buffers of a write made outside the loop, kept per thread to save their allocation.
struct scratch_buffers {
    std::string arena;
    std::vector<std::string> compressed;
    std::vector<net::const_buffer> bufs;
    void clear() {
        arena.clear();
        compressed.clear();
        bufs.clear();
    }
};

scratch_buffers& write_scratch() {
    thread_local scratch_buffers scratch;
    return scratch;
}

} // namespace

awaitable<boost::system::error_code> ws_connection::write(std::vector<net::const_buffer>& bufs) {
    if (stream_.is_tls())
        co_return co_await write_tls(bufs);
    // Non-blocking writes; a full socket buffer is waited out (a wake-up just retries), for
    // at most write_timeout without progress.
    auto& socket = stream_.socket();
    bool progressed = true;
    while (!bufs.empty()) {
        boost::system::error_code ec;
        auto const n = socket.write_some(bufs, ec);
        if (ec == net::error::would_block || ec == net::error::try_again) {
            if (progressed && deadline_use_ != deadline_use::probe) {
                auto stalled = [](ws_connection& owner) {
                    owner.write_stalled_ = true;
                    owner.wake();
                };
                set_deadline(deadline_use::write, session_->settings().write_timeout, stalled);
            }
            progressed = false;
            waiting_ = true;
            auto [wec] = co_await socket.async_wait(
                http::tcp::socket::wait_write,
                net::bind_cancellation_slot(wake_signal_.slot(), use_tuple));
            waiting_ = false;
            if (timed_out_ || write_stalled_ || aborting_)
                co_return net::error::timed_out;
            if (wec && wec != net::error::operation_aborted)
                co_return wec;
            continue;
        }
        if (ec)
            co_return ec;
        progressed = n > 0;
        consume_buffers(bufs, n);
        if (n > 0)
            session_->made_progress();
    }
    cancel_deadline(deadline_use::write);
    co_return boost::system::error_code{};
}

void ws_connection::queued() {
    // Written from the thread's flush service, with the loop's read left pending: that saves
    // the read's cancellation, the loop's resumption and its next read attempt (a system
    // call) per wake-up. Anything else (TLS, a strand, a write or a control frame under
    // way) is the loop's work.
    if (!direct_writes_ || !(waiting_ && in_read_)) {
        wake();
        return;
    }
    if (listed_)
        return;
    listed_ = true;
    auto const* io = session_->get_executor().target<net::io_context::executor_type>();
    flush_service::of(io->context()).add(session_);
}

void ws_connection::write_queued() {
    listed_ = false;
    if (!(waiting_ && in_read_))
        return; // the loop runs (or was woken): it writes what is queued
    if (pong_ || probe_reply_ || closing_ || aborting_ || unsent_ || !session_->carried_by(*this) ||
        !session_->is_open()) {
        wake(); // control frames, a close, or a write in progress: the loop's work
        return;
    }
    if (!session_->has_queued())
        return;
    auto& scratch = write_scratch();
    scratch.clear();
    auto const batch = session_->take_queue();
    ws::frame_messages({}, batch, deflate_, deflate_window_bits_, scratch.arena, scratch.compressed,
                       scratch.bufs);
    auto& bufs = scratch.bufs;
    auto& socket = stream_.socket();
    while (!bufs.empty()) {
        boost::system::error_code ec;
        auto const n = socket.write_some(bufs, ec);
        if (ec == net::error::would_block || ec == net::error::try_again)
            break;
        if (ec) {
            log::debug("engine.io {}: WebSocket write failed: {}", session_->id(), ec.message());
            direct_write_failed_ = true;
            wake();
            return;
        }
        consume_buffers(bufs, n);
        session_->made_progress();
    }
    if (bufs.empty()) {
        session_->batch_written();
        return;
    }
    // The socket is full: the loop writes the rest, waiting for room under the write
    // deadline, before anything queued since.
    unsent_ = std::make_unique<std::string>();
    for (auto const& b : bufs)
        unsent_->append(static_cast<char const*>(b.data()), b.size());
    wake();
}

bool ws_connection::has_frames() const {
    // Nothing follows a close frame.
    return !close_sent_ && (probe_reply_ || pong_ || unsent_ || direct_write_failed_ ||
                            (session_->carried_by(*this) && session_->has_queued()));
}

bool ws_connection::must_close() const {
    return !close_sent_ && (closing_ || (session_->carried_by(*this) && !session_->is_open()));
}

awaitable<bool> ws_connection::flush() {
    // Its own coroutine so that the buffers of a write are not part of an idle
    // connection's frame.
    auto write_failed = [this] {
        if (session_->carried_by(*this))
            session_->transport_closing(*this, write_stalled_ ? disconnect_reason::write_timeout
                                                              : disconnect_reason::transport_error);
    };
    if (direct_write_failed_ && !close_sent_) {
        write_failed();
        co_return false;
    }
    if (unsent_ && !close_sent_) {
        // The rest of write_queued()'s batch goes before anything queued since.
        auto const rest = std::move(unsent_);
        std::vector<net::const_buffer> bufs{net::buffer(*rest)};
        if (co_await write(bufs)) {
            write_failed();
            co_return false;
        }
        if (session_->carried_by(*this))
            session_->batch_written();
    }
    while (has_frames()) {
        std::string control; // owed control frames go before data
        if (pong_)
            control = ws::make_frame(ws::opcode::pong, *pong_);
        if (probe_reply_)
            control += ws::make_frame(ws::opcode::text, "3probe");
        pong_.reset();
        probe_reply_ = false;
        bool const carried = session_->carried_by(*this);
        std::vector<message> batch;
        if (carried)
            batch = session_->take_queue();
        std::string arena;
        std::vector<std::string> compressed;
        std::vector<net::const_buffer> bufs;
        ws::frame_messages(control, batch, deflate_, deflate_window_bits_, arena, compressed, bufs);
        if (co_await write(bufs)) {
            write_failed();
            co_return false;
        }
        if (carried && session_->carried_by(*this))
            session_->batch_written();
    }
    if (must_close()) {
        // Our close frame and our half of TCP; then the client's close and EOF end the
        // loop, or the deadline does.
        std::string const frame = ws::make_close_frame(close_code_);
        std::vector<net::const_buffer> bufs{net::buffer(frame)};
        if (co_await write(bufs))
            co_return false;
        if (!stream_.is_tls()) { // TLS: close_notify first, in run_websocket
            boost::system::error_code ignored;
            stream_.socket().shutdown(http::tcp::socket::shutdown_send, ignored);
        }
        close_sent_ = true;
        auto expired = [](ws_connection& owner) {
            owner.timed_out_ = true;
            owner.wake();
        };
        set_deadline(deadline_use::close, close_handshake_timeout, expired);
    }
    co_return true;
}

} // namespace sio::engineio::detail
