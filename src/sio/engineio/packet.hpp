// Engine.IO v4 packets and polling payloads: pure encode/decode, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sio::engineio {

enum class packet_type : std::uint8_t {
    open = 0,
    close = 1,
    ping = 2,
    pong = 3,
    message = 4,
    upgrade = 5,
    noop = 6,
};

/// One packet. A binary packet is always a message; its data is the raw bytes.
struct packet {
    packet_type type = packet_type::message;
    std::string data;
    bool binary = false;

    friend bool operator==(packet const&, packet const&) = default;
};

/// The text form of a non-binary packet: the type digit, then the data ("4hello", "2probe").
std::string encode_text(packet_type type, std::string_view data = {});

/// Decodes one text packet (a WebSocket text frame, or one record of a polling payload
/// that does not start with 'b'); nullopt for an empty string or an unknown type digit.
std::optional<packet> decode_text(std::string_view text);

/// A packet as it waits in a session's queue: text packets already encoded with their
/// type digit, binary ones as raw bytes.
struct encoded {
    std::string_view bytes;
    bool binary = false;
};

/// The polling payload: records joined by '\x1e'; binary records as 'b' + base64.
void append_payload(std::string& out, encoded const& item);

/// Decodes a polling payload (a POST body); nullopt when any record is invalid.
std::optional<std::vector<packet>> decode_payload(std::string_view payload);

inline constexpr char record_separator = '\x1e';

} // namespace sio::engineio
