#include "sio/admin/session_store.hpp"

#include <mutex>
#include <unordered_set>

namespace sio::admin {
namespace {

class in_memory_store final : public session_store {
public:
    bool exists(std::string const& session_id) override {
        std::lock_guard lock(mutex_);
        return ids_.contains(session_id);
    }
    void save(std::string const& session_id) override {
        std::lock_guard lock(mutex_);
        ids_.insert(session_id);
    }

private:
    std::mutex mutex_;
    std::unordered_set<std::string> ids_;
};

} // namespace

std::shared_ptr<session_store> make_in_memory_store() {
    return std::make_shared<in_memory_store>();
}

} // namespace sio::admin
