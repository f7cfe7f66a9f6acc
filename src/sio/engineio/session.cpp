#include "sio/engineio/session.hpp"

#include "sio/core/log.hpp"
#include "sio/engineio/deflate.hpp"
#include "sio/engineio/packet.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <array>
#include <cstring>

namespace sio::engineio {

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

/// One WebSocket connection of a session, owned by run_websocket's coroutine frame, which
/// is the only coroutine a connection has. Nothing in it holds a buffer while idle.
struct ws_transport {
    ws_transport(http::tcp::socket s, std::uint64_t max_message, ws::accepted const& terms)
        : socket(std::move(s))
        , reader(max_message, terms.deflate)
        , deflate(terms.deflate)
        , deflate_window_bits(terms.deflate_window_bits) {}

    http::tcp::socket socket;
    /// A probe's upgrade deadline, then the close handshake's; made when first needed.
    /// Shared with its callbacks, which find the transport through `owner`: a callback
    /// already queued when the connection ended sees null instead of a dangling pointer.
    struct deadline_timer {
        explicit deadline_timer(ws_transport& t)
            : timer(t.socket.get_executor())
            , owner(&t) {}
        net::steady_timer timer;
        ws_transport* owner;
    };
    std::shared_ptr<deadline_timer> timer;
    net::cancellation_signal wake_signal; // interrupts the wait on the socket
    ws::frame_reader reader;
    bool probe_reply = false; // "3probe" is owed, before any data
    /// The payload of the pong owed to the client's latest ping: one at most, however
    /// many pings a client that does not read sends (RFC 6455 §5.5.3 allows that).
    std::optional<std::string> pong;
    std::array<char, 128> first_bytes; // where a wait for the client's next frames reads
    bool deflate;
    int deflate_window_bits;
    bool waiting = false;    // suspended on the socket; wake() interrupts it
    bool closing = false;    // send a close frame, then wait for the client's
    bool close_sent = false; // our close frame is out and our half of TCP shut
    bool timed_out = false;  // the close handshake took too long
    std::uint16_t close_code = ws::close_code::normal;

    /// Arms the deadline; `expired` runs with the transport if it is still there.
    template <class F>
    void set_deadline(std::chrono::steady_clock::duration after, F expired) {
        if (!timer)
            timer = std::make_shared<deadline_timer>(*this);
        timer->timer.expires_after(after);
        timer->timer.async_wait(
            [d = timer, expired = std::move(expired)](boost::system::error_code ec) mutable {
                if (!ec && d->owner)
                    expired(*d->owner);
            });
    }
    void cancel_deadline() {
        if (timer)
            timer->timer.cancel();
    }
    ~ws_transport() {
        if (timer) {
            timer->owner = nullptr;
            timer->timer.cancel();
        }
    }

    /// There is something to write: the connection's loop runs once more. Called on the
    /// session's strand; a no-op while the loop is running (it checks before waiting).
    void wake() {
        if (waiting) {
            waiting = false;
            wake_signal.emit(net::cancellation_type::total);
        }
    }
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
                            droppable]() mutable { self->enqueue(group, droppable); });
}

void session::send_to_all(std::vector<std::shared_ptr<session>> const& sessions,
                          std::vector<message> group, bool droppable) {
    auto const shared = std::make_shared<std::vector<message> const>(std::move(group));
    // dispatch: recipients on the caller's thread are entered at once; from any other
    // thread it posts, which keeps order with the caller's other sends to that session.
    for (auto const& s : sessions)
        net::dispatch(s->strand_, [s, shared, droppable] { s->enqueue(*shared, droppable); });
}

void session::enqueue(std::span<message const> group, bool droppable) {
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
    queue_.insert(queue_.end(), group.begin(), group.end());
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
        active_ws_->wake();
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
    t.cancel_deadline();
    t.wake();
}

