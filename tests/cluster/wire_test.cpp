// The wire format against what Node published (captures.hpp): every captured message decodes
// to the fields the capture shows, and what a C++ member sends is byte-identical to Node's.
#include "sio/cluster/wire.hpp"

#include "cluster/captures.hpp"
#include "cluster/hex.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <variant>

namespace json = boost::json;
using namespace sio::cluster;
using sio::cluster::test::captures;
using sio::cluster::test::from_hex;
using sio::cluster::test::to_hex;
using sio::protocol::make_placeholder;
using sio::protocol::packet;
using sio::protocol::packet_type;

namespace {

template <class T>
T ok(std::variant<T, std::string> r) {
    if (auto const* e = std::get_if<std::string>(&r))
        BOOST_FAIL("decoding failed: " << *e);
    return std::get<T>(std::move(r));
}

/// The capture's rendering of a value: each placeholder as "<bin N B: hex>".
json::value render(json::value const& v, std::vector<std::string> const& attachments) {
    if (sio::protocol::is_placeholder(v)) {
        auto const& bytes = attachments.at(v.at("num").to_number<std::size_t>());
        return json::string("<bin " + std::to_string(bytes.size()) + " B: " + to_hex(bytes, '\0') +
                            ">");
    }
    if (auto const* a = v.if_array()) {
        json::array out;
        for (auto const& e : *a)
            out.push_back(render(e, attachments));
        return out;
    }
    if (auto const* o = v.if_object()) {
        json::object out;
        for (auto const& kv : *o)
            out.emplace(kv.key(), render(kv.value(), attachments));
        return out;
    }
    return v;
}

template <class Rooms>
json::array rooms_of(Rooms const& rooms) {
    json::array a;
    for (auto const& r : rooms)
        a.emplace_back(r);
    return a;
}

json::value view(packet const& p) {
    return json::object{
        {"type", 2}, {"data", render(p.data.value(), p.attachments)}, {"nsp", p.nsp}};
}

json::value view(sio::adapter::broadcast_options const& opts, broadcast_flags const* flags) {
    json::object o{{"rooms", rooms_of(opts.rooms)}, {"except", rooms_of(opts.except)}};
    if (flags != nullptr) {
        json::object f;
        if (opts.is_volatile)
            f.emplace("volatile", true);
        if (flags->compress)
            f.emplace("compress", *flags->compress);
        if (flags->timeout)
            f.emplace("timeout", *flags->timeout);
        o.emplace("flags", std::move(f));
    }
    return o;
}

json::value view(broadcast_message const& m) {
    return json::array{json::value(m.uid), view(m.packet), view(m.opts, &m.flags)};
}

/// The request's fields as the capture shows them (JSON objects compare regardless of order).
json::value view(request const& r) {
    json::object o;
    if (r.uid)
        o.emplace("uid", *r.uid);
    if (r.request_id)
        o.emplace("requestId", *r.request_id);
    o.emplace("type", static_cast<int>(r.type));
    switch (r.type) {
    case request_type::remote_join:
    case request_type::remote_leave:
        o.emplace("opts", view(r.opts, nullptr));
        o.emplace("rooms", rooms_of(r.rooms));
        break;
    case request_type::remote_disconnect:
        o.emplace("opts", view(r.opts, nullptr));
        o.emplace("close", r.close);
        break;
    case request_type::remote_fetch:
        o.emplace("opts", view(r.opts, nullptr));
        break;
    case request_type::server_side_emit:
        o.emplace("data", r.data);
        break;
    case request_type::broadcast:
        o.emplace("packet", view(r.packet));
        o.emplace("opts", view(r.opts, &r.flags));
        break;
    default:
        break;
    }
    return o;
}

json::value view(response const& r) {
    json::object o;
    if (r.type)
        o.emplace("type", static_cast<int>(*r.type));
    o.emplace("requestId", r.request_id);
    if (r.rooms)
        o.emplace("rooms", rooms_of(*r.rooms));
    if (r.sockets) {
        json::array a;
        for (auto const& s : *r.sockets)
            a.push_back(json::object{{"id", s.id},
                                     {"handshake", s.handshake},
                                     {"rooms", rooms_of(s.rooms)},
                                     {"data", s.data}});
        o.emplace("sockets", std::move(a));
    }
    if (r.data)
        o.emplace("data", *r.data);
    if (r.client_count)
        o.emplace("clientCount", *r.client_count);
    if (r.ack && !r.ack->args.empty())
        o.emplace("packet", render(r.ack->args.front(), r.ack->attachments));
    return o;
}

std::string bytes_of(sio::cluster::test::capture const& c) {
    return c.hex.empty() ? std::string(c.text) : from_hex(c.hex);
}

bool is_broadcast_channel(std::string_view ch) {
    return ch.starts_with("socket.io#");
}

constexpr int emitter_conn = 5;

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_wire_captures)

