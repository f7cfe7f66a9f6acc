// RESP2, the protocol Redis speaks unless a client asks for RESP3: replies, and a codec that
// does no I/O (hiredis's reader and command formatter) so that the connection can be Asio's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sio::redis {

/// One RESP2 reply. Strings are binary: they may hold '\0' and "\r\n".
struct reply {
    enum class kind { status, error, integer, string, nil, array };
    kind type = kind::nil;
    std::string str;             ///< status, error and string
    std::int64_t integer = 0;    ///< integer
    std::vector<reply> elements; ///< array
};

/// What Redis sent is not RESP2, or is larger than the reader may hold.
class protocol_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Sans-I/O reader: feed bytes as they come, in pieces of any size, and take whole replies.
/// After feed(), call next() until it returns nullopt: the size limit is checked there.
/// A reply that would take more than `max_reply_bytes` (its strings, plus a fixed cost per
/// element, plus what is still buffered of it) is refused as soon as that is known -- a bulk
/// string by its declared length, before its bytes arrive -- so that a server that answers
/// garbage or huge data cannot make us allocate without bound. After a protocol_error the
/// reader stays failed (the connection must be dropped). Not thread-safe.
class reply_reader {
public:
    explicit reply_reader(std::size_t max_reply_bytes = std::size_t{512} << 20);
    ~reply_reader();
    reply_reader(reply_reader&&) noexcept;
    reply_reader& operator=(reply_reader&&) noexcept;

    /// Throws protocol_error if the reader has already failed.
    void feed(std::string_view bytes);
    /// The next whole reply, or nullopt until more bytes come. Throws protocol_error.
    std::optional<reply> next();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// A command as RESP2 sends it (an array of bulk strings); binary-safe.
std::string format_command(std::span<std::string const> args);
std::string format_command(std::span<std::string_view const> args);

} // namespace sio::redis
