// The C++ emitter against what Node's @socket.io/redis-emitter 5.1.0 published (captures.hpp):
// the same operations give the same channels; the requests are byte-identical; the broadcasts
// are byte-identical up to their opts map, whose keys Node's emitter writes in another order
// ({rooms, flags, except}; ours {rooms, except, flags}), and decode to the same fields.
#include "sio/cluster/emitter.hpp"

#include "cluster/captures.hpp"
#include "cluster/hex.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace json = boost::json;
using namespace sio::cluster;
using sio::cluster::test::captures;
using sio::cluster::test::from_hex;
using sio::cluster::test::to_hex;
using sio::protocol::binary;

namespace {

struct published {
    std::string channel;
    std::string message;
};

/// An emitter without Redis that records what it publishes.
struct recorder {
    std::vector<published> out;
    emitter io{[this](std::string_view channel, std::string_view message) {
        out.push_back({std::string(channel), std::string(message)});
    }};

    published const& last() const {
        BOOST_TEST_REQUIRE(!out.empty());
        return out.back();
    }
};

sio::cluster::test::capture const& captured(std::string_view step) {
    for (auto const& c : captures) {
        if (c.step == step)
            return c;
    }
    throw std::logic_error("no capture " + std::string(step));
}

template <class T>
T ok(std::variant<T, std::string> r) {
    if (auto const* e = std::get_if<std::string>(&r))
        BOOST_FAIL("decoding failed: " << *e);
    return std::get<T>(std::move(r));
}

/// Where a broadcast's opts map starts: the last map(3) whose first key is "rooms".
std::size_t opts_offset(std::string const& bytes) {
    auto const at = bytes.rfind("\x83\xa5rooms");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    return at;
}

/// Ours against the capture of the same emitter operation.
void same_broadcast(published const& ours, std::string_view step) {
    auto const& c = captured(step);
    auto const node = from_hex(c.hex);
    BOOST_TEST(ours.channel == c.channel);
    BOOST_TEST(ours.message.size() == node.size());
    // uid and packet: byte for byte.
    BOOST_TEST(to_hex(ours.message.substr(0, opts_offset(ours.message))) ==
               to_hex(node.substr(0, opts_offset(node))));
    auto const a = ok(decode_broadcast(ours.message));
    auto const b = ok(decode_broadcast(node));
    BOOST_TEST(a.uid == "emitter");
    BOOST_TEST(a.uid == b.uid);
    BOOST_TEST((a.packet == b.packet));
    BOOST_TEST((a.opts.rooms == b.opts.rooms));
    BOOST_TEST((a.opts.except == b.opts.except));
    BOOST_TEST(a.opts.is_volatile == b.opts.is_volatile);
    BOOST_TEST((a.flags == b.flags));
}

void same_request(published const& ours, std::string_view step) {
    auto const& c = captured(step);
    BOOST_TEST(ours.channel == c.channel);
    BOOST_TEST(to_hex(ours.message) == c.hex);
    BOOST_TEST(ours.message == c.text);
}

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_emitter_vs_node)

BOOST_AUTO_TEST_CASE(emit_to_all) {
    recorder r;
    r.io.emit("ev", "from emitter");
    same_broadcast(r.last(), "classic: emitter: emit(\"ev\", \"from emitter\")");
}

BOOST_AUTO_TEST_CASE(binary_to_one_room) {
    recorder r;
    r.io.to("room1").emit("ev", binary{std::string("\x09\x08", 2)});
    same_broadcast(r.last(), "classic: emitter: to(\"room1\").emit(\"ev\", Buffer [9,8])");
}

BOOST_AUTO_TEST_CASE(several_rooms_except_one_volatile) {
    recorder r;
    r.io.to("room1").to("room2").except("room3").volatile_().emit("ev", 1);
    same_broadcast(
        r.last(),
        "classic: emitter: to([\"room1\",\"room2\"]).except(\"room3\").volatile.emit(\"ev\", 1)");
}

BOOST_AUTO_TEST_CASE(another_namespace) {
    recorder r;
    r.io.of("/chat").emit("ev", "chat");
    same_broadcast(r.last(), "classic: emitter: of(\"/chat\").emit(\"ev\", \"chat\")");
    // Node's `of` puts the "/" in front when it is missing.
    r.io.of("chat").emit("ev", "chat");
    same_broadcast(r.last(), "classic: emitter: of(\"/chat\").emit(\"ev\", \"chat\")");
}

BOOST_AUTO_TEST_CASE(sockets_join_and_leave) {
    recorder r;
    r.io.in("room1").sockets_join("room7");
    same_request(r.last(), "classic: emitter: in(\"room1\").socketsJoin(\"room7\")");
    r.io.in("room7").sockets_leave(std::vector<std::string>{"room7"});
    same_request(r.last(), "classic: emitter: in(\"room7\").socketsLeave(\"room7\")");
}

BOOST_AUTO_TEST_CASE(disconnect_sockets) {
    recorder r;
    r.io.in("nobody").disconnect_sockets();
    same_request(r.last(), "classic: emitter: in(\"nobody\").disconnectSockets()");
}

BOOST_AUTO_TEST_CASE(server_side_emit) {
    recorder r;
    r.io.server_side_emit("sse", "from emitter");
    same_request(r.last(), "classic: emitter: serverSideEmit(\"sse\", \"from emitter\")");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cluster_emitter)

