#include "sio/http/run.hpp"

#include "sio/core/log.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

namespace sio::http {
namespace {

/// After the server's own grace (which closes HTTP connections still busy), a moment for
/// those closes to finish before the rest is cut off.
constexpr auto cut_off_margin = std::chrono::milliseconds(500);

} // namespace

bool run_until_signal(io_pool& pool, server& srv, std::function<void()> after_drain) {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool cut_off = false;
    // Not an I/O thread: it only waits, and stops the pool if the grace runs out.
    std::jthread watchdog;

    net::signal_set signals{pool.main(), SIGINT, SIGTERM};
    net::steady_timer drained{pool.main()};
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        log::info("received signal {}: stopping", signal);
        auto const started = std::chrono::steady_clock::now();
        srv.stop();
        pool.release();
        if (after_drain) {
            drained.expires_after(srv.settings().drain);
            drained.async_wait([&](boost::system::error_code) { after_drain(); });
        }
        auto const bound = srv.settings().drain + srv.settings().shutdown_grace + cut_off_margin;
        watchdog = std::jthread([&, bound, started] {
            std::unique_lock lock(mutex);
            if (finished.wait_for(lock, bound, [&] { return done; }))
                return;
            cut_off = true;
            lock.unlock();
            log::warn("still busy {} ms after the signal: cutting off what is left",
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count());
            pool.stop();
        });
    });
    pool.run();
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    finished.notify_all();
    if (watchdog.joinable())
        watchdog.join();
    return !cut_off;
}

} // namespace sio::http