BOOST_AUTO_TEST_CASE(every_captured_broadcast_decodes_to_what_the_capture_shows) {
    int checked = 0;
    int identical = 0;
    for (auto const& c : captures) {
        if (!is_broadcast_channel(c.channel))
            continue;
        BOOST_TEST_CONTEXT(c.step) {
            auto const bytes = bytes_of(c);
            auto const m = ok(decode_broadcast(bytes));
            BOOST_TEST(view(m) == json::parse(c.text));
            BOOST_TEST(broadcast_channel(default_prefix, m.packet.nsp, m.opts) == c.channel);
            BOOST_TEST(room_of_channel(c.channel, default_prefix, m.packet.nsp).has_value());
            BOOST_TEST((m.packet.type == packet_type::event));
            BOOST_TEST(!m.packet.id.has_value());
            BOOST_TEST(!m.opts.local);
            auto const again = encode_broadcast(m.uid, m.packet, m.opts, m.flags);
            if (c.conn != emitter_conn) {
                // What a C++ member sends for the same broadcast: Node's bytes.
                BOOST_TEST(to_hex(again) == to_hex(bytes));
                ++identical;
            } else {
                // The emitter writes opts as {rooms, flags, except}; a member writes the
                // adapter's order, which decodes to the same.
                BOOST_TEST(again.size() == bytes.size());
                BOOST_TEST(view(ok(decode_broadcast(again))) == view(m));
            }
        }
        ++checked;
    }
    BOOST_TEST(checked == 24);
    BOOST_TEST(identical == 16);
}

BOOST_AUTO_TEST_CASE(every_captured_request_decodes_and_reencodes_byte_identical) {
    int checked = 0;
    for (auto const& c : captures) {
        if (!c.channel.starts_with("socket.io-request#"))
            continue;
        BOOST_TEST_CONTEXT(c.step) {
            auto const bytes = bytes_of(c);
            BOOST_TEST(c.channel == request_channel(default_prefix, "/"));
            auto const r = ok(decode_request(bytes));
            BOOST_TEST(view(r) == json::parse(c.text));
            BOOST_TEST(c.msgpack == (r.type == request_type::broadcast));
            // The emitter's requests too: its JSON has no uid, and the order is the same.
            BOOST_TEST(to_hex(encode_request(r)) == to_hex(bytes));
        }
        ++checked;
    }
    BOOST_TEST(checked == 24);
}

BOOST_AUTO_TEST_CASE(every_captured_response_decodes_and_reencodes_byte_identical) {
    int checked = 0;
    for (auto const& c : captures) {
        if (!c.channel.starts_with("socket.io-response#"))
            continue;
        BOOST_TEST_CONTEXT(c.step) {
            auto const bytes = bytes_of(c);
            auto const r = ok(decode_response(bytes));
            BOOST_TEST(view(r) == json::parse(c.text));
            BOOST_TEST(c.msgpack == (r.type == request_type::broadcast_ack));
            BOOST_TEST(to_hex(encode_response(r)) == to_hex(bytes));
            // A server-side emit's answer always goes to the shared channel; the others to
            // the requester's own channel when publishOnSpecificResponseChannel is on.
            bool const specific =
                c.step.starts_with("specific") && r.type != request_type::server_side_emit;
            BOOST_TEST(c.channel == (specific
                                         ? specific_response_channel(default_prefix, "/", "JyopJ5")
                                         : response_channel(default_prefix, "/")));
        }
        ++checked;
    }
    BOOST_TEST(checked == 12);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cluster_wire_encode)

