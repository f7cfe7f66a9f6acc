// The demo: the chapter's server on port 8000, serving the compiled web client.
#include "sio/cluster/redis_adapter.hpp"
#include "sio/core/io_pool.hpp"
#include "sio/core/log.hpp"
#include "sio/engineio/server.hpp"
#include "sio/http/observability.hpp"
#include "sio/http/run.hpp"
#include "sio/http/server.hpp"
#include "sio/http/static_files.hpp"
#include "sio/redis/url.hpp"
#include "sio/socketio/server.hpp"

#include "app/admin_ui.hpp"
#include "app/hello_app.hpp"

#include <boost/asio/strand.hpp>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace sio;

struct options {
    http::server_config server;
    fs::path www = SIO_DEFAULT_WWW;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    bool production = false;
    std::string redis; // a cluster through this Redis; empty: this process alone
    app::admin_flags admin;
    bool metrics = true;
    std::optional<std::uint16_t> metrics_port; // /metrics on its own port; none: the main one
};

constexpr std::string_view usage = R"(usage: sio_demo [options]
  --port N         port to listen on (default 8000; 0 picks a free one)
  --host ADDR      address to bind (default 0.0.0.0)
  --www DIR        the web client folder: index.html, dist/, public/ (default: the source tree's www/)
  --threads N      I/O threads (default: the number of cores)
  --log-level L    trace, debug, info, warn, error or off (default info)
  --log-format F   text (default) or json: one JSON object a line, {"time","level","msg"},
                   for the log lines on stderr and the application's lines on stdout
  --metrics-port N serve /metrics (and /healthz, /readyz) on this port too, and /metrics
                   only there (0 picks a free one); default: /metrics on the main port
  --no-metrics     no /metrics (/healthz and /readyz stay)
  --production     production mode (also when NODE_ENV=production)
  --grace S        on SIGTERM/SIGINT, seconds to wait for clients before cutting them off
                   (default 10; counted from the end of the drain)
  --drain-seconds N  on SIGTERM/SIGINT, spread the clients' disconnects over N seconds, so
                   that they reconnect to the cluster's other servers gradually (default 0:
                   all at once)
  --tls-cert FILE  serve HTTPS and WSS (on the same port) with this PEM certificate chain,
                   the server's certificate first; needs --tls-key
  --tls-key FILE   the PEM private key of --tls-cert's certificate
  --redis URL      join a cluster through Redis (redis://[[user]:password@]host[:port][/db]),
                   wire-compatible with Node servers running @socket.io/redis-adapter
                   (default: $REDIS_URL; none: this process alone)
  --admin-user NAME  turn on the Socket.IO Admin UI (at /admin/, namespace /admin) for NAME;
                   needs --admin-password-hash
  --admin-password-hash HASH  the bcrypt hash of the admin's password (see the README)
  --admin-mode M   development (default: every socket, room and event) or production
                   (only the server's stats)
  --admin-readonly the UI may look but not disconnect sockets or change their rooms
  --admin-no-auth  the Admin UI with no password, for a local try (anyone who reaches the
                   port can administer the server)
)";

[[noreturn]] void fail(std::string_view message) {
    fmt::print(stderr, "sio_demo: {}\n{}", message, usage);
    std::exit(2);
}

template <class T>
T parse_number(std::string_view name, std::string_view text) {
    T value{};
    auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size())
        fail(fmt::format("{} expects a number, got '{}'", name, text));
    return value;
}

