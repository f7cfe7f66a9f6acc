#include "sio/engineio/session.hpp"

#include "sio/core/log.hpp"
#include "sio/engineio/metrics.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/engineio/session_registry.hpp"
#include "sio/engineio/transport.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace sio::engineio {

session::session(net::any_io_executor strand, std::string sid, config const& cfg,
                 transport_kind initial, std::shared_ptr<handler> handler,
                 std::shared_ptr<session_registry> registry, handshake_info handshake)
    : strand_(std::move(strand))
    , sid_(std::move(sid))
    , handshake_(std::move(handshake))
    , config_(cfg)
    , handler_(std::move(handler))
    , registry_(std::move(registry))
    , heartbeat_(strand_)
    , transport_(initial) {}

session::~session() {
    registry_->outbound().release(reserved_);
}

// --- lifecycle -----------------------------------------------------------------------------

void session::start() {
    std::vector<std::string_view> upgrades;
    if (transport_ == transport_kind::polling && config_.allow_websocket)
        upgrades.emplace_back("websocket");
    enqueue_control(
        encode_text(packet_type::open,
                    open_json(sid_, upgrades,
                              {config_.ping_interval, config_.ping_timeout, config_.max_payload})));
    schedule_heartbeat(config_.ping_interval);
    stats().handshakes[static_cast<std::size_t>(transport_)]->inc();
    stats().clients_on(transport_).add();
    log::debug("engine.io {}: open ({})", sid_, to_string(transport_));
    listener_ = handler_->on_open(shared_from_this());
}

void session::close(disconnect_reason reason) {
    net::dispatch(strand_, [self = shared_from_this(), reason] { self->do_close(reason); });
}

void session::do_close(disconnect_reason reason) {
    if (state_ != state::open)
        return;
    state_ = state::closing;
    ++heartbeat_generation_;
    heartbeat_.cancel();
    log::debug("engine.io {}: closed ({})", sid_, to_string(reason));
    stats().clients_on(transport_).sub();
    stats().disconnected(reason);
    if (auto listener = std::move(listener_)) {
        listener_.reset();
        listener->on_close(reason);
    }
    if (probe_)
        abort_upgrade(*probe_);

    if (reason == disconnect_reason::queue_full) {
        // The client does not read: what it has not read is dropped, not kept for it.
        queue_.clear();
        queued_cost_ = 0;
        publish_buffered();
    }
    if (transport_ == transport_kind::websocket) {
        // The writer flushes what is queued, then sends the close frame; the transport
        // detaches when it ends. New requests with this sid are refused from now on.
        registry_->remove(sid_);
        if (active_ && reason == disconnect_reason::queue_full)
            active_->abort();
        else if (active_)
            active_->wake();
        else
            finalize();
        return;
    }
    bool const graceful =
        reason == disconnect_reason::forced_close || reason == disconnect_reason::queue_full;
    if (waiter_) {
        // A client that closed gets a noop on its pending GET; otherwise it learns of the
        // close from a close packet after what was queued.
        std::string body;
        if (reason == disconnect_reason::transport_close) {
            body = encode_text(packet_type::noop);
        } else {
            body = graceful ? drain_payload() : std::string{};
            append_payload(body, {"1", false});
        }
        complete_waiter(poll_reply::ok(std::move(body)));
        finalize();
    } else if (graceful || closed_by_client_) {
        // Keep the sid until the next GET collects the queue and the close packet, or, when
        // the client closed, until a GET it sent at the same time arrives (on another
        // connection, possibly another thread): that one gets the noop it would have had.
        // The heartbeat is over: its timer counts this down.
        heartbeat_.expires_after(closed_by_client_ ? config_.ping_timeout
                                                   : config_.ping_interval + config_.ping_timeout);
        heartbeat_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec)
                self->finalize();
        });
    } else {
        finalize();
    }
}

void session::finalize() {
    if (state_ == state::closed)
        return;
    state_ = state::closed;
    heartbeat_.cancel();
    queue_.clear();
    queued_cost_ = 0;
    batch_written();
    registry_->remove(sid_);
    registry_->leave(handshake_.address);
}

// --- heartbeat -----------------------------------------------------------------------------

void session::schedule_heartbeat(std::chrono::milliseconds after) {
    auto const generation = ++heartbeat_generation_;
    heartbeat_.expires_after(after);
    heartbeat_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
        if (!ec && generation == self->heartbeat_generation_)
            self->on_heartbeat();
    });
}

