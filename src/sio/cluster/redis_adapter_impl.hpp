// The Redis adapter's private parts for its .cpp files (not installed): link, adapter, requests.
#pragma once

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/cluster/redis_adapter.hpp"
#include "sio/cluster/wire.hpp"
#include "sio/redis/client.hpp"
#include "sio/redis/subscriber.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <unordered_map>

namespace sio::cluster {

namespace sa = sio::adapter;

namespace detail {

class redis_adapter;

/// What an adapter's messages are handed to; outlives the adapter (the link may hold it
/// while a message is being handled), so the adapter is reached through a guarded pointer.
struct adapter_route {
    std::shared_mutex mutex;
    redis_adapter* adapter = nullptr; // null once the adapter is gone
};

} // namespace detail

struct redis_link::impl : std::enable_shared_from_this<impl> {
    using clock = std::chrono::steady_clock;
    using counts = std::map<std::string, std::int64_t>; // request channel -> subscribers

    impl(net::any_io_executor ex, redis::options const& o, redis_link_options lo)
        : executor(ex)
        , pub(ex, o)
        , sub(ex, o)
        , link_options(lo)
        , rejoin_timer(ex)
        , census_timer(ex) {}

    net::any_io_executor executor;
    redis::client pub;
    redis::subscriber sub;
    redis_link_options const link_options;
    std::atomic<bool> sub_ready{false};
    std::atomic<bool> pub_connected{false};
    std::atomic<bool> holding{true};

    std::mutex mutex; // guards the routes and request_channels
    std::unordered_map<std::string, std::weak_ptr<detail::adapter_route>>
        by_channel; // requests, responses
    std::unordered_map<std::string, std::weak_ptr<detail::adapter_route>> by_pattern; // broadcasts
    std::multiset<std::string> request_channels; // one per namespace's adapter

    // On the executor only.
    net::steady_timer rejoin_timer; ///< the next count while waiting for the cluster
    net::steady_timer census_timer; ///< the next census while all is well
    counts census;                  ///< as last counted while all was well
    std::uint64_t epoch = 0; ///< bumped on each subscriber transition: older replies are stale
    bool stopped = false;

    bool ready() const { return sub_ready && pub_connected; }
    void route(std::string_view pattern, std::string_view channel, std::string_view payload);

    void on_subscriber(bool ready);
    /// PUBSUB NUMSUB of every request channel; nullopt when Redis did not answer.
    void count(std::function<void(std::optional<counts>)> done);
    void wait_for_cluster(std::uint64_t e, clock::time_point since);
    void open_gate();
    void take_census(std::uint64_t e);
    void shutdown();
};

namespace detail {

using sa::broadcast_options;
using sa::socket_details;

/// What a request of ours waits for, until its answers are in or its time is up.
struct pending_request {
    request_type type;
    std::size_t expected = 0; // answers from other servers
    std::size_t received = 0;
    std::vector<socket_details> sockets;
    std::set<std::string> rooms;
    std::vector<boost::json::value> answers;
    sa::completion<std::vector<socket_details>> fetched;
    sa::completion<std::set<std::string>> listed;
    sa::completion<std::vector<boost::json::value>> answered;
    std::shared_ptr<sa::ack_sink> sink; // broadcasts with acks
    std::unique_ptr<net::steady_timer> timer;
};

std::string new_request_id();

class redis_adapter final : public sa::in_memory_adapter {
public:
    redis_adapter(sa::local_delivery& delivery, std::string nsp,
                  std::shared_ptr<redis_link::impl> link, redis_adapter_options options);
    ~redis_adapter() override;

    // --- broadcasts: local at once, then published (redis_adapter_broadcast.cpp) ----------

    void broadcast(protocol::packet const& p, broadcast_options const& opts) override;
    void broadcast_with_ack(protocol::packet const& p, broadcast_options const& opts,
                            std::shared_ptr<sa::ack_sink> const& sink) override;

    // --- cluster-wide requests (redis_adapter_requests.cpp) -------------------------------

    void server_count(sa::completion<std::size_t> done) override;
    void fetch_sockets(broadcast_options const& opts,
                       sa::completion<std::vector<socket_details>> done) override;
    void all_rooms(sa::completion<std::set<std::string>> done) override;
    void server_side_emit(boost::json::array const& args,
                          sa::completion<std::vector<boost::json::value>> done) override;
    void add_sockets(broadcast_options const& opts, std::vector<std::string> const& rooms) override;
    void del_sockets(broadcast_options const& opts, std::vector<std::string> const& rooms) override;
    void disconnect_sockets(broadcast_options const& opts, bool close) override;

    // --- what arrives from Redis -----------------------------------------------------------

    void on_broadcast(std::string_view channel, std::string_view payload);
    void on_request(std::string_view payload);
    void on_response(std::string_view payload);

    static void with_adapter(std::weak_ptr<adapter_route> const& weak,
                             std::function<void(redis_adapter&)> const& f) {
        auto route = weak.lock();
        if (!route)
            return;
        std::shared_lock lock(route->mutex);
        if (route->adapter)
            f(*route->adapter);
    }

private:
    /// Publishes a request that other servers answer, once it is known how many will: the
    /// completion runs with what this server had alone when it is the only one.
    void ask_cluster(request_type type, broadcast_options const& opts, boost::json::array data,
                     std::function<void(pending_request&)> const& fill);
    void expire(std::string const& id);
    static void complete(pending_request& p, std::string const& error);
    void publish_command(request_type type, broadcast_options const& opts,
                         std::vector<std::string> const& rooms, bool close);
    /// Answers request `r` on the shared response channel, or on the requester's own.
    void respond(request const& r, response out);
    /// Another server's broadcast with acks: sent to our sockets, our share reported back.
    void on_broadcast_request(request& r);

    std::string const nsp_;
    std::string const uid_;
    std::shared_ptr<redis_link::impl> link_;
    redis_adapter_options const options_;
    std::shared_ptr<adapter_route> route_;
    std::string pattern_, request_channel_, response_channel_, specific_channel_;
    std::mutex mutex_; // guards pending_
    std::map<std::string, pending_request> pending_;
};

} // namespace detail

} // namespace sio::cluster
