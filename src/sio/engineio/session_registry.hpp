// What the sessions of one Engine.IO server share: sid -> session, and the server-wide
// outbound budget.
#pragma once

#include "sio/engineio/outbound_budget.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sio::engineio {

class session;

/// Thread safety: all members.
class session_registry {
public:
    explicit session_registry(std::size_t max_total_queued_bytes = 0)
        : outbound_(max_total_queued_bytes) {}

    void add(std::shared_ptr<session> s);
    std::shared_ptr<session> find(std::string const& sid) const;
    void remove(std::string const& sid);
    std::size_t size() const;
    std::vector<std::shared_ptr<session>> all() const;
    outbound_budget& outbound() { return outbound_; }

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<session>> sessions_;
    outbound_budget outbound_;
};

} // namespace sio::engineio