void session::on_heartbeat() {
    if (state_ != state::open)
        return;
    if (awaiting_pong_) {
        log::debug("engine.io {}: no pong within {} ms", sid_, config_.ping_timeout.count());
        do_close(disconnect_reason::ping_timeout);
        return;
    }
    awaiting_pong_ = true;
    enqueue_control(encode_text(packet_type::ping));
    // The timeout counts from when the ping is queued, as the reference does.
    schedule_heartbeat(config_.ping_timeout);
}

void session::on_pong() {
    if (!awaiting_pong_)
        return;
    awaiting_pong_ = false;
    schedule_heartbeat(config_.ping_interval);
}

// --- incoming packets ----------------------------------------------------------------------

void session::receive_text(std::string_view text) {
    if (state_ != state::open)
        return;
    auto p = decode_text(text);
    if (!p) {
        log::info("engine.io {}: malformed packet: closing", sid_);
        stats().bad_input(malformed::packet);
        do_close(disconnect_reason::parse_error);
        return;
    }
    dispatch(std::move(*p));
}

void session::dispatch(packet p) {
    stats().packets_received->inc();
    stats().bytes_received->inc(p.data.size() + 1);
    switch (p.type) {
    case packet_type::pong:
        on_pong();
        break;
    case packet_type::message:
        if (listener_)
            listener_->on_message(std::move(p.data));
        break;
    case packet_type::close:
        closed_by_client_ = true;
        do_close(disconnect_reason::transport_close);
        break;
    case packet_type::ping:
        // In v4 only the server pings.
        log::info("engine.io {}: ping from the client (invalid heartbeat direction)", sid_);
        stats().bad_input(malformed::packet);
        do_close(disconnect_reason::parse_error);
        break;
    case packet_type::open:
    case packet_type::upgrade:
    case packet_type::noop:
        break;
    }
}

void session::receive_binary(std::string bytes) {
    stats().packets_received->inc();
    stats().bytes_received->inc(bytes.size());
    if (state_ == state::open && listener_)
        listener_->on_binary(std::move(bytes));
}

// --- the WebSocket transport and the upgrade -----------------------------------------------

void session::attach(engineio::transport& t) {
    active_ = &t;
}

void session::transport_closing(engineio::transport& t, disconnect_reason reason) {
    if (active_ == &t)
        do_close(reason);
    else if (probe_ == &t)
        abort_upgrade(t);
}

void session::detach(engineio::transport& t) {
    if (probe_ == &t) {
        probe_ = nullptr;
        upgrading_ = false;
    }
    if (active_ == &t) {
        active_ = nullptr;
        do_close(disconnect_reason::transport_close);
        finalize();
    }
}

bool session::begin_probe(engineio::transport& t) {
    if (state_ != state::open || transport_ != transport_kind::polling || probe_ ||
        !config_.allow_websocket)
        return false;
    probe_ = &t;
    return true;
}

probe_step session::probe_packet(engineio::transport& t, std::optional<packet> const& p) {
    if (p && p->type == packet_type::ping && p->data == "probe" && !upgrading_) {
        upgrading_ = true;
        // The parked GET returns, so the client can pause polling and send the upgrade.
        if (waiter_)
            complete_waiter(poll_reply::ok(encode_text(packet_type::noop)));
        return probe_step::reply_probe;
    }
    if (p && p->type == packet_type::upgrade && upgrading_) {
        upgrading_ = false;
        probe_ = nullptr;
        active_ = &t;
        transport_ = transport_kind::websocket;
        stats().upgrades->inc();
        stats().clients_on(transport_kind::polling).sub();
        stats().clients_on(transport_kind::websocket).add();
        if (waiter_)
            complete_waiter(poll_reply::ok(encode_text(packet_type::noop)));
        log::debug("engine.io {}: upgraded to websocket", sid_);
        if (listener_)
            listener_->on_upgrade();
        t.wake();
        return probe_step::upgraded;
    }
    abort_upgrade(t);
    return probe_step::refused;
}

void session::probe_expired(engineio::transport& t) {
    if (probe_ == &t)
        abort_upgrade(t);
}

void session::abort_upgrade(engineio::transport& t) {
    if (probe_ == &t) {
        probe_ = nullptr;
        upgrading_ = false;
        log::debug("engine.io {}: upgrade aborted", sid_);
    }
    t.stop();
}

} // namespace sio::engineio
