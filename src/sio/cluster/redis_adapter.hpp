// The classic Redis adapter, wire-compatible with Node's @socket.io/redis-adapter 8.3.x: a
// server joins a cluster of Node and C++ servers through one Redis, sharing broadcasts, rooms
// and the cluster-wide operations.
//
// Public API (docs/PUBLIC-API.md): redis_adapter_options, redis_link_options, and redis_link
// (construct, start, adapter_factory() for socketio::server_options::adapter, stop, ready,
// get_stats); link socketio_cpp::socketio_cpp (or socketio_cpp::cluster).
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/core/metrics.hpp"
#include "sio/core/net.hpp"
#include "sio/redis/options.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sio::cluster {

struct redis_adapter_options {
    /// The channels' prefix (Node's `key`).
    std::string key = "socket.io";
    /// How long fetch_sockets, all_rooms and server_side_emit with answers wait for the other
    /// servers (Node's `requestsTimeout`).
    std::chrono::milliseconds requests_timeout{5000};
    /// Answer requests on the requester's own response channel rather than the shared one
    /// (Node's `publishOnSpecificResponseChannel`; either way interoperates).
    bool publish_on_specific_response_channel = false;
};

struct redis_link_options {
    /// After a lost connection, publishes stay in the outage buffer until Redis counts as
    /// many subscribers on each request channel as before (PUBSUB NUMSUB), or this long at
    /// most: sent the moment our own subscriber is back, they would be lost to the servers
    /// that take longer to resubscribe (a Node server, up to 500 ms). 0: do not wait.
    std::chrono::milliseconds resume_wait{2000};
    /// How often those counts are taken while all is well (one PUBSUB NUMSUB).
    std::chrono::milliseconds census_interval{1000};
};

/// One server's two Redis connections, a publisher and a subscriber, shared by the adapters
/// of all its namespaces (as Node's pub and sub clients are). Thread safety: any thread.
class redis_link {
public:
    /// Connects (and reconnects, forever) on `ex` once started.
    redis_link(net::any_io_executor ex, redis::options const& options,
               redis_link_options link_options = {});
    ~redis_link();
    redis_link(redis_link const&) = delete;
    redis_link& operator=(redis_link const&) = delete;

    void start();
    /// Closes both connections; the adapters then serve this server alone.
    void stop();
    /// Whether both connections are up and every subscription is confirmed.
    bool ready() const;

    struct stats {
        bool ready = false;
        std::uint64_t reconnects = 0;         ///< of either connection
        std::uint64_t buffered_publishes = 0; ///< held while Redis is away
        std::uint64_t buffered_bytes = 0;     ///< their size
        std::uint64_t dropped_publishes = 0;  ///< past the outage buffer's limits
        /// Publishes held: Redis or our subscriber is away, or not every server is back.
        bool holding = false;
    };
    stats get_stats() const;

    /// The factory for server_options.adapter: each namespace's adapter uses this link.
    /// Refuses (std::invalid_argument when the namespace is made) connection state recovery,
    /// which Node's Redis pub/sub adapter does not support either.
    adapter::adapter_factory adapter_factory(redis_adapter_options options = {});

    struct impl;

private:
    void expose_metrics();
    static stats stats_of(impl const& i);

    std::shared_ptr<impl> impl_;
    /// socketio_redis_* in metrics::default_registry(), from get_stats() at each scrape.
    metrics::collector_handle gauges_;
};

} // namespace sio::cluster
