#include "sio/http/run.hpp"

#include "sio/core/log.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>

namespace sio::http {

void run_until_signal(io_pool& pool, server& srv) {
    net::signal_set signals{pool.main(), SIGINT, SIGTERM};
    signals.async_wait([&srv, &pool](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        log::info("received signal {}: stopping", signal);
        srv.stop();
        pool.release();
    });
    pool.run();
}

} // namespace sio::http
