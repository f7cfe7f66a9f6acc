#include "sio/socketio/middleware.hpp"

#include "sio/core/log.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/socket.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>

#include <atomic>

namespace sio::socketio {

struct next_fn::state {
    state(std::shared_ptr<nsp const> n, std::shared_ptr<socket> sock, middleware_done d,
          std::size_t i)
        : ns(std::move(n))
        , s(std::move(sock))
        , done(std::move(d))
        , index(i) {}

    std::shared_ptr<nsp const> ns;
    std::shared_ptr<socket> s;
    middleware_done done;
    std::size_t index; ///< the middleware this `next` was given to
    std::atomic<bool> called{false};
};

next_fn::next_fn(std::shared_ptr<state> st)
    : state_(std::move(st)) {}

void next_fn::operator()(std::optional<connect_error> refusal) const {
    if (state_->called.exchange(true))
        return;
    // Back on the socket's executor: inline when called from it (synchronous middleware),
    // posted from any other thread.
    net::dispatch(state_->s->get_executor(), [st = state_, refusal = std::move(refusal)]() mutable {
        if (refusal)
            st->done(std::move(refusal));
        else
            st->ns->run_middleware(st->s, std::move(st->done), st->index + 1);
    });
}

void nsp::use(middleware mw) {
    middlewares_.push_back(
        [mw = std::move(mw)](std::shared_ptr<socket> const& s, next_fn next) { next(mw(*s)); });
}

void nsp::use(async_middleware mw) {
    middlewares_.push_back(std::move(mw));
}

void nsp::use(awaitable_middleware mw) {
    middlewares_.push_back([mw = std::move(mw)](std::shared_ptr<socket> const& s, next_fn next) {
        auto finished = [next, nsp_name = s->nsp_name()](std::exception_ptr e,
                                                         std::optional<connect_error> refusal) {
            if (e) {
                log::error("socket.io: middleware of {:?} threw: {}", nsp_name, log::describe(e));
                return next(connect_error{"Internal server error", std::nullopt});
            }
            next(std::move(refusal));
        };
        net::co_spawn(s->get_executor(), mw(s), std::move(finished));
    });
}

void nsp::run_middleware(std::shared_ptr<socket> const& s, middleware_done done,
                         std::size_t index) const {
    if (index == middlewares_.size())
        return done(std::nullopt);
    next_fn next(std::make_shared<next_fn::state>(shared_from_this(), s, std::move(done), index));
    try {
        middlewares_[index](s, next);
    } catch (...) {
        log::error("socket.io: middleware of {:?} threw: {}", name_,
                   log::describe(std::current_exception()));
        next(connect_error{"Internal server error", std::nullopt}); // ignored if it answered
    }
}

} // namespace sio::socketio
