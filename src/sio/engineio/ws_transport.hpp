// The WebSocket transport: one co_await loop per connection that reads the client's frames,
// dispatches them to the session, and writes what the session queued (its own sends and
// room broadcasts) in one gather write per batch. Also the upgrade probe from polling.
#pragma once

#include "sio/core/net.hpp"
#include "sio/engineio/websocket.hpp"
#include "sio/http/server.hpp"

#include <memory>
#include <string>

namespace sio::engineio {

class session;

/// Why a WebSocket connects.
enum class ws_role : bool {
    opens_session,  ///< a new session's only transport (`transport=websocket`, no sid)
    probes_upgrade, ///< a session on polling tries to move onto it
};

/// Sends the 101 in `terms`, then runs the connection until it ends, on the session's
/// strand. `early_bytes` are frames the client sent right behind its request.
awaitable<void> run_websocket(std::shared_ptr<session> s, http::stream stream, ws::accepted terms,
                              std::string early_bytes, ws_role role);

} // namespace sio::engineio
