// The Redis adapter's broadcasts: published, received, and other servers' broadcasts with acks.
#include "sio/cluster/redis_adapter_impl.hpp"
#include "sio/core/log.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace sio::cluster::detail {

namespace {

/// This server's share of another server's broadcast with acks: it reports how many sockets
/// it sent the packet to, then each answer, on the response channel.
class remote_ack_sink final : public sa::ack_sink,
                              public std::enable_shared_from_this<remote_ack_sink> {
public:
    using publish_fn = std::function<void(response)>;
    remote_ack_sink(std::string request_id, std::chrono::milliseconds timeout, publish_fn publish)
        : request_id_(std::move(request_id))
        , timeout_(timeout)
        , publish_(std::move(publish)) {}

    void arm(net::any_io_executor const& ex) override {
        std::lock_guard lock(mutex_);
        if (timer_ || done_)
            return;
        timer_ = std::make_unique<net::steady_timer>(ex, timeout_);
        timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec)
                self->finish(true);
        });
    }
    void sent_to(std::size_t count) override {
        response r;
        r.type = request_type::broadcast_client_count;
        r.request_id = request_id_;
        r.client_count = count;
        publish_(std::move(r));
        std::unique_lock lock(mutex_);
        sent_ += count;
        settle(lock);
    }
    void answer(protocol::payload args) override {
        response r;
        r.type = request_type::broadcast_ack;
        r.request_id = request_id_;
        r.ack = std::move(args);
        publish_(std::move(r));
        std::unique_lock lock(mutex_);
        ++settled_;
        settle(lock);
    }
    void forfeit() override {
        std::unique_lock lock(mutex_);
        ++settled_;
        settle(lock);
    }
    void on_finish(std::function<void(bool)> f) override {
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

private:
    void settle(std::unique_lock<std::mutex>& lock) {
        if (done_ || settled_ < sent_ || sent_ == 0)
            return;
        lock.unlock();
        finish(false);
    }
    void finish(bool timed_out) {
        std::vector<std::function<void(bool)>> callbacks;
        {
            std::lock_guard lock(mutex_);
            if (done_)
                return;
            done_ = true;
            timed_out_ = timed_out;
            callbacks.swap(on_finish_);
        }
        for (auto const& f : callbacks)
            f(timed_out);
    }

    std::string const request_id_;
    std::chrono::milliseconds const timeout_;
    publish_fn publish_;
    std::mutex mutex_;
    std::size_t sent_ = 0, settled_ = 0;
    bool done_ = false, timed_out_ = false;
    std::unique_ptr<net::steady_timer> timer_;
    std::vector<std::function<void(bool)>> on_finish_;
};

} // namespace

// --- broadcasts: local at once, then published -------------------------------------

void redis_adapter::broadcast(protocol::packet const& p, broadcast_options const& opts) {
    in_memory_adapter::broadcast(p, opts);
    if (opts.local)
        return;
    link_->pub.publish(broadcast_channel(options_.key, nsp_, opts),
                       encode_broadcast(uid_, p, opts));
}

void redis_adapter::broadcast_with_ack(protocol::packet const& p, broadcast_options const& opts,
                                       std::shared_ptr<sa::ack_sink> const& sink) {
    in_memory_adapter::broadcast_with_ack(p, opts, sink);
    if (opts.local)
        return;
    // The other servers' shares come through the response channels, until the timeout.
    sink->arm(link_->executor);
    auto const id = new_request_id();
    {
        std::lock_guard lock(mutex_);
        auto& entry = pending_[id];
        entry.type = request_type::broadcast;
        entry.sink = sink;
    }
    sink->on_finish([route = std::weak_ptr(route_), id](bool) {
        with_adapter(route, [&](redis_adapter& a) {
            std::lock_guard lock(a.mutex_);
            a.pending_.erase(id);
        });
    });
    request r;
    r.type = request_type::broadcast;
    r.uid = uid_;
    r.request_id = id;
    r.packet = p;
    r.packet.id.reset(); // each server gives it its own
    r.opts = opts;
    r.flags.timeout = static_cast<std::uint64_t>(sink->timeout().count());
    link_->pub.publish(request_channel_, encode_request(r));
}

// --- what arrives from Redis -----------------------------------------------------------

void redis_adapter::on_broadcast(std::string_view channel, std::string_view payload) {
    auto const room = room_of_channel(channel, options_.key, nsp_);
    if (!room)
        return;
    // A room's channel: nothing to decode when none of our sockets is in it (as Node).
    if (!room->empty()) {
        broadcast_options in_room;
        in_room.rooms.insert(*room);
        if (sockets(in_room).empty())
            return;
    }
    auto decoded = decode_broadcast(payload);
    if (auto const* error = std::get_if<std::string>(&decoded)) {
        log::warn("redis adapter {}: ignored a malformed broadcast on {}: {}", nsp_, channel,
                  *error);
        return;
    }
    auto& m = std::get<broadcast_message>(decoded);
    if (m.uid == uid_ || m.packet.nsp != nsp_)
        return; // our own, echoed back; or another namespace's
    m.opts.local = true;
    in_memory_adapter::broadcast(m.packet, m.opts);
}

void redis_adapter::on_broadcast_request(request& r) {
    auto packet = std::move(r.packet);
    packet.id = delivery().next_ack_id();
    auto const timeout = std::chrono::milliseconds(r.flags.timeout.value_or(5000));
    auto sink = std::make_shared<remote_ack_sink>(
        *r.request_id, timeout, [route = std::weak_ptr(route_), r](response out) {
            with_adapter(route, [&](redis_adapter& a) { a.respond(r, std::move(out)); });
        });
    auto opts = r.opts;
    opts.local = true;
    in_memory_adapter::broadcast_with_ack(packet, opts, sink);
}

} // namespace sio::cluster::detail
