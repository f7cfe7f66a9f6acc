#include "sio/core/log.hpp"
#include "sio/socketio/broadcast.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/socket.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>

#include <mutex>
#include <optional>

namespace sio::socketio {

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

} // namespace sio::socketio
