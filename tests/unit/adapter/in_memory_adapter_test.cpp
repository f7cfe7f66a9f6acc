#include "sio/adapter/in_memory_adapter.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace sio;
using namespace sio::adapter;

namespace {

struct recording_delivery final : local_delivery {
    void deliver(std::vector<socket_id> const& targets, protocol::packet const& p,
                 bool is_volatile) override {
        calls.push_back({std::set<socket_id>(targets.begin(), targets.end()), p, is_volatile});
        total += targets.size();
    }
    struct call {
        std::set<socket_id> targets;
        protocol::packet packet;
        bool is_volatile;
    };
    std::vector<call> calls;
    std::size_t total = 0;
};

/// a, b, c each in their own room; a and b in "lobby"; b and c in "games".
struct rooms_fixture {
    recording_delivery delivery;
    in_memory_adapter adapter{delivery};
    rooms_fixture() {
        adapter.add_all("a", {"a", "lobby"});
        adapter.add_all("b", {"b", "lobby", "games"});
        adapter.add_all("c", {"c", "games"});
    }
    std::set<socket_id> targets(broadcast_options const& opts) {
        auto v = adapter.sockets(opts);
        return {v.begin(), v.end()};
    }
};

broadcast_options to(std::set<room> rooms, std::set<room> except = {}) {
    broadcast_options o;
    o.rooms = std::move(rooms);
    o.except = std::move(except);
    return o;
}

using ids = std::set<socket_id>;

} // namespace

BOOST_FIXTURE_TEST_SUITE(adapter_in_memory, rooms_fixture)

BOOST_AUTO_TEST_CASE(broadcast_targets) {
    BOOST_TEST((targets(to({})) == ids{"a", "b", "c"}));                 // everyone
    BOOST_TEST((targets(to({"lobby"})) == ids{"a", "b"}));               // a room
    BOOST_TEST((targets(to({"lobby", "games"})) == ids{"a", "b", "c"})); // union, once each
    BOOST_TEST((targets(to({"lobby"}, {"a"})) == ids{"b"})); // the room minus the sender
    BOOST_TEST((targets(to({}, {"games"})) == ids{"a"}));    // everyone except a room
    BOOST_TEST((targets(to({"c"})) == ids{"c"}));            // one socket by its own room
    BOOST_TEST(targets(to({"nobody"})).empty());
}

BOOST_AUTO_TEST_CASE(a_socket_in_several_rooms_gets_one_copy) {
    protocol::packet p;
    p.data = boost::json::array{"x"};
    adapter.broadcast(p, to({"lobby", "games", "b"}));
    BOOST_TEST_REQUIRE(delivery.calls.size() == 1u);
    BOOST_TEST(delivery.total == 3u);
    BOOST_TEST((delivery.calls[0].targets == ids{"a", "b", "c"}));
    BOOST_TEST((delivery.calls[0].packet == p));
}

BOOST_AUTO_TEST_CASE(no_delivery_when_nobody_matches) {
    adapter.broadcast(protocol::packet{}, to({"empty"}));
    BOOST_TEST(delivery.calls.empty());
}

BOOST_AUTO_TEST_CASE(volatile_flag_is_passed_on) {
    auto opts = to({"lobby"});
    opts.is_volatile = true;
    adapter.broadcast(protocol::packet{}, opts);
    BOOST_TEST_REQUIRE(delivery.calls.size() == 1u);
    BOOST_TEST(delivery.calls[0].is_volatile);
}

BOOST_AUTO_TEST_CASE(leaving_and_disconnecting_empty_the_rooms) {
    adapter.del("a", "lobby");
    BOOST_TEST((targets(to({"lobby"})) == ids{"b"}));
    BOOST_TEST((adapter.socket_rooms("a") == std::set<room>{"a"}));

    adapter.del_all("b");
    BOOST_TEST(targets(to({"lobby"})).empty());
    BOOST_TEST((targets(to({"games"})) == ids{"c"}));
    BOOST_TEST(adapter.socket_rooms("b").empty());
    auto rooms = adapter.rooms();
    std::sort(rooms.begin(), rooms.end());
    // Empty rooms do not linger.
    BOOST_TEST((rooms == std::vector<room>{"a", "c", "games"}));

    adapter.del_all("a");
    adapter.del_all("c");
    BOOST_TEST(adapter.rooms().empty());
    BOOST_TEST(targets(to({})).empty());
    adapter.del_all("never-was"); // harmless
}

BOOST_AUTO_TEST_CASE(own_rooms_are_implied_and_can_be_left_or_shared) {
    adapter.add_all("d", {"d", "a"}); // d joins the room named after socket a
    BOOST_TEST((targets(to({"a"})) == ids{"a", "d"}));
    BOOST_TEST((targets(to({"a"}, {"d"})) == ids{"a"}));
    BOOST_TEST((targets(to({"a", "lobby"})) == ids{"a", "b", "d"})); // once each
    BOOST_TEST((targets(to({}, {"a"})) == ids{"b", "c"}));

    adapter.del("a", "a"); // a leaves its own room
    BOOST_TEST((targets(to({"a"})) == ids{"d"}));
    BOOST_TEST((adapter.socket_rooms("a") == std::set<room>{"lobby"}));
    auto rooms = adapter.rooms();
    std::sort(rooms.begin(), rooms.end());
    BOOST_TEST((rooms == std::vector<room>{"a", "b", "c", "d", "games", "lobby"}));
}

BOOST_AUTO_TEST_CASE(with_recovery_offsets_are_handed_over_in_their_order) {
    // Two threads broadcast at once; each client must see offsets in increasing order, or
    // one that drops after a later offset would never be sent the earlier one.
    struct ordered_delivery final : local_delivery {
        void deliver(std::vector<socket_id> const&, protocol::packet const& p, bool) override {
            auto const offset = std::string(p.data->as_array().back().as_string());
            auto const number = std::stoull(offset.substr(offset.rfind('-') + 1));
            // Hand-overs of uneven length, as real deliveries are: a broadcast stamped
            // later could otherwise overtake one stamped earlier.
            if (number % 3 == 0)
                std::this_thread::sleep_for(std::chrono::microseconds(20));
            std::lock_guard lock(mutex);
            numbers.push_back(number);
        }
        std::mutex mutex;
        std::vector<std::uint64_t> numbers;
    } ordered;
    in_memory_adapter a(ordered, std::chrono::minutes(1));
    a.add_all("s1", {"s1", "room"});
    auto const flood = [&] {
        for (int i = 0; i < 3000; ++i) {
            protocol::packet p;
            p.data = boost::json::array{"tick", i};
            broadcast_options to_room;
            to_room.rooms = {"room"};
            a.broadcast(p, to_room);
        }
    };
    std::thread other(flood);
    flood();
    other.join();
    BOOST_TEST_REQUIRE(ordered.numbers.size() == 6000u);
    BOOST_TEST(std::is_sorted(ordered.numbers.begin(), ordered.numbers.end()));
}

BOOST_AUTO_TEST_SUITE_END()
