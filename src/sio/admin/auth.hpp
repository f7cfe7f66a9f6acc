// The admin namespace's connect middleware (Node's initAuthenticationMiddleware): a known
// session id, or the username and a password matching the bcrypt hash. The check runs on a
// worker thread, never on an I/O thread.
#pragma once

#include "sio/admin/instrument.hpp"
#include "sio/socketio/middleware.hpp"

#include <boost/asio/thread_pool.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sio::admin {

/// Session ids granted by the middleware, until the connection handler sends them to the UI.
class granted_sessions {
public:
    void put(std::string const& socket_id, std::string session_id);
    std::optional<std::string> take(std::string const& socket_id);

private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::string> by_socket_;
};

/// The middleware; `pool` runs the checks (it must outlive the namespace's use of it).
socketio::async_middleware make_auth_middleware(basic_auth auth,
                                                std::shared_ptr<session_store> store,
                                                std::shared_ptr<granted_sessions> granted,
                                                boost::asio::thread_pool& pool);

} // namespace sio::admin
