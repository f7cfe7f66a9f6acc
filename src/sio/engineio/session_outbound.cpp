// A session's outbound side: the queue, its budget (per session and server-wide), and
// what the transports take from it.
#include "sio/core/log.hpp"
#include "sio/engineio/metrics.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/engineio/session.hpp"
#include "sio/engineio/session_registry.hpp"
#include "sio/engineio/transport.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

namespace sio::engineio {

void connection::send(message m, delivery d) {
    std::vector<message> group;
    group.push_back(std::move(m));
    send(std::move(group), d);
}

void connection::send_to_all(std::vector<std::shared_ptr<connection>> const& recipients,
                             std::vector<message> group, delivery d) {
    auto const shared = std::make_shared<std::vector<message> const>(std::move(group));
    // Recipients on another I/O thread of an io_pool get the broadcast in one posted handler
    // per thread, not one per recipient: the posting thread pays one hand-off, and the
    // receiving thread queues to all of them before any of their writes starts.
    struct thread_share {
        net::io_context* context;
        std::vector<std::shared_ptr<connection>> recipients;
    };
    std::vector<thread_share> elsewhere;
    for (auto const& c : recipients) {
        auto const* io = c->get_executor().target<net::io_context::executor_type>();
        if (io == nullptr || io->running_in_this_thread()) {
            c->send_shared(shared, d); // a strand's own dispatch, or this thread's recipient
            continue;
        }
        auto* context = &io->context();
        auto it = std::find_if(elsewhere.begin(), elsewhere.end(),
                               [context](thread_share const& t) { return t.context == context; });
        if (it == elsewhere.end())
            it = elsewhere.insert(elsewhere.end(), {context, {}});
        it->recipients.push_back(c);
    }
    for (auto& t : elsewhere) {
        net::post(*t.context, [to = std::move(t.recipients), shared, d] {
            for (auto const& c : to)
                c->send_shared(shared, d);
        });
    }
}

// --- sending -------------------------------------------------------------------------------

void session::send(std::vector<message> group, delivery d) {
    net::dispatch(strand_, [self = shared_from_this(), group = std::move(group), d]() mutable {
        self->enqueue(group, d);
    });
}

void session::send_shared(std::shared_ptr<std::vector<message> const> group, delivery d) {
    // On the session's own thread (a broadcast from a neighbour, or handed over by
    // send_to_all): queued at once, without a type-erased dispatch per recipient.
    if (auto const* io = strand_.target<net::io_context::executor_type>();
        io != nullptr && io->running_in_this_thread()) {
        enqueue(*group, d);
        return;
    }
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
            stats().volatile_dropped->inc(group.size());
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
            active_->queued();
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
    stats().packets_sent->inc(batch.size());
    stats().bytes_sent->inc(queued_cost_ - batch.size() * queued_message_cost);
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
    stats().packets_sent->inc(queue_.size());
    stats().bytes_sent->inc(queued_cost_ - queue_.size() * queued_message_cost);
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

} // namespace sio::engineio
