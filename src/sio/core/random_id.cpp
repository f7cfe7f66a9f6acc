#include "sio/core/random_id.hpp"

#include "sio/core/base64.hpp"

#include <array>
#include <cerrno>
#include <stdexcept>
#include <string_view>

#include <sys/random.h>

namespace sio {

std::string random_id() {
    // Amortise the syscall: draw randomness in blocks, hand out 15 bytes at a time.
    constexpr std::size_t id_bytes = 15;
    thread_local std::array<char, id_bytes * 64> pool;
    thread_local std::size_t used = pool.size();
    if (used == pool.size()) {
        std::size_t filled = 0;
        while (filled < pool.size()) {
            auto const n = getrandom(pool.data() + filled, pool.size() - filled, 0);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                throw std::runtime_error("getrandom failed");
            }
            filled += static_cast<std::size_t>(n);
        }
        used = 0;
    }
    auto id = base64::encode_url(std::string_view(pool.data() + used, id_bytes));
    used += id_bytes;
    return id;
}

} // namespace sio
