#include "sio/engineio/packet.hpp"

#include "sio/core/base64.hpp"

namespace sio::engineio {

std::string encode_text(packet_type type, std::string_view data) {
    std::string out;
    out.reserve(1 + data.size());
    out.push_back(static_cast<char>('0' + static_cast<int>(type)));
    out.append(data);
    return out;
}

std::optional<packet> decode_text(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    char const t = text.front();
    if (t < '0' || t > '6')
        return std::nullopt;
    return packet{static_cast<packet_type>(t - '0'), std::string(text.substr(1)), false};
}

void append_payload(std::string& out, encoded const& item) {
    if (!out.empty())
        out.push_back(record_separator);
    if (item.binary) {
        out.push_back('b');
        base64::encode_to(out, item.bytes);
    } else {
        out.append(item.bytes);
    }
}

std::optional<std::vector<packet>> decode_payload(std::string_view payload) {
    std::vector<packet> packets;
    for (;;) {
        auto const end = payload.find(record_separator);
        auto const record = payload.substr(0, end);
        if (!record.empty() && record.front() == 'b') {
            auto bytes = base64::decode(record.substr(1));
            if (!bytes)
                return std::nullopt;
            packets.push_back(packet{packet_type::message, std::move(*bytes), true});
        } else {
            auto p = decode_text(record);
            if (!p)
                return std::nullopt;
            packets.push_back(std::move(*p));
        }
        if (end == std::string_view::npos)
            break;
        payload.remove_prefix(end + 1);
    }
    return packets;
}

} // namespace sio::engineio
