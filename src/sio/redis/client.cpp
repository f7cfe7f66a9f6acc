#include "sio/redis/client.hpp"

#include "sio/core/log.hpp"
#include "sio/redis/connection.hpp"

#include <array>
#include <deque>

namespace sio::redis {
namespace detail {

class client_impl final : public connection {
public:
    client_impl(net::any_io_executor ex, options o)
        : connection(std::move(ex), std::move(o), "client") {}

    void command(std::string frame, std::function<void(outcome)> done) {
        post([this, frame = std::move(frame), done = std::move(done)]() mutable {
            if (frame.empty()) {
                fail(done, "redis: empty command");
                return;
            }
            if (!up()) {
                fail(done, stopping() ? "redis: stopped" : "redis: not connected");
                return;
            }
            pending_.push_back({std::move(done), clock::now(), false});
            send(std::move(frame));
        });
    }

    void publish(std::string frame) {
        post([this, frame = std::move(frame)]() mutable {
            if (stopping())
                return;
            if (up() && gate_ && buffer_.empty()) {
                pending_.push_back({{}, clock::now(), true});
                send(std::move(frame));
                return;
            }
            buffer_bytes_ += frame.size();
            buffer_.push_back({std::move(frame), clock::now()});
            trim();
        });
    }

    void set_gate(bool open) {
        post([this, open] {
            gate_ = open;
            flush();
        });
    }

    void set_on_state(std::function<void(bool)> f) {
        post([this, f = std::move(f)]() mutable { on_state_ = std::move(f); });
    }

    void stop_client() {
        stop();
        post([this] {
            buffer_.clear();
            buffer_bytes_ = 0;
            count_buffer();
        });
    }

private:
    struct pending {
        std::function<void(outcome)> done; ///< empty for a publish or our PING
        clock::time_point sent;
        bool publish;
    };
    struct buffered {
        std::string frame;
        clock::time_point at;
    };

    static void fail(std::function<void(outcome)>& done, std::string const& why) {
        if (!done)
            return;
        outcome o;
        o.error = why;
        call(done, std::move(o));
    }

    static void call(std::function<void(outcome)>& done, outcome o) {
        try {
            done(std::move(o));
        } catch (std::exception const& e) {
            log::error("redis client: a command callback threw: {}", e.what());
        }
    }

    void report(bool connected) {
        ready_.store(connected, std::memory_order_relaxed);
        if (on_state_ && !stopping()) {
            try {
                on_state_(connected);
            } catch (std::exception const& e) {
                log::error("{}: on_state threw: {}", name_, e.what());
            }
        }
    }

    void on_up() override {
        report(true);
        flush();
    }

    void on_reply(reply r) override {
        if (pending_.empty())
            throw protocol_error("redis: a reply that no command waits for");
        auto p = std::move(pending_.front());
        pending_.pop_front();
        if (p.done) {
            outcome o;
            o.value = std::move(r);
            call(p.done, std::move(o));
        } else if (p.publish && r.type == reply::kind::error) {
            log::warn("{}: PUBLISH refused: {}", name_, r.str);
        }
    }

    void on_down(std::string const& why, std::vector<std::string> unwritten) override {
        auto waiting = std::move(pending_);
        pending_.clear();
        // The last `unwritten.size()` entries never reached the socket: their publishes go
        // back to the front of the buffer, in order; the rest may or may not have reached
        // Redis (a lost publish is what at-most-once pub/sub allows).
        auto const written = waiting.size() - std::min(waiting.size(), unwritten.size());
        std::size_t lost = 0;
        std::deque<buffered> back;
        for (std::size_t i = 0; i < waiting.size(); ++i) {
            auto& p = waiting[i];
            if (i >= written && p.publish) {
                back.push_back({std::move(unwritten[i - written]), p.sent});
                continue;
            }
            if (p.publish)
                ++lost;
            fail(p.done, why);
        }
        if (lost > 0)
            log::info("{}: {} publish(es) in flight when the connection dropped may be lost", name_,
                      lost);
        for (auto& b : buffer_)
            back.push_back(std::move(b));
        buffer_ = std::move(back);
        if (stopping())
            buffer_.clear();
        buffer_bytes_ = 0;
        for (auto const& b : buffer_)
            buffer_bytes_ += b.frame.size();
        trim();
        report(false);
    }

