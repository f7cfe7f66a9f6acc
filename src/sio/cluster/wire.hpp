// The wire format of Node's classic Redis adapter (@socket.io/redis-adapter 8.3.x,
// createAdapter) and of @socket.io/redis-emitter 5.1, so that this server can share rooms with
// Node servers: channel names, and every message encoded and decoded byte for byte as Node
// does. Pure functions, no I/O. Read from redis-adapter 8.3.0 lib/index.ts, redis-emitter
// 5.1.0 lib/index.ts and notepack.io 3.0.1; tests/cluster/captures.hpp holds what Node published.
//
// Channels, for the key prefix (Node's `key` option, "socket.io" by default) and a namespace:
//   <prefix>#<nsp>#            broadcasts (every server PSUBSCRIBEs <prefix>#<nsp>#*)
//   <prefix>#<nsp>#<room>#     broadcasts to exactly one room
//   <prefix>-request#<nsp>#    requests (every server SUBSCRIBEs)
//   <prefix>-response#<nsp>#   responses; also <prefix>-response#<nsp>#<uid># when the
//                              responder publishes on the requester's own channel
// Broadcasts are msgpack; requests and responses JSON, except the BROADCAST request and the
// BROADCAST_ACK response (msgpack, so that binary survives). A receiver tells the two apart by
// the first byte ('{' is JSON).
//
// Decoding never throws: a malformed message gives a reason (a string) and is to be dropped.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/protocol/payload.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sio::cluster {

inline constexpr std::string_view default_prefix = "socket.io";

// --- channels ------------------------------------------------------------------------------

/// Where a broadcast goes: "<prefix>#<nsp>#<room>#" when it names exactly one room (`except`
/// may be non-empty), else "<prefix>#<nsp>#". Node receivers drop a message on a room channel
/// unless they have that room, so nothing else may go there.
std::string broadcast_channel(std::string_view prefix, std::string_view nsp,
                              adapter::broadcast_options const& opts);
/// The pattern every member PSUBSCRIBEs: "<prefix>#<nsp>#*" (glob characters in the namespace
/// are not escaped, as Node does not).
std::string broadcast_pattern(std::string_view prefix, std::string_view nsp);
/// "<prefix>-request#<nsp>#". Its NUMSUB is Node's server count: one subscription per member.
std::string request_channel(std::string_view prefix, std::string_view nsp);
/// "<prefix>-response#<nsp>#"
std::string response_channel(std::string_view prefix, std::string_view nsp);
/// "<prefix>-response#<nsp>#<uid>#"
std::string specific_response_channel(std::string_view prefix, std::string_view nsp,
                                      std::string_view uid);
/// The room a broadcast channel of this namespace names ("" for the base channel), or nullopt
/// when the channel is not "<prefix>#<nsp>#" or "<prefix>#<nsp>#<room>#" (a non-empty room).
/// Node drops a room channel's message without decoding it unless it has local members in
/// that room; so should a member.
std::optional<std::string> room_of_channel(std::string_view channel, std::string_view prefix,
                                           std::string_view nsp);

// --- broadcasts ----------------------------------------------------------------------------

/// The operator's flags a message carries besides broadcast_options::is_volatile (which is
/// `flags.volatile` on the wire).
struct broadcast_flags {
    std::optional<bool> compress;         ///< `compress(false)` on the Node side
    std::optional<std::uint64_t> timeout; ///< ms; set on a broadcast with acks (BROADCAST)

    friend bool operator==(broadcast_flags const&, broadcast_flags const&) = default;
};

/// A decoded broadcast.
struct broadcast_message {
    std::string uid; ///< the sending adapter ("emitter" for the emitter); drop one's own
    /// An EVENT: nsp as sent ("/" when missing: drop it unless it is the namespace's), data
    /// [event, ...args] with each binary as a placeholder into attachments, no id.
    protocol::packet packet;
    /// rooms, except, is_volatile (flags.volatile); local is never set.
    adapter::broadcast_options opts;
    broadcast_flags flags;
};

/// msgpack [uid, {type:2, data, nsp}, {rooms, except, flags}], as the Node adapter writes it:
/// each placeholder in p.data that refers to one of p.attachments as a bin in its place (Node
/// receivers re-encode the packet and find the binary there), no id and no attachment count;
/// type is always 2 (Node receivers detect binary only in EVENT and ACK packets). `flags` is
/// {volatile, compress, timeout}, each only when set (usually {}). opts.local is not written:
/// a local broadcast is not to be published.
std::string encode_broadcast(std::string_view uid, protocol::packet const& p,
                             adapter::broadcast_options const& opts,
                             broadcast_flags const& flags = {});

