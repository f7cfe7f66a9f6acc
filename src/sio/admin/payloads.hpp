// What the Admin UI's server side sends, as @socket.io/admin-ui 0.5.1 builds it: the socket
// serialization, dates, the supported features and the aggregated event counters.
#pragma once

#include "sio/adapter/adapter.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

namespace sio::admin {

/// development: every socket, room and event goes to the UI; production: only the
/// periodic stats with aggregated counters (Node's `mode`).
enum class mode { development, production };

/// JavaScript's Date in JSON: "2026-12-06T14:00:00.123Z".
std::string iso_date(std::chrono::system_clock::time_point t);
inline std::string iso_now() {
    return iso_date(std::chrono::system_clock::now());
}

/// Node's serialize(socket, nsp): id, clientId, transport (from data._admin), nsp, data
/// (without _admin), handshake (address, headers, query, issued, secure, time, url, xdomain:
/// no auth) and rooms.
boost::json::object serialize_socket(adapter::socket_details const& d, std::string const& nsp);

/// socket.data as the UI shows it: without the instrumentation's `_admin` entry.
boost::json::value data_for_ui(boost::json::value const& data);

/// The features the `config` event announces: EMIT, JOIN, LEAVE, DISCONNECT, MJOIN, MLEAVE,
/// MDISCONNECT unless readonly; AGGREGATED_EVENTS; ALL_EVENTS in development.
boost::json::array supported_features(bool readonly, mode m);

/// This machine's host name ("unknown" if it cannot be had).
std::string host_name();

/// Node's EventBuffer: counts per (second, type, subType), taken by each server_stats.
/// Thread safety: any thread.
class event_buffer {
public:
    void push(std::string const& type, std::optional<std::string> sub_type = std::nullopt,
              std::uint64_t count = 1,
              std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
    /// [{timestamp, type, subType?, count}] since the last call, and empties the buffer.
    boost::json::array take();

private:
    using key = std::tuple<std::int64_t, std::string, std::optional<std::string>>;
    std::mutex mutex_;
    std::map<key, std::uint64_t> counts_;
};

} // namespace sio::admin
