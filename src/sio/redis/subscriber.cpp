#include "sio/redis/subscriber.hpp"

#include "sio/core/log.hpp"
#include "sio/redis/connection.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <unordered_map>

namespace sio::redis {
namespace detail {

class subscriber_impl final : public connection {
public:
    using message_handler =
        std::function<void(std::string_view, std::string_view, std::string_view)>;

    subscriber_impl(net::any_io_executor ex, options o)
        : connection(std::move(ex), std::move(o), "subscriber") {}

    /// Channels and patterns are kept apart, as Redis keeps them.
    struct kind {
        std::string_view subscribe_command;
        std::string_view unsubscribe_command;
        std::set<std::string> wanted;
        /// Confirmations owed on this connection, per name: the waiters and readiness wait
        /// for these, so a subscribe that follows an unsubscribe of the same name waits
        /// for its own confirmation.
        std::unordered_map<std::string, unsigned> owed;
    };

    void subscribe(bool pattern, std::vector<std::string> names, std::function<void()> done) {
        post([this, pattern, names = std::move(names), done = std::move(done)]() mutable {
            if (stopping())
                return;
            auto& k = pattern ? patterns_ : channels_;
            for (auto const& n : names)
                k.wanted.insert(n);
            if (up() && !names.empty())
                send_names(k, k.subscribe_command, names, true);
            if (done) {
                waiter w{{}, {}, std::move(done)};
                (pattern ? w.patterns : w.channels) = std::move(names);
                waiters_.push_back(std::move(w));
                check_waiters();
            }
        });
    }

    void unsubscribe(bool pattern, std::vector<std::string> names) {
        post([this, pattern, names = std::move(names)] {
            if (stopping() || names.empty())
                return;
            auto& k = pattern ? patterns_ : channels_;
            for (auto const& n : names)
                k.wanted.erase(n);
            if (up())
                send_names(k, k.unsubscribe_command, names, false);
        });
    }

    void set_on_message(message_handler f) {
        post([this, f = std::move(f)]() mutable { on_message_ = std::move(f); });
    }

    void set_on_state(std::function<void(bool)> f) {
        post([this, f = std::move(f)]() mutable { on_state_ = std::move(f); });
    }

private:
    struct waiter {
        std::vector<std::string> channels;
        std::vector<std::string> patterns;
        std::function<void()> done;
    };

    bool owes() const { return !channels_.owed.empty() || !patterns_.owed.empty() || pings_ > 0; }

    void send_names(kind& k, std::string_view command, std::vector<std::string> const& names,
                    bool owe) {
        std::vector<std::string_view> args;
        args.reserve(names.size() + 1);
        args.push_back(command);
        for (auto const& n : names)
            args.push_back(n);
        if (owe) {
            if (!owes())
                since_ = clock::now();
            for (auto const& n : names)
                ++k.owed[n];
        }
        send(format_command(args));
    }

    void on_up() override {
        // Everything wanted, again: Redis forgot it with the old connection.
        for (auto* k : {&channels_, &patterns_}) {
            if (k->wanted.empty())
                continue;
            std::vector<std::string> names(k->wanted.begin(), k->wanted.end());
            send_names(*k, k->subscribe_command, names, true);
        }
        update_ready();
        check_waiters();
    }

    void on_reply(reply r) override {
        if (r.type == reply::kind::status && r.str == "PONG") {
            pong();
            return;
        }
        if (r.type == reply::kind::error) {
            // A refused SUBSCRIBE (an ACL, say) never confirms: the watchdog then drops the
            // connection after request_timeout and the next one tries again.
            log::warn("{}: Redis refused a command: {}", name_, r.str);
            return;
        }
        auto const& e = r.elements;
        if (r.type != reply::kind::array || e.empty() || e[0].type != reply::kind::string)
            throw protocol_error("redis: unexpected reply in subscribe mode");
        auto const& what = e[0].str;
        auto const text = [&](std::size_t i) -> std::string_view {
            if (i >= e.size() || e[i].type != reply::kind::string)
                throw protocol_error(fmt::format("redis: malformed \"{}\" push", what));
            return e[i].str;
        };
        if (what == "message") {
            deliver({}, text(1), text(2));
        } else if (what == "pmessage") {
            deliver(text(1), text(2), text(3));
        } else if (what == "subscribe") {
            confirm(channels_, text(1));
        } else if (what == "psubscribe") {
            confirm(patterns_, text(1));
        } else if (what == "unsubscribe" || what == "punsubscribe") {
            // Nothing waits for these.
        } else if (what == "pong") {
            pong();
        } else {
            throw protocol_error(fmt::format("redis: unexpected \"{}\" in subscribe mode", what));
        }
    }

