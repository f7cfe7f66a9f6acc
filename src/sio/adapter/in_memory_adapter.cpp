#include "sio/adapter/in_memory_adapter.hpp"

#include "sio/core/random_id.hpp"

namespace sio::adapter {

in_memory_adapter::in_memory_adapter(local_delivery& delivery,
                                     std::optional<std::chrono::milliseconds> recovery)
    : delivery_(delivery) {
    if (recovery)
        store_.emplace(*recovery, random_id().substr(0, 8));
}

void in_memory_adapter::add_all(socket_id const& id, std::vector<room> const& rooms) {
    std::lock_guard lock(mutex_);
    auto& mine = sids_[id];
    for (auto const& r : rooms) {
        mine.insert(r);
        // A socket's own room (named by its id) is implied by sids_: no map entry and set
        // per connection for it.
        if (r != id)
            rooms_[r].insert(id);
    }
}

bool in_memory_adapter::in_own_room(room const& r) const {
    auto const it = sids_.find(r);
    return it != sids_.end() && it->second.contains(r);
}

void in_memory_adapter::del(socket_id const& id, room const& r) {
    std::lock_guard lock(mutex_);
    if (auto it = sids_.find(id); it != sids_.end())
        it->second.erase(r);
    if (auto it = rooms_.find(r); it != rooms_.end()) {
        it->second.erase(id);
        if (it->second.empty())
            rooms_.erase(it); // empty rooms do not linger
    }
}

void in_memory_adapter::del_all(socket_id const& id) {
    std::lock_guard lock(mutex_);
    auto it = sids_.find(id);
    if (it == sids_.end())
        return;
    for (auto const& r : it->second) {
        if (auto rit = rooms_.find(r); rit != rooms_.end()) {
            rit->second.erase(id);
            if (rit->second.empty())
                rooms_.erase(rit);
        }
    }
    sids_.erase(it);
}

std::vector<socket_id> in_memory_adapter::targets(broadcast_options const& opts) const {
    auto const excluded = [&](socket_id const& id) {
        if (opts.except.empty())
            return false;
        auto const it = sids_.find(id);
        if (it == sids_.end())
            return false;
        for (auto const& r : opts.except) {
            if (it->second.contains(r))
                return true;
        }
        return false;
    };
    std::vector<socket_id> out;
    if (opts.rooms.empty()) {
        out.reserve(sids_.size());
        for (auto const& [id, rooms] : sids_) {
            if (!excluded(id))
                out.push_back(id);
        }
        return out;
    }
    if (opts.rooms.size() == 1) {
        // One room: its members are distinct already.
        auto const& r = *opts.rooms.begin();
        if (auto const it = rooms_.find(r); it != rooms_.end()) {
            out.reserve(it->second.size() + 1);
            for (auto const& id : it->second) {
                if (!excluded(id))
                    out.push_back(id);
            }
        }
        if (in_own_room(r) && !excluded(r))
            out.push_back(r);
        return out;
    }
    // A socket in several of the rooms is a target once.
    std::unordered_set<socket_id> seen;
    for (auto const& r : opts.rooms) {
        if (auto const it = rooms_.find(r); it != rooms_.end()) {
            for (auto const& id : it->second) {
                if (!excluded(id) && seen.insert(id).second)
                    out.push_back(id);
            }
        }
        if (in_own_room(r) && !excluded(r) && seen.insert(r).second)
            out.push_back(r);
    }
    return out;
}

void in_memory_adapter::broadcast(protocol::packet const& p, broadcast_options const& opts) {
    // With recovery, a client resumes after the last offset it received, so it must receive
    // offsets in their order: stamping and handing over are one step among broadcasting
    // threads. (Recursive: a handler run by the delivery may broadcast too.)
    std::unique_lock<std::recursive_mutex> in_order;
    std::optional<protocol::packet> stamped;
    if (store_ && session_store::keeps(p, opts))
        in_order = std::unique_lock(order_mutex_);
    std::vector<socket_id> to;
    {
        // Copy the targets out and deliver without the lock: delivery may re-enter.
        std::lock_guard lock(mutex_);
        to = targets(opts);
        if (in_order) {
            stamped = p;
            store_->record(*stamped, opts, session_store::clock::now());
        }
    }
    if (!to.empty())
        delivery_.deliver(to, stamped ? *stamped : p, opts.is_volatile);
}

void in_memory_adapter::serialized(std::function<void()> const& f) {
    std::lock_guard order(order_mutex_);
    f();
}

void in_memory_adapter::persist_session(persisted_session s) {
    std::lock_guard lock(mutex_);
    if (store_)
        store_->persist(std::move(s), session_store::clock::now());
}

std::optional<restored_session> in_memory_adapter::restore_session(std::string const& pid,
                                                                   std::string const& offset) {
    std::lock_guard lock(mutex_);
    if (!store_)
        return std::nullopt;
    return store_->restore(pid, offset, session_store::clock::now());
}

std::vector<socket_id> in_memory_adapter::sockets(broadcast_options const& opts) const {
    std::lock_guard lock(mutex_);
    return targets(opts);
}

std::set<room> in_memory_adapter::socket_rooms(socket_id const& id) const {
    std::lock_guard lock(mutex_);
    auto const it = sids_.find(id);
    return it == sids_.end() ? std::set<room>{} : it->second;
}

std::vector<room> in_memory_adapter::rooms() const {
    std::lock_guard lock(mutex_);
    std::vector<room> out;
    out.reserve(rooms_.size() + sids_.size());
    for (auto const& [r, members] : rooms_)
        out.push_back(r);
    for (auto const& [id, mine] : sids_) {
        if (mine.contains(id) && !rooms_.contains(id))
            out.push_back(id);
    }
    return out;
}

void in_memory_adapter::broadcast_with_ack(protocol::packet const& p, broadcast_options const& opts,
                                           std::shared_ptr<ack_sink> const& sink) {
    auto const to = sockets(opts);
    sink->sent_to(to.empty() ? 0 : delivery_.deliver_with_ack(to, p, opts.is_volatile, sink));
}

void in_memory_adapter::server_count(completion<std::size_t> done) {
    done({1, {}});
}

void in_memory_adapter::fetch_sockets(broadcast_options const& opts,
                                      completion<std::vector<socket_details>> done) {
    delivery_.describe(sockets(opts), [done = std::move(done)](std::vector<socket_details> found) {
        done({std::move(found), {}});
    });
}

void in_memory_adapter::add_sockets(broadcast_options const& opts, std::vector<room> const& rooms) {
    delivery_.join(sockets(opts), rooms);
}

void in_memory_adapter::del_sockets(broadcast_options const& opts, std::vector<room> const& rooms) {
    delivery_.leave(sockets(opts), rooms);
}

void in_memory_adapter::disconnect_sockets(broadcast_options const& opts, bool close) {
    delivery_.disconnect(sockets(opts), close);
}

void in_memory_adapter::server_side_emit(boost::json::array const& /*args*/,
                                         completion<std::vector<boost::json::value>> done) {
    // There is no other server: nobody to tell, no answer to wait for (as Node).
    if (done)
        done({{}, {}});
}

void in_memory_adapter::all_rooms(completion<std::set<room>> done) {
    auto const mine = rooms();
    done({std::set<room>(mine.begin(), mine.end()), {}});
}

std::unique_ptr<adapter> make_in_memory_adapter(local_delivery& delivery,
                                                adapter_context const& ctx) {
    return std::make_unique<in_memory_adapter>(delivery, ctx.recovery);
}

} // namespace sio::adapter
