#include "sio/socketio/nsp.hpp"

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/core/log.hpp"
#include "sio/socketio/socket.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace sio::socketio {

packet make_event_packet(std::string_view nsp_name, std::string_view event_name, payload p) {
    if (is_reserved_event(event_name))
        throw std::invalid_argument(std::string(event_name) + " is a reserved event name");
    packet out;
    out.type = packet_type::event;
    out.nsp = std::string(nsp_name);
    boost::json::array args;
    args.reserve(p.args.size() + 1);
    args.emplace_back(boost::json::string(event_name));
    for (auto& a : p.args)
        args.push_back(std::move(a));
    out.data = boost::json::value(std::move(args));
    out.attachments = std::move(p.attachments);
    return out;
}

// --- parent_namespace ----------------------------------------------------------------------

parent_namespace::broadcast::broadcast(std::vector<std::shared_ptr<nsp>> children,
                                       adapter::broadcast_options opts)
    : children_(std::move(children))
    , opts_(std::move(opts)) {}

parent_namespace::broadcast parent_namespace::broadcast::to(std::string room) const {
    auto opts = opts_;
    opts.rooms.insert(std::move(room));
    return {children_, std::move(opts)};
}

parent_namespace::broadcast parent_namespace::broadcast::except(std::string room) const {
    auto opts = opts_;
    opts.except.insert(std::move(room));
    return {children_, std::move(opts)};
}

void parent_namespace::broadcast::emit_payload(std::string_view event_name,
                                               payload const& p) const {
    for (auto const& child : children_)
        broadcast_operator(child, opts_).emit_payload(event_name, p);
}

std::vector<std::shared_ptr<nsp>> parent_namespace::children() const {
    std::lock_guard lock(mutex_);
    return children_;
}

void parent_namespace::add_child(std::shared_ptr<nsp> child) {
    std::lock_guard lock(mutex_);
    children_.push_back(std::move(child));
}

// --- broadcast_operator --------------------------------------------------------------------

broadcast_operator::broadcast_operator(std::shared_ptr<nsp> ns, adapter::broadcast_options opts)
    : nsp_(std::move(ns))
    , opts_(std::move(opts)) {}

