#include "sio/cluster/msgpack.hpp"

#include "sio/protocol/packet.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <msgpack.hpp>
#include <optional>
#include <stdexcept>

namespace sio::cluster::mp {

namespace {

/// The stream msgpack::packer writes to.
struct string_stream {
    std::string& out;
    void write(char const* data, std::size_t size) { out.append(data, size); }
};

std::uint32_t checked_size(std::size_t size) {
    if (size > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("msgpack: a string, binary, array or map of 2^32 or more");
    return static_cast<std::uint32_t>(size);
}

// -- reading ------------------------------------------------------------------------------

/// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF): what a JS
/// string gives. The strings go on to clients as JSON text, where invalid UTF-8 closes the
/// connection.
bool valid_utf8(std::string_view s) {
    auto const* p = reinterpret_cast<unsigned char const*>(s.data());
    auto const* const end = p + s.size();
    while (p < end) {
        unsigned const c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t len = 0;
        unsigned lo = 0x80;
        unsigned hi = 0xbf; // the range of the second byte
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            if (c == 0xe0)
                lo = 0xa0;
            else if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) < len || p[1] < lo || p[1] > hi)
            return false;
        for (std::size_t i = 2; i < len; ++i)
            if ((p[i] & 0xc0) != 0x80)
                return false;
        p += len;
    }
    return true;
}

std::uint32_t load32(char const* p) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

/// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), for any int64 in range.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    std::int64_t const era = (z >= 0 ? z : z - 146096) / 146097;
    auto const doe = static_cast<unsigned>(z - era * 146097);
    unsigned const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned const mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

/// What JSON.stringify writes for `new Date(ms)` (Date.prototype.toISOString), or null for
/// an invalid Date: the value a Node receiver's clients get for a Date in a message.
boost::json::value js_date(double ms) {
    if (!(std::fabs(ms) <= 8.64e15))
        return nullptr;
    auto const t = static_cast<std::int64_t>(std::trunc(ms)); // TimeClip
    constexpr std::int64_t day_ms = 86'400'000;
    std::int64_t days = t / day_ms;
    std::int64_t in_day = t % day_ms;
    if (in_day < 0) {
        in_day += day_ms;
        --days;
    }
    std::int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(days, y, m, d);
    auto const year = y >= 0 && y <= 9999
                          ? fmt::format("{:04}", y)
                          : fmt::format("{}{:06}", y < 0 ? '-' : '+', y < 0 ? -y : y);
    return boost::json::string(fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, m, d,
                                           in_day / 3'600'000, in_day / 60'000 % 60,
                                           in_day / 1000 % 60, in_day % 1000));
}

/// Builds the Boost.JSON value as msgpack-cxx's parser visits the input (iteratively: the
/// parser keeps its own stack, this visitor one of open containers, bounded by max_depth).
class builder {
public:
    explicit builder(std::string_view input)
        : input_(input) {}

    std::optional<boost::json::value> root;
    std::vector<std::string> binaries;
    std::string error;

