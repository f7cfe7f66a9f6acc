// Client-side WebSocket frames for reader tests: masked, as browsers send them.
#pragma once

#include "sio/engineio/websocket.hpp"

#include <string>
#include <string_view>

namespace sio::test {

/// A client frame: masked with `key`, as browsers send them.
inline std::string client_frame(engineio::ws::opcode op, std::string_view payload, bool fin = true,
                                bool rsv1 = false, std::string_view key = "\x11\x22\x33\x44") {
    std::string f;
    f.push_back(static_cast<char>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | static_cast<int>(op)));
    if (payload.size() < 126) {
        f.push_back(static_cast<char>(0x80 | payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        f.push_back(static_cast<char>(0x80 | 126));
        f.push_back(static_cast<char>(payload.size() >> 8));
        f.push_back(static_cast<char>(payload.size() & 0xFF));
    } else {
        f.push_back(static_cast<char>(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            f.push_back(static_cast<char>((payload.size() >> (8 * i)) & 0xFF));
    }
    f.append(key);
    for (std::size_t i = 0; i < payload.size(); ++i)
        f.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
    return f;
}

} // namespace sio::test