// The classic capture's messages built from scratch, as a C++ member would send them.

BOOST_AUTO_TEST_CASE(emit_to_all) {
    // classic: A: io.emit("ev", "hello")
    packet p;
    p.data = json::array{"ev", "hello"};
    sio::adapter::broadcast_options const opts;
    BOOST_TEST(broadcast_channel(default_prefix, "/", opts) == "socket.io#/#");
    BOOST_TEST(to_hex(encode_broadcast("e6vXHF", p, opts)) ==
               "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a5 68 65 "
               "6c 6c 6f a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 90 a5 66 "
               "6c 61 67 73 80");
}

BOOST_AUTO_TEST_CASE(emit_numbers_to_one_room) {
    // classic: A: io.to("room1").emit("ev", 1, 2.5, -3, true, null)
    packet p;
    p.data = json::array{"ev", 1, 2.5, -3, true, nullptr};
    sio::adapter::broadcast_options opts;
    opts.rooms = {"room1"};
    BOOST_TEST(broadcast_channel(default_prefix, "/", opts) == "socket.io#/#room1#");
    BOOST_TEST(to_hex(encode_broadcast("e6vXHF", p, opts)) ==
               "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 96 a2 65 76 01 cb 40 "
               "04 00 00 00 00 00 00 fd c3 c0 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 a5 72 6f "
               "6f 6d 31 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 80");
}

BOOST_AUTO_TEST_CASE(emit_to_rooms_except_a_room) {
    // classic: A: io.to(["room1","room2"]).except("room3").emit("ev", {a: 1})
    packet p;
    p.data = json::array{"ev", json::object{{"a", 1}}};
    sio::adapter::broadcast_options opts;
    opts.rooms = {"room1", "room2"};
    opts.except = {"room3"};
    BOOST_TEST(broadcast_channel(default_prefix, "/", opts) == "socket.io#/#");
    BOOST_TEST(to_hex(encode_broadcast("e6vXHF", p, opts)) ==
               "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 81 a1 61 "
               "01 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 92 a5 72 6f 6f 6d 31 a5 72 6f 6f 6d 32 "
               "a6 65 78 63 65 70 74 91 a5 72 6f 6f 6d 33 a5 66 6c 61 67 73 80");
}

BOOST_AUTO_TEST_CASE(emit_volatile_uncompressed) {
    // classic: A: io.volatile.compress(false).emit("ev", "v")
    packet p;
    p.data = json::array{"ev", "v"};
    sio::adapter::broadcast_options opts;
    opts.is_volatile = true;
    broadcast_flags flags;
    flags.compress = false;
    BOOST_TEST(to_hex(encode_broadcast("e6vXHF", p, opts, flags)) ==
               "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a1 76 a3 "
               "6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 "
               "82 a8 76 6f 6c 61 74 69 6c 65 c3 a8 63 6f 6d 70 72 65 73 73 c2");
}

BOOST_AUTO_TEST_CASE(emit_binary_nested_in_an_object) {
    // classic: A: io.to("room1").emit("bin", Buffer [1,2,3], {nested: Buffer [0xff]}); a
    // client's BINARY_EVENT as the decoder hands it out: placeholders into attachments.
    packet p;
    p.data = json::array{"bin", make_placeholder(0), json::object{{"nested", make_placeholder(1)}}};
    p.attachments = {std::string("\x01\x02\x03"), std::string("\xff")};
    sio::adapter::broadcast_options opts;
    opts.rooms = {"room1"};
    BOOST_TEST(to_hex(encode_broadcast("e6vXHF", p, opts)) ==
               "93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 61 93 a3 62 69 6e c4 03 "
               "01 02 03 81 a6 6e 65 73 74 65 64 c4 01 ff a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 "
               "91 a5 72 6f 6f 6d 31 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 80");
}

