#include "sio/admin/instrument.hpp"

#include "sio/admin/auth.hpp"
#include "sio/admin/bcrypt.hpp"
#include "sio/core/log.hpp"
#include "sio/engineio/connection.hpp"
#include "sio/engineio/server.hpp"
#include "sio/socketio/remote_socket.hpp"
#include "sio/socketio/socket.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <stdexcept>

#include <unistd.h>

namespace sio::admin {
namespace {

using socketio::socket;
namespace json = boost::json;

class instrumenter final : public instrumentation,
                           public socketio::observer,
                           public std::enable_shared_from_this<instrumenter> {
public:
    instrumenter(socketio::server& io, net::any_io_executor ex, options opts)
        : opts_(std::move(opts))
        , dev_(opts_.mode == mode::development)
        , features_(supported_features(opts_.readonly, opts_.mode))
        , engine_(io.engine())
        , timer_(ex)
        , hostname_(host_name())
        , server_id_(opts_.server_id.empty() ? fmt::format("{}#{}", hostname_, ::getpid())
                                             : opts_.server_id) {}

    ~instrumenter() override { pool_.join(); }

    void start(socketio::server& io) {
        auto& admin = io.of(opts_.namespace_name);
        admin_ = admin.shared_from_this();
        if (opts_.auth)
            admin.use(make_auth_middleware(*opts_.auth, opts_.store, granted_, pool_));
        admin.on_connection([weak = weak_from_this()](std::shared_ptr<socket> const& s) {
            if (auto self = weak.lock())
                self->admin_connected(s);
        });
        io.observe(shared_from_this());
        tick();
    }

    void stop() override {
        net::dispatch(timer_.get_executor(), [self = shared_from_this()] {
            self->stopped_ = true;
            self->timer_.cancel();
        });
    }

    // --- observer ---
    void on_namespace(socketio::nsp& ns) override {
        std::lock_guard lock(mutex_);
        namespaces_.push_back(ns.weak_from_this());
    }

    void on_connection(std::shared_ptr<socket> const& s) override {
        if (!dev_)
            return;
        // As Node: the client id and transport ride in socket.data._admin, so that
        // fetch_sockets has them from every server of a cluster.
        auto& data = s->data();
        if (data.is_null())
            data = json::object{};
        if (auto* obj = data.if_object()) {
            auto const& conn = *s->transport();
            (*obj)["_admin"] =
                json::object{{"clientId", conn.id().substr(0, 12)},
                             {"transport", std::string(engineio::to_string(conn.transport()))}};
        }
        to_ui("socket_connected", serialize_socket(s->details(), s->nsp_name()), iso_now());
        s->on_disconnect([weak = weak_from_this()](socket& gone, socketio::disconnect_reason r) {
            if (auto self = weak.lock())
                self->to_ui("socket_disconnected", gone.nsp_name(), gone.id(),
                            std::string(socketio::to_string(r)), iso_now());
        });
    }

    void on_room_joined(socketio::nsp& ns, std::string const& room,
                        std::string const& id) override {
        if (dev_)
            to_ui("room_joined", ns.name(), room, id, iso_now());
    }

    void on_room_left(socketio::nsp& ns, std::string const& room, std::string const& id) override {
        if (dev_)
            to_ui("room_left", ns.name(), room, id, iso_now());
    }

    void on_event_received(socket& s, std::string const& name,
                           socketio::payload const& args) override {
        if (!dev_ || s.nsp_name() == opts_.namespace_name)
            return;
        json::array event{json::string(name)};
        for (auto const& a : args.args)
            event.push_back(a);
        to_ui_payload("event_received", s, std::move(event), args.attachments);
    }

    void on_event_sent(socket& s, socketio::packet const& p) override {
        if (!dev_ || s.nsp_name() == opts_.namespace_name || !p.data || !p.data->is_array())
            return;
        if (p.type != socketio::packet_type::event && p.type != socketio::packet_type::binary_event)
            return;
        to_ui_payload("event_sent", s, p.data->as_array(), p.attachments);
    }

    void on_upgrade(socket& s) override {
        if (!dev_)
            return;
        if (auto* obj = s.data().if_object()) {
            if (auto* admin = obj->if_contains("_admin"); admin && admin->is_object())
                admin->as_object()["transport"] = "websocket";
        }
        to_ui("socket_updated",
              json::object{{"id", s.id()}, {"nsp", s.nsp_name()}, {"transport", "websocket"}});
    }

    void on_engine_open(engineio::connection& c) override {
        events_.push("rawConnection");
        if (c.transport() == engineio::transport_kind::polling)
            ++polling_;
    }
    void on_engine_upgrade(engineio::connection& /*c*/) override { --polling_; }
    void on_engine_close(engineio::connection& /*c*/, engineio::disconnect_reason r,
                         bool was_polling) override {
        events_.push("rawDisconnection", std::string(engineio::to_string(r)));
        if (was_polling)
            --polling_;
    }
    void on_packet_in(std::size_t bytes) override {
        events_.push("packetsIn");
        events_.push("bytesIn", std::nullopt, bytes);
    }
    void on_packet_out(std::size_t bytes, std::size_t recipients) override {
        if (recipients == 0)
            return;
        events_.push("packetsOut", std::nullopt, recipients);
        events_.push("bytesOut", std::nullopt, bytes * recipients);
    }

private:
    template <class... Args>
    void to_ui(std::string_view event, Args&&... args) {
        if (auto ns = admin_.lock())
            ns->emit(event, std::forward<Args>(args)...);
    }

    /// [nsp, socket id, [event, ...args], date], binary arguments kept as attachments.
    void to_ui_payload(std::string_view event, socket const& s, json::array args,
                       std::vector<std::string> const& attachments) {
        socketio::payload p;
        p.args = json::array{json::string(s.nsp_name()), json::string(s.id()), std::move(args),
                             json::string(iso_now())};
        p.attachments = attachments;
        if (auto ns = admin_.lock())
            ns->all().emit_payload(event, std::move(p));
    }

    std::vector<std::shared_ptr<socketio::nsp>> namespaces() {
        std::lock_guard lock(mutex_);
        std::vector<std::shared_ptr<socketio::nsp>> alive;
        for (auto const& w : namespaces_)
            if (auto ns = w.lock())
                alive.push_back(std::move(ns));
        return alive;
    }

    std::shared_ptr<socketio::nsp> find_namespace(std::string const& name) {
        for (auto& ns : namespaces())
            if (ns->name() == name)
                return ns;
        return nullptr;
    }

    void admin_connected(std::shared_ptr<socket> const& s) {
        if (auto id = granted_->take(s->id()))
            s->emit("session", *id);
        if (!opts_.readonly)
            register_commands(*s);
        s->emit("config", json::object{{"supportedFeatures", features_}});
        if (dev_)
            send_all_sockets(s);
    }

    /// Node's fetchAllSockets: every namespace's sockets on every server.
    void send_all_sockets(std::shared_ptr<socket> const& to) {
        struct gathering {
            std::mutex mutex;
            json::array found;
            std::size_t left = 0;
        };
        auto const all = namespaces();
        auto g = std::make_shared<gathering>();
        g->left = all.size();
        for (auto const& ns : all) {
            ns->all().fetch_sockets([g, to, name = ns->name()](auto result) {
                std::unique_lock lock(g->mutex);
                if (result.ok()) {
                    for (auto const& rs : result.value)
                        g->found.push_back(serialize_socket(
                            adapter::socket_details{rs.id(), rs.handshake(), rs.rooms(), rs.data()},
                            name));
                } else {
                    log::warn("admin: the sockets of {:?} could not all be fetched: {}", name,
                              result.error);
                }
                if (--g->left == 0) {
                    auto found = std::move(g->found);
                    lock.unlock();
                    to->emit("all_sockets", std::move(found));
                }
            });
        }
    }

    void register_commands(socket& s);

    options opts_;
    bool const dev_;
    json::array const features_;
    std::weak_ptr<engineio::server> engine_;
    std::weak_ptr<socketio::nsp> admin_;
    boost::asio::thread_pool pool_{1}; ///< bcrypt checks, off the I/O threads
    std::shared_ptr<granted_sessions> granted_ = std::make_shared<granted_sessions>();
    net::steady_timer timer_;
    bool stopped_ = false; ///< the timer's executor only
    std::string const hostname_;
    std::string const server_id_;
    std::chrono::steady_clock::time_point const started_ = std::chrono::steady_clock::now();
    event_buffer events_;
    std::atomic<std::int64_t> polling_{0};
    std::mutex mutex_;
    std::vector<std::weak_ptr<socketio::nsp>> namespaces_;

    void tick();
    json::object stats();
};

/// The UI's commands (Node's registerFeatureHandlers, Socket.IO v4 flavour): each acts on the
/// sockets of namespace `nsp` on every server, or only those in room `filter` (a socket id
/// picks one socket). Only existing namespaces: the UI cannot create one.
void instrumenter::register_commands(socket& s) {
    using socketio::event;
    // The sockets a command names: args[nsp_at] the namespace, args[filter_at] the room.
    auto target = [weak = weak_from_this()](
                      event const& ev,
                      std::size_t filter_at) -> std::optional<socketio::broadcast_operator> {
        auto self = weak.lock();
        auto const name = ev.arg<std::string>(0);
        auto ns = self && name ? self->find_namespace(*name) : nullptr;
        if (!ns) {
            log::warn("admin: {:?} for an unknown namespace: ignored", ev.name());
            return std::nullopt;
        }
        if (auto filter = ev.arg<std::string>(filter_at); filter && !filter->empty())
            return ns->to(*filter);
        return ns->all();
    };
    s.on("emit", [target](socket&, event& ev) {
        auto op = target(ev, 1);
        auto const name = ev.arg<std::string>(2);
        if (!op || !name)
            return;
        socketio::payload p;
        auto const& args = ev.args();
        if (args.size() > 3)
            p.args = json::array(args.begin() + 3, args.end());
        p.attachments = ev.data().attachments;
        try {
            op->emit_payload(*name, std::move(p));
        } catch (std::exception const& e) {
            log::warn("admin: emit of {:?} refused: {}", *name, e.what());
        }
    });
    s.on("join", [target](socket&, event& ev) {
        if (auto op = target(ev, 2); op && ev.arg<std::string>(1))
            op->sockets_join(*ev.arg<std::string>(1));
    });
    s.on("leave", [target](socket&, event& ev) {
        if (auto op = target(ev, 2); op && ev.arg<std::string>(1))
            op->sockets_leave(*ev.arg<std::string>(1));
    });
    s.on("_disconnect", [target](socket&, event& ev) {
        if (auto op = target(ev, 2))
            op->disconnect_sockets(ev.arg<bool>(1).value_or(false));
    });
}

json::object instrumenter::stats() {
    json::array namespaces;
    for (auto const& ns : this->namespaces())
        namespaces.push_back(
            json::object{{"name", ns->name()}, {"socketsCount", ns->socket_count()}});
    auto const engine = engine_.lock();
    std::chrono::duration<double> const uptime = std::chrono::steady_clock::now() - started_;
    return {
        {"serverId", server_id_},
        {"hostname", hostname_},
        {"pid", ::getpid()},
        {"uptime", uptime.count()},
        {"clientsCount", engine ? engine->session_count() : 0},
        {"pollingClientsCount", std::max<std::int64_t>(0, polling_.load())},
        {"aggregatedEvents", events_.take()},
        {"namespaces", std::move(namespaces)},
    };
}

void instrumenter::tick() {
    if (stopped_)
        return;
    // Every server of a cluster sends its own: the admin namespace's broadcast reaches the
    // UIs connected to any of them.
    to_ui("server_stats", stats());
    timer_.expires_after(opts_.stats_interval);
    timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        if (auto self = weak.lock(); self && !ec)
            self->tick();
    });
}

} // namespace

std::shared_ptr<instrumentation> instrument(socketio::server& io, net::any_io_executor ex,
                                            options opts) {
    if (opts.auth && !is_bcrypt_hash(opts.auth->password_hash))
        throw std::invalid_argument("admin: the password must be a bcrypt hash ($2a$, $2b$ or "
                                    "$2y$, 60 characters)");
    if (!opts.auth)
        log::warn("admin: authentication is disabled: anyone who reaches the server can "
                  "administer it");
    if (!opts.store)
        opts.store = make_in_memory_store();
    if (opts.namespace_name.empty() || opts.namespace_name.front() != '/')
        opts.namespace_name = "/" + opts.namespace_name; // not insert(): GCC 12 -Wrestrict
    auto self = std::make_shared<instrumenter>(io, std::move(ex), std::move(opts));
    self->start(io);
    return self;
}

} // namespace sio::admin