namespace {

/// The read buffer every WebSocket of a thread shares: a connection reads only when the
/// socket is readable, parses what it got and keeps at most a partial frame.
std::array<char, 64 * 1024>& read_buffer() {
    thread_local std::array<char, 64 * 1024> buffer;
    return buffer;
}

void consume(std::vector<net::const_buffer>& bufs, std::size_t n) {
    auto it = bufs.begin();
    while (it != bufs.end() && n >= it->size()) {
        n -= it->size();
        ++it;
    }
    bufs.erase(bufs.begin(), it);
    if (!bufs.empty() && n > 0)
        bufs.front() += n;
}

/// Whether a peer's close code may be echoed (RFC 6455 §7.4).
bool valid_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

/// Frames `batch` (plus `control` first) into `bufs`: headers and small payloads are copied
/// into `arena`, large payloads are pointed at where they are. One gather write sends it.
void frame_batch(std::string_view control, std::vector<message> const& batch, bool deflate,
                 int window_bits, std::string& arena, std::vector<std::string>& compressed,
                 std::vector<net::const_buffer>& bufs) {
    static constexpr std::size_t copy_limit = 512;
    auto const compress = [deflate](message const& m) {
        return deflate && m.bytes->size() >= deflate::threshold;
    };
    // First pass: compress what needs it and size the arena.
    std::size_t arena_size = control.size();
    compressed.reserve(batch.size());
    for (auto const& m : batch) {
        std::string_view payload = *m.bytes;
        if (compress(m)) {
            compressed.push_back(deflate::compress(payload, window_bits));
            payload = compressed.back();
        }
        arena_size += ws::max_header_size + (payload.size() <= copy_limit ? payload.size() : 0);
    }
    arena.resize(arena_size);
    char* out = arena.data();
    char const* run_start = out;
    std::memcpy(out, control.data(), control.size());
    out += control.size();
    auto next_compressed = compressed.begin();
    for (auto const& m : batch) {
        bool const packed = compress(m);
        std::string_view const payload = packed ? *next_compressed++ : *m.bytes;
        out += ws::write_header(out, m.binary ? ws::opcode::binary : ws::opcode::text,
                                payload.size(), packed);
        if (payload.size() <= copy_limit) {
            std::memcpy(out, payload.data(), payload.size());
            out += payload.size();
        } else {
            bufs.emplace_back(run_start, static_cast<std::size_t>(out - run_start));
            bufs.emplace_back(payload.data(), payload.size());
            run_start = out;
        }
    }
    if (out != run_start)
        bufs.emplace_back(run_start, static_cast<std::size_t>(out - run_start));
}

} // namespace

awaitable<boost::system::error_code> session::ws_send(ws_transport& t,
                                                      std::vector<net::const_buffer>& bufs) {
    // Non-blocking writes; a full socket buffer is waited out (a wake-up just retries).
    while (!bufs.empty()) {
        boost::system::error_code ec;
        auto const n = t.socket.write_some(bufs, ec);
        if (ec == net::error::would_block || ec == net::error::try_again) {
            t.waiting = true;
            auto [wec] = co_await t.socket.async_wait(
                http::tcp::socket::wait_write,
                net::bind_cancellation_slot(t.wake_signal.slot(), use_tuple));
            t.waiting = false;
            if (t.timed_out)
                co_return net::error::timed_out;
            if (wec && wec != net::error::operation_aborted)
                co_return wec;
            continue;
        }
        if (ec)
            co_return ec;
        consume(bufs, n);
    }
    co_return boost::system::error_code{};
}

bool session::ws_has_frames(ws_transport const& t) const {
    // Nothing follows a close frame.
    return !t.close_sent && (t.probe_reply || t.pong || (active_ws_ == &t && !queue_.empty()));
}

bool session::ws_must_close(ws_transport const& t) const {
    return !t.close_sent && (t.closing || (active_ws_ == &t && state_ != state::open));
}

awaitable<bool> session::ws_flush(ws_transport& t) {
    // Its own coroutine so that the buffers of a write are not part of an idle
    // connection's frame.
    while (ws_has_frames(t)) {
        std::string control; // owed control frames go before data
        if (t.pong)
            control = ws::make_frame(ws::opcode::pong, *t.pong);
        if (t.probe_reply)
            control += ws::make_frame(ws::opcode::text, "3probe");
        t.pong.reset();
        t.probe_reply = false;
        std::vector<message> batch;
        if (active_ws_ == &t) {
            batch.swap(queue_);
            queued_bytes_ = 0;
        }
        std::string arena;
        std::vector<std::string> compressed;
        std::vector<net::const_buffer> bufs;
        frame_batch(control, batch, t.deflate, t.deflate_window_bits, arena, compressed, bufs);
        if (co_await ws_send(t, bufs)) {
            if (active_ws_ == &t)
                do_close(disconnect_reason::transport_error);
            co_return false;
        }
    }
    if (ws_must_close(t)) {
        // Our close frame and our half of TCP; then the client's close and EOF end the
        // loop, or the deadline does.
        std::string const frame = ws::make_close_frame(t.close_code);
        std::vector<net::const_buffer> bufs{net::buffer(frame)};
        if (co_await ws_send(t, bufs))
            co_return false;
        boost::system::error_code ignored;
        t.socket.shutdown(http::tcp::socket::shutdown_send, ignored);
        t.close_sent = true;
        auto expired = [](ws_transport& owner) {
            owner.timed_out = true;
            owner.wake();
        };
        t.set_deadline(std::chrono::seconds(2), expired);
    }
    co_return true;
}

