// Event arguments as the C++ API carries them: JSON values, with binary arguments as
// placeholders into a list of attachments (so re-emitting reproduces the same bytes).
#pragma once

#include "sio/protocol/packet.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace sio::protocol {

/// A binary argument (a Buffer / ArrayBuffer on the JS side).
struct binary {
    std::string bytes;
};

struct payload {
    boost::json::array args;
    std::vector<std::string> attachments;

    /// Appends one argument: a binary, or anything Boost.JSON converts (value_from).
    template <class T>
    void push(T&& arg) {
        if constexpr (std::is_same_v<std::decay_t<T>, binary>) {
            args.push_back(make_placeholder(attachments.size()));
            attachments.push_back(std::forward<T>(arg).bytes);
        } else {
            args.push_back(boost::json::value_from(std::forward<T>(arg)));
        }
    }

    /// The bytes of argument i when it is binary, else nullptr.
    std::string const* binary_at(std::size_t i) const {
        if (i >= args.size() || !is_placeholder(args[i]))
            return nullptr;
        auto const num = static_cast<std::size_t>(args[i].at("num").to_number<std::uint64_t>());
        return num < attachments.size() ? &attachments[num] : nullptr;
    }

    /// Argument i converted to T (value_to), or nullopt when absent or of another type.
    template <class T>
    std::optional<T> get(std::size_t i) const {
        if (i >= args.size())
            return std::nullopt;
        auto r = boost::json::try_value_to<T>(args[i]);
        if (!r)
            return std::nullopt;
        return std::move(*r);
    }
};

template <class... Args>
payload make_payload(Args&&... args) {
    payload p;
    (p.push(std::forward<Args>(args)), ...);
    return p;
}

} // namespace sio::protocol
