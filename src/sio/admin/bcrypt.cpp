#include "sio/admin/bcrypt.hpp"

#include <algorithm>
#include <memory>

#include <crypt.h>

namespace sio::admin {

bool is_bcrypt_hash(std::string_view hash) {
    if (hash.size() != 60 || hash.substr(0, 2) != "$2" || hash[3] != '$' || hash[6] != '$')
        return false;
    if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y')
        return false;
    auto const digit = [](char c) {
        return c >= '0' && c <= '9';
    };
    if (!digit(hash[4]) || !digit(hash[5]))
        return false;
    int const cost = (hash[4] - '0') * 10 + (hash[5] - '0');
    if (cost < 4 || cost > 31)
        return false;
    auto const b64 = [digit](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit(c) || c == '.' || c == '/';
    };
    return std::all_of(hash.begin() + 7, hash.end(), b64);
}

bool bcrypt_matches(std::string_view password, std::string const& hash) {
    if (!is_bcrypt_hash(hash) || password.find('\0') != std::string_view::npos)
        return false;
    // crypt_data is ~32 KiB: on the heap, one per call, so that concurrent checks share none.
    auto data = std::make_unique<crypt_data>();
    std::string const pw(password);
    char const* out = crypt_rn(pw.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
    if (out == nullptr)
        return false;
    std::string_view const computed(out);
    if (computed.size() != hash.size())
        return false;
    // Constant time: every byte is looked at whatever the first difference.
    unsigned char diff = 0;
    for (std::size_t i = 0; i < hash.size(); ++i)
        diff |= static_cast<unsigned char>(computed[i] ^ hash[i]);
    return diff == 0;
}

} // namespace sio::admin
