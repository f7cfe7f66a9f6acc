#include "sio/core/io_pool.hpp"

#include <boost/asio/post.hpp>

#include <thread>

namespace sio {

io_pool::io_pool(unsigned threads) {
    if (threads == 0)
        threads = 1;
    for (unsigned i = 0; i < threads; ++i) {
        contexts_.push_back(std::make_unique<net::io_context>(1));
        guards_.emplace_back(contexts_.back()->get_executor());
    }
}

net::io_context& io_pool::next() {
    return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void io_pool::run() {
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < contexts_.size(); ++i)
        threads.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
    contexts_.front()->run();
}

void io_pool::release() {
    // Each guard belongs to its own io_context: reset it there, not from a foreign thread.
    for (std::size_t i = 0; i < contexts_.size(); ++i)
        net::post(*contexts_[i], [this, i] { guards_[i].reset(); });
}

void io_pool::stop() {
    for (auto const& ctx : contexts_)
        ctx->stop();
}

} // namespace sio
