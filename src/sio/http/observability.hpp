// What operators point at a server: /metrics (Prometheus text exposition of a metrics
// registry), /healthz (liveness) and /readyz (readiness), as request handlers to mount.
#pragma once

#include "sio/core/metrics.hpp"
#include "sio/http/server.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sio::http {

/// Answers GET (and HEAD) on exactly its path with the registry's text exposition (format
/// 0.0.4); 404 below it, 405 for other methods.
class metrics_handler final : public request_handler {
public:
    explicit metrics_handler(std::string path = "/metrics",
                             metrics::registry& r = metrics::default_registry())
        : path_(std::move(path))
        , registry_(r) {}
    awaitable<after_response> handle(connection& conn, request& req) override;

private:
    std::string path_;
    metrics::registry& registry_;
};

/// /healthz answers 200 "ok" while the process serves. /readyz answers 200 "ready", or 503
/// with the reason: "starting" until set_ready(true) (ready from the start unless made with
/// ready = false), "draining" once the server stops (SIGTERM), or what a failing check says
/// (a Redis adapter that is disconnected). Plain text, one line; any thread.
class probes final : public request_handler {
public:
    explicit probes(bool ready = true, std::string healthz = "/healthz",
                    std::string readyz = "/readyz");

    std::string const& healthz_path() const { return healthz_; }
    std::string const& readyz_path() const { return readyz_; }

    /// Marks the end (or the return) of a starting phase.
    void set_ready(bool ready) { ready_.store(ready); }
    /// A readiness condition: nullopt when met, else the reason for the 503 body. Checks run
    /// on the request's thread, so they must be thread-safe. Add them before serving.
    void add_check(std::function<std::optional<std::string>()> check);
    /// The /readyz answer: nullopt when ready, else why not.
    std::optional<std::string> not_ready() const;

    awaitable<after_response> handle(connection& conn, request& req) override;
    void stop(std::chrono::milliseconds drain) override;

private:
    std::string healthz_;
    std::string readyz_;
    std::atomic<bool> ready_;
    std::atomic<bool> draining_{false};
    std::vector<std::function<std::optional<std::string>()>> checks_;
};

struct observability_config {
    bool metrics = true; ///< serve /metrics
    std::string metrics_path = "/metrics";
    bool probes = true; ///< serve /healthz and /readyz
    std::string healthz_path = "/healthz";
    std::string readyz_path = "/readyz";
    bool ready_at_start = true; ///< false: /readyz is 503 "starting" until set_ready(true)
};

/// Mounts what `config` turns on on `srv` (before it starts); returns the probes handler (to
/// add checks to, or mount on another server too), null when probes are off.
std::shared_ptr<probes> mount_observability(server& srv, observability_config const& config = {});

} // namespace sio::http