broadcast_operator broadcast_operator::to(std::string room) const {
    auto opts = opts_;
    opts.rooms.insert(std::move(room));
    return {nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::except(std::string room) const {
    auto opts = opts_;
    opts.except.insert(std::move(room));
    return {nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::volatile_() const {
    auto opts = opts_;
    opts.is_volatile = true;
    return {nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::local() const {
    auto opts = opts_;
    opts.local = true;
    return {nsp_, std::move(opts)};
}

void broadcast_operator::emit_payload(std::string_view event_name, payload p) const {
    nsp_->get_adapter().broadcast(make_event_packet(nsp_->name(), event_name, std::move(p)), opts_);
}

namespace {

/// The answers to one broadcast with acknowledgements, from every socket's strand.
class ack_collector : public std::enable_shared_from_this<ack_collector> {
public:
    /// `recipients` are asked for ack `id`: at the timeout, those that did not answer stop
    /// waiting for it (as Node deletes the ack from every socket).
    ack_collector(std::vector<std::shared_ptr<socket>> const& recipients, std::uint64_t id,
                  broadcast_ack_callback callback)
        : expected_(recipients.size())
        , callback_(std::move(callback))
        , recipients_(recipients.begin(), recipients.end())
        , id_(id) {}

    void start_timer(net::any_io_executor ex, std::chrono::milliseconds timeout) {
        timer_.emplace(std::move(ex), timeout);
        timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec)
                self->finish(true);
        });
    }
    void answer(payload args) {
        std::unique_lock lock(mutex_);
        if (done_)
            return;
        answers_.push_back(std::move(args));
        complete_if_all(lock);
    }
    /// Finishes at once if no answer is awaited (nobody was targeted).
    void settle() {
        std::unique_lock lock(mutex_);
        if (!done_)
            complete_if_all(lock);
    }
    /// A target left before answering: one answer fewer to wait for.
    void forfeit() {
        std::unique_lock lock(mutex_);
        if (done_)
            return;
        --expected_;
        complete_if_all(lock);
    }

private:
    void complete_if_all(std::unique_lock<std::mutex>& lock) {
        if (answers_.size() < expected_)
            return;
        lock.unlock();
        finish(false);
    }
    void finish(bool timed_out) {
        std::vector<payload> answers;
        {
            std::lock_guard lock(mutex_);
            if (done_)
                return;
            done_ = true;
            answers.swap(answers_);
        }
        if (!timed_out && timer_)
            net::dispatch(timer_->get_executor(), [self = shared_from_this()] {
                self->timer_->cancel(); // on its own executor: timers are not thread-safe
            });
        if (timed_out) {
            for (auto const& weak : recipients_) {
                if (auto s = weak.lock())
                    net::dispatch(s->get_executor(), [s, id = id_] { s->forget_ack(id); });
            }
        }
        try {
            callback_(broadcast_ack_result{timed_out, std::move(answers)});
        } catch (std::exception const& e) {
            log::error("socket.io: broadcast acknowledgement callback threw: {}", e.what());
        }
    }

    std::mutex mutex_;
    std::size_t expected_;
    std::vector<payload> answers_;
    bool done_ = false;
    broadcast_ack_callback callback_;
    std::optional<net::steady_timer> timer_; // set before any answer can arrive
    std::vector<std::weak_ptr<socket>> recipients_;
    std::uint64_t id_;
};

} // namespace

void broadcast_operator::emit_with_ack(std::string_view event_name, payload p,
                                       std::chrono::milliseconds timeout,
                                       broadcast_ack_callback callback) const {
    auto packet = make_event_packet(nsp_->name(), event_name, std::move(p));
    // One id for every recipient, from the namespace's counter that the sockets' own acks
    // also draw from: the packet is encoded once.
    packet.id = nsp_->next_ack_id();
    auto const id = *packet.id;
    auto const recipients = sockets();
    auto collector = std::make_shared<ack_collector>(recipients, id, std::move(callback));
    if (recipients.empty()) {
        collector->settle(); // nobody to wait for: done at once, with no answers
        return;
    }
    collector->start_timer(recipients.front()->get_executor(), timeout);
    auto const frames = std::make_shared<std::vector<engineio::message> const>(to_frames(packet));
    for (auto const& s : recipients) {
        net::dispatch(s->get_executor(), [s, frames, id, collector, vol = opts_.is_volatile] {
            if (!s->connected())
                return collector->forfeit();
            s->expect_ack(id, [collector](ack_result r) {
                if (r.timed_out) // the socket closed before it answered
                    collector->forfeit();
                else
                    collector->answer(std::move(r.args));
            });
            s->transport()->send(*frames, vol ? engineio::delivery::droppable
                                              : engineio::delivery::reliable);
        });
    }
}

std::vector<std::shared_ptr<socket>> broadcast_operator::sockets() const {
    std::vector<std::shared_ptr<socket>> out;
    for (auto const& id : nsp_->get_adapter().sockets(opts_)) {
        if (auto s = nsp_->find(id))
            out.push_back(std::move(s));
    }
    return out;
}

void broadcast_operator::sockets_join(std::string const& room) const {
    for (auto const& id : nsp_->get_adapter().sockets(opts_))
        nsp_->get_adapter().add_all(id, {room});
}

void broadcast_operator::sockets_leave(std::string const& room) const {
    for (auto const& id : nsp_->get_adapter().sockets(opts_))
        nsp_->get_adapter().del(id, room);
}

void broadcast_operator::disconnect_sockets(bool close) const {
    for (auto const& s : sockets())
        s->disconnect(close);
}

// --- nsp -----------------------------------------------------------------------------------

nsp::nsp(std::string name, std::optional<std::chrono::milliseconds> recovery)
    : name_(std::move(name))
    , adapter_(std::make_unique<adapter::in_memory_adapter>(*this, recovery)) {}

nsp::~nsp() = default;

void nsp::on_connection(connection_handler handler) {
    connection_handlers_.push_back(std::move(handler));
}

struct next_fn::state {
    state(std::shared_ptr<nsp const> n, std::shared_ptr<socket> sock, middleware_done d,
          std::size_t i)
        : ns(std::move(n))
        , s(std::move(sock))
        , done(std::move(d))
        , index(i) {}

    std::shared_ptr<nsp const> ns;
    std::shared_ptr<socket> s;
    middleware_done done;
    std::size_t index; ///< the middleware this `next` was given to
    std::atomic<bool> called{false};
};

next_fn::next_fn(std::shared_ptr<state> st)
    : state_(std::move(st)) {}

void next_fn::operator()(std::optional<connect_error> refusal) const {
    if (state_->called.exchange(true))
        return;
    // Back on the socket's executor: inline when called from it (synchronous middleware),
    // posted from any other thread.
    net::dispatch(state_->s->get_executor(), [st = state_, refusal = std::move(refusal)]() mutable {
        if (refusal)
            st->done(std::move(refusal));
        else
            st->ns->run_middleware(st->s, std::move(st->done), st->index + 1);
    });
}

void nsp::use(middleware mw) {
    middlewares_.push_back(
        [mw = std::move(mw)](std::shared_ptr<socket> const& s, next_fn next) { next(mw(*s)); });
}

void nsp::use(async_middleware mw) {
    middlewares_.push_back(std::move(mw));
}

void nsp::use(awaitable_middleware mw) {
    middlewares_.push_back([mw = std::move(mw)](std::shared_ptr<socket> const& s, next_fn next) {
        auto finished = [next, nsp_name = s->nsp_name()](std::exception_ptr e,
                                                         std::optional<connect_error> refusal) {
            if (e) {
                log::error("socket.io: middleware of {:?} threw: {}", nsp_name, log::describe(e));
                return next(connect_error{"Internal server error", std::nullopt});
            }
            next(std::move(refusal));
        };
        net::co_spawn(s->get_executor(), mw(s), std::move(finished));
    });
}

void nsp::run_middleware(std::shared_ptr<socket> const& s, middleware_done done,
                         std::size_t index) const {
    if (index == middlewares_.size())
        return done(std::nullopt);
    next_fn next(std::make_shared<next_fn::state>(shared_from_this(), s, std::move(done), index));
    try {
        middlewares_[index](s, next);
    } catch (...) {
        log::error("socket.io: middleware of {:?} threw: {}", name_,
                   log::describe(std::current_exception()));
        next(connect_error{"Internal server error", std::nullopt}); // ignored if it answered
    }
}

void nsp::inherit(nsp const& parent) {
    connection_handlers_ = parent.connection_handlers_;
    middlewares_ = parent.middlewares_;
}

broadcast_operator nsp::all() {
    return {shared_from_this(), {}};
}
broadcast_operator nsp::to(std::string room) {
    return all().to(std::move(room));
}
broadcast_operator nsp::except(std::string room) {
    return all().except(std::move(room));
}
broadcast_operator nsp::volatile_() {
    return all().volatile_();
}
broadcast_operator nsp::local() {
    return all().local();
}

std::shared_ptr<socket> nsp::find(std::string const& id) const {
    std::lock_guard lock(mutex_);
    auto const it = sockets_.find(id);
    return it == sockets_.end() ? nullptr : it->second.lock();
}

std::size_t nsp::socket_count() const {
    std::lock_guard lock(mutex_);
    return sockets_.size();
}

void nsp::add(std::shared_ptr<socket> const& s) {
    {
        std::lock_guard lock(mutex_);
        sockets_[s->id()] = s;
    }
    adapter_->add_all(s->id(), {s->id()});
}

void nsp::remove(socket const& s) {
    adapter_->del_all(s.id());
    std::lock_guard lock(mutex_);
    sockets_.erase(s.id());
}

void nsp::notify_connection(std::shared_ptr<socket> const& s) const {
    for (auto const& h : connection_handlers_) {
        // This may run in a posted handler (middleware that answered later): an exception
        // must not leave the I/O thread.
        try {
            h(s);
        } catch (std::exception const& e) {
            log::error("socket.io {}: connection handler of {:?} threw: {}", s->id(), name_,
                       e.what());
        }
    }
}

void nsp::deliver(std::vector<adapter::socket_id> const& targets, packet const& p,
                  bool is_volatile) {
    // Encoded once; every recipient's queue shares the same buffers.
    auto frames = to_frames(p);

    std::vector<std::shared_ptr<engineio::connection>> recipients;
    recipients.reserve(targets.size());
    {
        std::lock_guard lock(mutex_);
        for (auto const& id : targets) {
            if (auto it = sockets_.find(id); it != sockets_.end()) {
                if (auto s = it->second.lock())
                    recipients.push_back(s->transport());
            }
        }
    }
    engineio::connection::send_to_all(recipients, std::move(frames),
                                      is_volatile ? engineio::delivery::droppable
                                                  : engineio::delivery::reliable);
}

} // namespace sio::socketio
