#include "sio/adapter/session_store.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <charconv>

namespace sio::adapter {
namespace {

/// Node's shouldIncludePacket: in one of the target rooms (or all), in none excluded.
bool reaches(std::vector<room> const& rooms, broadcast_options const& opts) {
    bool const included = opts.rooms.empty() || std::ranges::any_of(rooms, [&](room const& r) {
                              return opts.rooms.contains(r);
                          });
    bool const excluded =
        std::ranges::any_of(rooms, [&](room const& r) { return opts.except.contains(r); });
    return included && !excluded;
}

} // namespace

session_store::session_store(std::chrono::milliseconds keep, std::string prefix)
    : keep_(keep)
    , prefix_(std::move(prefix) + "-") {}

bool session_store::keeps(protocol::packet const& p, broadcast_options const& opts) {
    return p.type == protocol::packet_type::event && !p.id && !opts.is_volatile && p.data &&
           p.data->is_array();
}

std::string session_store::record(protocol::packet& p, broadcast_options const& opts,
                                  clock::time_point now) {
    expire(now);
    auto const number = next_number_++;
    auto offset = prefix_ + std::to_string(number);
    p.data->as_array().emplace_back(offset);
    packets_.push_back({number, opts, p, now});
    return offset;
}

void session_store::persist(persisted_session s, clock::time_point now) {
    expire(now);
    auto pid = s.pid;
    session_order_.emplace_back(now, pid);
    sessions_.insert_or_assign(std::move(pid), kept_session{std::move(s), now});
}

std::optional<std::size_t> session_store::index_of(std::string const& offset) const {
    if (packets_.empty() || !offset.starts_with(prefix_))
        return std::nullopt;
    auto const digits = std::string_view(offset).substr(prefix_.size());
    std::uint64_t number = 0;
    auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc{} || end != digits.data() + digits.size())
        return std::nullopt;
    auto const first = packets_.front().number;
    if (number < first || number - first >= packets_.size())
        return std::nullopt;
    return static_cast<std::size_t>(number - first);
}

std::optional<restored_session>
session_store::restore(std::string const& pid, std::string const& offset, clock::time_point now) {
    expire(now);
    auto const it = sessions_.find(pid);
    if (it == sessions_.end())
        return std::nullopt;
    auto const index = index_of(offset);
    if (!index)
        return std::nullopt; // too old: the packets after it are gone
    restored_session out{std::move(it->second.session), {}};
    sessions_.erase(it);
    for (auto i = *index + 1; i < packets_.size(); ++i) {
        if (reaches(out.session.rooms, packets_[i].opts))
            out.missed.push_back(packets_[i].packet);
    }
    return out;
}

void session_store::expire(clock::time_point now) {
    auto const threshold = now - keep_;
    while (!packets_.empty() && packets_.front().at < threshold)
        packets_.pop_front();
    while (!session_order_.empty() && session_order_.front().first < threshold) {
        auto const& [at, pid] = session_order_.front();
        // Only if not persisted again since (a later entry owns it then).
        if (auto it = sessions_.find(pid); it != sessions_.end() && it->second.at == at)
            sessions_.erase(it);
        session_order_.pop_front();
    }
}

} // namespace sio::adapter