BOOST_AUTO_TEST_CASE(emit_to_another_namespace) {
    // classic: A: io.of("/chat").emit("ev", "to chat")
    packet p;
    p.nsp = "/chat";
    p.data = json::array{"ev", "to chat"};
    sio::adapter::broadcast_options const opts;
    BOOST_TEST(broadcast_channel(default_prefix, "/chat", opts) == "socket.io#/chat#");
    BOOST_TEST(to_hex(encode_broadcast("UEK8LB", p, opts)) ==
               "93 a6 55 45 4b 38 4c 42 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 a7 74 6f "
               "20 63 68 61 74 a3 6e 73 70 a5 2f 63 68 61 74 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 "
               "65 70 74 90 a5 66 6c 61 67 73 80");
}

BOOST_AUTO_TEST_CASE(broadcast_with_acks_request_and_its_answers) {
    // classic: A: io.timeout(1000).emit("ack-me", 7, cb)
    request r;
    r.type = request_type::broadcast;
    r.uid = "e6vXHF";
    r.request_id = "_PoBQi";
    r.packet.data = json::array{"ack-me", 7};
    r.flags.timeout = 1000;
    BOOST_TEST(to_hex(encode_request(r)) ==
               "85 a3 75 69 64 a6 65 36 76 58 48 46 a9 72 65 71 75 65 73 74 49 64 a6 5f 50 6f 42 "
               "51 69 a4 74 79 70 65 07 a6 70 61 63 6b 65 74 83 a4 74 79 70 65 02 a4 64 61 74 61 "
               "92 a6 61 63 6b 2d 6d 65 07 a3 6e 73 70 a1 2f a4 6f 70 74 73 83 a5 72 6f 6f 6d 73 "
               "90 a6 65 78 63 65 70 74 90 a5 66 6c 61 67 73 81 a7 74 69 6d 65 6f 75 74 cd 03 e8");

    response count;
    count.type = request_type::broadcast_client_count;
    count.request_id = "_PoBQi";
    count.client_count = 2;
    BOOST_TEST(encode_response(count) == R"({"type":8,"requestId":"_PoBQi","clientCount":2})");

    // Node forwards the first argument of each client's ack: here one object.
    response ack;
    ack.type = request_type::broadcast_ack;
    ack.request_id = "_PoBQi";
    ack.ack =
        sio::protocol::make_payload(json::object{{"ackFrom", "_QG7i0qI324vozDxAAAB"}, {"x", 7}},
                                    "a second argument Node would drop");
    BOOST_TEST(to_hex(encode_response(ack)) ==
               "83 a4 74 79 70 65 09 a9 72 65 71 75 65 73 74 49 64 a6 5f 50 6f 42 51 69 a6 70 61 "
               "63 6b 65 74 82 a7 61 63 6b 46 72 6f 6d b4 5f 51 47 37 69 30 71 49 33 32 34 76 6f "
               "7a 44 78 41 41 41 42 a1 78 07");
}

BOOST_AUTO_TEST_CASE(an_ack_without_arguments_has_no_packet) {
    // notepack skips a key whose value is undefined, which is what an empty ack gives.
    response ack;
    ack.type = request_type::broadcast_ack;
    ack.request_id = "abc";
    ack.ack = sio::protocol::payload{};
    auto const bytes = encode_response(ack);
    BOOST_TEST(to_hex(bytes) == "82 a4 74 79 70 65 09 a9 72 65 71 75 65 73 74 49 64 a3 61 62 63");
    auto const back = ok(decode_response(bytes));
    BOOST_TEST((back.type == request_type::broadcast_ack));
    BOOST_TEST(back.ack.has_value());
    BOOST_TEST(back.ack->args.empty());
}