/// The adapter's and the emitter's form (the emitter writes opts' keys in another order).
/// Refused: a packet that is not an EVENT (type 2, or 5 from old senders) with a valid event
/// payload (protocol::is_payload_valid); rooms other than strings (integers are taken as their
/// decimal form, as JS rooms may be numbers); binary outside the packet's data.
std::variant<broadcast_message, std::string> decode_broadcast(std::string_view bytes);

// --- requests ------------------------------------------------------------------------------

enum class request_type : std::uint8_t {
    sockets = 0, ///< legacy, not sent by 8.x
    all_rooms = 1,
    remote_join = 2,
    remote_leave = 3,
    remote_disconnect = 4,
    remote_fetch = 5,
    server_side_emit = 6,
    broadcast = 7, ///< a broadcast with acks
    broadcast_client_count = 8,
    broadcast_ack = 9,
};

/// A message on the request channel. Which fields count depends on the type:
///   sockets            request_id, rooms (filter)
///   all_rooms          request_id
///   remote_join/leave  opts, rooms (to join / leave); legacy form: sid, room (no opts)
///   remote_disconnect  opts, close; legacy form: sid, close
///   remote_fetch       request_id, opts
///   server_side_emit   data [event, ...args]; request_id iff an answer is awaited
///   broadcast          request_id, opts, flags (timeout), packet
/// Requests from the emitter carry no uid (serverSideEmit: "emitter") and no request_id.
struct request {
    request_type type = request_type::all_rooms;
    std::optional<std::string> uid;
    std::optional<std::string> request_id;
    adapter::broadcast_options opts; ///< rooms and except only
    std::vector<std::string> rooms;
    bool close = false;
    boost::json::array data;
    protocol::packet packet;         ///< as in broadcast_message
    broadcast_flags flags;           ///< broadcast: opts.flags (volatile in opts.is_volatile)
    std::optional<std::string> sid;  ///< legacy join/leave/disconnect: set iff that form
    std::optional<std::string> room; ///< legacy join/leave
};

/// The request as Node writes it. JSON, keys in Node's order: uid (if set), requestId (if
/// set), type, then opts {rooms, except} and rooms / close / data by type; the legacy form
/// (sid set): uid, requestId, type, sid, room / close. BROADCAST is msgpack {uid, requestId,
/// type, packet {type:2, data, nsp}, opts {rooms, except, flags}} with binary as bin. Throws
/// std::invalid_argument for the response-only types 8 and 9.
std::string encode_request(request const& r);

/// JSON when the first byte is '{', else msgpack, as Node receivers tell. Refused: a type
/// outside 0..7; a type that needs a request_id (0, 1, 5, 7) without one; join/leave/
/// disconnect with neither opts nor sid; remote_fetch and broadcast without opts; fields of
/// the wrong type; binary anywhere but a BROADCAST's packet data.
std::variant<request, std::string> decode_request(std::string_view bytes);

// --- responses -----------------------------------------------------------------------------

/// A message on a response channel. As Node writes them, only SERVER_SIDE_EMIT (6),
/// BROADCAST_CLIENT_COUNT (8) and BROADCAST_ACK (9) answers say their type; the others are
/// told by the pending request their request_id names.
///   all_rooms          rooms
///   remote_fetch       sockets
///   sockets (legacy)   socket_ids
///   legacy join/...    request_id only
///   server_side_emit   data: the handler's answer (absent when it answered undefined)
///   client_count       client_count
///   broadcast_ack      ack: the answering client's first argument, or none (args 0 or 1)
struct response {
    std::optional<request_type> type;
    std::string request_id;
    std::optional<std::vector<std::string>> rooms;
    std::optional<std::vector<adapter::socket_details>> sockets;
    std::optional<std::vector<std::string>> socket_ids;
    std::optional<boost::json::value> data;
    std::optional<std::uint64_t> client_count;
    std::optional<protocol::payload> ack;
};

/// The response as Node writes it: "type" only for 6, 8 and 9 (a type of another value is
/// not written), then requestId, then whichever of rooms, sockets ({id, handshake, rooms,
/// data} each), socket_ids (as "sockets"), data, clientCount is set. BROADCAST_ACK is msgpack
/// {type:9, requestId, packet: ack.args[0]} with binary as bin (Node forwards only the first
/// argument of a client's ack; without one, no packet key, as notepack skips undefined).
std::string encode_response(response const& r);

/// JSON when the first byte is '{', else msgpack. Refused: no string requestId; a type
/// outside 0..9; rooms/sockets/clientCount of the wrong shape; binary anywhere but a
/// BROADCAST_ACK's packet. "sockets" holding strings is the legacy socket_ids; an empty one
/// sets both.
std::variant<response, std::string> decode_response(std::string_view bytes);

} // namespace sio::cluster
