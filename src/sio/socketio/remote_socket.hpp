// A socket that a cluster-wide query returned (Node's RemoteSocket): what it was when asked,
// and commands that reach it on whichever server holds it.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/socketio/broadcast.hpp"

#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace sio::socketio {

class nsp;

/// Thread safety: any thread. Its fields are a snapshot; the commands go through the adapter,
/// so they reach the socket wherever it is (and do nothing if it has gone).
class remote_socket {
public:
    remote_socket(std::shared_ptr<nsp> ns, adapter::socket_details details);

    std::string const& id() const { return details_.id; }
    /// Node's socket.handshake: headers, time, address, xdomain, secure, issued, url, query,
    /// auth.
    boost::json::value const& handshake() const { return details_.handshake; }
    std::set<std::string> const& rooms() const { return details_.rooms; }
    boost::json::value const& data() const { return details_.data; }

    template <class... Args>
    void emit(std::string_view event_name, Args&&... args) const {
        target().emit(event_name, std::forward<Args>(args)...);
    }
    void join(std::string const& room) const;
    void leave(std::string const& room) const;
    void disconnect(bool close = false) const;

private:
    broadcast_operator target() const;

    std::shared_ptr<nsp> nsp_;
    adapter::socket_details details_;
};

} // namespace sio::socketio