BOOST_AUTO_TEST_CASE(a_binary_ack_round_trips) {
    response ack;
    ack.type = request_type::broadcast_ack;
    ack.request_id = "abc";
    ack.ack.emplace();
    ack.ack->push(sio::protocol::binary{std::string(300, '\x07')});
    auto const bytes = encode_response(ack);
    BOOST_TEST(bytes.find("\xa6packet\xc5\x01\x2c") != std::string::npos); // bin 16, 300 B
    auto const back = ok(decode_response(bytes));
    BOOST_REQUIRE(back.ack.has_value());
    BOOST_TEST(back.ack->args.size() == 1u);
    BOOST_REQUIRE(back.ack->binary_at(0) != nullptr);
    BOOST_TEST(*back.ack->binary_at(0) == std::string(300, '\x07'));
}

BOOST_AUTO_TEST_CASE(json_requests) {
    request fetch;
    fetch.type = request_type::remote_fetch;
    fetch.uid = "e6vXHF";
    fetch.request_id = "c3HQKy";
    fetch.opts.rooms = {"room1"};
    BOOST_TEST(
        encode_request(fetch) ==
        R"({"uid":"e6vXHF","requestId":"c3HQKy","type":5,"opts":{"rooms":["room1"],"except":[]}})");

    request all;
    all.type = request_type::all_rooms;
    all.uid = "e6vXHF";
    all.request_id = "v5cAsG";
    BOOST_TEST(encode_request(all) == R"({"uid":"e6vXHF","requestId":"v5cAsG","type":1})");

    request join;
    join.type = request_type::remote_join;
    join.uid = "e6vXHF";
    join.opts.rooms = {"room1"};
    join.rooms = {"room9"};
    BOOST_TEST(
        encode_request(join) ==
        R"({"uid":"e6vXHF","type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["room9"]})");
    join.uid.reset(); // as the emitter sends it
    join.rooms = {"room7"};
    BOOST_TEST(encode_request(join) ==
               R"({"type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["room7"]})");

    request leave;
    leave.type = request_type::remote_leave;
    leave.uid = "e6vXHF";
    leave.opts.rooms = {"room9"};
    leave.rooms = {"room9"};
    BOOST_TEST(
        encode_request(leave) ==
        R"({"uid":"e6vXHF","type":3,"opts":{"rooms":["room9"],"except":[]},"rooms":["room9"]})");

    request sse;
    sse.type = request_type::server_side_emit;
    sse.uid = "e6vXHF";
    sse.data = json::array{"sse", "no-ack"};
    BOOST_TEST(encode_request(sse) == R"({"uid":"e6vXHF","type":6,"data":["sse","no-ack"]})");
    sse.request_id = "Ew2jWq";
    sse.data = json::array{"sse", "with-ack"};
    BOOST_TEST(encode_request(sse) ==
               R"({"uid":"e6vXHF","requestId":"Ew2jWq","type":6,"data":["sse","with-ack"]})");

    request disconnect;
    disconnect.type = request_type::remote_disconnect;
    disconnect.uid = "e6vXHF";
    disconnect.opts.rooms = {"2U2qUKldJLTtIEn_AAAC"};
    disconnect.close = true;
    BOOST_TEST(
        encode_request(disconnect) ==
        R"({"uid":"e6vXHF","type":4,"opts":{"rooms":["2U2qUKldJLTtIEn_AAAC"],"except":[]},"close":true})");
}

BOOST_AUTO_TEST_CASE(json_responses) {
    response sse;
    sse.type = request_type::server_side_emit;
    sse.request_id = "Ew2jWq";
    sse.data = json::object{{"from", 8322}, {"got", json::array{"with-ack"}}};
    BOOST_TEST(encode_response(sse) ==
               R"({"type":6,"requestId":"Ew2jWq","data":{"from":8322,"got":["with-ack"]}})");

    response rooms;
    rooms.request_id = "v5cAsG";
    rooms.rooms = {"_QG7i0qI324vozDxAAAB", "2U2qUKldJLTtIEn_AAAC", "room1", "room2"};
    BOOST_TEST(
        encode_response(rooms) ==
        R"({"requestId":"v5cAsG","rooms":["_QG7i0qI324vozDxAAAB","2U2qUKldJLTtIEn_AAAC","room1","room2"]})");

    // A type Node does not write for this answer is not written either.
    rooms.type = request_type::all_rooms;
    BOOST_TEST(encode_response(rooms).starts_with(R"({"requestId":)"));
}

