// The WebSocket transport's TLS paths (ws_transport.cpp has the plain ones): writes of
// whole records, reads of what the TLS layer has decrypted, close_notify at the end.
#include "sio/core/log.hpp"
#include "sio/engineio/session.hpp"
#include "sio/engineio/ws_connection.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>

#include <memory>

namespace sio::engineio::detail {
namespace {

/// The rest of a record (at most 16 KiB), in a buffer of its own: an asynchronous read may
/// not use the thread's shared one.
constexpr std::size_t tls_read_size = 16 * 1024;

} // namespace

awaitable<boost::system::error_code>
ws_connection::write_tls(std::vector<net::const_buffer>& bufs) {
    while (!bufs.empty()) {
        // Each write is a record or so: the deadline is per write, as progress is.
        if (deadline_use_ != deadline_use::probe) {
            auto stalled = [](ws_connection& owner) {
                owner.write_stalled_ = true;
                if (owner.tls_writing_)
                    owner.stream_.cancel();
                owner.wake();
            };
            set_deadline(deadline_use::write, session_->settings().write_timeout, stalled);
        }
        tls_writing_ = true;
        auto [ec, n] = co_await stream_.async_write_some(bufs, use_tuple);
        tls_writing_ = false;
        if (timed_out_ || write_stalled_ || aborting_)
            co_return net::error::timed_out;
        if (ec)
            co_return ec;
        consume_buffers(bufs, n);
        if (n > 0)
            session_->made_progress();
    }
    cancel_deadline(deadline_use::write);
    co_return boost::system::error_code{};
}

awaitable<void> ws_connection::close_tls() {
    // Our close frame is out: close_notify, then the client's (or its EOF), within the close
    // handshake's deadline. Its close frame is not needed: we are done. The outcome does
    // not matter either, the connection ends.
    waiting_ = true;
    co_await stream_.async_shutdown(net::bind_cancellation_slot(wake_signal_.slot(), use_tuple));
    waiting_ = false;
    if (!timed_out_)
        read_failed(net::error::eof);
}

awaitable<bool> ws_connection::read_pending_tls() {
    // Only what is decrypted already: such a read completes without waiting on the socket,
    // so no wake-up can be missed. Further records are the loop's next read.
    std::unique_ptr<char[]> buffer;
    while (stream_.pending() > 0) {
        if (!buffer)
            buffer = std::make_unique_for_overwrite<char[]>(tls_read_size);
        auto [ec, n] =
            co_await stream_.async_read_some(net::buffer(buffer.get(), tls_read_size), use_tuple);
        if (ec) {
            read_failed(ec);
            co_return false;
        }
        receive({buffer.get(), n});
    }
    co_return true;
}

} // namespace sio::engineio::detail
