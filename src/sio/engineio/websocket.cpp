#include "sio/engineio/websocket.hpp"

#include "sio/core/base64.hpp"
#include "sio/engineio/deflate.hpp"
#include "sio/http/tokens.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

// SHA-1's own functions rather than EVP: EVP's first digest loads OpenSSL's default provider,
// about 2.3 MiB of RSS for a 20-byte hash per handshake (measured; these cost 0.25 MiB).
// OpenSSL 3 marks them deprecated for FIPS builds; they stay in its public API.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace sio::engineio::ws {

namespace bhttp = boost::beast::http;

std::string accept_key(std::string_view client_key) {
    static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
    SHA_CTX ctx;
    SHA1_Init(&ctx);
    SHA1_Update(&ctx, client_key.data(), client_key.size());
    SHA1_Update(&ctx, guid.data(), guid.size());
    SHA1_Final(digest.data(), &ctx);
    return base64::encode({reinterpret_cast<char const*>(digest.data()), digest.size()});
}

std::variant<accepted, refused> accept(http::request const& req, bool offer_deflate) {
    if (req.method() != bhttp::verb::get)
        return refused{http::status::bad_request, "WebSocket upgrade must be a GET"};
    if (req.version() < 11)
        return refused{http::status::bad_request, "WebSocket upgrade needs HTTP/1.1"};
    if (!http::has_token(req[bhttp::field::connection], "upgrade") ||
        !http::has_token(req[bhttp::field::upgrade], "websocket"))
        return refused{http::status::bad_request,
                       "Missing Connection: Upgrade or Upgrade: websocket"};
    if (req[bhttp::field::sec_websocket_version] != "13")
        return refused{http::status::bad_request,
                       "Missing or invalid Sec-WebSocket-Version header"};
    auto const key = req[bhttp::field::sec_websocket_key];
    auto const decoded = base64::decode(key);
    if (!decoded || decoded->size() != 16)
        return refused{http::status::bad_request, "Missing or invalid Sec-WebSocket-Key header"};

    accepted a;
    a.response = "HTTP/1.1 101 Switching Protocols\r\n"
                 "Upgrade: websocket\r\n"
                 "Connection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: ";
    a.response += accept_key(key);
    a.response += "\r\n";
    if (offer_deflate) {
        if (auto agreed = deflate::negotiate(req[bhttp::field::sec_websocket_extensions])) {
            a.deflate = true;
            a.deflate_window_bits = agreed->server_window_bits;
            a.response += "Sec-WebSocket-Extensions: ";
            a.response += agreed->terms;
            a.response += "\r\n";
        }
    }
    a.response += "\r\n";
    return a;
}

// --- writing -------------------------------------------------------------------------------

std::size_t write_header(char* out, opcode op, std::uint64_t payload_size, bool rsv1) {
    out[0] = static_cast<char>(0x80 | (rsv1 ? 0x40 : 0) | static_cast<std::uint8_t>(op));
    if (payload_size < 126) {
        out[1] = static_cast<char>(payload_size);
        return 2;
    }
    if (payload_size <= 0xFFFF) {
        out[1] = 126;
        out[2] = static_cast<char>(payload_size >> 8);
        out[3] = static_cast<char>(payload_size & 0xFF);
        return 4;
    }
    out[1] = 127;
    for (int i = 0; i < 8; ++i)
        out[2 + i] = static_cast<char>((payload_size >> (8 * (7 - i))) & 0xFF);
    return 10;
}

std::string make_frame(opcode op, std::string_view payload, bool rsv1) {
    std::string frame(max_header_size, '\0');
    frame.resize(write_header(frame.data(), op, payload.size(), rsv1));
    frame.append(payload);
    return frame;
}

std::string make_close_frame(std::uint16_t code) {
    std::array<char, 2> const body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    return make_frame(opcode::close, {body.data(), body.size()});
}

// --- reading -------------------------------------------------------------------------------

frame_reader::frame_reader(std::uint64_t max_message, bool allow_rsv1)
    : max_message_(max_message)
    , allow_rsv1_(allow_rsv1) {}

