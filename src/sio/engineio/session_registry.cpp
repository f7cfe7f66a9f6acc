#include "sio/engineio/session_registry.hpp"

#include "sio/engineio/session.hpp"

namespace sio::engineio {

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
