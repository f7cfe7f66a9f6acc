// Whatever arrives on the channels (another program may publish there) gives a decoded message
// or a reason, never an exception or a crash: truncations, wrong types, deep nesting, lengths
// that claim more than there is.
#include "sio/cluster/msgpack.hpp"
#include "sio/cluster/wire.hpp"

#include "cluster/captures.hpp"
#include "cluster/hex.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <variant>

namespace json = boost::json;
using namespace sio::cluster;
using sio::cluster::test::captures;
using sio::cluster::test::from_hex;

namespace {

enum class channel_kind { broadcast, request, response };

channel_kind kind_of(std::string_view channel) {
    if (channel.starts_with("socket.io-request#"))
        return channel_kind::request;
    if (channel.starts_with("socket.io-response#"))
        return channel_kind::response;
    return channel_kind::broadcast;
}

/// The error decoding gives, or "" when it decoded; fails the test if it threw.
std::string error_of(channel_kind kind, std::string_view bytes) {
    try {
        switch (kind) {
        case channel_kind::broadcast: {
            auto r = decode_broadcast(bytes);
            auto const* e = std::get_if<std::string>(&r);
            return e == nullptr ? std::string() : *e;
        }
        case channel_kind::request: {
            auto r = decode_request(bytes);
            auto const* e = std::get_if<std::string>(&r);
            return e == nullptr ? std::string() : *e;
        }
        case channel_kind::response: {
            auto r = decode_response(bytes);
            auto const* e = std::get_if<std::string>(&r);
            return e == nullptr ? std::string() : *e;
        }
        }
    } catch (std::exception const& e) {
        BOOST_ERROR("decoding threw: " << e.what());
    }
    return {};
}

std::string capture_bytes(sio::cluster::test::capture const& c) {
    return c.hex.empty() ? std::string(c.text) : from_hex(c.hex);
}

/// The msgpack Node would write for this JSON.
std::string msgpack_of(std::string_view json_text) {
    mp::writer w;
    w.value(json::parse(json_text));
    return w.take();
}

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_hostile)

BOOST_AUTO_TEST_CASE(every_capture_truncated_at_every_byte_is_refused) {
    std::size_t tried = 0;
    for (auto const& c : captures) {
        auto const bytes = capture_bytes(c);
        auto const kind = kind_of(c.channel);
        BOOST_TEST_CONTEXT(c.step) {
            BOOST_TEST(error_of(kind, bytes).empty());
            for (std::size_t n = 0; n < bytes.size(); ++n) {
                BOOST_TEST_CONTEXT("first " << n << " bytes") {
                    BOOST_TEST(!error_of(kind, std::string_view(bytes).substr(0, n)).empty());
                }
                ++tried;
            }
            // And with a byte too many.
            BOOST_TEST(!error_of(kind, bytes + '\0').empty());
        }
    }
    BOOST_TEST(tried > 5000u);
}

