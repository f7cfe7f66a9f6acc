#include "sio/http/conditional.hpp"

#include "sio/http/tokens.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace sio::http {
namespace {

constexpr std::array<std::string_view, 7> weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

template <class T>
std::optional<T> parse_number(std::string_view s) {
    T value{};
    auto const [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || ptr != s.data() + s.size())
        return std::nullopt;
    return value;
}

std::string_view opaque_tag(std::string_view tag) {
    tag = trim(tag);
    if (tag.starts_with("W/"))
        tag.remove_prefix(2);
    return tag;
}

/// Calls f(name, q) for each element of a comma-separated list with optional `;q=` weights.
template <class F>
void for_each_weighted(std::string_view list, F&& f) {
    while (!list.empty()) {
        auto const comma = list.find(',');
        auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        double q = 1.0;
        auto const semi = item.find(';');
        if (semi != std::string_view::npos) {
            auto params = item.substr(semi + 1);
            item = item.substr(0, semi);
            while (!params.empty()) {
                auto const next = params.find(';');
                auto const param = trim(params.substr(0, next));
                params =
                    next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
                if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                    q = 0.0; // an unparsable weight counts as "not acceptable"
                    if (auto v = parse_number<double>(param.substr(2)); v && *v >= 0 && *v <= 1)
                        q = *v;
                }
            }
        }
        item = trim(item);
        if (!item.empty())
            f(item, q);
    }
}

} // namespace

std::string make_etag(std::string_view content) {
    // FNV-1a: cheap, stable across runs and good enough to tell versions of a file apart.
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : content) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return fmt::format("W/\"{:x}-{:016x}\"", content.size(), hash);
}

std::string format_http_date(sys_seconds t) {
    auto const days = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day const ymd{days};
    std::chrono::hh_mm_ss const hms{t - days};
    std::chrono::weekday const wd{days};
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", weekdays[wd.c_encoding()],
                       static_cast<unsigned>(ymd.day()),
                       months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::optional<sys_seconds> parse_http_date(std::string_view s) {
    // "Sun, 06 Nov 1994 08:49:37 GMT" is exactly 29 characters.
    s = trim(s);
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' || s.substr(26) != "GMT")
        return std::nullopt;
    auto const day = parse_number<unsigned>(s.substr(5, 2));
    auto const year = parse_number<int>(s.substr(12, 4));
    auto const hour = parse_number<int>(s.substr(17, 2));
    auto const minute = parse_number<int>(s.substr(20, 2));
    auto const second = parse_number<int>(s.substr(23, 2));
    unsigned month = 0;
    for (unsigned i = 0; i < months.size(); ++i) {
        if (s.substr(8, 3) == months[i])
            month = i + 1;
    }
    if (!day || !year || !hour || !minute || !second || month == 0 || *hour > 23 || *minute > 59 ||
        *second > 60)
        return std::nullopt;
    std::chrono::year_month_day const ymd{std::chrono::year{*year}, std::chrono::month{month},
                                          std::chrono::day{*day}};
    if (!ymd.ok())
        return std::nullopt;
    return sys_seconds{std::chrono::sys_days{ymd}} + std::chrono::hours{*hour} +
           std::chrono::minutes{*minute} + std::chrono::seconds{*second};
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (trim(if_none_match) == "*")
        return true;
    auto const wanted = opaque_tag(etag);
    while (!if_none_match.empty()) {
        auto const comma = if_none_match.find(',');
        if (opaque_tag(if_none_match.substr(0, comma)) == wanted)
            return true;
        if (comma == std::string_view::npos)
            break;
        if_none_match.remove_prefix(comma + 1);
    }
    return false;
}

bool is_not_modified(std::string_view if_none_match, std::string_view if_modified_since,
                     std::string_view etag, sys_seconds last_modified) {
    if (!trim(if_none_match).empty())
        return etag_matches(if_none_match, etag);
    if (auto const since = parse_http_date(if_modified_since))
        return last_modified <= *since;
    return false;
}

bool accepts_gzip(std::string_view accept_encoding) {
    std::optional<double> gzip_q;
    std::optional<double> any_q;
    for_each_weighted(accept_encoding, [&](std::string_view coding, double q) {
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
            gzip_q = std::max(gzip_q.value_or(0.0), q);
        else if (coding == "*")
            any_q = q;
    });
    if (gzip_q)
        return *gzip_q > 0;
    return any_q.value_or(0.0) > 0;
}

} // namespace sio::http
