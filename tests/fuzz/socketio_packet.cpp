// libFuzzer target: the Socket.IO packet decoder (sio::protocol::decoder).
//
// Input: the Engine.IO messages of one connection, separated by '\x1e'. A message that starts
// with '\xff' is a binary message (an attachment: the bytes after the '\xff'), any other a text
// message. They go through one decoder, as a connection's messages do.
//
// Checks: never a packet and an error at once; after an error or a packet nothing is pending;
// a packet is EVENT / ACK (never their BINARY_ forms), has a valid payload, at most the
// maximum of attachments and as many placeholders as attachments; it encodes to a wire form
// that decodes to the same packet (a number that is not finite, such as 1e400, written as
// null, as JSON.stringify does; an event named by one is then refused, as by Node), and that
// wire form is a fixed point.
//
// Known bug (tests/fuzz/crashes/README.md): Boost.JSON 1.81 reads some doubles it wrote one
// unit in the last place off (its parser is not correctly rounded; 1.83's
// parse_options::numbers = precise is). Until the server can use it, the round trip is not
// checked for packets holding such a number; SIO_FUZZ_KNOWN_BUGS=1 in the environment checks
// it too (to reproduce the bug or check a fix).
#include "sio/protocol/packet.hpp"

#include "fuzz_check.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace sio::protocol;

constexpr std::size_t max_attachments = 10; // the server's default

bool skip_known_bugs = true;

/// `v` as JSON.stringify writes it: a number that is not finite becomes null.
void null_non_finite(boost::json::value& v) {
    if (auto* a = v.if_array()) {
        for (auto& e : *a)
            null_non_finite(e);
    } else if (auto* o = v.if_object()) {
        for (auto& kv : *o)
            null_non_finite(kv.value());
    } else if (v.is_double() && !std::isfinite(v.get_double())) {
        v = nullptr;
    }
}

/// Whether `v` holds a finite double that does not read back as it is written (the known bug).
bool has_unstable_double(boost::json::value const& v) {
    if (auto const* a = v.if_array())
        return std::any_of(a->begin(), a->end(), has_unstable_double);
    if (auto const* o = v.if_object())
        return std::any_of(o->begin(), o->end(),
                           [](auto const& kv) { return has_unstable_double(kv.value()); });
    if (!v.is_double() || !std::isfinite(v.get_double()))
        return false;
    boost::json::error_code ec;
    auto const back = boost::json::parse(boost::json::serialize(v), ec);
    return ec || back != v;
}

void check_packet(packet const& p) {
    FUZZ_CHECK(p.type != packet_type::binary_event && p.type != packet_type::binary_ack);
    FUZZ_CHECK(is_payload_valid(p.type, p.data));
    FUZZ_CHECK(p.attachments.size() <= max_attachments);
    FUZZ_CHECK(!p.nsp.empty() && p.nsp.front() == '/');
    if (p.data) {
        auto const n = count_placeholders(*p.data);
        FUZZ_CHECK(n.has_value() && *n == p.attachments.size());
    } else {
        FUZZ_CHECK(p.attachments.empty());
    }

    if (skip_known_bugs && p.data && has_unstable_double(*p.data))
        return;
    // What was accepted writes back and reads the same, numbers that are not finite as null.
    auto expected = p;
    if (expected.data)
        null_non_finite(*expected.data);
    // Except an event named by such a number (2[1e400] is valid, as in Node): it is written
    // 2[null], not a valid event, which Node's decoder refuses too.
    bool const valid = is_payload_valid(expected.type, expected.data);
    auto const again = encode(p);
    FUZZ_CHECK(again.text == encode_text(p));
    FUZZ_CHECK(again.attachments == p.attachments);
    decoder d(max_attachments);
    auto r = d.on_text(again.text);
    for (auto const& attachment : again.attachments) {
        if (!valid && r.error)
            break;
        FUZZ_CHECK(!r.complete && !r.error && d.awaiting_attachments());
        r = d.on_binary(attachment);
    }
    if (!valid) {
        FUZZ_CHECK(r.error && !r.complete);
        return;
    }
    FUZZ_CHECK(r.complete.has_value() && !r.error);
    FUZZ_CHECK(*r.complete == expected);
    FUZZ_CHECK(encode_text(*r.complete) == again.text);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    auto const* known = std::getenv("SIO_FUZZ_KNOWN_BUGS");
    skip_known_bugs = known == nullptr || std::string_view(known) != "1";
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto in = sio::fuzz::as_chars(data, size);
    decoder d(max_attachments);
    for (;;) {
        auto const end = in.find('\x1e');
        auto const message = in.substr(0, end);
        auto const r = !message.empty() && message.front() == '\xff'
                           ? d.on_binary(std::string(message.substr(1)))
                           : d.on_text(message);
        FUZZ_CHECK(!(r.complete && r.error));
        if (r.error || r.complete)
            FUZZ_CHECK(!d.awaiting_attachments());
        if (r.complete)
            check_packet(*r.complete);
        if (end == std::string_view::npos)
            break;
        in.remove_prefix(end + 1);
    }
    return 0;
}
