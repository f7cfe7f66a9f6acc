// sid -> session, shared by the Engine.IO server and its sessions.
#pragma once

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
    void add(std::shared_ptr<session> s);
    std::shared_ptr<session> find(std::string const& sid) const;
    void remove(std::string const& sid);
    std::size_t size() const;
    std::vector<std::shared_ptr<session>> all() const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<session>> sessions_;
};

} // namespace sio::engineio