awaitable<void> session::run_websocket(http::tcp::socket socket, ws::accepted terms,
                                       std::string early_bytes, bool upgrade) {
    auto self = shared_from_this();
    ws_transport t(std::move(socket), config_.max_payload, terms);
    boost::system::error_code ec;
    t.socket.non_blocking(true, ec);
    if (!ec) {
        std::vector<net::const_buffer> response{net::buffer(terms.response)};
        ec = co_await ws_send(t, response);
    }
    std::string().swap(terms.response);
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
        auto expired = [self](ws_transport& owner) {
            if (self->probe_ws_ == &owner)
                self->abort_upgrade(owner);
        };
        t.set_deadline(config_.upgrade_timeout, expired);
    } else {
        t.closing = true;
    }
    if (!early_bytes.empty())
        ws_receive(t, early_bytes);
    std::string().swap(early_bytes);

    // The connection's loop: write what is queued, then wait for the client's frames or a
    // wake-up (a send from this session, a broadcast, a close).
    for (;;) {
        if ((ws_has_frames(t) || ws_must_close(t)) && !co_await ws_flush(t))
            break;

        // A read into the connection's small buffer rather than a wait for readability:
        // Asio re-arms epoll (one more system call) for every wait, not for a read.
        t.waiting = true;
        auto [read_ec, n] = co_await t.socket.async_read_some(
            net::buffer(t.first_bytes),
            net::bind_cancellation_slot(t.wake_signal.slot(), use_tuple));
        t.waiting = false;
        if (t.timed_out)
            break;
        if (read_ec == net::error::operation_aborted)
            continue; // woken: there is something to write
        if (read_ec) {
            ws_read_failed(t, read_ec);
            break;
        }
        ws_receive(t, {t.first_bytes.data(), n});
        // The rest of what is readable, through the thread's shared 64 KiB buffer.
        if (n == t.first_bytes.size() && !ws_read_available(t))
            break;
    }

    t.cancel_deadline();
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

void session::ws_read_failed(ws_transport& t, boost::system::error_code ec) {
    // The client is gone (EOF or reset), or finished the close handshake.
    if (active_ws_ == &t && state_ == state::open)
        do_close(ec == net::error::eof ? disconnect_reason::transport_close
                                       : disconnect_reason::transport_error);
    else if (probe_ws_ == &t)
        abort_upgrade(t);
}

bool session::ws_read_available(ws_transport& t) {
    for (;;) {
        auto& buffer = read_buffer();
        boost::system::error_code ec;
        auto const n = t.socket.read_some(net::buffer(buffer), ec);
        if (ec == net::error::would_block || ec == net::error::try_again)
            return true;
        if (ec) {
            ws_read_failed(t, ec);
            return false;
        }
        ws_receive(t, {buffer.data(), n});
        if (n < buffer.size())
            return true;
    }
}

void session::ws_receive(ws_transport& t, std::string_view bytes) {
    if (t.closing)
        return; // after a close frame or a protocol error the rest is ignored
    t.reader.feed(bytes);
    while (auto e = t.reader.next()) {
        if (!handle_ws_event(t, *e))
            break;
    }
}

void session::ws_failed(ws_transport& t, std::uint16_t code, std::string_view why) {
    log::info("engine.io {}: WebSocket {}: closing with {}", sid_, why, code);
    t.closing = true;
    t.close_code = code;
    t.wake();
    if (active_ws_ == &t)
        do_close(code == ws::close_code::too_big ? disconnect_reason::payload_too_large
                                                 : disconnect_reason::parse_error);
    else if (probe_ws_ == &t)
        abort_upgrade(t);
}

bool session::handle_ws_event(ws_transport& t, ws::event& e) {
    using kind = ws::event::kind;
    switch (e.type) {
    case kind::error:
        ws_failed(t, e.code, e.reason);
        return false;
    case kind::ping:
        t.pong = std::move(e.data);
        t.wake();
        return true;
    case kind::pong:
        return true;
    case kind::close:
        if (e.code != ws::close_code::no_status && !valid_close_code(e.code)) {
            ws_failed(t, ws::close_code::protocol_error, "close code invalid");
            return false;
        }
        t.closing = true;
        t.wake();
        if (active_ws_ == &t)
            do_close(disconnect_reason::transport_close);
        else if (probe_ws_ == &t)
            abort_upgrade(t);
        return false;
    case kind::text:
    case kind::binary:
        break;
    }
    if (e.compressed) {
        std::string inflated;
        auto const status = deflate::decompress(e.data, config_.max_payload, inflated);
        if (status == deflate::inflate_status::too_big) {
            ws_failed(t, ws::close_code::too_big, "message over maxPayload once inflated");
            return false;
        }
        if (status != deflate::inflate_status::ok) {
            ws_failed(t, ws::close_code::invalid_payload, "compressed data corrupt");
            return false;
        }
        if (e.type == kind::text && !ws::valid_utf8(inflated)) {
            ws_failed(t, ws::close_code::invalid_payload, "text message not UTF-8");
            return false;
        }
        e.data = std::move(inflated);
    }
    bool const binary = e.type == kind::binary;
    if (active_ws_ == &t) {
        if (binary)
            handle_binary(std::move(e.data));
        else
            handle_packet(e.data);
    } else if (probe_ws_ == &t) {
        auto const p = binary ? std::nullopt : decode_text(e.data);
        if (p && p->type == packet_type::ping && p->data == "probe" && !upgrading_) {
            upgrading_ = true;
            t.probe_reply = true;
            t.wake();
            if (waiter_)
                complete_waiter({200, encode_text(packet_type::noop), false});
        } else if (p && p->type == packet_type::upgrade && upgrading_) {
            t.cancel_deadline();
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
    return true;
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
