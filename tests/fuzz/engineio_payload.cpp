// libFuzzer target: Engine.IO packets and polling payloads (sio::engineio::decode_text,
// decode_payload).
//
// Input: a polling payload (a POST body); the same bytes are also decoded as one text packet
// (a WebSocket text frame).
//
// Checks: a text packet is the type digit and the data, and encodes back to the input; a
// payload has one packet per record; text records encode back byte for byte, binary ones
// ('b' + base64) to the same bytes; re-encoding the packets and decoding again gives them back.
#include "sio/engineio/packet.hpp"

#include "fuzz_check.hpp"

#include <algorithm>
#include <string>
#include <string_view>

using namespace sio::engineio;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const in = sio::fuzz::as_chars(data, size);

    if (auto const p = decode_text(in)) {
        FUZZ_CHECK(!p->binary);
        FUZZ_CHECK(p->type <= packet_type::noop);
        FUZZ_CHECK(encode_text(p->type, p->data) == in);
    } else {
        FUZZ_CHECK(in.empty() || in.front() < '0' || in.front() > '6');
    }

    auto const packets = decode_payload(in);
    if (!packets)
        return 0;
    auto const records =
        static_cast<std::size_t>(std::count(in.begin(), in.end(), record_separator)) + 1;
    FUZZ_CHECK(packets->size() == records);

    std::string again;
    bool any_binary = false;
    for (auto const& p : *packets) {
        FUZZ_CHECK(p.type <= packet_type::noop);
        FUZZ_CHECK(!p.binary || p.type == packet_type::message);
        any_binary = any_binary || p.binary;
        auto const text = p.binary ? p.data : encode_text(p.type, p.data);
        append_payload(again, {text, p.binary});
    }
    // Text records are kept as they are; base64 may be written differently (padding).
    if (!any_binary)
        FUZZ_CHECK(again == in);
    auto const back = decode_payload(again);
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(*back == *packets);
    return 0;
}
