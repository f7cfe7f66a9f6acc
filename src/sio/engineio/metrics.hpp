// What Engine.IO counts into the process's metrics registry (see core/metrics.hpp): sessions
// by transport, handshakes, upgrades, disconnects by reason, packets and bytes, queue drops,
// refused requests and malformed input, each by a label from a fixed set.
#pragma once

#include "sio/core/metrics.hpp"
#include "sio/engineio/disconnect_reason.hpp"
#include "sio/engineio/handshake.hpp"

#include <array>
#include <cstddef>

namespace sio::engineio {

/// Kinds of malformed input, the values of engineio_malformed_input_total's `kind`.
enum class malformed : std::uint8_t {
    packet,            ///< an Engine.IO packet that does not decode (or a ping from a client)
    payload,           ///< a long-polling body that does not decode
    websocket,         ///< a WebSocket protocol violation, or a refused upgrade request
    payload_too_large, ///< a POST body or WebSocket message over maxPayload
};

struct engine_metrics {
    std::array<metrics::gauge*, 2> clients;      ///< by transport_kind
    std::array<metrics::counter*, 2> handshakes; ///< by transport_kind
    metrics::counter* upgrades;
    std::array<metrics::counter*, 10> disconnects;    ///< by disconnect_reason
    std::array<metrics::counter*, 6> refused;         ///< by http_error
    std::array<metrics::counter*, 4> malformed_input; ///< by malformed
    metrics::counter* packets_received;
    metrics::counter* bytes_received;
    metrics::counter* packets_sent;
    metrics::counter* bytes_sent;
    metrics::counter* volatile_dropped;

    metrics::gauge& clients_on(transport_kind t) { return *clients[static_cast<std::size_t>(t)]; }
    void disconnected(disconnect_reason r) { disconnects[static_cast<std::size_t>(r)]->inc(); }
    void bad_input(malformed kind) { malformed_input[static_cast<std::size_t>(kind)]->inc(); }
};

/// Registered in metrics::default_registry() on first use.
engine_metrics& stats();

} // namespace sio::engineio