BOOST_AUTO_TEST_CASE(builders_are_immutable) {
    recorder r;
    auto const red = r.io.to("red");
    auto const red_blue = red.to("blue");
    red.emit("ev");
    red_blue.except("green").emit("ev");
    r.io.emit("ev");
    BOOST_TEST_REQUIRE(r.out.size() == 3u);
    BOOST_TEST(r.out[0].channel == "socket.io#/#red#");
    BOOST_TEST(r.out[1].channel == "socket.io#/#");
    BOOST_TEST(r.out[2].channel == "socket.io#/#");
    auto const m0 = ok(decode_broadcast(r.out[0].message));
    auto const m1 = ok(decode_broadcast(r.out[1].message));
    auto const m2 = ok(decode_broadcast(r.out[2].message));
    BOOST_TEST(m0.opts.rooms == (std::set<std::string>{"red"}));
    BOOST_TEST(m0.opts.except.empty());
    BOOST_TEST(m1.opts.rooms == (std::set<std::string>{"blue", "red"}));
    BOOST_TEST(m1.opts.except == (std::set<std::string>{"green"}));
    BOOST_TEST(m2.opts.rooms.empty());
}

BOOST_AUTO_TEST_CASE(one_room_with_except_goes_to_the_rooms_channel) {
    // As Node: the channel names the room whenever there is exactly one.
    recorder r;
    r.io.to("red").except("blue").emit("ev");
    BOOST_TEST(r.last().channel == "socket.io#/#red#");
}

BOOST_AUTO_TEST_CASE(flags_and_key_prefix) {
    std::vector<published> out;
    emitter io{[&](std::string_view channel, std::string_view message) {
                   out.push_back({std::string(channel), std::string(message)});
               },
               emitter_options{"myapp"}};
    io.of("/admin").volatile_().compress(false).emit("ev", json::object{{"a", 1}});
    io.of("/admin").server_side_emit("hello");
    io.of("/admin").except("x").disconnect_sockets(true);
    BOOST_TEST_REQUIRE(out.size() == 3u);
    BOOST_TEST(out[0].channel == "myapp#/admin#");
    auto const m = ok(decode_broadcast(out[0].message));
    BOOST_TEST(m.packet.nsp == "/admin");
    BOOST_TEST(m.opts.is_volatile);
    BOOST_TEST((m.flags.compress == std::optional<bool>(false)));
    BOOST_TEST(!m.flags.timeout.has_value());
    BOOST_TEST(out[1].channel == "myapp-request#/admin#");
    BOOST_TEST(out[1].message == R"({"uid":"emitter","type":6,"data":["hello"]})");
    BOOST_TEST(out[2].message == R"({"type":4,"opts":{"rooms":[],"except":["x"]},"close":true})");
}

BOOST_AUTO_TEST_CASE(large_binary_is_a_bin32_in_place) {
    recorder r;
    std::string bytes(70000, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>(i * 31 + 7);
    r.io.to("room1").emit("big", binary{bytes}, json::object{{"n", 1}});
    auto const& msg = r.last().message;
    // As the cluster check's MONITOR log shows Node's emitter writing 70 000 bytes.
    BOOST_TEST(msg.find(std::string("\xc6\x00\x01\x11\x70", 5) + bytes) != std::string::npos);
    auto const m = ok(decode_broadcast(msg));
    BOOST_TEST_REQUIRE(m.packet.attachments.size() == 1u);
    BOOST_TEST((m.packet.attachments[0] == bytes));
    BOOST_TEST(m.packet.data->as_array().size() == 3u);
}

BOOST_AUTO_TEST_CASE(reserved_event_names_are_refused) {
    recorder r;
    for (auto const* name : {"connect", "connect_error", "disconnect", "disconnecting",
                             "newListener", "removeListener"}) {
        BOOST_CHECK_THROW(r.io.emit(name, 1), std::invalid_argument);
        BOOST_CHECK_THROW(r.io.to("x").emit(name), std::invalid_argument);
    }
    BOOST_TEST(r.out.empty());
}

BOOST_AUTO_TEST_CASE(flush_without_redis_is_immediate) {
    recorder r;
    bool called = false;
    r.io.flush([&](std::string const& error) {
        called = true;
        BOOST_TEST(error.empty());
    });
    BOOST_TEST(called);
    BOOST_TEST(r.io.get_stats().buffered_publishes == 0u);
}

BOOST_AUTO_TEST_CASE(flush_reports_redis_out_of_reach) {
    // Nothing listens on port 1: the publish waits in the buffer, the flush times out.
    boost::asio::io_context ioc;
    sio::redis::options ro;
    ro.where.port = 1;
    std::string error = "not called";
    {
        emitter io(ioc.get_executor(), ro);
        io.emit("ev", 1);
        io.flush(
            [&](std::string const& e) {
                error = e;
                ioc.stop();
            },
            std::chrono::milliseconds(200));
        ioc.run_for(std::chrono::seconds(5));
        BOOST_TEST(io.get_stats().buffered_publishes == 1u);
    }
    BOOST_TEST(error == "emitter: Redis did not answer within 200 ms");
}

BOOST_AUTO_TEST_SUITE_END()
