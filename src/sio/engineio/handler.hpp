// The narrow interface between Engine.IO and the layer above it (Socket.IO, or the
// conformance echo server). Nothing here knows about Socket.IO.
#pragma once

#include "sio/engineio/disconnect_reason.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace sio::engineio {

class connection;

/// Receives one session's events. Every call is made on the session's strand, in order;
/// on_close exactly once, last.
class session_listener {
public:
    virtual ~session_listener() = default;
    virtual void on_message(std::string text) = 0;
    virtual void on_binary(std::string bytes) = 0;
    virtual void on_close(disconnect_reason reason) = 0;
    /// Everything queued has gone to the client's socket (WebSocket) or to a poll: the
    /// connection's buffered_bytes() is back to zero. Engine.IO's "drain".
    virtual void on_drain() {}
    /// The session moved from polling to WebSocket (Engine.IO's "upgrade"), for observers.
    virtual void on_upgrade() {}
};

/// Creates a listener for each new session.
class handler {
public:
    virtual ~handler() = default;
    /// Called on the new session's strand, before any message is delivered.
    virtual std::shared_ptr<session_listener> on_open(std::shared_ptr<connection> const& c) = 0;
};

} // namespace sio::engineio
