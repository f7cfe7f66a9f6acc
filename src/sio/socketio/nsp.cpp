#include "sio/socketio/nsp.hpp"

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/core/log.hpp"
#include "sio/socketio/metrics.hpp"
#include "sio/socketio/socket.hpp"

#include <mutex>
#include <stdexcept>

namespace sio::socketio {

// --- nsp -----------------------------------------------------------------------------------

nsp::nsp(std::string name, adapter::adapter_factory const& make_adapter,
         std::optional<std::chrono::milliseconds> recovery, std::size_t max_rooms_per_socket)
    : name_(std::move(name))
    , max_rooms_per_socket_(max_rooms_per_socket) {
    adapter::adapter_context const ctx{name_, recovery};
    adapter_ =
        make_adapter ? make_adapter(*this, ctx) : adapter::make_in_memory_adapter(*this, ctx);
    if (!adapter_)
        throw std::invalid_argument("the adapter factory made no adapter for " + name_);
}

nsp::~nsp() = default;

void nsp::on_connection(connection_handler handler) {
    connection_handlers_.push_back(std::move(handler));
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
    stats().connects->inc();
    adapter_->add_all(s->id(), {s->id()});
    if (observer_)
        observer_->on_room_joined(*this, s->id(), s->id());
}

void nsp::remove(socket const& s) {
    if (observer_) {
        for (auto const& room : adapter_->socket_rooms(s.id()))
            observer_->on_room_left(*this, room, s.id());
    }
    adapter_->del_all(s.id());
    std::lock_guard lock(mutex_);
    sockets_.erase(s.id());
}

void nsp::notify_connection(std::shared_ptr<socket> const& s) const {
    if (observer_)
        observer_->on_connection(s); // first, as Node's admin UI prepends its listener
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
    std::vector<std::shared_ptr<socket>> observed;
    {
        std::lock_guard lock(mutex_);
        for (auto const& id : targets) {
            if (auto it = sockets_.find(id); it != sockets_.end()) {
                if (auto s = it->second.lock()) {
                    recipients.push_back(s->transport());
                    if (observer_)
                        observed.push_back(std::move(s));
                }
            }
        }
    }
    if (observer_) { // outside the lock: the observer broadcasts in turn
        for (auto const& s : observed)
            observer_->on_event_sent(*s, p);
        std::size_t bytes = 0;
        for (auto const& f : frames)
            bytes += f.bytes->size();
        observer_->on_packet_out(bytes, recipients.size());
    }
    // Once per broadcast, not per recipient.
    stats().broadcasts->inc();
    stats().deliveries->inc(recipients.size());
    engineio::connection::send_to_all(recipients, std::move(frames),
                                      is_volatile ? engineio::delivery::droppable
                                                  : engineio::delivery::reliable);
}

} // namespace sio::socketio
