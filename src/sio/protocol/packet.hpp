// Socket.IO v5 packets: pure encode/decode and payload validation, no I/O.
//
// Wire form (each text packet is the data of one Engine.IO message, each attachment a
// separate Engine.IO binary message right after it):
//   <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
// Decoding follows socket.io-parser 4.2.7 (see docs/protocol-requirements.md, 2.2).
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sio::protocol {

enum class packet_type : std::uint8_t {
    connect = 0,
    disconnect = 1,
    event = 2,
    ack = 3,
    connect_error = 4,
    binary_event = 5,
    binary_ack = 6,
};

/// One Socket.IO packet. Binary values inside `data` are placeholder objects
/// {"_placeholder":true,"num":i} that refer to attachments[i]; re-encoding data+attachments
/// reproduces the same bytes. The decoder hands out EVENT / ACK (never BINARY_EVENT /
/// BINARY_ACK, as socket.io-parser does): whether a packet is binary is whether it has
/// attachments.
struct packet {
    packet_type type = packet_type::event;
    std::string nsp = "/";
    std::optional<std::uint64_t> id;        // ack id
    std::optional<boost::json::value> data; // absent for CONNECT without payload, DISCONNECT
    std::vector<std::string> attachments;   // binary buffers, in num order

    friend bool operator==(packet const&, packet const&) = default;
};

/// The wire form: the text packet and the binary attachments that follow it.
struct encoded_packet {
    std::string text;
    std::vector<std::string> attachments;

    friend bool operator==(encoded_packet const&, encoded_packet const&) = default;
};

/// Encodes a packet. EVENT / ACK with attachments are written as BINARY_EVENT / BINARY_ACK
/// ("<type><n>-"), BINARY_EVENT / BINARY_ACK without attachments as EVENT / ACK. The
/// namespace is written only when it is not "/" (then followed by ','), then the ack id, then
/// the payload as compact JSON (key order preserved). Attachments belong to EVENT / ACK only;
/// other types are written without them.
encoded_packet encode(packet const& p);

/// The text part of encode(p), without copying the attachments (send p.attachments after it).
std::string encode_text(packet const& p);

/// `v` as compact JSON, as JavaScript's JSON.stringify writes it: a number that is not finite
/// (a client's 1e400 reads as infinity; an application may compute a NaN) is written `null`,
/// where boost::json::serialize would write `Infinity`, `-Infinity` or `NaN`, which are not
/// JSON. encode and encode_text write their payload with it.
std::string to_json(boost::json::value const& v);

/// {"_placeholder":true,"num":num}, keys in that order.
boost::json::value make_placeholder(std::size_t num);

/// True for an object whose "_placeholder" is true and whose "num" is a non-negative integer.
bool is_placeholder(boost::json::value const& v);

/// The number n of placeholders anywhere in v (recursively; a placeholder is not searched
/// further), or nullopt unless their nums are exactly 0..n-1, each once, in any order. An
/// object with "_placeholder":true but no valid "num" also gives nullopt.
std::optional<std::size_t> count_placeholders(boost::json::value const& v);

/// connect, connect_error, disconnect, disconnecting, newListener, removeListener: names an
/// incoming EVENT must not carry and the server must refuse to emit.
bool is_reserved_event(std::string_view name);

/// Payload rules of socket.io-parser (isPayloadValid), absent payloads included:
/// CONNECT absent or object; DISCONNECT absent; CONNECT_ERROR object or string;
/// EVENT / BINARY_EVENT non-empty array starting with a number or a non-reserved string;
/// ACK / BINARY_ACK array.
bool is_payload_valid(packet_type type, std::optional<boost::json::value> const& data);

enum class decode_error : std::uint8_t {
    empty,                // empty text message
    unknown_type,         // first char not '0'..'6'
    bad_attachment_count, // BINARY_*: no "<digits>-", or a count of 0
    too_many_attachments, // count above the decoder's maximum
    bad_ack_id,           // ack id does not fit in 64 bits
    bad_json,             // the rest of the text is not one JSON value (or nests > 32 deep)
    invalid_payload,      // see is_payload_valid
    bad_placeholders,     // placeholders do not match the announced attachment count
    unexpected_text,      // a text message while attachments are still expected
    unexpected_binary,    // a binary message while no packet awaits attachments
};

std::string_view to_string(decode_error e);

/// Stateful because attachments arrive as separate binary messages. After an error the
/// decoder is reset (the caller is expected to close the connection).
class decoder {
public:
    explicit decoder(std::size_t max_attachments = 10);

    /// At most one of the two is set; neither when a packet awaits its attachments.
    struct result {
        std::optional<packet> complete;
        std::optional<decode_error> error;
    };

    /// A text message: a complete packet, nothing yet (a binary packet now waits for its
    /// attachments), or an error.
    result on_text(std::string_view text);

    /// A binary message: the packet once its last attachment arrives, nothing before, an
    /// error if no packet awaits attachments.
    result on_binary(std::string bytes);

    bool awaiting_attachments() const { return pending_ != nullptr; }

private:
    std::size_t max_attachments_;
    /// A binary packet waiting for its attachments; on the heap, as one decoder is kept per
    /// connection and most never see a binary packet (~110 bytes less per idle one).
    std::unique_ptr<packet> pending_;
    std::size_t expected_ = 0;
};

} // namespace sio::protocol
