// A Redis connection in subscribe mode: SUBSCRIBE and PSUBSCRIBE, everything subscribed
// again on each reconnect, and a ready signal once Redis has confirmed it all.
#pragma once

#include "sio/core/net.hpp"
#include "sio/redis/options.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sio::redis {

namespace detail {
class subscriber_impl;
}

/// Thread safety as for client: any thread may call; calls are posted to the executor (which
/// must run one handler at a time) and keep their order per calling thread; callbacks run on
/// that executor, never inside the call that set them up. After stop() (or destruction) no
/// callback is called again; stop or destroy it on its executor to be sure none is running.
class subscriber {
public:
    subscriber(net::any_io_executor ex, options o);
    ~subscriber();
    subscriber(subscriber&&) noexcept;
    subscriber& operator=(subscriber&&) noexcept;

    void start();
    void stop();

    /// Adds channels (or patterns) to the set this subscriber keeps subscribed, on this
    /// connection and every later one. `confirmed`, if given, is called once Redis has
    /// confirmed all of them (after a reconnect if the connection is down meanwhile); never
    /// after stop(). Subscribing twice is harmless.
    void subscribe(std::vector<std::string> channels, std::function<void()> confirmed = {});
    void psubscribe(std::vector<std::string> patterns, std::function<void()> confirmed = {});
    /// Removes them from the set (an empty list removes nothing, unlike Redis's UNSUBSCRIBE).
    void unsubscribe(std::vector<std::string> channels);
    void punsubscribe(std::vector<std::string> patterns);

    /// Every message, in the order Redis sent them; `pattern` is empty for a message of a
    /// plain SUBSCRIBE. The views are valid during the call. Set it before start().
    void on_message(std::function<void(std::string_view pattern, std::string_view channel,
                                       std::string_view payload)>
                        f);
    /// ready=true once connected AND every subscription confirmed (after each reconnect);
    /// false when that connection is lost. Called on each transition. Set it before start().
    void on_state(std::function<void(bool ready)> f);

    /// Thread-safe.
    stats get_stats() const;

private:
    std::shared_ptr<detail::subscriber_impl> impl_;
};

} // namespace sio::redis