void frame_reader::feed(std::string_view bytes) {
    if (rest_.empty()) {
        in_ = bytes;
        in_is_rest_ = false;
    } else {
        rest_.append(bytes);
        in_ = rest_;
        in_is_rest_ = true;
    }
}

std::optional<event> frame_reader::fail(std::uint16_t code, std::string_view reason) {
    failed_ = true;
    rest_.clear();
    message_.clear();
    in_ = {};
    event e;
    e.type = event::kind::error;
    e.code = code;
    e.reason = reason;
    return e;
}

namespace {

void unmask_into(std::string& out, std::string_view masked, std::array<unsigned char, 4> key) {
    auto const start = out.size();
    out.resize(start + masked.size());
    char* dst = out.data() + start;
    for (std::size_t i = 0; i < masked.size(); ++i)
        dst[i] = static_cast<char>(static_cast<unsigned char>(masked[i]) ^ key[i & 3]);
}

} // namespace

std::optional<event> frame_reader::next() {
    using kind = event::kind;
    while (!failed_) {
        // Header: 2 bytes, extended length, then the 4-byte mask every client frame has.
        auto const avail = in_.size();
        if (avail < 2)
            break;
        auto const b0 = static_cast<unsigned char>(in_[0]);
        auto const b1 = static_cast<unsigned char>(in_[1]);
        bool const fin = (b0 & 0x80) != 0;
        bool const rsv1 = (b0 & 0x40) != 0;
        auto const op = static_cast<opcode>(b0 & 0x0F);
        bool const control = (b0 & 0x08) != 0;

        if ((b0 & 0x30) != 0 || (rsv1 && (!allow_rsv1_ || control)))
            return fail(close_code::protocol_error, "reserved bits set");
        if ((b1 & 0x80) == 0)
            return fail(close_code::protocol_error, "unmasked client frame");
        if (control) {
            if (op != opcode::close && op != opcode::ping && op != opcode::pong)
                return fail(close_code::protocol_error, "unknown control opcode");
            if (!fin || (b1 & 0x7F) > 125)
                return fail(close_code::protocol_error, "fragmented or oversized control frame");
        } else if (op == opcode::continuation) {
            if (!in_message_)
                return fail(close_code::protocol_error, "continuation without a message");
            if (rsv1)
                return fail(close_code::protocol_error, "RSV1 on a continuation frame");
        } else if (op == opcode::text || op == opcode::binary) {
            if (in_message_)
                return fail(close_code::protocol_error, "new message inside a fragmented one");
        } else {
            return fail(close_code::protocol_error, "unknown data opcode");
        }
        std::size_t header = 2;
        std::uint64_t length = b1 & 0x7F;
        if (length == 126)
            header += 2;
        else if (length == 127)
            header += 8;
        if (avail < header + 4)
            break;
        if (length == 126) {
            length = (std::uint64_t{static_cast<unsigned char>(in_[2])} << 8) |
                     static_cast<unsigned char>(in_[3]);
        } else if (length == 127) {
            length = 0;
            for (std::size_t i = 0; i < 8; ++i)
                length = (length << 8) | static_cast<unsigned char>(in_[2 + i]);
            // RFC 6455 5.2: the most significant bit of a 64-bit length MUST be 0.
            if ((length >> 63) != 0)
                return fail(close_code::protocol_error, "64-bit length with its top bit set");
        }
        // message_ never exceeds max_message_, so the subtraction cannot wrap (the sum could:
        // a continuation frame announcing nearly 2^64 bytes passed the check).
        if (!control && length > max_message_ - message_.size())
            return fail(close_code::too_big, "message over maxPayload");
        if (avail - header - 4 < length)
            break; // the payload has not all arrived

        std::array<unsigned char, 4> key{};
        std::memcpy(key.data(), in_.data() + header, 4);
        auto const payload = in_.substr(header + 4, static_cast<std::size_t>(length));
        in_.remove_prefix(header + 4 + static_cast<std::size_t>(length));

        if (control) {
            event e;
            unmask_into(e.data, payload, key);
            if (op == opcode::ping) {
                e.type = kind::ping;
            } else if (op == opcode::pong) {
                e.type = kind::pong;
            } else {
                e.type = kind::close;
                e.code = close_code::no_status;
                if (e.data.size() == 1)
                    return fail(close_code::protocol_error, "one-byte close payload");
                if (e.data.size() >= 2) {
                    e.code =
                        static_cast<std::uint16_t>((static_cast<unsigned char>(e.data[0]) << 8) |
                                                   static_cast<unsigned char>(e.data[1]));
                    if (!valid_utf8(std::string_view(e.data).substr(2)))
                        return fail(close_code::invalid_payload, "close reason not UTF-8");
                }
            }
            return e;
        }
        if (op != opcode::continuation) {
            in_message_ = true;
            message_op_ = op;
            message_compressed_ = rsv1;
        }
        unmask_into(message_, payload, key);
        if (!fin)
            continue;
        in_message_ = false;
        event e;
        e.type = message_op_ == opcode::text ? kind::text : kind::binary;
        e.compressed = message_compressed_;
        e.data = std::move(message_);
        message_.clear();
        if (e.type == kind::text && !e.compressed && !valid_utf8(e.data))
            return fail(close_code::invalid_payload, "text message not UTF-8");
        return e;
    }
    // Keep the partial frame; nothing at all when the input ended on a frame boundary.
    if (!failed_) {
        if (in_is_rest_)
            rest_.erase(0, rest_.size() - in_.size());
        else
            rest_.assign(in_);
        if (rest_.empty() && rest_.capacity() > 4096)
            std::string().swap(rest_);
    }
    in_ = {};
    in_is_rest_ = false;
    return std::nullopt;
}

