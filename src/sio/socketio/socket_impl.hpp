// socket's private parts for its .cpp files (not installed): pending acks and the extras.
#pragma once

#include "sio/socketio/socket.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sio::socketio {

struct socket::pending_ack {
    std::unique_ptr<net::steady_timer> timer; ///< none for a broadcast's share (it has one)
    ack_callback callback;

    void cancel() const {
        if (timer)
            timer->cancel();
    }
};

struct socket::extras {
    std::vector<event_middleware> middlewares;
    std::vector<error_handler> error_handlers;
    std::vector<drain_handler> drain_handlers;
    std::string pid;
    std::map<std::uint64_t, std::shared_ptr<pending_ack>> acks; ///< by ack id
};

} // namespace sio::socketio
