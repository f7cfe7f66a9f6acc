#include "sio/core/log.hpp"

#include <fmt/chrono.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace sio::log {
namespace {

std::atomic<level> threshold{level::info};
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

void write(level lvl, std::string_view message) {
    auto const now =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    auto line = fmt::format("{:%Y-%m-%dT%H:%M:%S}Z {:<5} {}\n", now, name_of(lvl), message);
    std::lock_guard lock(out_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

void out(std::string_view line) {
    std::lock_guard lock(out_mutex);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
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
