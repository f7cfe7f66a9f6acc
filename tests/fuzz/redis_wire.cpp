// libFuzzer target: the Redis adapter's wire decoders (sio::cluster::decode_broadcast,
// decode_request, decode_response), which read whatever any client of the Redis server
// publishes on the cluster's channels.
//
// Input: one selector byte (its value mod 3: broadcast, request, response), then the message.
//
// Checks: no decoder throws or crashes; a decoded message encodes, and its encoding is a fixed
// point after one round (decode, encode again: the same bytes), so what this server relays is
// what it understood.
#include "sio/cluster/wire.hpp"

#include "fuzz_check.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace {

using namespace sio::cluster;

template <class Message, class Decode, class Encode>
void round_trip(std::string_view in, Decode decode, Encode encode) {
    auto first = decode(in);
    auto const* m = std::get_if<Message>(&first);
    if (!m)
        return;
    std::string once;
    try {
        once = encode(*m);
    } catch (std::exception const&) {
        return; // a message this server never sends (a client count, an ack): not written
    }
    auto second = decode(once);
    auto const* again = std::get_if<Message>(&second);
    FUZZ_CHECK(again != nullptr);
    FUZZ_CHECK(encode(*again) == once);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0)
        return 0;
    auto const in = sio::fuzz::as_chars(data + 1, size - 1);
    switch (data[0] % 3) {
    case 0:
        round_trip<broadcast_message>(
            in, [](std::string_view b) { return decode_broadcast(b); },
            [](broadcast_message const& m) {
                return encode_broadcast(m.uid, m.packet, m.opts, m.flags);
            });
        break;
    case 1:
        round_trip<request>(
            in, [](std::string_view b) { return decode_request(b); },
            [](request const& r) { return encode_request(r); });
        break;
    default:
        round_trip<response>(
            in, [](std::string_view b) { return decode_response(b); },
            [](response const& r) { return encode_response(r); });
    }
    return 0;
}
