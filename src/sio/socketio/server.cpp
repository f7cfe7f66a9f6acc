#include "sio/socketio/server.hpp"

#include "sio/engineio/metrics.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/static_files.hpp"
#include "sio/socketio/client.hpp"
#include "sio/socketio/metrics.hpp"
#include "sio/socketio/server_state.hpp"

namespace sio::socketio {

std::shared_ptr<engineio::session_listener>
server_state::on_open(std::shared_ptr<engineio::connection> const& c) {
    auto cl = std::make_shared<client>(shared_from_this(), c);
    cl->start();
    return cl;
}

std::shared_ptr<nsp> server_state::lookup(std::string const& name, boost::json::value const& auth) {
    std::lock_guard lock(mutex_);
    if (auto it = namespaces_.find(name); it != namespaces_.end())
        return it->second;
    for (auto const& d : dynamic_) {
        if (d.accept(name, auth)) {
            auto ns = std::make_shared<nsp>(name, options.adapter, recovery(),
                                            options.max_rooms_per_socket);
            d.setup(*ns);
            namespaces_.emplace(name, ns);
            dynamic_names_.insert(name);
            d.parent->add_child(ns);
            if (watcher) {
                ns->set_observer(watcher);
                watcher->on_namespace(*ns);
            }
            return ns;
        }
    }
    return nullptr;
}

nsp& server_state::of(std::string const& name) {
    std::lock_guard lock(mutex_);
    auto& slot = namespaces_[name.empty() || name.front() != '/' ? "/" + name : name];
    if (!slot) {
        slot = std::make_shared<nsp>(name.empty() || name.front() != '/' ? "/" + name : name,
                                     options.adapter, recovery(), options.max_rooms_per_socket);
        if (watcher) {
            slot->set_observer(watcher);
            watcher->on_namespace(*slot);
        }
    }
    return *slot;
}

void server_state::observe(std::shared_ptr<socketio::observer> o) {
    std::vector<std::shared_ptr<nsp>> existing;
    {
        std::lock_guard lock(mutex_);
        watcher = o;
        for (auto const& [name, ns] : namespaces_) {
            ns->set_observer(o);
            existing.push_back(ns);
        }
    }
    for (auto const& ns : existing)
        o->on_namespace(*ns);
}

std::vector<std::shared_ptr<nsp>> server_state::namespaces() {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<nsp>> all;
    for (auto const& [name, ns] : namespaces_)
        all.push_back(ns);
    return all;
}

parent_namespace& server_state::add_dynamic(namespace_predicate accept,
                                            std::function<void(nsp&)> setup) {
    std::lock_guard lock(mutex_);
    auto parent = std::make_shared<parent_namespace>();
    dynamic_.push_back({std::move(accept), std::move(setup), parent});
    return *parent;
}

void server_state::expose_gauges() {
    // Read on the scraping thread: the table under its mutex, then each namespace's
    // thread-safe socket_count() and adapter rooms().
    auto gauge = [weak = weak_from_this()](bool rooms) {
        return [weak, rooms] {
            std::vector<metrics::sample> out;
            auto self = weak.lock();
            if (!self)
                return out;
            std::vector<std::pair<std::shared_ptr<nsp>, bool>> table;
            bool any_dynamic = false;
            {
                std::lock_guard lock(self->mutex_);
                any_dynamic = !self->dynamic_.empty();
                for (auto const& [name, ns] : self->namespaces_)
                    table.emplace_back(ns, self->dynamic_names_.contains(name));
            }
            double dynamic_total = 0;
            for (auto const& [ns, is_dynamic] : table) {
                double const n = rooms ? static_cast<double>(ns->get_adapter().rooms().size())
                                       : static_cast<double>(ns->socket_count());
                if (is_dynamic)
                    dynamic_total += n;
                else
                    out.push_back({{{"namespace", ns->name()}}, n});
            }
            if (any_dynamic)
                out.push_back({{{"namespace", "(dynamic)"}}, dynamic_total});
            return out;
        };
    };
    auto& r = metrics::default_registry();
    sockets_gauge_ = r.add_collector("socketio_sockets", "Sockets connected now, by namespace.",
                                     metrics::type::gauge, gauge(false));
    rooms_gauge_ = r.add_collector(
        "socketio_rooms",
        "Rooms on this server now, by namespace (each socket's own room included, as in Node).",
        metrics::type::gauge, gauge(true));
}

server::server(server_options options)
    : state_(std::make_shared<server_state>(std::move(options)))
    , engine_(std::make_shared<engineio::server>(state_->options.engine, state_)) {
    state_->of("/");
    state_->expose_gauges();
    // Every series from the start (at 0), not from the first time it moves.
    (void)stats();
    (void)engineio::stats();
}

server::~server() = default;

std::shared_ptr<engineio::server> server::engine() const {
    return engine_;
}

std::string const& server::path() const {
    return engine_->settings().path;
}

std::shared_ptr<http::request_handler> server::client_files(std::filesystem::path dist) const {
    auto prefix = path();
    prefix.pop_back(); // "/socket.io/" -> "/socket.io": the files are <path>socket.io*
    return std::make_shared<http::static_files>(http::static_config{
        .index_file = {},
        .static_prefix = std::move(prefix),
        .roots = {std::move(dist)},
    });
}

void server::observe(std::shared_ptr<observer> o) {
    state_->observe(std::move(o));
}

std::vector<std::shared_ptr<nsp>> server::namespaces() const {
    return state_->namespaces();
}

nsp& server::of(std::string const& name) {
    return state_->of(name);
}

parent_namespace& server::of(namespace_predicate accept, std::function<void(nsp&)> setup) {
    return state_->add_dynamic(std::move(accept), std::move(setup));
}

} // namespace sio::socketio
