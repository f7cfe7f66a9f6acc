// The single-process adapter: room membership in two maps under one mutex.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/adapter/session_store.hpp"

#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace sio::adapter {

/// Not final: an adapter for several servers may build on it, as Node's do.
class in_memory_adapter : public adapter {
public:
    /// With `recovery`, broadcasts and dropped sessions are kept that long for connection
    /// state recovery.
    explicit in_memory_adapter(local_delivery& delivery,
                               std::optional<std::chrono::milliseconds> recovery = std::nullopt);

    void add_all(socket_id const& id, std::vector<room> const& rooms) override;
    void del(socket_id const& id, room const& r) override;
    void del_all(socket_id const& id) override;
    void broadcast(protocol::packet const& p, broadcast_options const& opts) override;
    std::vector<socket_id> sockets(broadcast_options const& opts) const override;
    std::set<room> socket_rooms(socket_id const& id) const override;
    std::vector<room> rooms() const override;
    bool recovers() const override { return store_.has_value(); }
    void persist_session(persisted_session s) override;
    void serialized(std::function<void()> const& f) override;
    std::optional<restored_session> restore_session(std::string const& pid,
                                                    std::string const& offset) override;

    // Cluster-wide operations, answered from this server's sockets at once: an adapter for
    // several servers calls these for its own share.
    void broadcast_with_ack(protocol::packet const& p, broadcast_options const& opts,
                            std::shared_ptr<ack_sink> const& sink) override;
    void server_count(completion<std::size_t> done) override;
    void fetch_sockets(broadcast_options const& opts,
                       completion<std::vector<socket_details>> done) override;
    void add_sockets(broadcast_options const& opts, std::vector<room> const& rooms) override;
    void del_sockets(broadcast_options const& opts, std::vector<room> const& rooms) override;
    void disconnect_sockets(broadcast_options const& opts, bool close) override;
    void server_side_emit(boost::json::array const& args,
                          completion<std::vector<boost::json::value>> done) override;
    void all_rooms(completion<std::set<room>> done) override;

protected:
    local_delivery& delivery() { return delivery_; }

private:
    /// Target computation; the caller holds mutex_.
    std::vector<socket_id> targets(broadcast_options const& opts) const;
    /// Whether `r` names a socket that is in its own room; the caller holds mutex_.
    bool in_own_room(room const& r) const;

    local_delivery& delivery_;
    mutable std::mutex mutex_;
    std::unordered_map<room, std::unordered_set<socket_id>> rooms_;
    std::unordered_map<socket_id, std::set<room>> sids_;
    std::optional<session_store> store_;
    std::recursive_mutex order_mutex_; ///< recovery only: offsets reach clients in order
};

/// The default adapter_factory: one in_memory_adapter per namespace.
std::unique_ptr<adapter> make_in_memory_adapter(local_delivery& delivery,
                                                adapter_context const& ctx);

} // namespace sio::adapter
