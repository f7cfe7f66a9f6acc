// Mutated Socket.IO packets through the decoder (common/mutator.hpp): no crash, no error
// with a packet, and what it accepts encodes back to the same packet.
#include "sio/protocol/packet.hpp"

#include "common/mutator.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio;
using sio::test::mutator;

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(socketio_decoder_on_mutated_packets) {
    std::vector<std::string> const corpus{
        R"(0{"token":"123"})",
        "0/admin,",
        R"(2["hello",1,{"a":[true,null]}])",
        R"(2/chat,12["msg","x"])",
        R"(3/chat,12["ok"])",
        R"(51-["m",{"_placeholder":true,"num":0}])",
        R"(62-/x,4[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
        "1/admin,",
        R"(4{"message":"no"})",
    };
    mutator m(20261130);
    std::size_t decoded = 0;
    for (int i = 0; i < 20000; ++i) {
        auto const text = m.mutant(corpus);
        protocol::decoder d(10);
        auto r = d.on_text(text);
        // Attachments for a binary packet: a few, maybe fewer than announced.
        for (int a = 0; d.awaiting_attachments() && a < 3 && !r.error; ++a)
            r = d.on_binary(m.bytes(m.below(5)));
        BOOST_TEST_REQUIRE(!(r.complete && r.error), text);
        if (!r.complete)
            continue;
        ++decoded;
        auto const& p = *r.complete;
        BOOST_TEST_REQUIRE(protocol::is_payload_valid(p.type, p.data), text);
        BOOST_TEST_REQUIRE(p.attachments.size() <= 10u, text);
        // What we accept we can write back, and it reads the same.
        auto const again = protocol::encode(p);
        protocol::decoder d2(10);
        auto r2 = d2.on_text(again.text);
        for (auto const& att : again.attachments)
            r2 = d2.on_binary(att);
        BOOST_TEST_REQUIRE(r2.complete.has_value(), text << " -> " << again.text);
        BOOST_TEST_REQUIRE((*r2.complete == p), text << " -> " << again.text);
    }
    BOOST_TEST(decoded > 1000u); // the mutations still reach the decoder's deeper paths
}

BOOST_AUTO_TEST_SUITE_END()
