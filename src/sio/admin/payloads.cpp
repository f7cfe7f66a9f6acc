#include "sio/admin/payloads.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <array>

#include <unistd.h>

namespace sio::admin {

std::string iso_date(std::chrono::system_clock::time_point t) {
    auto const ms = std::chrono::time_point_cast<std::chrono::milliseconds>(t);
    auto const secs = std::chrono::time_point_cast<std::chrono::seconds>(ms);
    auto const frac = (ms - secs).count();
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z",
                       fmt::gmtime(std::chrono::system_clock::to_time_t(secs)), frac);
}

boost::json::value data_for_ui(boost::json::value const& data) {
    if (!data.is_object())
        return data.is_null() ? boost::json::value(boost::json::object{}) : data;
    auto copy = data.as_object();
    copy.erase("_admin");
    return copy;
}

namespace {

boost::json::value admin_field(boost::json::value const& data, std::string_view name) {
    if (auto const* obj = data.if_object()) {
        if (auto const* admin = obj->if_contains("_admin")) {
            if (auto const* a = admin->if_object()) {
                if (auto const* v = a->if_contains(name))
                    return *v;
            }
        }
    }
    return nullptr; // JSON has no undefined; the UI shows nothing for null either
}

} // namespace

boost::json::object serialize_socket(adapter::socket_details const& d, std::string const& nsp) {
    boost::json::object handshake;
    if (auto const* hs = d.handshake.if_object()) {
        boost::json::value address = hs->contains("address") ? hs->at("address") : nullptr;
        // As Node: the client's address as a proxy in front reports it.
        if (auto const* headers =
                hs->contains("headers") ? hs->at("headers").if_object() : nullptr) {
            if (auto const* cf = headers->if_contains("cf-connecting-ip"))
                address = *cf;
            else if (auto const* xff = headers->if_contains("x-forwarded-for"))
                address = *xff;
        }
        handshake["address"] = address;
        for (auto const* field : {"headers", "query", "issued", "secure", "time", "url", "xdomain"})
            if (auto const* v = hs->if_contains(field))
                handshake[field] = *v; // auth and anything else stay out, as in Node
    }
    boost::json::array rooms;
    for (auto const& r : d.rooms)
        rooms.emplace_back(r);
    return {
        {"id", d.id},
        {"clientId", admin_field(d.data, "clientId")},
        {"transport", admin_field(d.data, "transport")},
        {"nsp", nsp},
        {"data", data_for_ui(d.data)},
        {"handshake", std::move(handshake)},
        {"rooms", std::move(rooms)},
    };
}

boost::json::array supported_features(bool readonly, mode m) {
    boost::json::array features;
    if (!readonly) {
        for (auto const* f :
             {"EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"})
            features.emplace_back(f);
    }
    features.emplace_back("AGGREGATED_EVENTS");
    if (m == mode::development)
        features.emplace_back("ALL_EVENTS");
    return features;
}

std::string host_name() {
    std::array<char, 256> buf{};
    if (gethostname(buf.data(), buf.size() - 1) != 0)
        return "unknown";
    return buf.data();
}

void event_buffer::push(std::string const& type, std::optional<std::string> sub_type,
                        std::uint64_t count, std::chrono::system_clock::time_point now) {
    // Truncated to the second, as Node's timestamp.setMilliseconds(0).
    auto const second =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() * 1000;
    std::lock_guard lock(mutex_);
    counts_[key{second, type, std::move(sub_type)}] += count;
}

boost::json::array event_buffer::take() {
    std::map<key, std::uint64_t> counts;
    {
        std::lock_guard lock(mutex_);
        counts.swap(counts_);
    }
    boost::json::array out;
    for (auto const& [k, count] : counts) {
        auto const& [timestamp, type, sub_type] = k;
        boost::json::object e{{"timestamp", timestamp}, {"type", type}, {"count", count}};
        if (sub_type)
            e["subType"] = *sub_type;
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace sio::admin
