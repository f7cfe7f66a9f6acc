// Unguessable identifiers: Engine.IO session ids, Socket.IO socket ids and private ids.
#pragma once

#include <string>

namespace sio {

/// 120 random bits from the OS CSPRNG, URL-safe base64 (20 characters).
std::string random_id();

} // namespace sio
