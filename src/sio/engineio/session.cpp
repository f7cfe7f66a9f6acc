#include "sio/engineio/session.hpp"

#include "sio/core/log.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/engineio/session_registry.hpp"
#include "sio/engineio/transport.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace sio::engineio {

void connection::send(message m, delivery d) {
    std::vector<message> group;
    group.push_back(std::move(m));
    send(std::move(group), d);
}

void connection::send_to_all(std::vector<std::shared_ptr<connection>> const& recipients,
                             std::vector<message> group, delivery d) {
    auto const shared = std::make_shared<std::vector<message> const>(std::move(group));
    for (auto const& c : recipients)
        c->send_shared(shared, d);
}

session::session(net::any_io_executor strand, std::string sid, config const& cfg,
                 transport_kind initial, std::shared_ptr<handler> handler,
                 std::shared_ptr<session_registry> registry, handshake_info handshake)
    : strand_(std::move(strand))
    , sid_(std::move(sid))
    , handshake_(std::move(handshake))
    , config_(cfg)
    , handler_(std::move(handler))
    , registry_(std::move(registry))
    , transport_(initial)
    , heartbeat_(strand_) {}

session::~session() {
    registry_->outbound().release(reserved_);
}

// --- sending -------------------------------------------------------------------------------

void session::send(std::vector<message> group, delivery d) {
    net::dispatch(strand_, [self = shared_from_this(), group = std::move(group), d]() mutable {
        self->enqueue(group, d);
    });
}

void session::send_shared(std::shared_ptr<std::vector<message> const> group, delivery d) {
    // dispatch: a recipient on the caller's thread is entered at once; from any other thread
    // it posts, which keeps order with the caller's other sends to this session.
    net::dispatch(strand_, [self = shared_from_this(), group = std::move(group), d] {
        self->enqueue(*group, d);
    });
}

void session::enqueue(std::span<message const> group, delivery d) {
    if (state_ != state::open)
        return;
    std::size_t cost = 0;
    for (auto const& m : group)
        cost += cost_of(m);
    bool const busy = !queue_.empty() || inflight_messages_ > 0;
    std::size_t const held = queued_cost_ + inflight_cost_;
    bool const over_bytes = held + cost > config_.max_queued_bytes;
    bool const over_count =
        queue_.size() + inflight_messages_ + group.size() > config_.max_queued_messages;
    // Past the server-wide budget, a session over its fair share that has not taken any
    // bytes lately (it is not reading) may take no more; one that reads, however slowly,
    // keeps its own budget.
    bool const over_share =
        held + cost > config_.queue_fair_share && registry_->outbound().exhausted() &&
        std::chrono::steady_clock::now() - last_progress_ > config_.stalled_after;
    if (busy && (over_bytes || over_count || over_share)) {
        if (d == delivery::droppable) {
            log::debug("engine.io {}: queue full, volatile packet dropped", sid_);
            return;
        }
        log::warn("engine.io {}: {} messages ({} bytes) queued or being written{} and the "
                  "client does not read: closing",
                  sid_, queue_.size() + inflight_messages_, held,
                  over_bytes || over_count ? "" : ", the server's outbound budget is spent,");
        do_close(disconnect_reason::queue_full);
        return;
    }
    queue_.insert(queue_.end(), group.begin(), group.end());
    queued_cost_ += cost;
    publish_buffered();
    flush_soon();
}

void session::enqueue_control(std::string packet) {
    queue_.push_back({std::make_shared<std::string const>(std::move(packet)), false});
    queued_cost_ += cost_of(queue_.back());
    publish_buffered();
    flush_soon();
}

std::size_t session::cost_of(message const& m) {
    return m.bytes->size() + queued_message_cost;
}

void session::publish_buffered() {
    std::size_t const held = queued_cost_ + inflight_cost_;
    buffered_.store(held, std::memory_order_relaxed);
    if (held == 0 && state_ != state::open)
        registry_->outbound().release(reserved_); // an ending session keeps no slack
    else
        registry_->outbound().account(reserved_, held);
}

void session::flush_soon() {
    if (transport_ == transport_kind::websocket) {
        // The writer runs after the current handler returns, so sends made in one
        // handler go out together.
        if (active_)
            active_->wake();
        return;
    }
    if (flush_scheduled_ || !waiter_)
        return;
    flush_scheduled_ = true;
    net::post(strand_, [self = shared_from_this()] {
        self->flush_scheduled_ = false;
        self->flush();
    });
}

void session::flush() {
    if (state_ == state::open && transport_ == transport_kind::polling && waiter_ &&
        !queue_.empty())
        complete_waiter(poll_reply::ok(drain_payload()));
}

std::vector<message> session::take_queue() {
    std::vector<message> batch;
    batch.swap(queue_);
    // What is being written still counts until the write completes.
    inflight_cost_ += queued_cost_;
    inflight_messages_ += batch.size();
    queued_cost_ = 0;
    return batch;
}

void session::batch_written() {
    inflight_cost_ = 0;
    inflight_messages_ = 0;
    publish_buffered();
    if (queue_.empty() && state_ == state::open && listener_)
        listener_->on_drain();
}

std::string session::drain_payload() {
    std::string payload;
    payload.reserve(queued_cost_);
    for (auto const& m : queue_)
        append_payload(payload, {*m.bytes, m.binary});
    queue_.clear();
    queued_cost_ = 0;
    publish_buffered();
    made_progress();
    if (state_ == state::open && listener_)
        listener_->on_drain();
    return payload;
}

void session::complete_waiter(poll_reply reply) {
    auto w = std::move(waiter_);
    waiter_.reset();
    auto ex = w->wake.get_executor();
    net::post(ex, [w = std::move(w), reply = std::move(reply)]() mutable {
        w->reply = std::move(reply);
        w->wake.cancel();
    });
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
        do_close(disconnect_reason::parse_error);
        return;
    }
    dispatch(std::move(*p));
}

void session::dispatch(packet p) {
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
        do_close(disconnect_reason::parse_error);
        break;
    case packet_type::open:
    case packet_type::upgrade:
    case packet_type::noop:
        break;
    }
}

void session::receive_binary(std::string bytes) {
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
        if (waiter_)
            complete_waiter(poll_reply::ok(encode_text(packet_type::noop)));
        log::debug("engine.io {}: upgraded to websocket", sid_);
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
