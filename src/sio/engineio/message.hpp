// What the layer above sends through a session: messages encoded once and shared.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace sio::engineio {

/// A message encoded once, shareable by every session it is sent to (broadcasts).
struct message {
    std::shared_ptr<std::string const> bytes; ///< text: "4" + data; binary: the raw bytes
    bool binary = false;
};

/// A text message: `text` becomes the Engine.IO packet "4<text>".
message make_text_message(std::string_view text);
/// A binary message carrying `bytes` as they are.
message make_binary_message(std::string bytes);

/// What a full outbound queue does with a message.
enum class delivery : bool {
    reliable,  ///< the session closes ("queue full") rather than lose it
    droppable, ///< dropped (Socket.IO's volatile packets)
};

} // namespace sio::engineio
