#include "sio/redis/url.hpp"

#include "sio/core/percent_decode.hpp"

#include <fmt/core.h>

#include <charconv>
#include <stdexcept>
#include <utility>

namespace sio::redis {
namespace {

[[noreturn]] void bad(std::string_view text, std::string_view why) {
    throw std::invalid_argument(fmt::format("bad Redis URL \"{}\": {}", text, why));
}

template <class T>
bool parse_number(std::string_view digits, T& out) {
    if (digits.empty())
        return false;
    auto const* end = digits.data() + digits.size();
    auto const [ptr, ec] = std::from_chars(digits.data(), end, out);
    return ec == std::errc() && ptr == end;
}

/// A password taken from a URL may hold '@', ':' or '/' only percent-encoded.
std::string decode_userinfo(std::string_view text, std::string_view part) {
    auto decoded = percent_decode(part);
    if (!decoded)
        bad(text, "a '%' in the user or password is not followed by two hex digits");
    return std::move(*decoded);
}

} // namespace

url parse_url(std::string_view text) {
    if (text.empty())
        bad(text, "it is empty");
    url out;
    std::string_view rest = text;
    if (auto const scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
        auto const scheme = rest.substr(0, scheme_end);
        if (scheme == "rediss")
            bad(text, "TLS (rediss://) is not supported");
        if (scheme != "redis")
            bad(text, fmt::format("the scheme is \"{}\", not redis://", scheme));
        rest.remove_prefix(scheme_end + 3);
    }
    if (rest.find_first_of("?#") != std::string_view::npos)
        bad(text, "query parameters and fragments are not supported");

    auto const slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    auto const path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);

    // The last '@' ends the user info: an unencoded '@' in a password still parses.
    if (auto const at = authority.rfind('@'); at != std::string_view::npos) {
        auto const info = authority.substr(0, at);
        auto const colon = info.find(':');
        if (colon == std::string_view::npos)
            bad(text, "the user info needs a ':' before the password (redis://:password@host "
                      "or redis://user:password@host)");
        out.user = decode_userinfo(text, info.substr(0, colon));
        out.password = decode_userinfo(text, info.substr(colon + 1));
        if (!out.user.empty() && out.password.empty())
            bad(text, "a user is given without a password");
        authority.remove_prefix(at + 1);
    }

    std::string_view host = authority;
    std::string_view port;
    if (authority.starts_with('[')) {
        auto const close = authority.find(']');
        if (close == std::string_view::npos)
            bad(text, "an IPv6 address misses its closing ']'");
        host = authority.substr(1, close - 1);
        auto const after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':')
                bad(text, "unexpected text after the IPv6 address");
            port = after.substr(1);
            if (port.empty())
                bad(text, "the port is empty");
        }
    } else if (auto const colon = authority.find(':'); colon != std::string_view::npos) {
        if (authority.find(':', colon + 1) != std::string_view::npos)
            bad(text, "an IPv6 address must be written in brackets ([::1]:6379)");
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty())
            bad(text, "the port is empty");
    }
    if (host.empty())
        bad(text, "the host is empty");
    out.host = std::string(host);
    if (!port.empty()) {
        unsigned value = 0;
        if (!parse_number(port, value) || value == 0 || value > 65535)
            bad(text, fmt::format("the port \"{}\" is not a number from 1 to 65535", port));
        out.port = static_cast<std::uint16_t>(value);
    }
    if (path.size() > 1) {
        if (!parse_number(path.substr(1), out.db))
            bad(text, fmt::format("the database \"{}\" is not a number", path.substr(1)));
    }
    return out;
}

} // namespace sio::redis
