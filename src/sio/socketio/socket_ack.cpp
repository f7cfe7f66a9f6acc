// Acks both ways: an event's answer to its sender, and the answers a socket waits for.
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/socket_impl.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>

namespace sio::socketio {

// --- event ---------------------------------------------------------------------------------

namespace {

void send_ack(socket& s, std::uint64_t id, payload p) {
    packet ack;
    ack.type = packet_type::ack;
    ack.nsp = s.nsp_name();
    ack.id = id;
    ack.data = boost::json::value(std::move(p.args));
    ack.attachments = std::move(p.attachments);
    s.send_packet(ack);
}

} // namespace

void event::ack_payload(payload p) {
    if (!id_ || acked_)
        return;
    acked_ = true;
    send_ack(*socket_, *id_, std::move(p));
}

std::function<void(payload)> event::responder() {
    if (!id_ || acked_)
        return [](payload) {
        };
    acked_ = true;
    auto once = std::make_shared<std::atomic<bool>>(false);
    return [s = socket_, id = *id_, once](payload p) {
        if (!once->exchange(true))
            send_ack(*s, id, std::move(p));
    };
}

// --- socket --------------------------------------------------------------------------------

void socket::emit_with_ack(std::string_view event_name, payload p,
                           std::chrono::milliseconds timeout, ack_callback callback) {
    auto packet = make_event_packet(nsp_name(), event_name, std::move(p));
    net::dispatch(get_executor(), [self = shared_from_this(), packet = std::move(packet), timeout,
                                   callback = std::move(callback)]() mutable {
        if (!self->connected_) {
            callback(ack_result{true, {}});
            return;
        }
        auto const id = self->nsp_->next_ack_id();
        auto pending = std::make_shared<pending_ack>();
        pending->callback = std::move(callback);
        pending->timer = std::make_unique<net::steady_timer>(self->get_executor(), timeout);
        pending->timer->async_wait(
            [weak = std::weak_ptr<socket>(self), id](boost::system::error_code ec) {
                auto s = weak.lock();
                if (ec || !s)
                    return;
                if (!s->extras_)
                    return;
                auto& acks = s->extras_->acks;
                auto it = acks.find(id);
                if (it == acks.end())
                    return;
                auto cb = std::move(it->second->callback);
                acks.erase(it);
                cb(ack_result{true, {}});
            });
        self->ensure_extras().acks.emplace(id, std::move(pending));
        packet.id = id;
        if (auto* o = self->nsp_->get_observer())
            o->on_event_sent(*self, packet);
        self->send_packet(packet);
    });
}

void socket::expect_ack(std::uint64_t id, ack_callback callback) {
    auto pending = std::make_shared<pending_ack>();
    pending->callback = std::move(callback);
    ensure_extras().acks.emplace(id, std::move(pending));
}

void socket::forget_ack(std::uint64_t id) {
    if (!extras_)
        return;
    if (auto it = extras_->acks.find(id); it != extras_->acks.end()) {
        it->second->cancel();
        extras_->acks.erase(it);
    }
}

void socket::dispatch_ack(std::uint64_t id, payload args) {
    if (!extras_)
        return; // no ack awaited
    auto& acks = extras_->acks;
    auto it = acks.find(id);
    if (it == acks.end())
        return; // unknown or already answered: ignored, as the reference does
    auto pending = std::move(it->second);
    acks.erase(it);
    pending->cancel();
    pending->callback(ack_result{false, std::move(args)});
}

} // namespace sio::socketio
