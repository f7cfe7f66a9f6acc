#include "sio/socketio/client.hpp"

#include "sio/core/log.hpp"
#include "sio/core/random_id.hpp"
#include "sio/socketio/metrics.hpp"
#include "sio/socketio/server_state.hpp"
#include "sio/socketio/socket.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sio::socketio {
namespace {

payload to_payload(boost::json::array&& args, std::vector<std::string>&& attachments) {
    return payload{std::move(args), std::move(attachments)};
}

} // namespace

client::client(std::shared_ptr<server_state> server, std::shared_ptr<engineio::connection> conn)
    : server_(std::move(server))
    , conn_(std::move(conn))
    , decoder_(server_->options.max_attachments)
    , connect_timer_(std::make_unique<boost::asio::steady_timer>(conn_->get_executor())) {}

client::~client() = default;

void client::start() {
    if (auto const& o = server_->watcher) {
        polling_ = conn_->transport() == engineio::transport_kind::polling;
        o->on_engine_open(*conn_);
    }
    connect_timer_->expires_after(server_->options.connect_timeout);
    connect_timer_->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->joined_any() || self->closed_)
            return;
        log::info("socket.io: no namespace joined within {} ms: closing",
                  self->server_->options.connect_timeout.count());
        self->conn_->close();
    });
}

void client::fail(std::string_view why) {
    log::info("socket.io: closing connection {}: {}", conn_->id(), why);
    conn_->close(engineio::disconnect_reason::parse_error);
}

void client::on_message(std::string text) {
    if (closed_)
        return;
    if (auto const& o = server_->watcher)
        o->on_packet_in(text.size());
    auto r = decoder_.on_text(text);
    if (r.error) {
        stats().bad_packet(*r.error);
        return fail(fmt::format("malformed packet ({})", to_string(*r.error)));
    }
    if (r.complete)
        handle(std::move(*r.complete));
}

void client::on_binary(std::string bytes) {
    if (closed_)
        return;
    if (auto const& o = server_->watcher)
        o->on_packet_in(bytes.size());
    auto r = decoder_.on_binary(std::move(bytes));
    if (r.error) {
        stats().bad_packet(*r.error);
        return fail(fmt::format("malformed packet ({})", to_string(*r.error)));
    }
    if (r.complete)
        handle(std::move(*r.complete));
}

void client::handle(packet p) {
    if (p.type == packet_type::connect)
        return connect(std::move(p));
    if (p.type == packet_type::connect_error)
        return fail("CONNECT_ERROR from a client");

    auto const it = sockets_.find(p.nsp);
    if (it == sockets_.end() || !it->second) // unknown, or still waiting for middleware
        return fail(fmt::format("packet for namespace {:?}, which it has not joined", p.nsp));
    auto s = it->second; // keep it alive through its handlers

    switch (p.type) {
    case packet_type::disconnect:
        sockets_.erase(it);
        s->on_closed(disconnect_reason::client_namespace_disconnect);
        break;
    case packet_type::event:
    case packet_type::binary_event: {
        auto& args = p.data->as_array();
        auto& first = args.front();
        std::string name =
            first.is_string() ? std::string(first.as_string()) : boost::json::serialize(first);
        args.erase(args.begin());
        s->dispatch_event(std::move(name), to_payload(std::move(args), std::move(p.attachments)),
                          p.id);
        break;
    }
    case packet_type::ack:
    case packet_type::binary_ack:
        if (p.id)
            s->dispatch_ack(*p.id,
                            to_payload(std::move(p.data->as_array()), std::move(p.attachments)));
        break;
    case packet_type::connect:
    case packet_type::connect_error:
        break;
    }
}

void client::connect(packet p) {
    if (sockets_.contains(p.nsp)) // joined, or waiting for middleware
        return fail(fmt::format("a second CONNECT to {:?}", p.nsp));
    if (auto const limit = server_->options.max_namespaces_per_connection;
        limit != 0 && sockets_.size() >= limit) {
        log::warn("socket.io: CONNECT to {:?} refused: the connection is in {} namespaces, "
                  "max_namespaces_per_connection",
                  p.nsp, sockets_.size());
        return refuse(p.nsp, connect_error{"Too many namespaces", std::nullopt});
    }
    auto const auth = p.data.value_or(boost::json::object{});
    auto ns = server_->lookup(p.nsp, auth);
    if (!ns) {
        log::info("socket.io: CONNECT to unknown namespace {:?} refused", p.nsp);
        return refuse(p.nsp, connect_error{"Invalid namespace", std::nullopt});
    }
    auto const& recovery = server_->options.connection_state_recovery;
    if (recovery.enabled) {
        std::optional<adapter::restored_session> restored;
        std::shared_ptr<socket> s;
        // Taking the session back and (without middleware) entering its rooms are one step
        // among broadcasts: none falls between what was missed and what arrives live.
        auto take_back = [&] {
            restored = try_restore(*ns, auth);
            if (!restored)
                return;
            s = std::make_shared<socket>(std::move(restored->session.sid), ns, conn_,
                                         weak_from_this(), auth, std::move(restored->session.pid));
            s->restore(std::move(restored->session.data));
            if (recovery.skip_middlewares)
                enter(s, ns, restored->session.rooms);
        };
        ns->get_adapter().serialized(take_back);
        if (restored) {
            log::debug("socket.io: connection state of {} recovered ({} missed packets)", s->id(),
                       restored->missed.size());
            if (recovery.skip_middlewares)
                return announce(s, ns, restored->missed);
            // Like Node, events broadcast while the middleware runs do not reach it.
            sockets_.insert_or_assign(p.nsp, nullptr);
            return ns->run_middleware(s, when_decided(s, ns, std::move(restored->session.rooms),
                                                      std::move(restored->missed)));
        }
    }
    auto s = std::make_shared<socket>(random_id(), ns, conn_, weak_from_this(), auth,
                                      recovery.enabled ? random_id() : "");
    sockets_.insert_or_assign(p.nsp, nullptr); // pending: the middleware decides
    ns->run_middleware(s, when_decided(s, ns));
}