bool valid_utf8(std::string_view text) {
    auto const* s = reinterpret_cast<unsigned char const*>(text.data());
    auto const* const end = s + text.size();
    while (s < end) {
        // ASCII runs, eight bytes at a time.
        while (end - s >= 8) {
            std::uint64_t word;
            std::memcpy(&word, s, 8);
            if (word & 0x8080808080808080ull)
                break;
            s += 8;
        }
        if (s == end)
            break;
        unsigned char const c = *s;
        if (c < 0x80) {
            ++s;
            continue;
        }
        std::size_t n;
        std::uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - s) <= n)
            return false;
        for (std::size_t i = 1; i <= n; ++i) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        s += n + 1;
    }
    return true;
}

// --- batches --------------------------------------------------------------------------------

bool valid_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

void frame_messages(std::string_view control, std::vector<message> const& batch, bool deflate,
                    int window_bits, std::string& arena, std::vector<std::string>& compressed,
                    std::vector<net::const_buffer>& bufs) {
    // Payloads up to this size are copied next to their frame header; larger ones are
    // written from where they are.
    static constexpr std::size_t copy_limit = 512;
    auto const compress = [deflate](message const& m) {
        return deflate && m.bytes->size() >= deflate::threshold;
    };
    // First pass: compress what needs it and size the arena.
    std::size_t arena_size = control.size();
    compressed.reserve(batch.size());
    for (auto const& m : batch) {
        std::string_view payload = *m.bytes;
        if (compress(m)) {
            compressed.push_back(deflate::compress(payload, window_bits));
            payload = compressed.back();
        }
        arena_size += max_header_size + (payload.size() <= copy_limit ? payload.size() : 0);
    }
    arena.resize(arena_size);
    char* out = arena.data();
    char const* run_start = out;
    if (!control.empty()) // an empty view may hold a null pointer, which memcpy may not get
        std::memcpy(out, control.data(), control.size());
    out += control.size();
    auto next_compressed = compressed.begin();
    for (auto const& m : batch) {
        bool const packed = compress(m);
        std::string_view const payload = packed ? *next_compressed++ : *m.bytes;
        out += write_header(out, m.binary ? opcode::binary : opcode::text, payload.size(), packed);
        if (payload.size() <= copy_limit) {
            std::memcpy(out, payload.data(), payload.size());
            out += payload.size();
        } else {
            bufs.emplace_back(run_start, static_cast<std::size_t>(out - run_start));
            bufs.emplace_back(payload.data(), payload.size());
            run_start = out;
        }
    }
    if (out != run_start)
        bufs.emplace_back(run_start, static_cast<std::size_t>(out - run_start));
}

} // namespace sio::engineio::ws
