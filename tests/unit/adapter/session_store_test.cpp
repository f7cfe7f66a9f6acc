#include "sio/adapter/session_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace sio::adapter;
using namespace std::chrono_literals;
using sio::protocol::packet;
using sio::protocol::packet_type;

namespace {

using clock_type = session_store::clock;

packet event(std::string const& json_args) {
    packet p;
    p.type = packet_type::event;
    p.data = boost::json::parse(json_args);
    return p;
}

broadcast_options to(std::set<room> rooms, std::set<room> except = {}) {
    broadcast_options o;
    o.rooms = std::move(rooms);
    o.except = std::move(except);
    return o;
}

std::string args_of(packet const& p) {
    return boost::json::serialize(*p.data);
}

} // namespace

BOOST_AUTO_TEST_SUITE(adapter_session_store)

BOOST_AUTO_TEST_CASE(restores_the_session_and_the_packets_it_missed) {
    session_store store(2min, "p");
    auto const t0 = clock_type::now();

    auto before = event(R"(["news",1])");
    auto const seen = store.record(before, to({}), t0);
    BOOST_TEST(seen == "p-0");
    BOOST_TEST(args_of(before) == R"(["news",1,"p-0"])"); // the offset is the last argument

    store.persist({"sid1", "pid1", {"sid1", "room-a"}, boost::json::value{{"user", "ann"}}}, t0);

    auto all = event(R"(["news",2])");
    store.record(all, to({}), t0 + 1s);
    auto in_a = event(R"(["a",3])");
    store.record(in_a, to({"room-a"}), t0 + 2s);
    auto in_b = event(R"(["b",4])");
    store.record(in_b, to({"room-b"}), t0 + 3s);
    auto not_a = event(R"(["not-a",5])");
    store.record(not_a, to({}, {"room-a"}), t0 + 4s);
    auto direct = event(R"(["direct",6])");
    store.record(direct, to({"sid1"}), t0 + 5s);

    auto const r = store.restore("pid1", seen, t0 + 10s);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->session.sid == "sid1");
    BOOST_TEST(r->session.rooms == (std::vector<room>{"sid1", "room-a"}));
    BOOST_TEST(r->session.data.at("user") == "ann");
    BOOST_TEST_REQUIRE(r->missed.size() == 3u);
    BOOST_TEST(args_of(r->missed[0]) == R"(["news",2,"p-1"])");
    BOOST_TEST(args_of(r->missed[1]) == R"(["a",3,"p-2"])");
    BOOST_TEST(args_of(r->missed[2]) == R"(["direct",6,"p-5"])");

    // Once only.
    BOOST_TEST(!store.restore("pid1", seen, t0 + 11s).has_value());
}

BOOST_AUTO_TEST_CASE(unknown_pids_and_offsets_start_afresh) {
    session_store store(2min, "p");
    auto const t0 = clock_type::now();
    auto p = event(R"(["x"])");
    auto const offset = store.record(p, to({}), t0);
    store.persist({"sid1", "pid1", {"sid1"}, {}}, t0);

    BOOST_TEST(!store.restore("other", offset, t0).has_value());
    for (std::string bad : {"q-0", "p-9", "p-", "p-x", "p-0x", "", "0"})
        BOOST_TEST(!store.restore("pid1", bad, t0).has_value(), bad);
    // Failed attempts do not use the session up.
    BOOST_TEST(store.restore("pid1", offset, t0).has_value());
}

BOOST_AUTO_TEST_CASE(packets_and_sessions_expire_after_the_duration) {
    session_store store(60s, "p");
    auto const t0 = clock_type::now();
    auto old = event(R"(["old"])");
    auto const old_offset = store.record(old, to({}), t0);
    store.persist({"sid1", "pid1", {"sid1"}, {}}, t0 + 30s);
    auto newer = event(R"(["newer"])");
    auto const newer_offset = store.record(newer, to({}), t0 + 40s);

    // At t0+70s the first packet is gone: its offset can no longer tell what was missed.
    BOOST_TEST(!store.restore("pid1", old_offset, t0 + 70s).has_value());
    BOOST_TEST(store.packet_count() == 1u);
    BOOST_TEST(store.restore("pid1", newer_offset, t0 + 70s).has_value());

    // A session older than the duration is gone too.
    store.persist({"sid2", "pid2", {"sid2"}, {}}, t0 + 70s);
    BOOST_TEST(!store.restore("pid2", newer_offset, t0 + 131s).has_value());
    BOOST_TEST(store.session_count() == 0u);
}

BOOST_AUTO_TEST_CASE(only_plain_events_are_kept) {
    auto plain = event(R"(["e"])");
    BOOST_TEST(session_store::keeps(plain, to({})));
    auto with_ack = plain;
    with_ack.id = 3;
    BOOST_TEST(!session_store::keeps(with_ack, to({})));
    auto vol = to({});
    vol.is_volatile = true;
    BOOST_TEST(!session_store::keeps(plain, vol));
    packet connect;
    connect.type = packet_type::connect;
    BOOST_TEST(!session_store::keeps(connect, to({})));
}

BOOST_AUTO_TEST_SUITE_END()
