// Connect middleware (Node's namespace.use): synchronous, with a `next` callable later from
// any thread, or a coroutine; and the refusal they answer with.
#pragma once

#include "sio/core/net.hpp"

#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sio::socketio {

class socket;

/// A refusal from connect middleware: sent as CONNECT_ERROR {"message":..., "data":...}.
struct connect_error {
    std::string message;
    std::optional<boost::json::value> data;
};

/// Runs before a socket joins; returns an error to refuse it.
using middleware = std::function<std::optional<connect_error>(socket&)>;

/// Given to asynchronous middleware: call it with nothing to let the connection through,
/// with an error to refuse it. From any thread; only the first call counts.
class next_fn {
public:
    struct state;
    explicit next_fn(std::shared_ptr<state> st);
    void operator()(std::optional<connect_error> refusal = std::nullopt) const;

private:
    std::shared_ptr<state> state_;
};
/// Node's `use((socket, next) => ...)`: may call `next` later, from any thread.
using async_middleware = std::function<void(std::shared_ptr<socket> const&, next_fn)>;
/// A coroutine run on the socket's executor; co_return an error to refuse. An exception
/// refuses with "Internal server error" (its text goes to the log, not to the client).
using awaitable_middleware =
    std::function<awaitable<std::optional<connect_error>>(std::shared_ptr<socket>)>;
/// Where the middleware chain ends: nullopt lets the socket in.
using middleware_done = std::function<void(std::optional<connect_error>)>;

} // namespace sio::socketio
