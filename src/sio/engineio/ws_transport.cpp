#include "sio/engineio/ws_transport.hpp"

#include "sio/core/log.hpp"
#include "sio/core/owned_timer.hpp"
#include "sio/engineio/deflate.hpp"
#include "sio/engineio/metrics.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/engineio/session.hpp"
#include "sio/engineio/transport.hpp"
#include "sio/engineio/ws_connection.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/beast/http/field.hpp>

#include <array>
#include <cstring>

namespace sio::engineio {
namespace {

/// The read buffer every WebSocket of a thread shares for the rest of what is readable.
constexpr std::size_t shared_read_size = 64 * 1024;

std::array<char, shared_read_size>& shared_read_buffer() {
    thread_local std::array<char, shared_read_size> buffer;
    return buffer;
}

/// The read an idle connection waits in, interrupted through `slot`; completes with (error,
/// bytes). An operation co_await takes as it is: use_awaitable would keep a coroutine frame
/// of its own (~250 bytes) alive for as long as the connection is idle.
auto idle_read(http::stream& stream, net::mutable_buffer buffer, net::cancellation_slot slot) {
    using signature = void(std::tuple<boost::system::error_code, std::size_t>);
    return net::async_initiate<net::deferred_t const, signature>(
        [&stream, buffer, slot](auto handler) {
            stream.async_read_some(
                buffer, net::as_tuple(net::bind_cancellation_slot(slot, std::move(handler))));
        },
        net::deferred);
}

} // namespace

awaitable<void> run_websocket(std::shared_ptr<session> s, http::stream stream, ws::accepted terms,
                              std::string early_bytes, ws_role role) {
    // Not a coroutine itself: its parameters would stay in the connection's frame for the
    // connection's whole life. They wait on the heap until the 101 is written.
    return detail::ws_runner::run(std::make_unique<detail::ws_start>(detail::ws_start{
        std::move(s), std::move(stream), std::move(terms), std::move(early_bytes), role}));
}

namespace detail {

awaitable<bool> ws_runner::begin(ws_connection& c, std::unique_ptr<ws_start> start) {
    // Its own coroutine, so that the handshake's locals are not part of the loop's frame.
    c.open(start->role);
    boost::system::error_code ec;
    if (!c.stream_.is_tls()) // plain writes and reads are tried at once, waited for if blocked
        c.stream_.socket().non_blocking(true, ec);
    if (!ec) {
        std::vector<net::const_buffer> response{net::buffer(start->terms.response)};
        ec = co_await c.write(response);
    }
    if (ec) {
        log::debug("engine.io {}: WebSocket handshake failed: {}", c.session_->id(), ec.message());
        c.session_->transport_closing(c, disconnect_reason::transport_error);
        c.session_->detach(c);
        co_return false;
    }
    if (start->role == ws_role::opens_session)
        c.session_->start();
    if (!start->early_bytes.empty())
        c.receive(start->early_bytes);
    co_return true;
}

awaitable<void> ws_runner::run(std::unique_ptr<ws_start> start) {
    ws_connection c(std::move(start->owner), std::move(start->stream), start->terms);
    if (!co_await begin(c, std::move(start)))
        co_return;
    bool const tls = c.stream_.is_tls();

    // The connection's loop. It waits on one of three things: the client's next frames (a
    // read), a wake-up from the session (a send of its own, a room broadcast, a close), which
    // cancels that read; and, inside write(), room in the socket's send buffer.
    for (;;) {
        if (c.aborting_)
            break;
        if ((c.has_frames() || c.must_close()) && !co_await c.flush())
            break;
        if (tls && c.close_sent_) {
            co_await c.close_tls();
            break;
        }

        // A read into the connection's small buffer rather than a wait for readability:
        // Asio re-arms epoll (one more system call) for every wait, not for a read. Under
        // TLS a wait for readability would be wrong too: the TLS layer may hold bytes
        // already.
        c.waiting_ = true;
        c.in_read_ = true;
        auto [read_ec, n] =
            co_await idle_read(c.stream_, net::buffer(c.first_bytes_), c.wake_signal_.slot());
        c.waiting_ = false;
        c.in_read_ = false;
        if (c.timed_out_)
            break;
        if (read_ec == net::error::operation_aborted)
            continue; // woken: there is something to write
        if (read_ec) {
            c.read_failed(read_ec);
            break;
        }
        c.receive({c.first_bytes_.data(), n});
        // The rest of what is readable, through the thread's shared buffer.
        if (n == c.first_bytes_.size() &&
            !(tls ? co_await c.read_pending_tls() : c.read_available()))
            break;
    }
    c.deadline_.cancel();
    if (c.write_stalled_ || c.aborting_) {
        // Whatever the client never read is dropped with a reset, not left to the kernel.
        // Under TLS too: no close_notify for a client that does not read.
        if (c.write_stalled_)
            log::info("engine.io {}: no write progress for {} ms: resetting the connection",
                      c.session_->id(), c.session_->settings().write_timeout.count());
        boost::system::error_code ignored;
        c.stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
        c.stream_.close(); // now: Asio's destructor would turn lingering off again
    }
    c.session_->detach(c);
}

void ws_connection::open(ws_role role) {
    if (role == ws_role::opens_session) {
        session_->attach(*this);
    } else if (session_->begin_probe(*this)) {
        auto expired = [](ws_connection& owner) {
            owner.session_->probe_expired(owner);
            if (owner.tls_writing_)
                owner.stream_.cancel(); // a stuck TLS write is not woken: cut it
        };
        set_deadline(deadline_use::probe, session_->settings().upgrade_timeout, expired);
    } else {
        // A session that cannot upgrade (already on WebSocket, or probing) gets its
        // WebSocket accepted and closed at once, as the reference does.
        closing_ = true;
    }
}

// --- reading -------------------------------------------------------------------------------

void ws_connection::read_failed(boost::system::error_code ec) {
    // The client is gone (EOF or reset), or finished the close handshake.
    if (session_->carried_by(*this) || session_->probing_with(*this))
        session_->transport_closing(*this, ec == net::error::eof
                                               ? disconnect_reason::transport_close
                                               : disconnect_reason::transport_error);
}

bool ws_connection::read_available() {
    for (;;) {
        auto& buffer = shared_read_buffer();
        boost::system::error_code ec;
        auto const n = stream_.socket().read_some(net::buffer(buffer), ec);
        if (ec == net::error::would_block || ec == net::error::try_again)
            return true;
        if (ec) {
            read_failed(ec);
            return false;
        }
        receive({buffer.data(), n});
        if (n < buffer.size())
            return true;
    }
}

void ws_connection::receive(std::string_view bytes) {
    if (closing_)
        return; // after a close frame or a protocol error the rest is ignored
    reader_.feed(bytes);
    while (auto e = reader_.next()) {
        if (!handle(*e))
            break;
    }
}

void ws_connection::fail(std::uint16_t code, std::string_view why) {
    log::info("engine.io {}: WebSocket {}: closing with {}", session_->id(), why, code);
    stats().bad_input(code == ws::close_code::too_big ? malformed::payload_too_large
                                                      : malformed::websocket);
    closing_ = true;
    close_code_ = code;
    wake();
    session_->transport_closing(*this, code == ws::close_code::too_big
                                           ? disconnect_reason::payload_too_large
                                           : disconnect_reason::parse_error);
}

bool ws_connection::handle(ws::event& e) {
    using kind = ws::event::kind;
    switch (e.type) {
    case kind::error:
        fail(e.code, e.reason);
        return false;
    case kind::ping:
        pong_ = std::make_unique<std::string>(std::move(e.data));
        wake();
        return true;
    case kind::pong:
        return true;
    case kind::close:
        if (e.code != ws::close_code::no_status && !ws::valid_close_code(e.code)) {
            fail(ws::close_code::protocol_error, "close code invalid");
            return false;
        }
        closing_ = true;
        wake();
        session_->transport_closing(*this, disconnect_reason::transport_close);
        return false;
    case kind::text:
    case kind::binary:
        break;
    }
    if (e.compressed) {
        std::string inflated;
        auto const status = deflate::decompress(e.data, session_->settings().max_payload, inflated);
        if (status == deflate::inflate_status::too_big) {
            fail(ws::close_code::too_big, "message over maxPayload once inflated");
            return false;
        }
        if (status != deflate::inflate_status::ok) {
            fail(ws::close_code::invalid_payload, "compressed data corrupt");
            return false;
        }
        if (e.type == kind::text && !ws::valid_utf8(inflated)) {
            fail(ws::close_code::invalid_payload, "text message not UTF-8");
            return false;
        }
        e.data = std::move(inflated);
    }
    deliver(e);
    return true;
}

void ws_connection::deliver(ws::event& e) {
    bool const binary = e.type == ws::event::kind::binary;
    if (session_->carried_by(*this)) {
        if (binary)
            session_->receive_binary(std::move(e.data));
        else
            session_->receive_text(e.data);
        return;
    }
    if (!session_->probing_with(*this))
        return;
    switch (session_->probe_packet(*this, binary ? std::nullopt : decode_text(e.data))) {
    case probe_step::reply_probe:
        probe_reply_ = true;
        wake();
        break;
    case probe_step::upgraded:
        cancel_deadline(deadline_use::probe);
        break;
    case probe_step::refused:
        break;
    }
}

} // namespace detail

} // namespace sio::engineio