BOOST_AUTO_TEST_CASE(every_capture_with_a_byte_changed_decodes_or_is_refused) {
    // No assertion on which: only that nothing throws or crashes (sanitizer builds watch).
    for (auto const& c : captures) {
        auto const bytes = capture_bytes(c);
        auto const kind = kind_of(c.channel);
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            auto const original = static_cast<unsigned char>(bytes[i]);
            for (unsigned const b : {0x00u, 0xffu, 0xc1u, 0xc6u, 0xddu, 0xdfu, original ^ 1u,
                                     original + 1u, original - 1u}) {
                auto mutated = bytes;
                mutated[i] = static_cast<char>(b & 0xff);
                (void)error_of(kind, mutated);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(random_bytes) {
    std::mt19937 rng(20261128);
    for (int i = 0; i < 20000; ++i) {
        std::string bytes(rng() % 64, '\0');
        for (auto& b : bytes)
            b = static_cast<char>(rng() & 0xff);
        if (i % 3 == 0 && !bytes.empty())
            bytes[0] = static_cast<char>(0x93); // an array of 3, as a broadcast starts
        for (auto const kind :
             {channel_kind::broadcast, channel_kind::request, channel_kind::response})
            (void)error_of(kind, bytes);
    }
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused) {
    auto const arrays = std::string(1000, '\x91') + '\xc0';
    std::string maps;
    for (int i = 0; i < 1000; ++i)
        maps += "\x81\xa1k";
    maps += '\xc0';
    BOOST_TEST(std::holds_alternative<std::string>(mp::read(arrays)));
    BOOST_TEST(std::holds_alternative<std::string>(mp::read(maps)));
    BOOST_TEST(!error_of(channel_kind::broadcast, arrays).empty());
    BOOST_TEST(!error_of(channel_kind::request, maps).empty());
    // As a broadcast's event argument.
    auto const deep_arg = "\x93\xa1u\x82\xa4type\x02\xa4"
                          "data\x92\xa2"
                          "ev" +
                          arrays;
    BOOST_TEST(error_of(channel_kind::broadcast, deep_arg + "\x80") ==
               "msgpack nested deeper than 64");
    // JSON requests and responses too.
    auto const deep_json =
        R"({"type":6,"data":["ev",)" + std::string(1000, '[') + std::string(1000, ']') + "]}";
    BOOST_TEST(!error_of(channel_kind::request, deep_json).empty());
    BOOST_TEST(!error_of(channel_kind::response, R"({"requestId":"x","data":)" +
                                                     std::string(1000, '[') +
                                                     std::string(1000, ']') + "}")
                    .empty());

    // Up to the limit is fine: 64 containers.
    auto const at_limit = std::string(63, '\x91') + '\x90';
    BOOST_TEST(std::holds_alternative<mp::decoded>(mp::read(at_limit)));
    BOOST_TEST(std::holds_alternative<std::string>(mp::read('\x91' + at_limit)));
}

BOOST_AUTO_TEST_CASE(lengths_beyond_the_message_are_refused_at_once) {
    auto const started = std::chrono::steady_clock::now();
    for (auto const* hex :
         {"dd ff ff ff ff", "dd ff ff ff ff 01 02", "df ff ff ff ff a1 61 01", "db ff ff ff ff 61",
          "c6 ff ff ff ff 00", "c9 ff ff ff ff 05", "c9 ff ff ff fe 05 00", "dc ff ff", "de ff ff",
          "da ff ff", "c5 ff ff", "c8 ff ff 01"}) {
        BOOST_TEST_CONTEXT(hex) {
            BOOST_TEST(!error_of(channel_kind::broadcast, from_hex(hex)).empty());
            BOOST_TEST(!error_of(channel_kind::request, from_hex(hex)).empty());
            // Inside a broadcast's data.
            auto const inside =
                from_hex("93 a1 75 82 a4 74 79 70 65 02 a4 64 61 74 61 92 a2 65 76") +
                from_hex(hex);
            BOOST_TEST(!error_of(channel_kind::broadcast, inside).empty());
        }
    }
    auto const took = std::chrono::steady_clock::now() - started;
    BOOST_TEST((took < std::chrono::seconds(2)));
}

BOOST_AUTO_TEST_CASE(broadcasts_of_the_wrong_shape) {
    auto const good =
        R"(["u",{"type":2,"data":["ev",1],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}])";
    BOOST_TEST(error_of(channel_kind::broadcast, msgpack_of(good)).empty());
    for (auto const* text : {
             R"("not an array")",
             R"([])",
             R"(["u",{"type":2,"data":["ev"]}])",
             R"([1,{"type":2,"data":["ev"]},{}])",
             R"(["u","packet",{}])",
             R"(["u",{"data":["ev"]},{}])",
             R"(["u",{"type":"2","data":["ev"]},{}])",
             R"(["u",{"type":3,"data":["ev"]},{}])",
             R"(["u",{"type":0,"data":["ev"]},{}])",
             R"(["u",{"type":2,"data":["ev"],"nsp":5},{}])",
             R"(["u",{"type":2},{}])",
             R"(["u",{"type":2,"data":"ev"},{}])",
             R"(["u",{"type":2,"data":[]},{}])",
             R"(["u",{"type":2,"data":[true]},{}])",
             R"(["u",{"type":2,"data":["connect"]},{}])",
             R"(["u",{"type":2,"data":["ev"]},"opts"])",
             R"(["u",{"type":2,"data":["ev"]},{"rooms":"room1"}])",
             R"(["u",{"type":2,"data":["ev"]},{"rooms":[true]}])",
             R"(["u",{"type":2,"data":["ev"]},{"except":[1.5]}])",
             R"(["u",{"type":2,"data":["ev"]},{"flags":[]}])",
             R"(["u",{"type":2,"data":["ev"]},{"flags":{"volatile":"yes"}}])",
             R"(["u",{"type":2,"data":["ev"]},{"flags":{"compress":1}}])",
             R"(["u",{"type":2,"data":["ev"]},{"flags":{"timeout":-1}}])",
             R"(["u",{"type":2,"data":["ev"]},{"flags":{"timeout":"1"}}])",
         }) {
        BOOST_TEST_CONTEXT(text) {
            BOOST_TEST(!error_of(channel_kind::broadcast, msgpack_of(text)).empty());
        }
    }
    // JSON is not read on broadcast channels (Node has no fallback there).
    BOOST_TEST(!error_of(channel_kind::broadcast, good).empty());
}

BOOST_AUTO_TEST_CASE(binary_outside_the_packet_data_is_refused) {
    // ["u", {type:2, data:["ev"]}, {flags:{x: <bin>}}]
    mp::writer w;
    w.array_header(3);
    w.str("u");
    w.value(json::parse(R"({"type":2,"data":["ev"]})"));
    w.map_header(1);
    w.str("flags");
    w.map_header(1);
    w.str("x");
    w.bin("\x01");
    BOOST_TEST(error_of(channel_kind::broadcast, w.bytes()) == "binary outside the packet's data");

    // A placeholder-shaped object next to real binary: which num is whose is unclear.
    mp::writer clash;
    clash.array_header(3);
    clash.str("u");
    clash.map_header(2);
    clash.str("type");
    clash.integer(2);
    clash.str("data");
    clash.array_header(3);
    clash.str("ev");
    clash.bin("\x01");
    clash.value(sio::protocol::make_placeholder(0));
    clash.map_header(0);
    BOOST_TEST(!error_of(channel_kind::broadcast, clash.bytes()).empty());

    // In a request other than BROADCAST (msgpack, so binary can be there at all).
    mp::writer sse;
    sse.map_header(2);
    sse.str("type");
    sse.integer(6);
    sse.str("data");
    sse.array_header(2);
    sse.str("ev");
    sse.bin("\x01");
    BOOST_TEST(error_of(channel_kind::request, sse.bytes()) ==
               "binary in a request other than BROADCAST");

    mp::writer count;
    count.map_header(3);
    count.str("type");
    count.integer(8);
    count.str("requestId");
    count.bin("x");
    count.str("clientCount");
    count.integer(1);
    BOOST_TEST(!error_of(channel_kind::response, count.bytes()).empty());
}

BOOST_AUTO_TEST_CASE(requests_of_the_wrong_shape) {
    for (auto const* text : {
             R"({)",
             R"({"type":1,"requestId":"x"}x)",
             R"({})",
             R"([1])",
             R"({"type":8,"requestId":"x"})",
             R"({"type":9,"requestId":"x"})",
             R"({"type":10,"requestId":"x"})",
             R"({"type":-1,"requestId":"x"})",
             R"({"type":"1","requestId":"x"})",
             R"({"type":1.5,"requestId":"x"})",
             R"({"type":1})",
             R"({"type":1,"requestId":5})",
             R"({"type":1,"requestId":"x","uid":5})",
             R"({"type":0})",
             R"({"type":0,"requestId":"x","rooms":"a"})",
             R"({"type":5,"requestId":"x"})",
             R"({"type":5,"requestId":"x","opts":[]})",
             R"({"type":5,"requestId":"x","opts":{"rooms":[{}]}})",
             R"({"type":2,"opts":{"rooms":[]}})",
             R"({"type":2,"opts":{"rooms":[]},"rooms":"r"})",
             R"({"type":2})",
             R"({"type":2,"sid":"s"})",
             R"({"type":3,"sid":5,"room":"r"})",
             R"({"type":4,"opts":{},"close":"yes"})",
             R"({"type":6})",
             R"({"type":6,"data":"ev"})",
             R"({"type":6,"data":[]})",
             R"({"type":7,"requestId":"x","opts":{}})",
             R"({"type":7,"requestId":"x","packet":{"type":2,"data":["ev"]}})",
             R"({"type":7,"requestId":"x","opts":{},"packet":{"type":2,"data":"ev"}})",
             "{\"type\":6,\"data\":[\"\xff\"]}",
         }) {
        BOOST_TEST_CONTEXT(text) {
            BOOST_TEST(!error_of(channel_kind::request, text).empty());
        }
    }
    // What is left out is taken as Node takes it.
    BOOST_TEST(error_of(channel_kind::request, R"({"type":4,"opts":{}})").empty());
    BOOST_TEST(error_of(channel_kind::request, R"({"type":1,"requestId":"x"} )").empty());
    BOOST_TEST(error_of(channel_kind::request, R"({"type":0,"requestId":"x"})").empty());
    BOOST_TEST(error_of(channel_kind::request, R"({"type":5,"requestId":"x","opts":{}})").empty());
    // The same in msgpack.
    BOOST_TEST(
        error_of(channel_kind::request, msgpack_of(R"({"type":1,"requestId":"x"})")).empty());
    BOOST_TEST(!error_of(channel_kind::request, msgpack_of(R"({"type":1})")).empty());
    BOOST_TEST(!error_of(channel_kind::request, msgpack_of(R"([1])")).empty());
}

BOOST_AUTO_TEST_CASE(responses_of_the_wrong_shape) {
    for (auto const* text : {
             R"({)",
             R"({})",
             R"({"requestId":5})",
             R"({"requestId":"x","type":10})",
             R"({"requestId":"x","type":"8"})",
             R"({"requestId":"x","type":8})",
             R"({"requestId":"x","type":8,"clientCount":-1})",
             R"({"requestId":"x","type":8,"clientCount":"2"})",
             R"({"requestId":"x","rooms":"r"})",
             R"({"requestId":"x","rooms":[null]})",
             R"({"requestId":"x","sockets":{}})",
             R"({"requestId":"x","sockets":[1]})",
             R"({"requestId":"x","sockets":["a",{}]})",
             R"({"requestId":"x","sockets":[{"id":5}]})",
             R"({"requestId":"x","sockets":[{"rooms":[]}]})",
             R"({"requestId":"x","sockets":[{"id":"a","rooms":"r"}]})",
             R"({"requestId":"x","sockets":[{"id":"a"},"b"]})",
         }) {
        BOOST_TEST_CONTEXT(text) {
            BOOST_TEST(!error_of(channel_kind::response, text).empty());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
