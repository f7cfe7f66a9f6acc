// What the redis tests share: bounded waits, a command run to its end, and a message log.
#pragma once

#include "sio/redis/client.hpp"
#include "sio/redis/subscriber.hpp"

#include "redis/print.hpp"
#include "redis/redis_server.hpp"

#include <boost/test/unit_test.hpp>

#include <fmt/core.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sio::test {

using namespace std::chrono_literals;

/// Polls `pred` until it holds or `timeout` passes: every wait in these tests is bounded.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5s) {
    auto const until = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

inline redis::options options_for(redis_server const& server) {
    redis::options o;
    o.where.port = server.port();
    return o;
}

inline redis::options options_for(std::uint16_t port) {
    redis::options o;
    o.where.port = port;
    return o;
}

/// Runs a command and waits (boundedly) for its outcome.
inline redis::outcome run(redis::client& c, std::vector<std::string> args,
                          std::chrono::milliseconds timeout = 5s) {
    auto done = std::make_shared<std::promise<redis::outcome>>();
    auto future = done->get_future();
    c.command(std::move(args), [done](redis::outcome o) { done->set_value(std::move(o)); });
    if (future.wait_for(timeout) != std::future_status::ready) {
        BOOST_FAIL("the command did not complete in time");
    }
    return future.get();
}

/// Waits (boundedly) until a subscriber's subscriptions are confirmed.
inline bool subscribe(redis::subscriber& s, std::vector<std::string> channels, bool pattern = false,
                      std::chrono::milliseconds timeout = 5s) {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    auto confirmed = [done] {
        done->set_value();
    };
    if (pattern)
        s.psubscribe(std::move(channels), confirmed);
    else
        s.subscribe(std::move(channels), confirmed);
    return future.wait_for(timeout) == std::future_status::ready;
}

/// What a subscriber received, for the test thread to look at.
class message_log {
public:
    struct message {
        std::string pattern, channel, payload;
    };

    void attach(redis::subscriber& s) {
        s.on_message([this](std::string_view p, std::string_view c, std::string_view m) {
            std::lock_guard lock(mutex_);
            messages_.push_back({std::string(p), std::string(c), std::string(m)});
        });
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return messages_.size();
    }

    std::vector<message> take() const {
        std::lock_guard lock(mutex_);
        return messages_;
    }

    bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 5s) const {
        return eventually([&] { return size() >= n; }, timeout);
    }

private:
    mutable std::mutex mutex_;
    std::vector<message> messages_;
};

} // namespace sio::test
