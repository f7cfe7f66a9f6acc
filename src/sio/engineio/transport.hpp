// What a session needs of the WebSocket that carries it (long-polling is the session's own
// mode: a parked GET, see polling.hpp).
#pragma once

namespace sio::engineio {

/// Called on the session's strand only.
class transport {
public:
    virtual ~transport() = default;
    /// There is something to write (queued messages, a close): the writer runs soon.
    virtual void wake() = 0;
    /// Messages were queued: they go out soon. By default the writer is woken.
    virtual void queued() { wake(); }
    /// Runs on the strand after queued() posted it: writes what is queued, if this transport
    /// writes outside its loop at all.
    virtual void write_queued() {}
    /// Ends this transport: it sends its close frame and stops.
    virtual void stop() = 0;
    /// Ends this transport now, dropping what it has not written: the TCP connection is
    /// reset. For a client that does not read, which would never get a close frame.
    virtual void abort() = 0;

protected:
    transport() = default;
    transport(transport const&) = default;
    transport& operator=(transport const&) = default;
};

} // namespace sio::engineio
