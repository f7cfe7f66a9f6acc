// What the sessions of one Engine.IO server share: sid -> session, the operator's limits on
// sessions (in total and per client address, and the handshake rate per address) and the
// server-wide outbound budget.
#pragma once

#include "sio/engineio/outbound_budget.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sio::engineio {

class session;
struct config;

/// Whether a handshake may make a session.
enum class admission : std::uint8_t {
    admitted,
    server_full,   ///< max_sessions reached
    address_full,  ///< max_sessions_per_address reached
    address_rate,  ///< max_handshakes_per_second_per_address exceeded
    shutting_down, ///< the server is stopping
};

/// Thread safety: all members.
class session_registry {
public:
    explicit session_registry(config const& cfg);

    /// Counts a new session from `address` against the limits, or says which one refuses
    /// it (then nothing is counted). Every admitted session is later left().
    admission admit(std::string const& address,
                    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
    /// An admitted session from `address` has ended.
    void leave(std::string const& address);
    /// No session is admitted from now on.
    void close_admission();

    void add(std::shared_ptr<session> s);
    std::shared_ptr<session> find(std::string const& sid) const;
    void remove(std::string const& sid);
    std::size_t size() const;
    std::vector<std::shared_ptr<session>> all() const;
    outbound_budget& outbound() { return outbound_; }

private:
    struct address_entry {
        std::size_t sessions = 0;
        double tokens = 0; ///< handshakes allowed now (a token bucket)
        std::chrono::steady_clock::time_point refilled;
    };
    bool tracks_addresses() const { return per_address_ != 0 || rate_ > 0; }
    /// Drops the entries of addresses with no session whose bucket is full again, so the
    /// map holds only addresses that are connected or were refused lately.
    void sweep(std::chrono::steady_clock::time_point now);

    mutable std::mutex mutex_;
    /// Keyed by a view of the session's own id: no second copy of it per session.
    std::unordered_map<std::string_view, std::shared_ptr<session>> sessions_;
    std::size_t admitted_ = 0;
    bool closed_ = false;
    std::unordered_map<std::string, address_entry> addresses_;
    std::size_t admits_since_sweep_ = 0;
    std::size_t const max_sessions_;
    std::size_t const per_address_;
    double const rate_;
    outbound_budget outbound_;
};

} // namespace sio::engineio
