#include "sio/http/static_path.hpp"

#include "sio/core/percent_decode.hpp"

#include <cctype>

namespace sio::http {
namespace {

bool has_percent_escape(std::string_view s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        if (s[i] == '%' && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2])))
            return true;
    }
    return false;
}

decoded_target fail(target_error e) {
    return {std::nullopt, e};
}

} // namespace

decoded_target decode_target(std::string_view target) {
    if (target.empty() || target.front() != '/')
        return fail(target_error::malformed);
    if (auto const q = target.find_first_of("?#"); q != std::string_view::npos)
        target = target.substr(0, q);

    target_path result;
    result.trailing_slash = target.size() > 1 && target.back() == '/';
    std::size_t pos = 1;
    while (pos <= target.size()) {
        auto end = target.find('/', pos);
        if (end == std::string_view::npos)
            end = target.size();
        auto const raw = target.substr(pos, end - pos);
        pos = end + 1;
        if (raw.empty())
            continue;
        if (raw.find('\\') != std::string_view::npos)
            return fail(target_error::malformed);
        auto decoded = percent_decode(raw);
        if (!decoded)
            return fail(target_error::malformed);
        // An encoded separator, NUL or backslash, or a second layer of encoding, can only be
        // an attempt to smuggle a path past this check.
        if (decoded->find_first_of(std::string_view("/\\\0", 3)) != std::string::npos ||
            has_percent_escape(*decoded))
            return fail(target_error::malformed);
        if (*decoded == "." || *decoded == "..")
            return fail(target_error::malformed);
        if (decoded->front() == '.')
            return fail(target_error::hidden);
        result.segments.push_back(std::move(*decoded));
    }
    return {std::move(result), std::nullopt};
}

std::string join_segments(std::vector<std::string> const& segments, std::size_t first) {
    std::string out;
    for (std::size_t i = first; i < segments.size(); ++i) {
        if (!out.empty())
            out.push_back('/');
        out += segments[i];
    }
    return out;
}

} // namespace sio::http
