#include "sio/engineio/session.hpp"

#include "sio/core/log.hpp"
#include "sio/engineio/packet.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>

namespace sio::engineio {

namespace websocket = beast::websocket;
using namespace net::experimental::awaitable_operators;

std::string_view to_string(disconnect_reason r) {
    switch (r) {
    case disconnect_reason::transport_close:
        return "transport close";
    case disconnect_reason::transport_error:
        return "transport error";
    case disconnect_reason::ping_timeout:
        return "ping timeout";
    case disconnect_reason::parse_error:
        return "parse error";
    case disconnect_reason::multiple_polling:
        return "multiple polling requests";
    case disconnect_reason::payload_too_large:
        return "payload too large";
    case disconnect_reason::queue_full:
        return "queue full";
    case disconnect_reason::forced_close:
        return "forced close";
    case disconnect_reason::server_shutdown:
        return "server shutting down";
    }
    return "unknown";
}

message make_text_message(std::string_view text) {
    auto bytes = std::make_shared<std::string>();
    bytes->reserve(text.size() + 1);
    bytes->push_back('4');
    bytes->append(text);
    return {std::move(bytes), false};
}

message make_binary_message(std::string bytes) {
    return {std::make_shared<std::string const>(std::move(bytes)), true};
}

poll_waiter::poll_waiter(net::any_io_executor ex)
    : wake(std::move(ex), net::steady_timer::time_point::max()) {}

/// One WebSocket connection of a session, owned by run_websocket's coroutine frame.
struct ws_transport {
    explicit ws_transport(beast::tcp_stream stream)
        : ws(std::move(stream))
        , wake(ws.get_executor(), net::steady_timer::time_point::max())
        , upgrade_timer(ws.get_executor()) {}

    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    net::steady_timer wake;          // the writer sleeps here until there is work
    net::steady_timer upgrade_timer; // a probe must finish within upgrade_timeout
    bool probe_reply = false;        // "3probe" waits for the writer
    bool closing = false;            // the writer closes this WebSocket
};

namespace {

poll_reply error_reply(http_error e) {
    return {error_status(e), error_body(e), true};
}

} // namespace

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
    , closing_timer_(strand_)
    , heartbeat_(strand_) {}

session::~session() = default;

// --- sending -------------------------------------------------------------------------------

void session::send(message m, bool droppable) {
    std::vector<message> group;
    group.push_back(std::move(m));
    send(std::move(group), droppable);
}

void session::send(std::vector<message> group, bool droppable) {
    net::dispatch(strand_, [self = shared_from_this(), group = std::move(group),
                            droppable]() mutable { self->enqueue(std::move(group), droppable); });
}

void session::enqueue(std::vector<message> group, bool droppable) {
    if (state_ != state::open)
        return;
    std::size_t size = 0;
    for (auto const& m : group)
        size += m.bytes->size();
    if (!queue_.empty() && queued_bytes_ + size > config_.max_queued_bytes) {
        if (droppable) {
            log::debug("engine.io {}: queue full, volatile packet dropped", sid_);
            return;
        }
        log::warn("engine.io {}: {} bytes queued and the client does not read: closing", sid_,
                  queued_bytes_);
        do_close(disconnect_reason::queue_full);
        return;
    }
    for (auto& m : group)
        queue_.push_back(std::move(m));
    queued_bytes_ += size;
    flush_soon();
}

void session::enqueue_control(std::string packet) {
    queued_bytes_ += packet.size();
    queue_.push_back({std::make_shared<std::string const>(std::move(packet)), false});
    flush_soon();
}

void session::flush_soon() {
    if (transport_ == transport_kind::websocket) {
        // The writer runs after the current handler returns, so sends made in one
        // handler go out together.
        wake_writer();
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
        complete_waiter({200, drain_payload(), false});
}

std::string session::drain_payload() {
    std::string payload;
    payload.reserve(queued_bytes_ + queue_.size());
    for (auto const& m : queue_)
        append_payload(payload, {*m.bytes, m.binary});
    queue_.clear();
    queued_bytes_ = 0;
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

void session::wake_writer() {
    if (active_ws_)
        active_ws_->wake.cancel();
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
    close_reason_ = reason;
    ++heartbeat_generation_;
    heartbeat_.cancel();
    log::debug("engine.io {}: closed ({})", sid_, to_string(reason));
    if (auto listener = std::move(listener_)) {
        listener_.reset();
        listener->on_close(reason);
    }
    if (probe_ws_)
        abort_upgrade(*probe_ws_);

    if (transport_ == transport_kind::websocket) {
        // The writer flushes what is queued, then sends the close frame; run_websocket
        // finalizes when it ends. New requests with this sid are refused from now on.
        registry_->remove(sid_);
        wake_writer();
        if (!active_ws_)
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
        complete_waiter({200, std::move(body), false});
        finalize();
    } else if (graceful || closed_by_client_) {
        // Keep the sid until the next GET collects the queue and the close packet, or, when
        // the client closed, until a GET it sent at the same time arrives (on another
        // connection, possibly another thread): that one gets the noop it would have had.
        closing_timer_.expires_after(closed_by_client_
                                         ? config_.ping_timeout
                                         : config_.ping_interval + config_.ping_timeout);
        closing_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
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
    closing_timer_.cancel();
    queue_.clear();
    queued_bytes_ = 0;
    registry_->remove(sid_);
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

void session::handle_packet(std::string_view text) {
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

void session::handle_binary(std::string bytes) {
    if (state_ == state::open && listener_)
        listener_->on_binary(std::move(bytes));
}

// --- polling -------------------------------------------------------------------------------

std::optional<poll_reply> session::poll(std::shared_ptr<poll_waiter> const& waiter) {
    if (state_ == state::closed)
        return error_reply(http_error::unknown_sid);
    if (transport_ != transport_kind::polling)
        return error_reply(http_error::bad_request);
    if (state_ == state::closing) {
        std::string body;
        if (closed_by_client_) {
            body = encode_text(packet_type::noop);
        } else {
            body = drain_payload();
            append_payload(body, {"1", false});
        }
        finalize();
        return poll_reply{200, std::move(body), false};
    }
    if (waiter_) {
        log::info("engine.io {}: a second concurrent GET: closing", sid_);
        do_close(disconnect_reason::multiple_polling);
        return error_reply(http_error::bad_request);
    }
    if (upgrading_)
        return poll_reply{200, encode_text(packet_type::noop), false};
    if (!queue_.empty())
        return poll_reply{200, drain_payload(), false};
    waiter_ = waiter;
    return std::nullopt;
}

void session::poll_aborted(std::shared_ptr<poll_waiter> const& waiter) {
    if (waiter_ != waiter)
        return;
    waiter_.reset();
    log::debug("engine.io {}: poll connection closed prematurely", sid_);
    do_close(disconnect_reason::transport_close);
}

poll_reply session::post(std::string_view body) {
    if (state_ == state::closed)
        return error_reply(http_error::unknown_sid);
    if (transport_ != transport_kind::polling)
        return error_reply(http_error::bad_request);
    if (state_ == state::closing)
        return {200, "ok", false};
    auto packets = decode_payload(body);
    if (!packets) {
        log::info("engine.io {}: malformed polling payload: closing", sid_);
        do_close(disconnect_reason::parse_error);
        return error_reply(http_error::bad_request);
    }
    for (auto& p : *packets) {
        if (state_ != state::open)
            break;
        if (p.binary)
            handle_binary(std::move(p.data));
        else
            dispatch(std::move(p));
    }
    return {200, "ok", false};
}

// --- WebSocket -----------------------------------------------------------------------------

bool session::can_upgrade() const {
    return state_ == state::open && transport_ == transport_kind::polling && !probe_ws_ &&
           config_.allow_websocket;
}

void session::abort_upgrade(ws_transport& t) {
    if (probe_ws_ == &t) {
        probe_ws_ = nullptr;
        upgrading_ = false;
        log::debug("engine.io {}: upgrade aborted", sid_);
    }
    t.closing = true;
    t.upgrade_timer.cancel();
    t.wake.cancel();
}

awaitable<void> session::run_websocket(beast::tcp_stream stream, http::request req, bool upgrade) {
    auto self = shared_from_this();
    ws_transport t(std::move(stream));
    t.ws.read_message_max(config_.max_payload);
    t.ws.set_option(websocket::stream_base::timeout{std::chrono::seconds(10),
                                                    websocket::stream_base::none(), false});
    if (config_.per_message_deflate) {
        websocket::permessage_deflate pmd;
        pmd.server_enable = true;
        t.ws.set_option(pmd);
    }
    auto [ec] = co_await t.ws.async_accept(req, use_tuple);
    if (ec) {
        log::debug("engine.io {}: WebSocket handshake failed: {}", sid_, ec.message());
        if (!upgrade)
            do_close(disconnect_reason::transport_error);
        co_return;
    }
    if (!upgrade) {
        active_ws_ = &t;
        start();
    } else if (can_upgrade()) {
        probe_ws_ = &t;
        t.upgrade_timer.expires_after(config_.upgrade_timeout);
        t.upgrade_timer.async_wait([self, &t](boost::system::error_code tec) {
            if (!tec && self->probe_ws_ == &t)
                self->abort_upgrade(t);
        });
    } else {
        t.closing = true;
    }

    co_await (ws_read_loop(t) || ws_write_loop(t));

    t.upgrade_timer.cancel();
    if (probe_ws_ == &t) {
        probe_ws_ = nullptr;
        upgrading_ = false;
    }
    if (active_ws_ == &t) {
        active_ws_ = nullptr;
        do_close(disconnect_reason::transport_close);
        finalize();
    }
}

awaitable<void> session::ws_read_loop(ws_transport& t) {
    for (;;) {
        auto [ec, n] = co_await t.ws.async_read(t.buffer, use_tuple);
        if (ec) {
            if (active_ws_ == &t) {
                auto const reason =
                    ec == websocket::error::message_too_big ? disconnect_reason::payload_too_large
                    : ec == websocket::error::closed        ? disconnect_reason::transport_close
                                                            : disconnect_reason::transport_error;
                if (reason == disconnect_reason::payload_too_large)
                    log::info("engine.io {}: WebSocket message over {} bytes: closing", sid_,
                              config_.max_payload);
                do_close(reason);
            } else if (probe_ws_ == &t) {
                abort_upgrade(t);
            }
            co_return;
        }
        auto const data = t.buffer.cdata();
        std::string_view const bytes(static_cast<char const*>(data.data()), data.size());
        bool const binary = t.ws.got_binary();

        if (active_ws_ == &t) {
            if (binary)
                handle_binary(std::string(bytes));
            else
                handle_packet(bytes);
        } else if (probe_ws_ == &t) {
            auto const p = binary ? std::nullopt : decode_text(bytes);
            if (p && p->type == packet_type::ping && p->data == "probe" && !upgrading_) {
                upgrading_ = true;
                t.probe_reply = true;
                t.wake.cancel();
                if (waiter_)
                    complete_waiter({200, encode_text(packet_type::noop), false});
            } else if (p && p->type == packet_type::upgrade && upgrading_) {
                t.upgrade_timer.cancel();
                upgrading_ = false;
                probe_ws_ = nullptr;
                active_ws_ = &t;
                transport_ = transport_kind::websocket;
                if (waiter_)
                    complete_waiter({200, encode_text(packet_type::noop), false});
                log::debug("engine.io {}: upgraded to websocket", sid_);
                wake_writer();
            } else {
                abort_upgrade(t);
            }
        }
        t.buffer.consume(t.buffer.size());
        if (t.buffer.capacity() > 64 * 1024)
            t.buffer.shrink_to_fit();
    }
}

awaitable<void> session::ws_write_loop(ws_transport& t) {
    std::deque<message> batch;
    for (;;) {
        if (t.probe_reply) {
            t.probe_reply = false;
            t.ws.text(true);
            static constexpr std::string_view probe = "3probe";
            auto [ec, n] =
                co_await t.ws.async_write(net::buffer(probe.data(), probe.size()), use_tuple);
            if (ec)
                co_return;
            continue;
        }
        if (active_ws_ == &t && !queue_.empty()) {
            batch.swap(queue_);
            queued_bytes_ = 0;
            for (auto const& m : batch) {
                t.ws.text(!m.binary);
                auto [ec, n] = co_await t.ws.async_write(net::buffer(*m.bytes), use_tuple);
                if (ec) {
                    do_close(disconnect_reason::transport_error);
                    co_return;
                }
            }
            batch.clear();
            continue;
        }
        if (t.closing || (active_ws_ == &t && state_ != state::open)) {
            t.ws.set_option(websocket::stream_base::timeout{std::chrono::seconds(2),
                                                            websocket::stream_base::none(), false});
            co_await t.ws.async_close(websocket::close_code::normal, use_tuple);
            co_return;
        }
        t.wake.expires_at(net::steady_timer::time_point::max());
        co_await t.wake.async_wait(use_tuple);
    }
}

// --- registry ------------------------------------------------------------------------------

void session_registry::add(std::shared_ptr<session> s) {
    std::lock_guard lock(mutex_);
    auto const& id = s->id();
    sessions_.emplace(id, std::move(s));
}

std::shared_ptr<session> session_registry::find(std::string const& sid) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(sid);
    return it == sessions_.end() ? nullptr : it->second;
}

void session_registry::remove(std::string const& sid) {
    std::lock_guard lock(mutex_);
    sessions_.erase(sid);
}

std::size_t session_registry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

std::vector<std::shared_ptr<session>> session_registry::all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<session>> out;
    out.reserve(sessions_.size());
    for (auto const& [id, s] : sessions_)
        out.push_back(s);
    return out;
}

} // namespace sio::engineio
