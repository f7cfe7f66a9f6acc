// Runs an io_context on background threads for a test, and runs coroutines on it with a
// deadline so that no test can hang.
#pragma once

#include "sio/core/net.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <thread>
#include <vector>

namespace sio::test {

class io_runner {
public:
    explicit io_runner(unsigned threads = 2)
        : ioc_(static_cast<int>(threads))
        , guard_(ioc_.get_executor()) {
        for (unsigned i = 0; i < threads; ++i)
            threads_.emplace_back([this] { ioc_.run(); });
    }
    ~io_runner() {
        guard_.reset();
        if (!wait_idle(std::chrono::seconds(10))) {
            ioc_.stop();
        }
        for (auto& t : threads_)
            t.join();
    }
    io_runner(io_runner const&) = delete;
    io_runner& operator=(io_runner const&) = delete;

    net::io_context& ioc() { return ioc_; }

    /// Drops the runner's own work guard, then waits until the io_context has no work left
    /// (every coroutine and timer finished). False on timeout.
    bool wait_idle(std::chrono::milliseconds timeout) {
        guard_.reset();
        auto const until = std::chrono::steady_clock::now() + timeout;
        while (!ioc_.stopped()) {
            if (std::chrono::steady_clock::now() > until)
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

    /// Runs `a` on a strand of the io_context (so a test's own handlers never race each
    /// other); fails the test if it does not finish within `timeout`.
    template <class T>
    T run(net::awaitable<T> a, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::promise<T> done;
        auto future = done.get_future();
        net::co_spawn(net::make_strand(ioc_), std::move(a),
                      [&done](std::exception_ptr e, auto... value) {
                          if (e)
                              done.set_exception(e);
                          else
                              done.set_value(std::move(value)...);
                      });
        if (future.wait_for(timeout) != std::future_status::ready) {
            ioc_.stop(); // the coroutine still refers to `done`: end it before returning
            BOOST_FAIL("coroutine did not finish within the deadline");
        }
        return future.get();
    }

private:
    net::io_context ioc_;
    net::executor_work_guard<net::io_context::executor_type> guard_;
    std::vector<std::jthread> threads_;
};

} // namespace sio::test
