// libFuzzer target: what the Engine.IO handshake reads from a request: the query
// (sio::engineio::parse_query, parse_transport), percent-decoding (sio::percent_decode)
// and the handshake_info a middleware sees (query(), header(), headers()).
//
// Input: the request target on the first line, then header lines "name:value".
//
// Checks: percent_decode agrees with a plain reference decoder; parse_query and
// handshake_info::query read the same values (an undecodable one is nullopt for the latter and
// marked invalid by the former); parse_transport knows exactly "polling" and "websocket";
// headers come back in order with lower-cased names, and header(name) finds the first one of
// that name in any case.
#include "sio/core/percent_decode.hpp"
#include "sio/engineio/handshake.hpp"

#include "fuzz_check.hpp"

#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace sio::engineio;

std::optional<std::string> reference_decode(std::string_view in) {
    auto const hex = [](char c) -> int {
        auto const u = static_cast<unsigned char>(c);
        if (!std::isxdigit(u))
            return -1;
        return std::isdigit(u) ? u - '0' : std::tolower(u) - 'a' + 10;
    };
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (in.size() - i < 3 || hex(in[i + 1]) < 0 || hex(in[i + 2]) < 0)
            return std::nullopt;
        out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
        i += 2;
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void check_query(std::optional<std::string> const& parsed, handshake_info const& info,
                 std::string_view key) {
    auto const read = info.query(key);
    if (!parsed)
        FUZZ_CHECK(!read);
    else if (read)
        FUZZ_CHECK(*read == *parsed);
    else
        FUZZ_CHECK(*parsed == "\x01invalid");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto in = sio::fuzz::as_chars(data, size);
    auto const eol = in.find('\n');
    auto const target = in.substr(0, eol);
    in = eol == std::string_view::npos ? std::string_view{} : in.substr(eol + 1);

    FUZZ_CHECK(sio::percent_decode(target) == reference_decode(target));

    auto const q = parse_query(target);
    auto const transport = parse_transport(q.transport);
    FUZZ_CHECK(transport.has_value() == (q.transport == "polling" || q.transport == "websocket"));
    if (transport)
        FUZZ_CHECK(to_string(*transport) == *q.transport);

    handshake_info info;
    info.url = std::string(target);
    // A fragment is never sent; parse_query drops one, handshake_info::query does not.
    if (target.find('#') == std::string_view::npos) {
        check_query(q.eio, info, "EIO");
        check_query(q.transport, info, "transport");
        check_query(q.sid, info, "sid");
    }

    // Header lines: names are tokens (no ':'), values hold no line break.
    std::vector<std::pair<std::string_view, std::string_view>> added;
    while (!in.empty()) {
        auto const end = in.find('\n');
        auto const line = in.substr(0, end);
        in = end == std::string_view::npos ? std::string_view{} : in.substr(end + 1);
        auto const colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        info.add_header(line.substr(0, colon), line.substr(colon + 1));
        added.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
    auto const headers = info.headers();
    FUZZ_CHECK(headers.size() == added.size());
    for (std::size_t i = 0; i < added.size(); ++i) {
        FUZZ_CHECK(headers[i].first == lower(added[i].first));
        FUZZ_CHECK(headers[i].second == added[i].second);
        auto const found = info.header(added[i].first);
        FUZZ_CHECK(found.has_value());
        for (std::size_t j = 0; j <= i; ++j) {
            if (lower(added[j].first) == lower(added[i].first)) {
                FUZZ_CHECK(*found == added[j].second);
                break;
            }
        }
    }
    return 0;
}
