// bcrypt password hashes ($2a$, $2b$, $2y$), checked with libxcrypt's crypt_rn. Slow on
// purpose (tens of milliseconds at cost 10): call it off the I/O threads.
#pragma once

#include <string>
#include <string_view>

namespace sio::admin {

/// Whether `hash` has the form of a bcrypt hash: $2a$/$2b$/$2y$, a two-digit cost from 04 to
/// 31, then 53 characters of bcrypt's base64 (salt and digest).
bool is_bcrypt_hash(std::string_view hash);

/// Whether `password` hashes to `hash` (compared in constant time). False for a malformed
/// hash and for a password with a NUL byte (crypt takes C strings). Blocks for the hash's cost.
bool bcrypt_matches(std::string_view password, std::string const& hash);

} // namespace sio::admin
