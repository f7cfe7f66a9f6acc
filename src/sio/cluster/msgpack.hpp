// msgpack as notepack.io 3.0.1 writes and reads it (the codec of Node's Redis adapter and
// emitter), over Boost.JSON values. The only file that knows msgpack-cxx is msgpack.cpp: its
// headers stay out of this layer's interface.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sio::cluster::mp {

/// Appends msgpack to a string, each value in the format notepack.io picks for the same JS
/// value, so that the bytes are Node's: integers (and integral doubles, as JS has no
/// difference) in the smallest format, unsigned formats for non-negative ones; other doubles
/// (fractions, NaN, infinities, and integral ones beyond 64 bits, which notepack garbles) as
/// float64; str, bin, array and map in the smallest format for their length.
/// Throws std::length_error for a string, binary, array or object of 2^32 or more.
class writer {
public:
    void array_header(std::size_t size);
    void map_header(std::size_t size);
    void str(std::string_view s);
    void bin(std::string_view bytes);
    void boolean(bool b);
    void nil();
    void integer(std::int64_t v);
    void unsigned_integer(std::uint64_t v);
    void number(double d);
    /// `v`, objects' keys in their order. A placeholder {"_placeholder":true,"num":i} with
    /// i < attachments.size() is written as attachments[i], a bin (as Node writes a Buffer).
    void value(boost::json::value const& v, std::span<std::string const> attachments = {});

    std::string const& bytes() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

/// One decoded msgpack value. Each bin became a placeholder {"_placeholder":true,"num":i},
/// numbered in order of appearance, its bytes binaries[i].
struct decoded {
    boost::json::value value;
    std::vector<std::string> binaries;
};

/// Containers nested deeper than this are refused (a message's own structure takes 3 levels
/// above the event's arguments, which clients may nest 32 deep).
inline constexpr std::size_t max_depth = 64;

/// The one msgpack value `bytes` hold, or why not (truncated, trailing bytes, a byte that no
/// format starts with, non-string map keys, invalid UTF-8 in a string, nesting beyond
/// max_depth). Never throws. Values as notepack.io reads them: integers as int64 (uint64 above
/// its range), float32/float64 as double, nil as null; a later duplicate key replaces the
/// earlier value; timestamp extensions (type -1, JS Dates) as the string JSON.stringify makes of
/// a Date (null when out of a Date's range); the legacy ext type 0 as bin; fixext 1 of type 0
/// (legacy `undefined`) as null; any other extension as [type, bin].
std::variant<decoded, std::string> read(std::string_view bytes);

} // namespace sio::cluster::mp
