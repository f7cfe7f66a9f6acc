#include "sio/core/log.hpp"

#include <fmt/chrono.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace sio::log {
namespace {

std::atomic<level> threshold{level::info};
std::atomic<format> line_format{format::text};
std::mutex out_mutex;

constexpr std::string_view name_of(level lvl) {
    switch (lvl) {
    case level::trace:
        return "trace";
    case level::debug:
        return "debug";
    case level::info:
        return "info";
    case level::warn:
        return "warn";
    case level::error:
        return "error";
    case level::off:
        break;
    }
    return "off";
}

} // namespace

std::optional<level> parse_level(std::string_view name) {
    for (auto lvl :
         {level::trace, level::debug, level::info, level::warn, level::error, level::off}) {
        if (name == name_of(lvl))
            return lvl;
    }
    return std::nullopt;
}

void set_level(level lvl) {
    threshold.store(lvl, std::memory_order_relaxed);
}

level current_level() {
    return threshold.load(std::memory_order_relaxed);
}

std::optional<format> parse_format(std::string_view name) {
    if (name == "text")
        return format::text;
    if (name == "json")
        return format::json;
    return std::nullopt;
}

void set_format(format f) {
    line_format.store(f, std::memory_order_relaxed);
}

std::string format_line(format f, level lvl, std::string_view message,
                        std::chrono::system_clock::time_point when) {
    // fmt 9 prints a time point's seconds without their fraction: the milliseconds go apart.
    auto const seconds = std::chrono::floor<std::chrono::seconds>(when);
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(when - seconds).count();
    if (f == format::json)
        return fmt::format(R"({{"time":"{:%Y-%m-%dT%H:%M:%S}.{:03}Z","level":"{}","msg":{}}})",
                           seconds, ms, name_of(lvl), json_quote(message));
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z {:<5} {}", seconds, ms, name_of(lvl), message);
}

void write(level lvl, std::string_view message) {
    auto line = format_line(line_format.load(std::memory_order_relaxed), lvl, message,
                            std::chrono::system_clock::now());
    line += '\n';
    std::lock_guard lock(out_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

void out(std::string_view text) {
    std::string line;
    if (line_format.load(std::memory_order_relaxed) == format::json)
        line = format_line(format::json, level::info, text, std::chrono::system_clock::now());
    else
        line = std::string(text);
    line += '\n';
    std::lock_guard lock(out_mutex);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

namespace {

/// The length of the valid UTF-8 sequence at the start of `s` (1 to 4), or 0 if none is
/// (overlong forms, surrogates and code points past U+10FFFF are invalid).
std::size_t utf8_length(std::string_view s) {
    auto const b = [&](std::size_t i) {
        return static_cast<unsigned char>(s[i]);
    };
    auto const cont = [&](std::size_t i) {
        return i < s.size() && (b(i) & 0xC0) == 0x80;
    };
    unsigned char const c = b(0);
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2))
            return 0;
        if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) >= 0xA0))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3))
            return 0;
        if ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

} // namespace

std::string json_quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    while (!text.empty()) {
        auto const n = utf8_length(text);
        if (n == 0) {
            out += "\\ufffd";
            text.remove_prefix(1);
            continue;
        }
        char const c = text[0];
        if (n > 1)
            out.append(text.data(), n);
        else if (c == '"')
            out += "\\\"";
        else if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
            out += c;
        text.remove_prefix(n);
    }
    out += '"';
    return out;
}

std::string describe(std::exception_ptr e) {
    if (!e)
        return {};
    try {
        std::rethrow_exception(e);
    } catch (std::exception const& ex) {
        return ex.what();
    } catch (...) {
        return "unknown exception";
    }
}

} // namespace sio::log
