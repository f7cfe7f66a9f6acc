// Where the Admin UI's session ids are kept (Node's Store): a UI that logged in once
// reconnects with its session id instead of the password.
#pragma once

#include <memory>
#include <string>

namespace sio::admin {

/// Thread safety: any thread (the authentication runs on a worker thread).
class session_store {
public:
    virtual ~session_store() = default;
    virtual bool exists(std::string const& session_id) = 0;
    virtual void save(std::string const& session_id) = 0;
};

/// Node's InMemoryStore: this process only, kept until exit.
std::shared_ptr<session_store> make_in_memory_store();

} // namespace sio::admin
