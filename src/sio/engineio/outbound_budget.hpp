// The outbound bytes all sessions of a server hold together (queued and being written),
// against one server-wide limit. A session that does not read could otherwise hold its
// own budget many times over across many connections.
#pragma once

#include <atomic>
#include <cstddef>

namespace sio::engineio {

/// Thread safety: all members. Sessions reserve in granules, so the shared counter is
/// touched once per `granule` of growth or shrinkage, not once per message.
class outbound_budget {
public:
    static constexpr std::size_t granule = 64 * 1024;

    explicit outbound_budget(std::size_t limit = 0)
        : limit_(limit) {}

    /// Moves a session's reservation (`reserved`, which it keeps) to cover `held` bytes.
    void account(std::size_t& reserved, std::size_t held) {
        if (held > reserved) {
            std::size_t const more = round_up(held - reserved);
            total_.fetch_add(more, std::memory_order_relaxed);
            reserved += more;
        } else if (reserved - held > 2 * granule) {
            // Keep one granule of slack so a queue that hovers at a boundary does not
            // bounce the counter back and forth.
            std::size_t const keep = round_up(held) + granule;
            total_.fetch_sub(reserved - keep, std::memory_order_relaxed);
            reserved = keep;
        }
    }
    void release(std::size_t& reserved) {
        total_.fetch_sub(reserved, std::memory_order_relaxed);
        reserved = 0;
    }

    /// Whether the sessions together hold more than the limit (never, when it is 0).
    bool exhausted() const {
        return limit_ != 0 && total_.load(std::memory_order_relaxed) > limit_;
    }
    std::size_t total() const { return total_.load(std::memory_order_relaxed); }
    std::size_t limit() const { return limit_; }

private:
    static std::size_t round_up(std::size_t n) { return (n + granule - 1) / granule * granule; }

    std::atomic<std::size_t> total_{0};
    std::size_t limit_;
};

} // namespace sio::engineio
