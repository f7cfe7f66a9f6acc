// Helpers shared by the Socket.IO packet tests (packet_*_test.cpp).
#pragma once

#include "sio/protocol/packet.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sio::test::socketio_packet {

using namespace sio::protocol;
namespace json = boost::json;

// Socket.IO texts below are Engine.IO message data: the WebSocket frame `42["foo"]` carries
// the Socket.IO text `2["foo"]`.

inline std::string const ph0 = R"({"_placeholder":true,"num":0})";
inline std::string const ph1 = R"({"_placeholder":true,"num":1})";

/// Attachment i of a test packet: i + 1 bytes, all equal to i + 1.
inline std::string attachment(std::size_t i) {
    return std::string(i + 1, static_cast<char>(i + 1));
}

inline std::vector<std::string> attachments(std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(attachment(i));
    return out;
}

/// "complete", "pending" or "error: <to_string(error)>".
inline std::string outcome(decoder::result const& r) {
    if (r.error)
        return "error: " + std::string(to_string(*r.error));
    return r.complete ? "complete" : "pending";
}

inline std::string error_outcome(decode_error e) {
    return "error: " + std::string(to_string(e));
}

/// Decodes text and then n binary messages; the packet when all went through.
inline std::optional<packet> decode_all(std::string_view text, std::size_t n) {
    decoder d;
    auto r = d.on_text(text);
    for (std::size_t i = 0; i < n; ++i) {
        if (outcome(r) != "pending")
            return std::nullopt;
        r = d.on_binary(attachment(i));
    }
    BOOST_TEST(!d.awaiting_attachments());
    return r.complete;
}

inline json::value js(std::string_view text) {
    return json::parse(text);
}

inline packet make(packet_type type, std::string nsp, std::optional<std::uint64_t> id,
                   std::optional<std::string_view> data, std::size_t n_attachments = 0) {
    packet p;
    p.type = type;
    p.nsp = std::move(nsp);
    p.id = id;
    if (data)
        p.data = js(*data);
    p.attachments = attachments(n_attachments);
    return p;
}

} // namespace sio::test::socketio_packet
