// Header-value helpers shared by the HTTP and WebSocket code: pure, allocation-free.
#pragma once

#include <cctype>
#include <cstddef>
#include <string_view>

namespace sio::http {

/// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace).
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// ASCII case-insensitive equality (header names, tokens).
inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

/// Whether the comma-separated `list` holds `token`, ignoring case and whitespace.
inline bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        auto const comma = list.find(',');
        if (iequals(trim(list.substr(0, comma)), token))
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

} // namespace sio::http
