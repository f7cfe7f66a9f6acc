// A session as the layer above sees it: who it is, where it runs, send and close. The
// transports and the queue behind it stay out of sight.
#pragma once

#include "sio/core/net.hpp"
#include "sio/engineio/disconnect_reason.hpp"
#include "sio/engineio/handshake.hpp"
#include "sio/engineio/message.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sio::engineio {

/// Thread safety: every member may be called from any thread.
class connection {
public:
    virtual ~connection() = default;

    /// The session id.
    virtual std::string const& id() const = 0;
    /// The request that opened the session.
    virtual handshake_info const& handshake() const = 0;
    /// Where the session's state lives; the listener's calls are made there.
    virtual net::any_io_executor const& get_executor() const = 0;
    /// The transport carrying the session now (polling until an upgrade). Strand only.
    virtual transport_kind transport() const = 0;

    /// Queues a group that must stay together (a packet and its binary attachments).
    virtual void send(std::vector<message> group, delivery d = delivery::reliable) = 0;
    void send(message m, delivery d = delivery::reliable);
    /// What waits to be written to the client (bytes plus each message's bookkeeping, as
    /// config::max_queued_bytes counts it): an application may hold back while it grows.
    virtual std::size_t buffered_bytes() const = 0;
    /// Closes the session after flushing what is queued.
    virtual void close(disconnect_reason reason = disconnect_reason::forced_close) = 0;

    /// Sends one group to every connection (a broadcast), encoded once and shared.
    static void send_to_all(std::vector<std::shared_ptr<connection>> const& recipients,
                            std::vector<message> group, delivery d = delivery::reliable);

protected:
    /// Queues a group shared with other recipients.
    virtual void send_shared(std::shared_ptr<std::vector<message> const> group, delivery d) = 0;
};

} // namespace sio::engineio
