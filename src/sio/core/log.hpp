// Diagnostics with a time stamp and a level, written to stderr in one place.
#pragma once

#include <fmt/core.h>

#include <chrono>
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

/// How lines are written: `2026-01-02T03:04:05.678Z info  message`, or one JSON object per
/// line, {"time":"2026-01-02T03:04:05.678Z","level":"info","msg":"message"}, for log
/// collectors. Set it at start, before other threads log.
enum class format { text, json };
std::optional<format> parse_format(std::string_view name);
void set_format(format f);

/// One line as write() (and out(), at level info, in json) writes it, without the newline.
std::string format_line(format f, level lvl, std::string_view message,
                        std::chrono::system_clock::time_point when);

/// `text` as a JSON string, quotes included: `"`, `\` and control characters escaped, and
/// each byte that is not part of valid UTF-8 replaced by U+FFFD (log messages may quote
/// what clients sent), so that the line is always valid JSON.
std::string json_quote(std::string_view text);

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

/// Application output (the demo's "[socket.io] ..." lines): to stdout, flushed per line;
/// plain, or in json format the same object as write() makes, at level info.
void out(std::string_view line);

} // namespace sio::log
