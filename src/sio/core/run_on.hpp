// Run a function on another executor (a strand) and resume the calling coroutine on its own.
#pragma once

#include "sio/core/net.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

#include <type_traits>

namespace sio {

/// `co_await run_on(strand, f)` calls f() on `strand` and returns its (non-void) result to
/// the caller's executor: the way to touch an object that lives on another strand.
template <class Executor, class F>
awaitable<std::invoke_result_t<F&>> run_on(Executor ex, F f) {
    using result_t = std::invoke_result_t<F&>;
    static_assert(!std::is_void_v<result_t>, "run_on needs a result to hand back");
    // A coroutine itself, so that `ex` and `f` live in this frame while the initiation runs
    // (GCC 12 lets Asio's deferred initiation see the caller's arguments, not copies).
    co_return co_await net::async_initiate<decltype(net::use_awaitable) const, void(result_t)>(
        [](auto handler, Executor target, F fn) {
            net::post(target, [handler = std::move(handler), fn = std::move(fn)]() mutable {
                auto result = fn();
                auto const back = net::get_associated_executor(handler);
                net::post(back,
                          [handler = std::move(handler), result = std::move(result)]() mutable {
                              std::move(handler)(std::move(result));
                          });
            });
        },
        net::use_awaitable, ex, f);
}

} // namespace sio
