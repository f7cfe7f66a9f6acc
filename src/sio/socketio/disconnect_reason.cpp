#include "sio/socketio/disconnect_reason.hpp"

namespace sio::socketio {

std::string_view to_string(disconnect_reason r) {
    switch (r) {
    case disconnect_reason::transport_close:
        return "transport close";
    case disconnect_reason::transport_error:
        return "transport error";
    case disconnect_reason::ping_timeout:
        return "ping timeout";
    case disconnect_reason::parse_error:
        return "parse error";
    case disconnect_reason::forced_close:
        return "forced close";
    case disconnect_reason::server_shutting_down:
        return "server shutting down";
    case disconnect_reason::server_namespace_disconnect:
        return "server namespace disconnect";
    case disconnect_reason::client_namespace_disconnect:
        return "client namespace disconnect";
    }
    return "unknown";
}

bool is_recoverable(disconnect_reason r) {
    switch (r) {
    case disconnect_reason::transport_close:
    case disconnect_reason::transport_error:
    case disconnect_reason::ping_timeout:
    case disconnect_reason::forced_close:
    case disconnect_reason::server_shutting_down:
        return true;
    case disconnect_reason::parse_error:
    case disconnect_reason::server_namespace_disconnect:
    case disconnect_reason::client_namespace_disconnect:
        return false;
    }
    return false;
}

disconnect_reason from_engine(engineio::disconnect_reason r) {
    using engine = engineio::disconnect_reason;
    switch (r) {
    case engine::transport_close:
        return disconnect_reason::transport_close;
    case engine::ping_timeout:
        return disconnect_reason::ping_timeout;
    case engine::parse_error:
        return disconnect_reason::parse_error;
    case engine::forced_close:
        return disconnect_reason::forced_close;
    case engine::server_shutdown:
        return disconnect_reason::server_shutting_down;
    case engine::transport_error:
    case engine::multiple_polling:
    case engine::payload_too_large:
    case engine::queue_full:
    case engine::write_timeout:
        break;
    }
    return disconnect_reason::transport_error;
}

} // namespace sio::socketio
