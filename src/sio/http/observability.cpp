#include "sio/http/observability.hpp"

#include <boost/beast/http/verb.hpp>

namespace sio::http {
namespace bhttp = boost::beast::http;

namespace {

/// The path of a request target, without its query.
std::string_view path_of(request const& req) {
    std::string_view const target(req.target().data(), req.target().size());
    return target.substr(0, target.find('?'));
}

awaitable<after_response> answer(connection& conn, request const& req, status code,
                                 std::string body,
                                 std::string_view type = "text/plain; charset=utf-8") {
    auto res = make_text_response(code, std::move(body), req.keep_alive(), type);
    // A probe or a scrape must see the state now, not a cached answer.
    res.set(bhttp::field::cache_control, "no-store");
    if (code == status::method_not_allowed)
        res.set(bhttp::field::allow, "GET, HEAD");
    co_return co_await conn.send(std::move(res));
}

bool readable(request const& req) {
    return req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
}

} // namespace

awaitable<after_response> metrics_handler::handle(connection& conn, request& req) {
    if (path_of(req) != path_)
        co_return co_await answer(conn, req, status::not_found, "Not Found\n");
    if (!readable(req))
        co_return co_await answer(conn, req, status::method_not_allowed, "Method Not Allowed\n");
    co_return co_await answer(conn, req, status::ok, registry_.expose(),
                              "text/plain; version=0.0.4; charset=utf-8");
}

probes::probes(bool ready, std::string healthz, std::string readyz)
    : healthz_(std::move(healthz))
    , readyz_(std::move(readyz))
    , ready_(ready) {}

void probes::add_check(std::function<std::optional<std::string>()> check) {
    checks_.push_back(std::move(check));
}

std::optional<std::string> probes::not_ready() const {
    if (draining_.load())
        return "draining";
    if (!ready_.load())
        return "starting";
    for (auto const& check : checks_) {
        if (auto why = check())
            return why;
    }
    return std::nullopt;
}

awaitable<after_response> probes::handle(connection& conn, request& req) {
    auto const path = path_of(req);
    if (path != healthz_ && path != readyz_)
        co_return co_await answer(conn, req, status::not_found, "Not Found\n");
    if (!readable(req))
        co_return co_await answer(conn, req, status::method_not_allowed, "Method Not Allowed\n");
    if (path == healthz_)
        co_return co_await answer(conn, req, status::ok, "ok\n");
    if (auto why = not_ready())
        co_return co_await answer(conn, req, status::service_unavailable, *why + "\n");
    co_return co_await answer(conn, req, status::ok, "ready\n");
}

void probes::stop(std::chrono::milliseconds drain) {
    (void)drain;
    draining_.store(true);
}

std::shared_ptr<probes> mount_observability(server& srv, observability_config const& config) {
    if (config.metrics)
        srv.mount(config.metrics_path, std::make_shared<metrics_handler>(config.metrics_path));
    if (!config.probes)
        return nullptr;
    auto p =
        std::make_shared<probes>(config.ready_at_start, config.healthz_path, config.readyz_path);
    srv.mount(config.healthz_path, p);
    srv.mount(config.readyz_path, p);
    return p;
}

} // namespace sio::http
