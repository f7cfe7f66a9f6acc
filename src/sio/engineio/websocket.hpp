// RFC 6455 WebSocket, server side, as pure functions: the opening handshake, frame headers
// and an incremental frame reader. The transport in ws_transport.cpp does the I/O; owning the
// framing lets it gather every queued message into one write and hold no buffer while idle.
#pragma once

#include "sio/core/net.hpp"
#include "sio/engineio/message.hpp"
#include "sio/http/message.hpp"
#include "sio/http/status.hpp"

#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sio::engineio::ws {

enum class opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t no_status = 1005; ///< never sent: "the close frame had none"
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t too_big = 1009;
} // namespace close_code

// --- opening handshake ---------------------------------------------------------------------

/// The 101 response to send, and whether permessage-deflate was agreed.
struct accepted {
    std::string response;
    bool deflate = false;
    int deflate_window_bits = 15; ///< the window the server compresses with
};

/// Why an upgrade request is refused: the HTTP status and a message for the body and log.
struct refused {
    http::status status = http::status::bad_request;
    std::string_view message;
};

/// Checks an upgrade request (RFC 6455 §4.2.1) and builds the 101 response.
/// `offer_deflate`: accept a permessage-deflate offer (see deflate.hpp for the terms).
std::variant<accepted, refused> accept(http::request const& req, bool offer_deflate);

/// base64(SHA-1(key + the RFC's GUID)): the Sec-WebSocket-Accept value.
std::string accept_key(std::string_view client_key);

// --- writing -------------------------------------------------------------------------------

/// Largest server frame header: 2 bytes + 8 of extended length (server frames are unmasked).
inline constexpr std::size_t max_header_size = 10;

/// Writes the header of an unmasked, final frame into `out`; returns its size.
std::size_t write_header(char* out, opcode op, std::uint64_t payload_size, bool rsv1 = false);

/// A whole unmasked frame (for control frames and tests).
std::string make_frame(opcode op, std::string_view payload, bool rsv1 = false);

/// A close frame with `code` (and no reason text).
std::string make_close_frame(std::uint16_t code);

// --- reading -------------------------------------------------------------------------------

/// What the reader produced: a whole message, a control frame, or a protocol error.
struct event {
    enum class kind { text, binary, ping, pong, close, error };
    kind type = kind::error;
    std::string data;        ///< message or control payload (unmasked)
    bool compressed = false; ///< a message whose first frame had RSV1 (permessage-deflate)
    std::uint16_t code = 0;  ///< close: the peer's code (1005 if none); error: ours to send
    std::string_view reason; ///< error: why, for the log
};

/// Turns client bytes into events. Keeps only a partial frame between reads: nothing when
/// the connection is idle. Text is checked to be UTF-8 unless compressed (the inflated text
/// is checked by the caller).
class frame_reader {
public:
    /// `max_message`: larger messages are an error with code 1009.
    /// `allow_rsv1`: permessage-deflate was agreed.
    explicit frame_reader(std::uint64_t max_message, bool allow_rsv1 = false);

    /// Makes `bytes` the next input. They must stay valid until next() returns nullopt;
    /// what is left of them then is copied.
    void feed(std::string_view bytes);
    /// The next event, or nullopt when the input is used up. After an error event the
    /// reader yields nothing more.
    std::optional<event> next();

    /// Bytes held between reads (a partial frame or a fragmented message).
    std::size_t buffered() const { return rest_.size() + message_.size(); }

private:
    std::optional<event> fail(std::uint16_t code, std::string_view reason);

    std::uint64_t max_message_;
    std::string rest_;    ///< unparsed bytes kept from earlier input
    std::string_view in_; ///< the current input (either rest_ or the caller's bytes)
    std::string message_; ///< fragments of a message in progress
    // Small members together: one reader per connection.
    bool allow_rsv1_;
    bool failed_ = false;
    bool in_is_rest_ = false;
    bool in_message_ = false;
    opcode message_op_ = opcode::text;
    bool message_compressed_ = false;
};

/// Whether a peer's close code may be echoed (RFC 6455 §7.4).
bool valid_close_code(std::uint16_t code);

// --- batches -------------------------------------------------------------------------------

/// Frames `batch` (plus the ready-made `control` frames first) into `bufs` for one gather
/// write: headers and small payloads are copied into `arena`, large payloads are pointed at
/// where they are; with `deflate`, large payloads are compressed into `compressed`.
void frame_messages(std::string_view control, std::vector<message> const& batch, bool deflate,
                    int window_bits, std::string& arena, std::vector<std::string>& compressed,
                    std::vector<net::const_buffer>& bufs);

/// Whether `text` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view text);

} // namespace sio::engineio::ws