    bool visit_nil() { return put(nullptr); }
    bool visit_boolean(bool v) { return put(v); }
    bool visit_positive_integer(std::uint64_t v) {
        // As Boost.JSON's parser stores a JSON integer: int64 when it fits.
        if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return put(static_cast<std::int64_t>(v));
        return put(v);
    }
    bool visit_negative_integer(std::int64_t v) { return put(v); }
    bool visit_float32(float v) { return put(static_cast<double>(v)); }
    bool visit_float64(double v) { return put(v); }
    bool visit_str(char const* v, std::uint32_t size) {
        std::string_view const s(v, size);
        if (!valid_utf8(s))
            return fail("invalid UTF-8 in a string");
        return put(boost::json::string(s));
    }
    bool visit_bin(char const* v, std::uint32_t size) {
        boost::json::value placeholder = protocol::make_placeholder(binaries.size());
        binaries.emplace_back(v, size);
        return put(std::move(placeholder));
    }
    bool visit_ext(char const* v, std::uint32_t size) {
        // v[0] is the type, the data follows. The format byte, for the two legacy fixext
        // cases that notepack reads apart from ext 8 of the same length: just before v.
        if (size == 0)
            return fail("malformed extension");
        auto const type = static_cast<std::int8_t>(v[0]);
        char const* const data = v + 1;
        std::size_t const len = size - 1;
        auto const format = v > input_.data() ? static_cast<unsigned char>(v[-1]) : 0u;
        if (type == -1 && (len == 4 || len == 8 || len == 12))
            return put(timestamp(data, len));
        if (type == 0) {
            if (len == 1 && format == 0xd4) // legacy `undefined`: JSON has only null
                return put(nullptr);
            if (len == 8 && format == 0xd7) { // legacy Date: int64 ms
                auto const hi = static_cast<std::int32_t>(load32(data));
                return put(js_date(static_cast<double>(hi) * 4294967296.0 + load32(data + 4)));
            }
            return visit_bin(data, static_cast<std::uint32_t>(len)); // legacy ArrayBuffer
        }
        boost::json::array pair;
        pair.emplace_back(static_cast<std::int64_t>(type));
        pair.push_back(protocol::make_placeholder(binaries.size()));
        binaries.emplace_back(data, len);
        return put(std::move(pair));
    }

    bool start_array(std::uint32_t /*size*/) {
        // No reserve(size): the size is the sender's claim, the elements will show.
        return open(boost::json::array());
    }
    bool start_array_item() { return true; }
    bool end_array_item() { return true; }
    bool end_array() { return close(); }
    bool start_map(std::uint32_t /*size*/) { return open(boost::json::object()); }
    bool start_map_key() {
        stack_.back().want_key = true;
        return true;
    }
    bool end_map_key() { return true; }
    bool start_map_value() { return true; }
    bool end_map_value() { return true; }
    bool end_map() { return close(); }

    void parse_error(std::size_t /*parsed*/, std::size_t at) {
        if (error.empty())
            error = fmt::format("malformed msgpack at byte {}", at);
    }
    void insufficient_bytes(std::size_t /*parsed*/, std::size_t /*at*/) {
        if (error.empty())
            error = "msgpack ends early";
    }
    bool referenced() const { return false; }
    void set_referenced(bool /*referenced*/) {}

private:
    struct frame {
        boost::json::value container; // array or object
        bool want_key = false;
        boost::json::string key;
    };

    bool fail(std::string_view why) {
        if (error.empty())
            error = why;
        return false;
    }

    boost::json::value timestamp(char const* data, std::size_t len) {
        // As notepack computes the Date's time value (then truncated by the Date itself).
        if (len == 4)
            return js_date(static_cast<double>(load32(data)) * 1e3);
        if (len == 8) {
            std::uint32_t const hi = load32(data);
            double const s = static_cast<double>(hi & 3u) * 4294967296.0 + load32(data + 4);
            return js_date(s * 1e3 + static_cast<double>(hi >> 2) / 1e6);
        }
        std::uint32_t const ns = load32(data);
        auto const hi = static_cast<std::int32_t>(load32(data + 4));
        double const s = static_cast<double>(hi) * 4294967296.0 + load32(data + 8);
        return js_date(s * 1e3 + static_cast<double>(ns) / 1e6);
    }

    bool open(boost::json::value container) {
        if (stack_.size() >= max_depth)
            return fail(fmt::format("msgpack nested deeper than {}", max_depth));
        stack_.push_back(frame{std::move(container), false, {}});
        return true;
    }

    bool close() {
        boost::json::value done = std::move(stack_.back().container);
        stack_.pop_back();
        return put(std::move(done));
    }

    bool put(boost::json::value v) {
        if (stack_.empty()) {
            root = std::move(v);
            return true;
        }
        frame& top = stack_.back();
        if (auto* a = top.container.if_array()) {
            a->push_back(std::move(v));
            return true;
        }
        if (top.want_key) {
            auto* k = v.if_string();
            if (k == nullptr)
                return fail("a map key that is not a string");
            top.key = std::move(*k);
            top.want_key = false;
            return true;
        }
        top.container.get_object().insert_or_assign(top.key, std::move(v)); // JS: last wins
        return true;
    }