BOOST_AUTO_TEST_CASE(fetch_sockets_response) {
    // classic: A: io.in("room1").fetchSockets(), server B's answer (614 B).
    auto const handshake =
        R"j({"headers":{"sec-websocket-version":"13","sec-websocket-key":"ifB7t5sLiVPMO2//)j"
        R"j(KyhJ+A==","connection":"Upgrade","upgrade":"websocket","sec-websocket-extensions")j"
        R"j(:"permessage-deflate; client_max_window_bits","host":"127.0.0.1:8322"},"time":"Sa)j"
        R"j(t Nov 28 2026 05:54:21 GMT+0000 (Coordinated Universal Time)","address":"127.0.0.)j"
        R"j(1","xdomain":false,"secure":false,"issued":1795845261068,"url":"/socket.io/?EIO=4&)j"
        R"j(transport=websocket","query":{"EIO":"4","transport":"websocket"},"auth":{}})j";
    auto const expected = std::string(R"j({"requestId":"c3HQKy","sockets":[{"id":"_QG7i0qI324vo)j"
                                      R"j(zDxAAAB","handshake":)j") +
                          handshake +
                          R"j(,"rooms":["_QG7i0qI324vozDxAAAB","room1","room2"],"data":{}}]})j";
    sio::adapter::socket_details s;
    s.id = "_QG7i0qI324vozDxAAAB";
    s.handshake = json::parse(handshake);
    s.rooms = {"_QG7i0qI324vozDxAAAB", "room1", "room2"};
    s.data = json::object{};
    response r;
    r.request_id = "c3HQKy";
    r.sockets.emplace().push_back(s);
    auto const bytes = encode_response(r);
    BOOST_TEST(bytes.size() == 614u);
    BOOST_TEST(bytes == expected);

    auto const back = ok(decode_response(bytes));
    BOOST_TEST(!back.type.has_value());
    BOOST_REQUIRE(back.sockets.has_value());
    BOOST_REQUIRE(back.sockets->size() == 1u);
    BOOST_TEST(back.sockets->front().id == s.id);
    BOOST_TEST(back.sockets->front().handshake == s.handshake);
    BOOST_TEST((back.sockets->front().rooms == s.rooms));
    BOOST_TEST(back.sockets->front().data == s.data);
    BOOST_TEST(!back.socket_ids.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cluster_wire_decode)

BOOST_AUTO_TEST_CASE(broadcast_fields) {
    // classic: A: socket.broadcast.emit("others", ...) for client a1
    auto const m =
        ok(decode_broadcast(from_hex("93 a6 65 36 76 58 48 46 83 a4 74 79 70 65 02 a4 64 61 74 "
                                     "61 92 a6 6f 74 68 65 72 73 b9 "
                                     "66 72 6f 6d 20 53 6e 6a 42 68 6b 6f 30 41 73 42 69 58 42 "
                                     "62 4e 41 41 41 41 a3 6e 73 70 "
                                     "a1 2f 83 a5 72 6f 6f 6d 73 90 a6 65 78 63 65 70 74 91 b4 "
                                     "53 6e 6a 42 68 6b 6f 30 41 73 "
                                     "42 69 58 42 62 4e 41 41 41 41 a5 66 6c 61 67 73 80")));
    BOOST_TEST(m.uid == "e6vXHF");
    BOOST_TEST(m.packet.nsp == "/");
    BOOST_TEST(*m.packet.data == json::parse(R"(["others","from SnjBhko0AsBiXBbNAAAA"])"));
    BOOST_TEST(m.packet.attachments.empty());
    BOOST_TEST(m.opts.rooms.empty());
    BOOST_TEST((m.opts.except == std::set<std::string>{"SnjBhko0AsBiXBbNAAAA"}));
    BOOST_TEST(!m.opts.is_volatile);
    BOOST_TEST((m.flags == broadcast_flags{}));
}

