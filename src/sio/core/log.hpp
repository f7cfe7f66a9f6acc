// Diagnostics with a time stamp and a level, written to stderr in one place.
#pragma once

#include <fmt/core.h>

#include <exception>
#include <optional>
#include <string>
#include <string_view>

namespace sio::log {

enum class level { trace, debug, info, warn, error, off };

/// Parses "trace", "debug", "info", "warn", "error" or "off".
std::optional<level> parse_level(std::string_view name);

/// Thread-safe: the threshold is atomic and each line is written with one call.
void set_level(level lvl);
level current_level();

inline bool enabled(level lvl) {
    return lvl >= current_level();
}

void write(level lvl, std::string_view message);

/// What an exception says: its what(), or "unknown exception"; "" for a null pointer.
std::string describe(std::exception_ptr e);

template <class... Args>
void trace(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::trace))
        write(level::trace, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::debug))
        write(level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::info))
        write(level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::warn))
        write(level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::error))
        write(level::error, fmt::format(f, std::forward<Args>(args)...));
}

/// Application output (the demo's "[socket.io] ..." lines): plain, to stdout, flushed per line.
void out(std::string_view line);

} // namespace sio::log
