#include "sio/socketio/server.hpp"

#include "sio/engineio/server.hpp"
#include "sio/http/static_files.hpp"
#include "sio/socketio/client.hpp"
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

server::server(server_options options)
    : state_(std::make_shared<server_state>(std::move(options)))
    , engine_(std::make_shared<engineio::server>(state_->options.engine, state_)) {
    state_->of("/");
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
