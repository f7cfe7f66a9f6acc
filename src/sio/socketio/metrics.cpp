#include "sio/socketio/metrics.hpp"

namespace sio::socketio {
namespace {

io_metrics make() {
    auto& r = metrics::default_registry();
    io_metrics m{};
    m.connects = &r.get_counter("socketio_connects_total", "Sockets that joined a namespace.");
    m.connect_errors =
        &r.get_counter("socketio_connect_errors_total",
                       "Namespace CONNECTs refused (unknown namespace, too many, middleware).");
    for (std::size_t i = 0; i < m.disconnects.size(); ++i)
        m.disconnects[i] = &r.get_counter(
            "socketio_disconnects_total", "Sockets that left their namespace, by reason.",
            {{"reason", std::string(to_string(static_cast<disconnect_reason>(i)))}});
    constexpr std::array<char const*, 10> kinds{
        "empty",           "unknown_type",     "bad_attachment_count", "too_many_attachments",
        "bad_ack_id",      "bad_json",         "invalid_payload",      "bad_placeholders",
        "unexpected_text", "unexpected_binary"};
    for (std::size_t i = 0; i < m.malformed.size(); ++i)
        m.malformed[i] = &r.get_counter("socketio_malformed_packets_total",
                                        "Socket.IO packets that did not decode, by kind (the "
                                        "connection is closed).",
                                        {{"kind", kinds[i]}});
    m.events_received =
        &r.get_counter("socketio_events_received_total", "Events received from clients.");
    m.broadcasts = &r.get_counter(
        "socketio_broadcasts_total",
        "Broadcasts fanned out to this server's sockets (from here or another cluster member).");
    m.deliveries = &r.get_counter("socketio_broadcast_deliveries_total",
                                  "Sockets a broadcast was queued for, summed over broadcasts.");
    m.handler_seconds = &r.get_histogram(
        "socketio_event_handler_seconds",
        "Time in an event's handlers (catch-all listeners, middleware, the handler).",
        metrics::latency_buckets());
    return m;
}

} // namespace

io_metrics& stats() {
    static io_metrics m = make();
    return m;
}

} // namespace sio::socketio