options parse_options(int argc, char** argv) {
    options opts;
    if (char const* env = std::getenv("NODE_ENV"))
        opts.production = std::string_view(env) == "production";
    if (char const* env = std::getenv("REDIS_URL"))
        opts.redis = env;
    std::vector<std::string_view> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto const arg = args[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= args.size())
                fail(fmt::format("{} needs a value", arg));
            return args[++i];
        };
        if (arg == "--port")
            opts.server.port = parse_number<std::uint16_t>(arg, value());
        else if (arg == "--host")
            opts.server.host = std::string(value());
        else if (arg == "--www")
            opts.www = fs::path(value());
        else if (arg == "--threads")
            opts.threads = std::max(1u, parse_number<unsigned>(arg, value()));
        else if (arg == "--log-level") {
            auto const v = value();
            auto const lvl = log::parse_level(v);
            if (!lvl)
                fail(fmt::format("unknown log level '{}'", v));
            log::set_level(*lvl);
        } else if (arg == "--log-format") {
            auto const v = value();
            auto const f = log::parse_format(v);
            if (!f)
                fail(fmt::format("unknown log format '{}' (text or json)", v));
            log::set_format(*f);
        } else if (arg == "--metrics-port")
            opts.metrics_port = parse_number<std::uint16_t>(arg, value());
        else if (arg == "--no-metrics")
            opts.metrics = false;
        else if (arg == "--grace")
            opts.server.shutdown_grace = std::chrono::seconds(parse_number<unsigned>(arg, value()));
        else if (arg == "--drain-seconds")
            opts.server.drain = std::chrono::seconds(parse_number<unsigned>(arg, value()));
        else if (arg == "--production")
            opts.production = true;
        else if (arg == "--tls-cert")
            opts.server.tls_cert_file = std::string(value());
        else if (arg == "--tls-key")
            opts.server.tls_key_file = std::string(value());
        else if (arg == "--redis")
            opts.redis = std::string(value());
        else if (arg == "--admin-user")
            opts.admin.user = std::string(value());
        else if (arg == "--admin-password-hash")
            opts.admin.password_hash = std::string(value());
        else if (arg == "--admin-no-auth")
            opts.admin.no_auth = true;
        else if (arg == "--admin-readonly")
            opts.admin.readonly = true;
        else if (arg == "--admin-mode") {
            auto const m = value();
            if (m != "development" && m != "production")
                fail(fmt::format("--admin-mode expects development or production, got '{}'", m));
            opts.admin.production = m == "production";
        } else if (arg == "--help" || arg == "-h") {
            fmt::print("{}", usage);
            std::exit(0);
        } else
            fail(fmt::format("unknown option '{}'", arg));
    }
    if (opts.server.tls_cert_file.empty() != opts.server.tls_key_file.empty())
        fail("--tls-cert and --tls-key go together");
    if (auto problem = opts.admin.problem())
        fail(*problem);
    if (opts.metrics_port && !opts.metrics)
        fail("--metrics-port and --no-metrics contradict each other");
    return opts;
}

} // namespace

