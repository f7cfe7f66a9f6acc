#include "sio/http/run.hpp"

#include "sio/core/log.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <thread>
#include <vector>

namespace sio::http {

void run_until_signal(net::io_context& ioc, server& srv, unsigned threads) {
    net::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&srv](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        log::info("received signal {}: stopping", signal);
        srv.stop();
    });
    std::vector<std::jthread> pool;
    for (unsigned i = 1; i < threads; ++i)
        pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
}

} // namespace sio::http
