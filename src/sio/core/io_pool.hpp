// One io_context per I/O thread. A connection lives on one of them for its whole life, so
// its handlers never hop between threads (one io_context shared by N threads costs a futex
// wake-up per hand-off: twice the CPU per echo measured here, docs/BENCHMARKS.md).
#pragma once

#include "sio/core/net.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <vector>

namespace sio {

/// Thread safety: next(), release() and stop() from any thread; run() once.
class io_pool {
public:
    explicit io_pool(unsigned threads);
    io_pool(io_pool const&) = delete;
    io_pool& operator=(io_pool const&) = delete;

    /// The io_context for the next connection (round robin).
    net::io_context& next();
    /// The first io_context (acceptors, signals).
    net::io_context& main() { return *contexts_.front(); }
    std::size_t size() const { return contexts_.size(); }

    /// Runs every io_context, one per thread (the caller's included), until release() has
    /// been called and each has run out of work.
    void run();
    /// Lets the io_contexts return once their work is done.
    void release();
    /// Makes every io_context return now, work or not (a shutdown past its grace).
    void stop();

private:
    using guard = net::executor_work_guard<net::io_context::executor_type>;
    std::vector<std::unique_ptr<net::io_context>> contexts_;
    std::vector<guard> guards_;
    std::atomic<std::size_t> next_{0};
};

} // namespace sio
