// Hex <-> bytes for the cluster tests, in the captures' spelling ("93 a6 65 ...").
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sio::cluster::test {

/// The bytes "93 a6 65" (spaces optional) stands for.
inline std::string from_hex(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        throw std::invalid_argument("from_hex: not a hex digit");
    };
    std::string out;
    int high = -1;
    for (char const c : hex) {
        if (c == ' ')
            continue;
        int const n = nibble(c);
        if (high < 0) {
            high = n;
        } else {
            out.push_back(static_cast<char>(high * 16 + n));
            high = -1;
        }
    }
    if (high >= 0)
        throw std::invalid_argument("from_hex: odd number of digits");
    return out;
}

/// "93 a6 65": failed comparisons then show where the bytes differ.
inline std::string to_hex(std::string_view bytes, char separator = ' ') {
    constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0 && separator != '\0')
            out.push_back(separator);
        auto const b = static_cast<unsigned char>(bytes[i]);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15]);
    }
    return out;
}

} // namespace sio::cluster::test
