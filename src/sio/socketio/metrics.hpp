// What Socket.IO counts into the process's metrics registry (see core/metrics.hpp): namespace
// connects and refusals, disconnects by reason, events, broadcasts and their deliveries,
// malformed packets by kind and event handler time. No label takes a value a client chose.
#pragma once

#include "sio/core/metrics.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/socketio/disconnect_reason.hpp"

#include <array>
#include <cstddef>

namespace sio::socketio {

struct io_metrics {
    metrics::counter* connects;
    metrics::counter* connect_errors;
    std::array<metrics::counter*, 8> disconnects; ///< by disconnect_reason
    std::array<metrics::counter*, 10> malformed;  ///< by protocol::decode_error
    metrics::counter* events_received;
    metrics::counter* broadcasts;
    metrics::counter* deliveries;
    metrics::histogram* handler_seconds;

    void disconnected(disconnect_reason r) { disconnects[static_cast<std::size_t>(r)]->inc(); }
    void bad_packet(protocol::decode_error e) { malformed[static_cast<std::size_t>(e)]->inc(); }
};

/// Registered in metrics::default_registry() on first use.
io_metrics& stats();

} // namespace sio::socketio