int main(int argc, char** argv) {
    auto const opts = parse_options(argc, argv);
    if (!fs::is_regular_file(opts.www / "index.html"))
        log::warn("no index.html in {}: the page will be 404", opts.www.string());
    if (!fs::is_directory(opts.www / "dist"))
        log::warn("no {}/dist: build the web client (cmake --build, or npm run build in www/)",
                  opts.www.string());

    io_pool pool{opts.threads};
    std::optional<http::server> made;
    try {
        made.emplace(pool, opts.server); // loads the TLS certificate and key, if any
    } catch (std::exception const& e) {
        log::error("{}", e.what());
        return 1;
    }
    auto& server = *made;
    server.set_fallback(std::make_shared<http::static_files>(http::static_config{
        .index_file = opts.www / "index.html",
        .static_prefix = "/static",
        .roots = {opts.www / "dist", opts.www / "public"},
    }));

    std::optional<cluster::redis_link> redis;
    socketio::server_options io_options;
    if (!opts.redis.empty()) {
        redis::options ro;
        try {
            ro.where = redis::parse_url(opts.redis);
        } catch (std::exception const& e) {
            fail(e.what());
        }
        // Its connections live on one strand of the pool; it reconnects on its own.
        redis.emplace(net::make_strand(pool.next()), ro);
        redis->start();
        io_options.adapter = redis->adapter_factory();
        log::info("cluster: through Redis at {}:{}", ro.where.host, ro.where.port);
    }
    // /healthz, /readyz and (unless on its own port, or off) /metrics on the main port;
    // /readyz is 503 while Redis is away.
    auto const probes =
        http::mount_observability(server, {.metrics = opts.metrics && !opts.metrics_port});
    if (redis)
        probes->add_check([&redis]() -> std::optional<std::string> {
            if (redis->ready())
                return std::nullopt;
            return "redis: not connected";
        });
    std::optional<http::server> metrics_server;
    if (opts.metrics_port) {
        http::server_config mc;
        mc.host = opts.server.host;
        mc.port = *opts.metrics_port;
        metrics_server.emplace(pool, mc);
        metrics_server->mount("/metrics", std::make_shared<http::metrics_handler>());
        metrics_server->mount(probes->healthz_path(), probes);
        metrics_server->mount(probes->readyz_path(), probes);
    }
    socketio::server io{io_options};
    app::register_hello_app(io);
    server.mount(io.path(), io.engine());
    // Pages written for the Node server load the client from /socket.io/socket.io.js.
    auto const client_dist = opts.www / "node_modules" / "socket.io-client" / "dist";
    if (fs::is_directory(client_dist))
        server.mount(io.client_path(), io.client_files(client_dist));
    else
        log::info("no {}: /socket.io/socket.io.js is not served (npm ci in www/)",
                  client_dist.string());

    std::shared_ptr<admin::instrumentation> admin_ui;
    if (opts.admin.wanted()) {
        auto const ui = opts.www / "node_modules" / "@socket.io" / "admin-ui" / "ui" / "dist";
        if (fs::is_directory(ui))
            server.mount("/admin", app::admin_ui_files(ui, "/admin"));
        else
            log::warn("no {}: the Admin UI's page is not served (npm ci in www/); its "
                      "namespace /admin is there for a UI served elsewhere",
                      ui.string());
        if (opts.admin.no_auth)
            log::out("WARNING: the Admin UI has no password (--admin-no-auth): anyone who "
                     "reaches this port can disconnect clients");
        admin_ui = admin::instrument(io, pool.main().get_executor(), opts.admin.to_options());
    }

    http::tcp::endpoint bound;
    try {
        bound = server.start();
    } catch (std::exception const& e) {
        log::error("cannot listen on {}:{}: {}", opts.server.host, opts.server.port, e.what());
        return 1;
    }
    if (metrics_server) {
        try {
            log::out(fmt::format("Metrics on port {}.", metrics_server->start().port()));
        } catch (std::exception const& e) {
            log::error("cannot listen on {}:{}: {}", opts.server.host, *opts.metrics_port,
                       e.what());
            return 1;
        }
    }
    log::out(fmt::format("Server running on port {} ({}).", bound.port(),
                         opts.production ? "production" : "development"));
    if (!opts.server.tls_cert_file.empty())
        log::info("HTTPS and WSS with the certificate {}", opts.server.tls_cert_file);

    if (admin_ui)
        log::info("Admin UI at http{}://localhost:{}/admin/ ({} mode{})",
                  opts.server.tls_cert_file.empty() ? "" : "s", bound.port(),
                  opts.admin.production ? "production" : "development",
                  opts.admin.readonly ? ", read-only" : "");
    bool const clean = http::run_until_signal(pool, server, [&redis, &admin_ui, &metrics_server] {
        if (admin_ui)
            admin_ui->stop(); // its stats timer would keep the pool running
        if (redis)
            redis->stop(); // the cluster hears no more from us; the pool can run out of work
        if (metrics_server)
            metrics_server->stop(); // scraped until the drain ends
    });
    if (clean)
        log::info("stopped");
    else
        log::warn("stopped after cutting off clients still connected at the end of the grace");
    return 0;
}
