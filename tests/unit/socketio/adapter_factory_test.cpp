// server_options.adapter: each namespace gets its adapter from the factory, and broadcasts
// go through it (the seam the Redis adapter plugs into).
#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/socketio/server.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace sio;

namespace {

struct recorded_broadcast {
    std::string nsp;
    protocol::packet packet;
    sio::adapter::broadcast_options opts;
};

/// Records every namespace it is made for and every broadcast, then does what the in-memory
/// adapter does.
struct recorder {
    std::mutex mutex;
    std::vector<std::string> namespaces;
    std::vector<recorded_broadcast> broadcasts;
};

class recording_adapter final : public sio::adapter::in_memory_adapter {
public:
    recording_adapter(sio::adapter::local_delivery& d, sio::adapter::adapter_context const& ctx,
                      std::shared_ptr<recorder> r)
        : in_memory_adapter(d, ctx.recovery)
        , nsp_(ctx.nsp)
        , recorder_(std::move(r)) {}

    void broadcast(protocol::packet const& p,
                   sio::adapter::broadcast_options const& opts) override {
        {
            std::lock_guard lock(recorder_->mutex);
            recorder_->broadcasts.push_back({nsp_, p, opts});
        }
        in_memory_adapter::broadcast(p, opts);
    }

private:
    std::string nsp_;
    std::shared_ptr<recorder> recorder_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(socketio_adapter_factory)

BOOST_AUTO_TEST_CASE(each_namespace_gets_its_adapter_from_the_factory) {
    auto rec = std::make_shared<recorder>();
    socketio::server_options opts;
    opts.adapter = [rec](sio::adapter::local_delivery& d,
                         sio::adapter::adapter_context const& ctx) {
        {
            std::lock_guard lock(rec->mutex);
            rec->namespaces.emplace_back(ctx.nsp);
        }
        return std::make_unique<recording_adapter>(d, ctx, rec);
    };
    socketio::server io(std::move(opts)); // makes the main namespace
    io.of("/chat");
    io.of("/chat"); // made once
    BOOST_TEST(rec->namespaces == (std::vector<std::string>{"/", "/chat"}),
               boost::test_tools::per_element());

    io.of("/chat").to("room-1").except("room-2").emit("hello", "world");
    io.emit("everyone");
    BOOST_TEST_REQUIRE(rec->broadcasts.size() == 2u);
    auto const& first = rec->broadcasts[0];
    BOOST_TEST(first.nsp == "/chat");
    BOOST_TEST(first.packet.nsp == "/chat");
    BOOST_TEST(first.opts.rooms == (std::set<std::string>{"room-1"}));
    BOOST_TEST(first.opts.except == (std::set<std::string>{"room-2"}));
    BOOST_TEST(boost::json::serialize(*first.packet.data) == R"(["hello","world"])");
    BOOST_TEST(rec->broadcasts[1].nsp == "/");
    BOOST_TEST(rec->broadcasts[1].opts.rooms.empty());
}

BOOST_AUTO_TEST_CASE(without_a_factory_namespaces_use_the_in_memory_adapter) {
    socketio::server io;
    BOOST_TEST(dynamic_cast<sio::adapter::in_memory_adapter*>(&io.of("/x").get_adapter()) !=
               nullptr);
}

BOOST_AUTO_TEST_CASE(a_factory_that_makes_nothing_is_refused) {
    socketio::server_options opts;
    opts.adapter = [](sio::adapter::local_delivery&, sio::adapter::adapter_context const&) {
        return std::unique_ptr<sio::adapter::adapter>{};
    };
    // The main namespace is made with the server: the server itself refuses to start.
    BOOST_CHECK_THROW(socketio::server{std::move(opts)}, std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
