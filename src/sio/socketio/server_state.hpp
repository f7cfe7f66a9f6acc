// What the Socket.IO server shares with its clients: options and the namespace table.
#pragma once

#include "sio/core/metrics.hpp"
#include "sio/engineio/handler.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/server.hpp"

#include <map>
#include <mutex>
#include <set>
#include <vector>

namespace sio::socketio {

class server_state final : public engineio::handler,
                           public std::enable_shared_from_this<server_state> {
public:
    explicit server_state(server_options opts)
        : options(std::move(opts)) {}

    std::shared_ptr<engineio::session_listener>
    on_open(std::shared_ptr<engineio::connection> const& c) override;

    /// The namespace for a CONNECT, creating a dynamic one if a predicate accepts it.
    std::shared_ptr<nsp> lookup(std::string const& name, boost::json::value const& auth);
    nsp& of(std::string const& name);
    parent_namespace& add_dynamic(namespace_predicate accept, std::function<void(nsp&)> setup);

    /// Registers the socketio_sockets and socketio_rooms gauges, computed at each scrape:
    /// by namespace for those the server made with of(), summed under namespace="(dynamic)"
    /// for those a dynamic namespace's predicate accepted (their names come from clients).
    void expose_gauges();

    server_options const options;
    /// server::observe's observer, or null; given to every namespace, also later ones.
    std::shared_ptr<socketio::observer> watcher;
    void observe(std::shared_ptr<socketio::observer> o);
    std::vector<std::shared_ptr<nsp>> namespaces();

    /// How long namespaces keep state for recovery, when it is on.
    std::optional<std::chrono::milliseconds> recovery() const {
        if (!options.connection_state_recovery.enabled)
            return std::nullopt;
        return options.connection_state_recovery.max_disconnection_duration;
    }

private:
    struct dynamic {
        namespace_predicate accept;
        std::function<void(nsp&)> setup;
        std::shared_ptr<parent_namespace> parent; ///< stable: server::of returns a reference
    };
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<nsp>> namespaces_;
    std::vector<dynamic> dynamic_;
    std::set<std::string> dynamic_names_;
    metrics::collector_handle sockets_gauge_;
    metrics::collector_handle rooms_gauge_;
};

} // namespace sio::socketio
