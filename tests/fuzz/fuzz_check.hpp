// What the fuzz targets share: a property check that stops the run, so that a target finds
// logic errors (a decoded packet that does not encode back) and not only crashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

/// Traps (libFuzzer then saves the input as a crash) when `cond` is false.
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (false)

namespace sio::fuzz {

inline std::string_view as_chars(std::uint8_t const* data, std::size_t size) {
    return {reinterpret_cast<char const*>(data), size};
}

} // namespace sio::fuzz
