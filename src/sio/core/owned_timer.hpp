// A timer for an object that lives in a coroutine frame and may end before the timer does.
#pragma once

#include "sio/core/net.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace sio {

/// Its state is shared with the pending callback, which finds the owner through a pointer
/// this object nulls when it goes: a callback already queued then sees null, not a dangling
/// owner. Made on first use, so an owner that never sets it holds one null pointer.
template <class Owner>
class owned_timer {
public:
    owned_timer() = default;
    owned_timer(owned_timer const&) = delete;
    owned_timer& operator=(owned_timer const&) = delete;
    ~owned_timer() {
        if (state_) {
            state_->owner = nullptr;
            state_->timer.cancel();
        }
    }

    /// Arms the timer; `expired(owner)` runs on `ex` if it expires while the owner exists.
    template <class F>
    void set(net::any_io_executor const& ex, Owner& owner,
             std::chrono::steady_clock::duration after, F expired) {
        if (!state_)
            state_ = std::make_shared<state>(ex, owner);
        state_->timer.expires_after(after);
        state_->timer.async_wait(
            [s = state_, expired = std::move(expired)](boost::system::error_code ec) mutable {
                if (!ec && s->owner)
                    expired(*s->owner);
            });
    }

    void cancel() {
        if (state_)
            state_->timer.cancel();
    }

private:
    struct state {
        state(net::any_io_executor const& ex, Owner& o)
            : timer(ex)
            , owner(&o) {}
        net::steady_timer timer;
        Owner* owner;
    };
    std::shared_ptr<state> state_;
};

} // namespace sio