BOOST_AUTO_TEST_CASE(emitter_binary_and_volatile) {
    // classic: emitter: to("room1").emit("ev", Buffer [9,8])
    auto const bin = ok(decode_broadcast(
        from_hex("93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 c4 "
                 "02 09 08 a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 91 a5 72 6f 6f 6d 31 a5 66 6c "
                 "61 67 73 80 a6 65 78 63 65 70 74 90")));
    BOOST_TEST(bin.uid == "emitter");
    BOOST_TEST(*bin.packet.data == (json::array{"ev", make_placeholder(0)}));
    BOOST_TEST(bin.packet.attachments == std::vector<std::string>{std::string("\x09\x08")});
    BOOST_TEST((bin.opts.rooms == std::set<std::string>{"room1"}));

    // classic: emitter: to(["room1","room2"]).except("room3").volatile.emit("ev", 1)
    auto const vol = ok(decode_broadcast(
        from_hex("93 a7 65 6d 69 74 74 65 72 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76 01 "
                 "a3 6e 73 70 a1 2f 83 a5 72 6f 6f 6d 73 92 a5 72 6f 6f 6d 31 a5 72 6f 6f 6d 32 "
                 "a5 66 6c 61 67 73 81 a8 76 6f 6c 61 74 69 6c 65 c3 a6 65 78 63 65 70 74 91 a5 "
                 "72 6f 6f 6d 33")));
    BOOST_TEST(vol.opts.is_volatile);
    BOOST_TEST(!vol.flags.compress.has_value());
    BOOST_TEST((vol.opts.except == std::set<std::string>{"room3"}));
}

BOOST_AUTO_TEST_CASE(a_packet_without_nsp_is_for_the_main_namespace) {
    // ["u", {type:2, data:["ev"]}, {}]: Node receivers take a missing nsp as "/".
    auto const m = ok(
        decode_broadcast(from_hex("93 a1 75 82 a4 74 79 70 65 02 a4 64 61 74 61 91 a2 65 76 80")));
    BOOST_TEST(m.packet.nsp == "/");
    BOOST_TEST(m.opts.rooms.empty());
}

BOOST_AUTO_TEST_CASE(numeric_rooms_are_their_decimal_form) {
    // io.to(5) in JS: rooms [5], channel "socket.io#/#5#".
    auto const m = ok(decode_broadcast(from_hex("93 a1 75 83 a4 74 79 70 65 02 a4 64 61 74 61 "
                                                "91 a2 65 76 a3 6e 73 70 a1 2f 81 a5 72 6f "
                                                "6f 6d 73 91 05")));
    BOOST_TEST((m.opts.rooms == std::set<std::string>{"5"}));
    BOOST_TEST(broadcast_channel(default_prefix, "/", m.opts) == "socket.io#/#5#");
}

BOOST_AUTO_TEST_CASE(broadcast_request_with_binary) {
    request r;
    r.type = request_type::broadcast;
    r.uid = "me";
    r.request_id = "rid";
    r.packet.nsp = "/chat";
    r.packet.data = json::array{"ev", json::object{{"deep", json::array{make_placeholder(0)}}},
                                make_placeholder(1)};
    r.packet.attachments = {std::string(256, 'a'), std::string(70000, 'b')};
    r.opts.rooms = {"r1"};
    r.opts.except = {"r2"};
    r.opts.is_volatile = true;
    r.flags.timeout = 5000;
    auto const back = ok(decode_request(encode_request(r)));
    BOOST_TEST((back.type == request_type::broadcast));
    BOOST_TEST(*back.uid == "me");
    BOOST_TEST(*back.request_id == "rid");
    BOOST_TEST((back.packet == r.packet));
    BOOST_TEST((back.opts.rooms == r.opts.rooms));
    BOOST_TEST((back.opts.except == r.opts.except));
    BOOST_TEST(back.opts.is_volatile);
    BOOST_TEST(*back.flags.timeout == 5000u);
}