    std::string_view input_;
    std::vector<frame> stack_;
};

} // namespace

void writer::array_header(std::size_t size) {
    string_stream s{out_};
    ::msgpack::packer<string_stream>(s).pack_array(checked_size(size));
}

void writer::map_header(std::size_t size) {
    string_stream s{out_};
    ::msgpack::packer<string_stream>(s).pack_map(checked_size(size));
}

void writer::str(std::string_view v) {
    string_stream s{out_};
    ::msgpack::packer<string_stream> pk(s);
    auto const size = checked_size(v.size());
    pk.pack_str(size);
    pk.pack_str_body(v.data(), size);
}

void writer::bin(std::string_view bytes) {
    string_stream s{out_};
    ::msgpack::packer<string_stream> pk(s);
    auto const size = checked_size(bytes.size());
    pk.pack_bin(size);
    pk.pack_bin_body(bytes.data(), size);
}

void writer::boolean(bool b) {
    out_.push_back(b ? '\xc3' : '\xc2');
}

void writer::nil() {
    out_.push_back('\xc0');
}

void writer::integer(std::int64_t v) {
    string_stream s{out_};
    ::msgpack::packer<string_stream>(s).pack_int64(v); // non-negative ones as unsigned formats
}

void writer::unsigned_integer(std::uint64_t v) {
    string_stream s{out_};
    ::msgpack::packer<string_stream>(s).pack_uint64(v);
}

void writer::number(double d) {
    // JS numbers are doubles; notepack writes the integral ones as integers. (-0 too: as 0.)
    if (std::isfinite(d) && d == std::trunc(d)) {
        if (d >= 0 && d < 18446744073709551616.0) // 2^64
            return unsigned_integer(static_cast<std::uint64_t>(d));
        if (d < 0 && d >= -9223372036854775808.0) // -2^63
            return integer(static_cast<std::int64_t>(d));
    }
    // float64 written here: msgpack-cxx's pack_double converts 2^64 to uint64 (undefined).
    auto bits = std::bit_cast<std::uint64_t>(d);
    char buf[9];
    buf[0] = '\xcb';
    for (int i = 8; i >= 1; --i, bits >>= 8)
        buf[i] = static_cast<char>(bits & 0xff);
    out_.append(buf, sizeof buf);
}

void writer::value(boost::json::value const& v, std::span<std::string const> attachments) {
    switch (v.kind()) {
    case boost::json::kind::null:
        return nil();
    case boost::json::kind::bool_:
        return boolean(v.get_bool());
    case boost::json::kind::int64:
        return integer(v.get_int64());
    case boost::json::kind::uint64:
        return unsigned_integer(v.get_uint64());
    case boost::json::kind::double_:
        return number(v.get_double());
    case boost::json::kind::string:
        return str(v.get_string());
    case boost::json::kind::array:
        array_header(v.get_array().size());
        for (auto const& e : v.get_array())
            value(e, attachments);
        return;
    case boost::json::kind::object: {
        auto const& o = v.get_object();
        if (!attachments.empty() && protocol::is_placeholder(v)) {
            auto const num = o.at("num").to_number<std::uint64_t>();
            if (num < attachments.size())
                return bin(attachments[num]);
        }
        map_header(o.size());
        for (auto const& kv : o) {
            str(kv.key());
            value(kv.value(), attachments);
        }
        return;
    }
    }
}

std::variant<decoded, std::string> read(std::string_view bytes) {
    try {
        builder b(bytes);
        std::size_t offset = 0;
        bool const ok = ::msgpack::parse(bytes.data(), bytes.size(), offset, b);
        if (!b.error.empty())
            return std::move(b.error);
        if (!ok || !b.root)
            return std::string("malformed msgpack");
        if (offset != bytes.size())
            return fmt::format("{} trailing bytes after the msgpack value", bytes.size() - offset);
        return decoded{std::move(*b.root), std::move(b.binaries)};
    } catch (std::exception const& e) {
        // msgpack-cxx throws for some sizes it cannot represent; std::bad_alloc.
        return fmt::format("msgpack: {}", e.what());
    }
}

} // namespace sio::cluster::mp
