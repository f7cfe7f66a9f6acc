// The protocol layer's types under the names the Socket.IO API uses (sio::socketio::payload,
// sio::socketio::binary, ...), so applications need not know where the codec lives.
#pragma once

#include "sio/protocol/packet.hpp"
#include "sio/protocol/payload.hpp"

namespace sio::socketio {

using protocol::binary;
using protocol::count_placeholders;
using protocol::decode_error;
using protocol::decoder;
using protocol::encode;
using protocol::encode_text;
using protocol::encoded_packet;
using protocol::is_payload_valid;
using protocol::is_placeholder;
using protocol::is_reserved_event;
using protocol::make_payload;
using protocol::make_placeholder;
using protocol::packet;
using protocol::packet_type;
using protocol::payload;
using protocol::to_string;

} // namespace sio::socketio
