#include "sio/engineio/session_registry.hpp"

#include "sio/engineio/config.hpp"
#include "sio/engineio/session.hpp"

#include <algorithm>

namespace sio::engineio {

namespace {
/// How many admissions between sweeps of the address map.
constexpr std::size_t sweep_every = 1024;
} // namespace

session_registry::session_registry(config const& cfg)
    : max_sessions_(cfg.max_sessions)
    , per_address_(cfg.max_sessions_per_address)
    , rate_(cfg.max_handshakes_per_second_per_address)
    , outbound_(cfg.max_total_queued_bytes) {}

admission session_registry::admit(std::string const& address,
                                  std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (closed_)
        return admission::shutting_down;
    if (max_sessions_ != 0 && admitted_ >= max_sessions_)
        return admission::server_full;
    if (tracks_addresses()) {
        if (++admits_since_sweep_ >= sweep_every)
            sweep(now);
        auto [it, fresh] = addresses_.try_emplace(address);
        auto& e = it->second;
        if (fresh) {
            e.tokens = rate_;
            e.refilled = now;
        }
        if (per_address_ != 0 && e.sessions >= per_address_)
            return admission::address_full;
        if (rate_ > 0) {
            // A bucket of one second's handshakes, refilled continuously.
            std::chrono::duration<double> const elapsed = now - e.refilled;
            e.tokens = std::min(rate_, e.tokens + elapsed.count() * rate_);
            e.refilled = now;
            if (e.tokens < 1)
                return admission::address_rate;
            e.tokens -= 1;
        }
        ++e.sessions;
    }
    ++admitted_;
    return admission::admitted;
}

void session_registry::leave(std::string const& address) {
    std::lock_guard lock(mutex_);
    if (admitted_ > 0)
        --admitted_;
    if (!tracks_addresses())
        return;
    if (auto it = addresses_.find(address); it != addresses_.end() && it->second.sessions > 0)
        --it->second.sessions;
}

void session_registry::close_admission() {
    std::lock_guard lock(mutex_);
    closed_ = true;
}

void session_registry::sweep(std::chrono::steady_clock::time_point now) {
    admits_since_sweep_ = 0;
    std::erase_if(addresses_, [&](auto const& entry) {
        auto const& e = entry.second;
        std::chrono::duration<double> const elapsed = now - e.refilled;
        return e.sessions == 0 && (rate_ <= 0 || e.tokens + elapsed.count() * rate_ >= rate_);
    });
}

void session_registry::add(std::shared_ptr<session> s) {
    std::lock_guard lock(mutex_);
    std::string_view const id = s->id(); // the session's own string: the map holds it alive
    sessions_.emplace(id, std::move(s));
}

std::shared_ptr<session> session_registry::find(std::string const& sid) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(std::string_view(sid));
    return it == sessions_.end() ? nullptr : it->second;
}

void session_registry::remove(std::string const& sid) {
    std::lock_guard lock(mutex_);
    // By iterator: `sid` may be the key's own string, which the erase frees.
    if (auto it = sessions_.find(std::string_view(sid)); it != sessions_.end())
        sessions_.erase(it);
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
