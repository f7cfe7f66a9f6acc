#include "sio/core/base64.hpp"

#include <array>
#include <cstdint>

namespace sio::base64 {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_reverse() {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table)
        v = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}
constexpr auto reverse = make_reverse();

void encode_with(std::string& out, std::string_view bytes, std::string_view abc, bool pad) {
    out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto const byte = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t const n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out.push_back(abc[n >> 18 & 63]);
        out.push_back(abc[n >> 12 & 63]);
        out.push_back(abc[n >> 6 & 63]);
        out.push_back(abc[n & 63]);
    }
    if (auto const rest = bytes.size() - i; rest > 0) {
        std::uint32_t n = byte(i) << 16;
        if (rest == 2)
            n |= byte(i + 1) << 8;
        out.push_back(abc[n >> 18 & 63]);
        out.push_back(abc[n >> 12 & 63]);
        if (rest == 2)
            out.push_back(abc[n >> 6 & 63]);
        else if (pad)
            out.push_back('=');
        if (pad)
            out.push_back('=');
    }
}

} // namespace

void encode_to(std::string& out, std::string_view bytes) {
    encode_with(out, bytes, alphabet, true);
}

std::string encode(std::string_view bytes) {
    std::string out;
    encode_to(out, bytes);
    return out;
}

std::string encode_url(std::string_view bytes) {
    std::string out;
    encode_with(out, bytes, url_alphabet, false);
    return out;
}

std::optional<std::string> decode(std::string_view text) {
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool const last = i + 4 == text.size();
        std::uint32_t n = 0;
        int pad = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            char const c = text[i + k];
            if (c == '=' && last && k >= 2) {
                ++pad;
                n <<= 6;
                continue;
            }
            auto const v = reverse[static_cast<unsigned char>(c)];
            if (v < 0 || pad > 0)
                return std::nullopt;
            n = n << 6 | static_cast<std::uint32_t>(v);
        }
        out.push_back(static_cast<char>(n >> 16 & 0xff));
        if (pad < 2)
            out.push_back(static_cast<char>(n >> 8 & 0xff));
        if (pad < 1)
            out.push_back(static_cast<char>(n & 0xff));
    }
    return out;
}

} // namespace sio::base64