BOOST_AUTO_TEST_CASE(legacy_requests) {
    auto const join =
        ok(decode_request(R"({"uid":"old","requestId":"r1","type":2,"sid":"abc","room":"room1"})"));
    BOOST_TEST((join.type == request_type::remote_join));
    BOOST_TEST(*join.sid == "abc");
    BOOST_TEST(*join.room == "room1");
    BOOST_TEST(encode_request(join) ==
               R"({"uid":"old","requestId":"r1","type":2,"sid":"abc","room":"room1"})");

    auto const disconnect =
        ok(decode_request(R"({"requestId":"r2","type":4,"sid":"abc","close":true})"));
    BOOST_TEST(*disconnect.sid == "abc");
    BOOST_TEST(disconnect.close);

    auto const sockets =
        ok(decode_request(R"({"uid":"old","requestId":"r3","type":0,"rooms":["a"]})"));
    BOOST_TEST((sockets.type == request_type::sockets));
    BOOST_TEST(sockets.rooms == std::vector<std::string>{"a"});
    BOOST_TEST(encode_request(sockets) ==
               R"({"uid":"old","requestId":"r3","type":0,"rooms":["a"]})");

    response ids;
    ids.request_id = "r3";
    ids.socket_ids = {"s1", "s2"};
    BOOST_TEST(encode_response(ids) == R"({"requestId":"r3","sockets":["s1","s2"]})");
    auto const back = ok(decode_response(encode_response(ids)));
    BOOST_TEST(*back.socket_ids == *ids.socket_ids);
    BOOST_TEST(!back.sockets.has_value());

    auto const done = ok(decode_response(R"({"requestId":"r1"})"));
    BOOST_TEST(done.request_id == "r1");
    BOOST_TEST(!done.type.has_value());
}

BOOST_AUTO_TEST_CASE(an_empty_sockets_answer_fits_either_request) {
    auto const r = ok(decode_response(R"({"requestId":"x","sockets":[]})"));
    BOOST_TEST(r.sockets.has_value());
    BOOST_TEST(r.socket_ids.has_value());
}

BOOST_AUTO_TEST_CASE(server_side_emit_answer_of_undefined) {
    // JSON.stringify drops data: undefined.
    auto const r = ok(decode_response(R"({"type":6,"requestId":"x"})"));
    BOOST_TEST((r.type == request_type::server_side_emit));
    BOOST_TEST(!r.data.has_value());
    auto const null_answer = ok(decode_response(R"({"type":6,"requestId":"x","data":null})"));
    BOOST_TEST(null_answer.data.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cluster_wire_channels)

BOOST_AUTO_TEST_CASE(names) {
    BOOST_TEST(broadcast_pattern(default_prefix, "/") == "socket.io#/#*");
    BOOST_TEST(request_channel(default_prefix, "/chat") == "socket.io-request#/chat#");
    BOOST_TEST(response_channel(default_prefix, "/chat") == "socket.io-response#/chat#");
    BOOST_TEST(specific_response_channel(default_prefix, "/", "e6vXHF") ==
               "socket.io-response#/#e6vXHF#");
    BOOST_TEST(request_channel("app", "/") == "app-request#/#");
}

BOOST_AUTO_TEST_CASE(room_of_a_channel) {
    BOOST_TEST(*room_of_channel("socket.io#/#", default_prefix, "/") == "");
    BOOST_TEST(*room_of_channel("socket.io#/#room1#", default_prefix, "/") == "room1");
    BOOST_TEST(*room_of_channel("socket.io#/#a#b#", default_prefix, "/") == "a#b");
    BOOST_TEST(!room_of_channel("socket.io#/chat#", default_prefix, "/"));
    BOOST_TEST(!room_of_channel("socket.io#/#room1", default_prefix, "/"));
    BOOST_TEST(!room_of_channel("socket.io#/##", default_prefix, "/"));
    BOOST_TEST(!room_of_channel("socket.io-request#/#", default_prefix, "/"));
    BOOST_TEST(*room_of_channel("socket.io#/chat#x#", default_prefix, "/chat") == "x");
}

BOOST_AUTO_TEST_SUITE_END()
