#include "sio/admin/auth.hpp"

#include "sio/admin/bcrypt.hpp"
#include "sio/core/log.hpp"
#include "sio/core/random_id.hpp"
#include "sio/socketio/socket.hpp"

#include <boost/asio/post.hpp>

namespace sio::admin {

void granted_sessions::put(std::string const& socket_id, std::string session_id) {
    std::lock_guard lock(mutex_);
    by_socket_[socket_id] = std::move(session_id);
}

std::optional<std::string> granted_sessions::take(std::string const& socket_id) {
    std::lock_guard lock(mutex_);
    auto it = by_socket_.find(socket_id);
    if (it == by_socket_.end())
        return std::nullopt;
    auto id = std::move(it->second);
    by_socket_.erase(it);
    return id;
}

namespace {

std::optional<std::string> string_field(boost::json::value const& auth, std::string_view name) {
    auto const* obj = auth.if_object();
    auto const* v = obj ? obj->if_contains(name) : nullptr;
    if (!v || !v->is_string())
        return std::nullopt;
    return std::string(v->as_string());
}

} // namespace

socketio::async_middleware make_auth_middleware(basic_auth auth,
                                                std::shared_ptr<session_store> store,
                                                std::shared_ptr<granted_sessions> granted,
                                                boost::asio::thread_pool& pool) {
    auto const shared_auth = std::make_shared<basic_auth const>(std::move(auth));
    return [shared_auth, store, granted, &pool](std::shared_ptr<socketio::socket> const& s,
                                                socketio::next_fn next) {
        auto const& a = s->auth();
        // The job holds copies only: no socket, nothing of the I/O thread's.
        boost::asio::post(pool, [shared_auth, store, granted, next, socket_id = s->id(),
                                 session_id = string_field(a, "sessionId"),
                                 username = string_field(a, "username"),
                                 password = string_field(a, "password")] {
            try {
                if (session_id && !session_id->empty() && store->exists(*session_id)) {
                    log::debug("admin: {} authenticated with a valid session id", socket_id);
                    return next();
                }
                if (username && password && *username == shared_auth->username &&
                    bcrypt_matches(*password, shared_auth->password_hash)) {
                    auto id = random_id();
                    store->save(id);
                    granted->put(socket_id, std::move(id));
                    log::info("admin: {} authenticated as {:?}", socket_id, *username);
                    return next();
                }
            } catch (std::exception const& e) {
                log::error("admin: authentication of {} failed: {}", socket_id, e.what());
            }
            log::warn("admin: {} refused: invalid credentials", socket_id);
            next(socketio::connect_error{"invalid credentials", std::nullopt});
        });
    };
}

} // namespace sio::admin
