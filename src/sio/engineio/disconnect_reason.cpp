#include "sio/engineio/disconnect_reason.hpp"

namespace sio::engineio {

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
    case disconnect_reason::multiple_polling:
        return "multiple polling requests";
    case disconnect_reason::payload_too_large:
        return "payload too large";
    case disconnect_reason::queue_full:
        return "queue full";
    case disconnect_reason::write_timeout:
        return "write timeout";
    case disconnect_reason::forced_close:
        return "forced close";
    case disconnect_reason::server_shutdown:
        return "server shutting down";
    }
    return "unknown";
}

} // namespace sio::engineio
