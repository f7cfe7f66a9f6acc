// Broadcasts that collect acknowledgements, across every server of the cluster: Node's
// io.timeout(ms).emit(..., callback).
#include "sio/core/log.hpp"
#include "sio/socketio/broadcast.hpp"
#include "sio/socketio/metrics.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/socket.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>

#include <mutex>
#include <optional>

namespace sio::socketio {

namespace {

/// The answers to one broadcast, from every server's share and every socket's thread. Done
/// when the number of servers is known, each has said how many it sent to, and that many
/// answers came (less the sockets that left); or at the timeout.
class ack_collector final : public adapter::ack_sink,
                            public std::enable_shared_from_this<ack_collector> {
public:
    ack_collector(std::chrono::milliseconds timeout, broadcast_ack_callback callback)
        : timeout_(timeout)
        , callback_(std::move(callback)) {}

    void arm(net::any_io_executor const& ex) override {
        std::lock_guard lock(mutex_);
        if (timer_ || done_)
            return;
        timer_.emplace(ex, timeout_);
        timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec)
                self->finish(true);
        });
    }
    void sent_to(std::size_t count) override {
        std::unique_lock lock(mutex_);
        ++servers_reported_;
        expected_answers_ += static_cast<std::ptrdiff_t>(count);
        complete_if_all(lock);
    }
    void answer(payload args) override {
        std::unique_lock lock(mutex_);
        if (done_)
            return;
        answers_.push_back(std::move(args));
        complete_if_all(lock);
    }
    void forfeit() override {
        std::unique_lock lock(mutex_);
        --expected_answers_;
        complete_if_all(lock);
    }
    void on_finish(std::function<void(bool timed_out)> f) override {
        {
            std::lock_guard lock(mutex_);
            if (!done_) {
                on_finish_.push_back(std::move(f));
                return;
            }
        }
        f(timed_out_);
    }
    std::chrono::milliseconds timeout() const override { return timeout_; }
    /// How many servers take part (known once the adapter has counted them).
    void expect_servers(std::size_t n) {
        std::unique_lock lock(mutex_);
        expected_servers_ = n;
        complete_if_all(lock);
    }

private:
    void complete_if_all(std::unique_lock<std::mutex>& lock) {
        if (done_ || !expected_servers_ || servers_reported_ < *expected_servers_ ||
            static_cast<std::ptrdiff_t>(answers_.size()) < expected_answers_)
            return;
        lock.unlock();
        finish(false);
    }
    void finish(bool timed_out) {
        std::vector<payload> answers;
        std::vector<std::function<void(bool)>> cleanups;
        {
            std::lock_guard lock(mutex_);
            if (done_)
                return;
            done_ = true;
            timed_out_ = timed_out;
            answers.swap(answers_);
            cleanups.swap(on_finish_);
            if (!timed_out && timer_)
                net::dispatch(timer_->get_executor(), [self = shared_from_this()] {
                    self->timer_->cancel(); // on its own executor: timers are not thread-safe
                });
        }
        for (auto const& f : cleanups)
            f(timed_out);
        try {
            callback_(broadcast_ack_result{timed_out, std::move(answers)});
        } catch (std::exception const& e) {
            log::error("socket.io: broadcast acknowledgement callback threw: {}", e.what());
        }
    }

    std::chrono::milliseconds const timeout_;
    broadcast_ack_callback callback_;
    std::mutex mutex_;
    std::optional<std::size_t> expected_servers_;
    std::size_t servers_reported_ = 0;
    std::ptrdiff_t expected_answers_ = 0; // sent to, less those that left
    std::vector<payload> answers_;
    std::vector<std::function<void(bool)>> on_finish_;
    bool done_ = false;
    bool timed_out_ = false;
    std::optional<net::steady_timer> timer_; // made once, by arm()
};

} // namespace

void broadcast_operator::emit_with_ack(std::string_view event_name, payload p,
                                       std::chrono::milliseconds timeout,
                                       broadcast_ack_callback callback) const {
    auto packet = make_event_packet(nsp_->name(), event_name, std::move(p));
    // One id for every recipient, from the namespace's counter that the sockets' own acks
    // also draw from: the packet is encoded once.
    packet.id = nsp_->next_ack_id();
    auto collector = std::make_shared<ack_collector>(timeout, std::move(callback));
    auto& adapter = nsp_->get_adapter();
    if (opts_.local) {
        collector->expect_servers(1);
    } else {
        adapter.server_count([collector](adapter::outcome<std::size_t> n) {
            // Servers that cannot be counted cannot be reached either: this one answers.
            collector->expect_servers(n.ok() ? n.value : 1);
        });
    }
    adapter.broadcast_with_ack(packet, opts_, collector);
}

std::size_t nsp::deliver_with_ack(std::vector<adapter::socket_id> const& targets, packet const& p,
                                  bool is_volatile,
                                  std::shared_ptr<adapter::ack_sink> const& sink) {
    std::vector<std::shared_ptr<socket>> recipients;
    recipients.reserve(targets.size());
    for (auto const& id : targets) {
        if (auto s = find(id))
            recipients.push_back(std::move(s));
    }
    stats().broadcasts->inc();
    stats().deliveries->inc(recipients.size());
    if (recipients.empty())
        return 0;
    auto const id = *p.id;
    sink->arm(recipients.front()->get_executor());
    // At the timeout, those that did not answer stop waiting for it (as Node deletes the ack
    // from every socket).
    sink->on_finish(
        [weak = std::vector<std::weak_ptr<socket>>(recipients.begin(), recipients.end()),
         id](bool timed_out) {
            if (!timed_out)
                return; // every socket answered: nothing waits
            for (auto const& w : weak) {
                if (auto s = w.lock())
                    net::dispatch(s->get_executor(), [s, id] { s->forget_ack(id); });
            }
        });
    auto const frames = std::make_shared<std::vector<engineio::message> const>(to_frames(p));
    if (observer_) {
        for (auto const& s : recipients)
            observer_->on_event_sent(*s, p);
    }
    for (auto const& s : recipients) {
        net::dispatch(s->get_executor(), [s, frames, id, sink, is_volatile] {
            if (!s->connected())
                return sink->forfeit();
            s->expect_ack(id, [sink](ack_result r) {
                if (r.timed_out) // the socket closed before it answered
                    sink->forfeit();
                else
                    sink->answer(std::move(r.args));
            });
            s->transport()->send(*frames, is_volatile ? engineio::delivery::droppable
                                                      : engineio::delivery::reliable);
        });
    }
    return recipients.size();
}

} // namespace sio::socketio
