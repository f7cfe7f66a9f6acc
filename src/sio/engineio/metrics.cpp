#include "sio/engineio/metrics.hpp"

namespace sio::engineio {
namespace {

engine_metrics make() {
    auto& r = metrics::default_registry();
    engine_metrics m{};
    for (auto t : {transport_kind::polling, transport_kind::websocket}) {
        auto const i = static_cast<std::size_t>(t);
        metrics::labels const l{{"transport", std::string(to_string(t))}};
        m.clients[i] = &r.get_gauge("engineio_clients",
                                    "Engine.IO sessions open now, by their current transport.", l);
        m.handshakes[i] = &r.get_counter("engineio_handshakes_total",
                                         "Engine.IO sessions opened, by their first transport.", l);
    }
    m.upgrades = &r.get_counter("engineio_upgrades_total",
                                "Sessions upgraded from long-polling to WebSocket.");
    for (std::size_t i = 0; i < m.disconnects.size(); ++i) {
        auto const reason = static_cast<disconnect_reason>(i);
        m.disconnects[i] =
            &r.get_counter("engineio_disconnects_total", "Engine.IO sessions closed, by reason.",
                           {{"reason", std::string(to_string(reason))}});
    }
    constexpr std::array<char const*, 6> errors{
        "unknown_transport", "unknown_sid", "bad_handshake_method",
        "bad_request",       "forbidden",   "unsupported_protocol_version"};
    for (std::size_t i = 0; i < m.refused.size(); ++i)
        m.refused[i] = &r.get_counter(
            "engineio_refused_requests_total",
            "Engine.IO HTTP requests refused with an error body, by its code's name.",
            {{"error", errors[i]}});
    constexpr std::array<char const*, 4> kinds{"packet", "payload", "websocket",
                                               "payload_too_large"};
    for (std::size_t i = 0; i < m.malformed_input.size(); ++i)
        m.malformed_input[i] = &r.get_counter("engineio_malformed_input_total",
                                              "Malformed or oversized input from clients, by kind.",
                                              {{"kind", kinds[i]}});
    m.packets_received =
        &r.get_counter("engineio_packets_received_total", "Engine.IO packets received.");
    m.bytes_received = &r.get_counter("engineio_received_bytes_total",
                                      "Bytes of the Engine.IO packets received (payloads).");
    m.packets_sent = &r.get_counter("engineio_packets_sent_total",
                                    "Engine.IO packets written to clients (control included).");
    m.bytes_sent = &r.get_counter("engineio_sent_bytes_total",
                                  "Bytes of the Engine.IO packets written to clients (payloads).");
    m.volatile_dropped =
        &r.get_counter("engineio_volatile_dropped_total",
                       "Volatile packets not queued because the client's outbound queue was full.");
    return m;
}

} // namespace

engine_metrics& stats() {
    static engine_metrics m = make();
    return m;
}

} // namespace sio::engineio