    std::optional<clock::time_point> waiting_since() const override {
        if (pending_.empty())
            return std::nullopt;
        return pending_.front().sent;
    }

    void on_idle() override {
        std::array<std::string_view const, 1> const ping{"PING"};
        pending_.push_back({{}, clock::now(), false});
        send(format_command(ping));
    }

    /// Sends what the buffer holds if it may be sent now, after dropping what is too old.
    void flush() {
        trim();
        if (!up() || !gate_)
            return;
        auto const now = clock::now();
        while (!buffer_.empty()) {
            auto& b = buffer_.front();
            buffer_bytes_ -= b.frame.size();
            pending_.push_back({{}, now, true});
            send(std::move(b.frame));
            buffer_.pop_front();
        }
        count_buffer();
    }

    /// Drops the oldest publishes past either limit.
    void trim() {
        auto const now = clock::now();
        std::uint64_t dropped = 0;
        while (!buffer_.empty() && (buffer_bytes_ > opt_.max_buffered_bytes ||
                                    now - buffer_.front().at > opt_.max_buffered_age)) {
            buffer_bytes_ -= buffer_.front().frame.size();
            buffer_.pop_front();
            ++dropped;
        }
        if (dropped > 0) {
            dropped_.fetch_add(dropped, std::memory_order_relaxed);
            unlogged_drops_ += dropped;
        }
        if (unlogged_drops_ > 0 && now - last_drop_log_ >= std::chrono::seconds(1)) {
            log::warn("{}: dropped {} buffered publish(es) (max_buffered_bytes {}, "
                      "max_buffered_age {} ms); {} in all",
                      name_, unlogged_drops_, opt_.max_buffered_bytes,
                      opt_.max_buffered_age.count(), dropped_.load(std::memory_order_relaxed));
            unlogged_drops_ = 0;
            last_drop_log_ = now;
        }
        count_buffer();
    }

    void count_buffer() {
        buffered_.store(buffer_.size(), std::memory_order_relaxed);
        buffered_bytes_.store(buffer_bytes_, std::memory_order_relaxed);
    }

    std::deque<pending> pending_; ///< one per frame sent on this connection, in order
    std::deque<buffered> buffer_; ///< the outage buffer, oldest first
    std::size_t buffer_bytes_ = 0;
    bool gate_ = true;
    std::function<void(bool)> on_state_;
    std::uint64_t unlogged_drops_ = 0;
    clock::time_point last_drop_log_{};
};

} // namespace detail

client::client(net::any_io_executor ex, options o)
    : impl_(std::make_shared<detail::client_impl>(std::move(ex), std::move(o))) {}

client::~client() {
    if (impl_)
        impl_->stop_client();
}

client::client(client&&) noexcept = default;

client& client::operator=(client&& other) noexcept {
    if (this != &other) {
        if (impl_)
            impl_->stop_client();
        impl_ = std::move(other.impl_);
    }
    return *this;
}

void client::start() {
    impl_->start();
}

void client::stop() {
    impl_->stop_client();
}

void client::command(std::vector<std::string> args, std::function<void(outcome)> done) {
    // Redis answers nothing to an empty command, which would shift every later reply.
    impl_->command(args.empty() ? std::string() : format_command(args), std::move(done));
}

void client::publish(std::string_view channel, std::string_view message) {
    std::array<std::string_view const, 3> const args{"PUBLISH", channel, message};
    impl_->publish(format_command(args));
}

void client::set_gate(bool open) {
    impl_->set_gate(open);
}

void client::on_state(std::function<void(bool connected)> f) {
    impl_->set_on_state(std::move(f));
}

stats client::get_stats() const {
    return impl_->get_stats();
}

} // namespace sio::redis