    void on_down(std::string const&, std::vector<std::string>) override {
        channels_.owed.clear();
        patterns_.owed.clear();
        pings_ = 0;
        if (ready_reported_) {
            ready_reported_ = false;
            report(false);
        }
    }

    std::optional<clock::time_point> waiting_since() const override {
        if (!owes())
            return std::nullopt;
        return since_;
    }

    void on_idle() override {
        if (!owes())
            since_ = clock::now();
        ++pings_;
        std::array<std::string_view const, 1> const ping{"PING"};
        send(format_command(ping));
    }

    void pong() {
        if (pings_ > 0)
            --pings_;
    }

    void confirm(kind& k, std::string_view name) {
        auto const it = k.owed.find(std::string(name));
        if (it != k.owed.end() && --it->second == 0)
            k.owed.erase(it);
        update_ready();
        check_waiters();
    }

    void deliver(std::string_view pattern, std::string_view channel, std::string_view payload) {
        messages_.fetch_add(1, std::memory_order_relaxed);
        if (!on_message_ || stopping())
            return;
        try {
            on_message_(pattern, channel, payload);
        } catch (std::exception const& ex) {
            log::error("{}: on_message threw: {}", name_, ex.what());
        }
    }

    void update_ready() {
        if (!up() || ready_reported_ || !channels_.owed.empty() || !patterns_.owed.empty())
            return;
        ready_reported_ = true;
        report(true);
    }

    void report(bool ready) {
        ready_.store(ready, std::memory_order_relaxed);
        if (!on_state_ || stopping())
            return;
        try {
            on_state_(ready);
        } catch (std::exception const& ex) {
            log::error("{}: on_state threw: {}", name_, ex.what());
        }
    }

    void check_waiters() {
        if (!up())
            return;
        auto const confirmed = [](kind const& k, std::vector<std::string> const& names) {
            return std::none_of(names.begin(), names.end(),
                                [&](auto const& n) { return k.owed.contains(n); });
        };
        std::vector<std::function<void()>> due;
        std::erase_if(waiters_, [&](waiter& w) {
            if (!confirmed(channels_, w.channels) || !confirmed(patterns_, w.patterns))
                return false;
            due.push_back(std::move(w.done));
            return true;
        });
        for (auto& f : due) {
            if (stopping())
                return;
            try {
                f();
            } catch (std::exception const& ex) {
                log::error("{}: a subscribe callback threw: {}", name_, ex.what());
            }
        }
    }

    kind channels_{"SUBSCRIBE", "UNSUBSCRIBE", {}, {}};
    kind patterns_{"PSUBSCRIBE", "PUNSUBSCRIBE", {}, {}};
    unsigned pings_ = 0;
    clock::time_point since_{};
    bool ready_reported_ = false;
    std::vector<waiter> waiters_;
    message_handler on_message_;
    std::function<void(bool)> on_state_;
};

} // namespace detail

subscriber::subscriber(net::any_io_executor ex, options o)
    : impl_(std::make_shared<detail::subscriber_impl>(std::move(ex), std::move(o))) {}

subscriber::~subscriber() {
    if (impl_)
        impl_->stop();
}

subscriber::subscriber(subscriber&&) noexcept = default;

subscriber& subscriber::operator=(subscriber&& other) noexcept {
    if (this != &other) {
        if (impl_)
            impl_->stop();
        impl_ = std::move(other.impl_);
    }
    return *this;
}

void subscriber::start() {
    impl_->start();
}

void subscriber::stop() {
    impl_->stop();
}

void subscriber::subscribe(std::vector<std::string> channels, std::function<void()> confirmed) {
    impl_->subscribe(false, std::move(channels), std::move(confirmed));
}

void subscriber::psubscribe(std::vector<std::string> patterns, std::function<void()> confirmed) {
    impl_->subscribe(true, std::move(patterns), std::move(confirmed));
}

void subscriber::unsubscribe(std::vector<std::string> channels) {
    impl_->unsubscribe(false, std::move(channels));
}

void subscriber::punsubscribe(std::vector<std::string> patterns) {
    impl_->unsubscribe(true, std::move(patterns));
}

void subscriber::on_message(
    std::function<void(std::string_view, std::string_view, std::string_view)> f) {
    impl_->set_on_message(std::move(f));
}

void subscriber::on_state(std::function<void(bool ready)> f) {
    impl_->set_on_state(std::move(f));
}

stats subscriber::get_stats() const {
    return impl_->get_stats();
}

} // namespace sio::redis
