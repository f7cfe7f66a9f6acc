// What reaches past this server: the namespace's side of the adapter's cluster-wide
// operations (fetch, join, leave, disconnect, server-side events) and the API over them.
#include "sio/core/log.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/remote_socket.hpp"
#include "sio/socketio/socket.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>

#include <mutex>
#include <stdexcept>

namespace sio::socketio {

// --- nsp: this server's share -------------------------------------------------------------

void nsp::describe(std::vector<adapter::socket_id> const& targets,
                   std::function<void(std::vector<adapter::socket_details>)> done) const {
    std::vector<std::shared_ptr<socket>> here;
    for (auto const& id : targets) {
        if (auto s = find(id))
            here.push_back(std::move(s));
    }
    if (here.empty())
        return done({});
    // Each socket is read on its own thread (its data may be changing there).
    struct gathering {
        std::mutex mutex;
        std::vector<adapter::socket_details> found;
        std::size_t left;
        std::function<void(std::vector<adapter::socket_details>)> done;
    };
    auto g = std::make_shared<gathering>();
    g->left = here.size();
    g->done = std::move(done);
    for (auto const& s : here) {
        net::dispatch(s->get_executor(), [s, g] {
            std::optional<adapter::socket_details> d;
            if (s->connected())
                d = s->details();
            std::unique_lock lock(g->mutex);
            if (d)
                g->found.push_back(std::move(*d));
            if (--g->left != 0)
                return;
            auto found = std::move(g->found);
            lock.unlock();
            g->done(std::move(found));
        });
    }
}

void nsp::join(std::vector<adapter::socket_id> const& targets,
               std::vector<adapter::room> const& rooms) {
    for (auto const& id : targets) {
        if (auto s = find(id))
            s->join(rooms);
    }
}

void nsp::leave(std::vector<adapter::socket_id> const& targets,
                std::vector<adapter::room> const& rooms) {
    for (auto const& id : targets) {
        if (auto s = find(id)) {
            for (auto const& r : rooms)
                s->leave(r);
        }
    }
}

void nsp::disconnect(std::vector<adapter::socket_id> const& targets, bool close) {
    for (auto const& id : targets) {
        if (auto s = find(id))
            s->disconnect(close);
    }
}

void nsp::server_side_event(boost::json::array args, adapter::server_answer answer) {
    if (args.empty() || !args[0].is_string()) {
        log::warn("socket.io {}: a server-side event without a name was ignored", name_);
        return;
    }
    std::string const event_name(args[0].as_string());
    server_event_handler const* handler = nullptr;
    for (auto const& [n, h] : server_event_handlers_) {
        if (n == event_name)
            handler = &h;
    }
    if (!handler) {
        log::debug("socket.io {}: no handler for server-side event {:?}", name_, event_name);
        return;
    }
    args.erase(args.begin());
    try {
        (*handler)(std::move(args), std::move(answer));
    } catch (std::exception const& e) {
        log::error("socket.io {}: server-side event handler of {:?} threw: {}", name_, event_name,
                   e.what());
    }
}

// --- nsp: the API --------------------------------------------------------------------------

namespace {

boost::json::array server_event(std::string_view event_name, boost::json::array args) {
    if (is_reserved_event(event_name))
        throw std::invalid_argument(std::string(event_name) + " is a reserved event name");
    args.insert(args.begin(), boost::json::string(event_name));
    return args;
}

} // namespace

void nsp::server_side_emit(std::string_view event_name, boost::json::array args) {
    adapter_->server_side_emit(server_event(event_name, std::move(args)), {});
}

void nsp::server_side_emit_with_ack(std::string_view event_name, boost::json::array args,
                                    adapter::completion<std::vector<boost::json::value>> done) {
    adapter_->server_side_emit(server_event(event_name, std::move(args)), std::move(done));
}

void nsp::on_server_side(std::string event_name, server_event_handler handler) {
    server_event_handlers_.emplace_back(std::move(event_name), std::move(handler));
}

void nsp::server_count(adapter::completion<std::size_t> done) {
    adapter_->server_count(std::move(done));
}

void nsp::all_rooms(adapter::completion<std::set<std::string>> done) {
    adapter_->all_rooms(std::move(done));
}

// --- broadcast_operator: cluster-wide ------------------------------------------------------

void broadcast_operator::fetch_sockets(adapter::completion<std::vector<remote_socket>> done) const {
    nsp_->get_adapter().fetch_sockets(
        opts_, [ns = nsp_, done = std::move(done)](
                   adapter::outcome<std::vector<adapter::socket_details>> found) {
            adapter::outcome<std::vector<remote_socket>> out;
            out.error = std::move(found.error);
            out.value.reserve(found.value.size());
            for (auto& d : found.value)
                out.value.emplace_back(ns, std::move(d));
            done(std::move(out));
        });
}

awaitable<std::vector<remote_socket>> broadcast_operator::fetch_sockets() const {
    using result = adapter::outcome<std::vector<remote_socket>>;
    auto found = co_await net::async_initiate<decltype(net::use_awaitable), void(result)>(
        [this](auto handler) {
            // The completion may run on any thread: resume on the coroutine's own.
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            fetch_sockets([h](result r) {
                auto ex = net::get_associated_executor(*h);
                net::dispatch(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
            });
        },
        net::use_awaitable);
    if (!found.ok())
        throw std::runtime_error(found.error);
    co_return std::move(found.value);
}

void broadcast_operator::sockets_join(std::string const& room) const {
    nsp_->get_adapter().add_sockets(opts_, {room});
}

void broadcast_operator::sockets_leave(std::string const& room) const {
    nsp_->get_adapter().del_sockets(opts_, {room});
}

void broadcast_operator::disconnect_sockets(bool close) const {
    nsp_->get_adapter().disconnect_sockets(opts_, close);
}

// --- remote_socket -------------------------------------------------------------------------

remote_socket::remote_socket(std::shared_ptr<nsp> ns, adapter::socket_details details)
    : nsp_(std::move(ns))
    , details_(std::move(details)) {}

broadcast_operator remote_socket::target() const {
    adapter::broadcast_options opts;
    opts.rooms.insert(details_.id); // every socket is in the room named by its id
    return {nsp_, std::move(opts)};
}

void remote_socket::join(std::string const& room) const {
    target().sockets_join(room);
}

void remote_socket::leave(std::string const& room) const {
    target().sockets_leave(room);
}

void remote_socket::disconnect(bool close) const {
    target().disconnect_sockets(close);
}

} // namespace sio::socketio
