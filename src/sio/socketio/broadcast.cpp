#include "sio/socketio/broadcast.hpp"

#include "sio/core/log.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/socket.hpp"

#include <stdexcept>

namespace sio::socketio {

packet make_event_packet(std::string_view nsp_name, std::string_view event_name, payload p) {
    if (is_reserved_event(event_name))
        throw std::invalid_argument(std::string(event_name) + " is a reserved event name");
    packet out;
    out.type = packet_type::event;
    out.nsp = std::string(nsp_name);
    boost::json::array args;
    args.reserve(p.args.size() + 1);
    args.emplace_back(boost::json::string(event_name));
    for (auto& a : p.args)
        args.push_back(std::move(a));
    out.data = boost::json::value(std::move(args));
    out.attachments = std::move(p.attachments);
    return out;
}

// --- parent_namespace ----------------------------------------------------------------------

parent_namespace::broadcast::broadcast(std::vector<std::shared_ptr<nsp>> children,
                                       adapter::broadcast_options opts)
    : children_(std::move(children))
    , opts_(std::move(opts)) {}

parent_namespace::broadcast parent_namespace::broadcast::to(std::string room) const {
    auto opts = opts_;
    opts.rooms.insert(std::move(room));
    return {children_, std::move(opts)};
}

parent_namespace::broadcast parent_namespace::broadcast::except(std::string room) const {
    auto opts = opts_;
    opts.except.insert(std::move(room));
    return {children_, std::move(opts)};
}

void parent_namespace::broadcast::emit_payload(std::string_view event_name,
                                               payload const& p) const {
    for (auto const& child : children_)
        broadcast_operator(child, opts_).emit_payload(event_name, p);
}

std::vector<std::shared_ptr<nsp>> parent_namespace::children() const {
    std::lock_guard lock(mutex_);
    return children_;
}

void parent_namespace::add_child(std::shared_ptr<nsp> child) {
    std::lock_guard lock(mutex_);
    children_.push_back(std::move(child));
}

// --- broadcast_operator --------------------------------------------------------------------

broadcast_operator::broadcast_operator(std::shared_ptr<nsp> ns, adapter::broadcast_options opts)
    : nsp_(std::move(ns))
    , opts_(std::move(opts)) {}

broadcast_operator broadcast_operator::to(std::string room) const {
    auto opts = opts_;
    opts.rooms.insert(std::move(room));
    return {nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::except(std::string room) const {
    auto opts = opts_;
    opts.except.insert(std::move(room));
    return {nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::volatile_() const {
    auto opts = opts_;
    opts.is_volatile = true;
    return {nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::local() const {
    auto opts = opts_;
    opts.local = true;
    return {nsp_, std::move(opts)};
}

void broadcast_operator::emit_payload(std::string_view event_name, payload p) const {
    nsp_->get_adapter().broadcast(make_event_packet(nsp_->name(), event_name, std::move(p)), opts_);
}

std::vector<std::shared_ptr<socket>> broadcast_operator::sockets() const {
    std::vector<std::shared_ptr<socket>> out;
    for (auto const& id : nsp_->get_adapter().sockets(opts_)) {
        if (auto s = nsp_->find(id))
            out.push_back(std::move(s));
    }
    return out;
}

} // namespace sio::socketio