middleware_done client::when_decided(std::shared_ptr<socket> s, std::shared_ptr<nsp> ns,
                                     std::vector<std::string> rooms, std::vector<packet> missed) {
    // Runs on this session's executor: at once when every middleware answers synchronously,
    // later when one answers from elsewhere.
    return [weak = weak_from_this(), s = std::move(s), ns = std::move(ns), rooms = std::move(rooms),
            missed = std::move(missed)](std::optional<connect_error> refused) {
        auto self = weak.lock();
        if (!self)
            return;
        self->settle(ns->name());
        if (self->closed_) {
            log::debug("socket.io: middleware of {:?} answered after the connection closed",
                       ns->name());
            return;
        }
        if (refused) {
            log::info("socket.io: CONNECT to {:?} refused by middleware: {}", ns->name(),
                      refused->message);
            return self->refuse(ns->name(), *refused);
        }
        self->enter(s, ns, rooms);
        self->announce(s, ns, missed);
    };
}

void client::refuse(std::string const& nsp_name, connect_error const& e) {
    stats().connect_errors->inc();
    packet answer;
    answer.type = packet_type::connect_error;
    answer.nsp = nsp_name;
    boost::json::object body;
    body["message"] = e.message;
    if (e.data)
        body["data"] = *e.data;
    answer.data = std::move(body);
    conn_->send(engineio::make_text_message(encode_text(answer)));
}

std::optional<adapter::restored_session> client::try_restore(nsp& ns,
                                                             boost::json::value const& auth) {
    // The client sends its private id and last offset only when it had a session.
    auto const* fields = auth.if_object();
    auto const* pid = fields ? fields->if_contains("pid") : nullptr;
    auto const* offset = fields ? fields->if_contains("offset") : nullptr;
    if (!pid || !offset || !pid->is_string() || !offset->is_string())
        return std::nullopt;
    return ns.get_adapter().restore_session(std::string(pid->as_string()),
                                            std::string(offset->as_string()));
}

void client::enter(std::shared_ptr<socket> const& s, std::shared_ptr<nsp> const& ns,
                   std::vector<std::string> const& rooms) {
    sockets_.insert_or_assign(ns->name(), s);
    ns->add(s);
    if (!rooms.empty())
        s->join(rooms);
    connect_timer_.reset(); // cancels it
}

void client::announce(std::shared_ptr<socket> const& s, std::shared_ptr<nsp> const& ns,
                      std::vector<packet> const& missed) {
    packet answer;
    answer.type = packet_type::connect;
    answer.nsp = ns->name();
    boost::json::object data{{"sid", s->id()}};
    if (!s->pid().empty())
        data["pid"] = s->pid();
    answer.data = std::move(data);
    s->send_packet(answer);
    for (auto const& p : missed)
        s->send_packet(p);
    ns->notify_connection(s);
    s->handlers_added();
}

bool client::joined_any() const {
    return std::ranges::any_of(sockets_, [](auto const& entry) { return entry.second != nullptr; });
}

void client::settle(std::string const& nsp_name) {
    if (auto it = sockets_.find(nsp_name); it != sockets_.end() && !it->second)
        sockets_.erase(it);
}

void client::forget(socket const& s) {
    if (auto it = sockets_.find(s.nsp_name()); it != sockets_.end() && it->second.get() == &s)
        sockets_.erase(it);
}

void client::disconnect_all() {
    closed_ = true; // what is still in flight (a late middleware answer) is ignored
    auto sockets = std::move(sockets_);
    sockets_.clear();
    for (auto& [name, s] : sockets) {
        if (s) // not one still waiting for middleware: that one finds the client closed
            s->leave_namespace();
    }
    conn_->close();
}

void client::on_drain() {
    // Every write that empties the queue comes here: nothing is allocated unless a socket
    // asked. Then a copy, as a drain handler may leave its namespace (sockets_ changes).
    auto const wants = [](auto const& entry) {
        return entry.second && entry.second->wants_drain();
    };
    if (std::none_of(sockets_.begin(), sockets_.end(), wants))
        return;
    std::vector<std::shared_ptr<socket>> sockets;
    for (auto const& entry : sockets_)
        if (wants(entry))
            sockets.push_back(entry.second);
    for (auto const& s : sockets)
        s->drained();
}

void client::on_close(engineio::disconnect_reason reason) {
    closed_ = true;
    connect_timer_.reset();
    auto sockets = std::move(sockets_);
    sockets_.clear();
    for (auto& [name, s] : sockets) {
        if (s) // not one still waiting for middleware
            s->on_closed(from_engine(reason));
    }
    if (auto const& o = server_->watcher)
        o->on_engine_close(*conn_, reason, polling_);
}

void client::on_upgrade() {
    auto const& o = server_->watcher;
    if (!o)
        return;
    polling_ = false;
    o->on_engine_upgrade(*conn_);
    for (auto const& [name, s] : sockets_) {
        if (s)
            o->on_upgrade(*s);
    }
}

} // namespace sio::socketio
