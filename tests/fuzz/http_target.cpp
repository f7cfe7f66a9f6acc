// libFuzzer target: request targets as the static file handler decodes them
// (sio::http::decode_target, join_segments).
//
// Input: a request target ("/static/js/app.js?v=1").
//
// Checks: a path or an error, never both; no decoded segment is empty, ".", "..", hidden, or
// holds '/', '\\', NUL or a percent escape that someone could decode again; the joined path is
// relative and splits back into the segments; the trailing slash is reported as it is;
// percent-encoding the segments again and decoding gives the same segments.
#include "sio/core/percent_decode.hpp"
#include "sio/http/static_path.hpp"

#include "fuzz_check.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace {

std::string percent_encode_all(std::string_view s) {
    static constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (char const c : s) {
        auto const b = static_cast<unsigned char>(c);
        out += '%';
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

std::vector<std::string> split(std::string_view joined) {
    std::vector<std::string> out;
    while (!joined.empty()) {
        auto const slash = joined.find('/');
        out.emplace_back(joined.substr(0, slash));
        joined = slash == std::string_view::npos ? std::string_view{} : joined.substr(slash + 1);
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    using namespace sio::http;
    using sio::percent_decode;
    auto const target = sio::fuzz::as_chars(data, size);
    auto const d = decode_target(target);
    FUZZ_CHECK(d.path.has_value() != d.error.has_value());
    if (target.empty() || target.front() != '/')
        FUZZ_CHECK(d.error == target_error::malformed);
    if (!d.path)
        return 0;

    auto const path = target.substr(0, target.find_first_of("?#"));
    FUZZ_CHECK(d.path->trailing_slash == (path.size() > 1 && path.back() == '/'));
    for (auto const& seg : d.path->segments) {
        FUZZ_CHECK(!seg.empty() && seg != "." && seg != ".." && seg.front() != '.');
        FUZZ_CHECK(seg.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos);
        // Decoding once more changes nothing: no escape is left for a second decoder.
        auto const twice = percent_decode(seg);
        FUZZ_CHECK(!twice || *twice == seg);
    }

    auto const joined = join_segments(d.path->segments);
    FUZZ_CHECK(!joined.starts_with('/') && !joined.ends_with('/'));
    FUZZ_CHECK(split(joined) == d.path->segments);
    if (!d.path->segments.empty())
        FUZZ_CHECK(joined.ends_with(join_segments(d.path->segments, 1)));

    std::string encoded;
    for (auto const& seg : d.path->segments)
        encoded += '/' + percent_encode_all(seg);
    if (encoded.empty())
        encoded = "/";
    auto const again = decode_target(encoded);
    FUZZ_CHECK(again.path.has_value());
    FUZZ_CHECK(again.path->segments == d.path->segments);
    return 0;
}
