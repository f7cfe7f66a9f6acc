// Lets Boost.Test print what the redis tests compare.
#pragma once

#include "sio/redis/reply.hpp"

#include <ostream>

namespace sio::redis {

inline std::ostream& operator<<(std::ostream& os, reply::kind k) {
    constexpr char const* names[] = {"status", "error", "integer", "string", "nil", "array"};
    return os << names[static_cast<int>(k)];
}

} // namespace sio::redis
