// The cluster wire format's decoding: broadcasts, requests and responses as they arrive.
#include "sio/cluster/msgpack.hpp"
#include "sio/cluster/wire.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/string.hpp>

#include <fmt/format.h>

#include <cmath>
#include <exception>

namespace sio::cluster {

namespace {

namespace json = boost::json;

using error = std::optional<std::string>; // a helper's reason to refuse, none when fine

// --- reading fields ------------------------------------------------------------------------

/// A field, with JSON's null read as absent (JSON.stringify drops undefined, so a null is a
/// sender's explicit null: treated the same).
json::value const* field(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
}

/// A non-negative integer: JS numbers come as int64, uint64, or (written "2.0") double.
std::optional<std::uint64_t> as_uint(json::value const& v) {
    if (auto const* i = v.if_int64())
        return *i >= 0 ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*i))
                       : std::nullopt;
    if (auto const* u = v.if_uint64())
        return *u;
    if (auto const* d = v.if_double())
        if (*d >= 0 && *d < 18446744073709551616.0 && *d == std::trunc(*d))
            return static_cast<std::uint64_t>(*d);
    return std::nullopt;
}

/// A room name: a string, or an integer (JS rooms may be numbers) as its decimal form.
std::optional<std::string> as_room(json::value const& v) {
    if (auto const* s = v.if_string())
        return std::string(*s);
    if (auto const* i = v.if_int64())
        return std::to_string(*i);
    if (auto const* u = v.if_uint64())
        return std::to_string(*u);
    return std::nullopt;
}

error read_string(json::object const& o, std::string_view key, std::optional<std::string>& out) {
    auto const* v = field(o, key);
    if (v == nullptr)
        return std::nullopt;
    auto const* s = v->if_string();
    if (s == nullptr)
        return fmt::format("\"{}\" is not a string", key);
    out = std::string(*s);
    return std::nullopt;
}

template <class Out>
error read_rooms(json::object const& o, std::string_view key, Out& out) {
    auto const* v = field(o, key);
    if (v == nullptr)
        return std::nullopt; // Node: new Set(undefined) is empty
    auto const* a = v->if_array();
    if (a == nullptr)
        return fmt::format("\"{}\" is not an array", key);
    for (auto const& e : *a) {
        auto r = as_room(e);
        if (!r)
            return fmt::format("\"{}\" holds a room that is not a string", key);
        out.insert(out.end(), std::move(*r));
    }
    return std::nullopt;
}

error read_bool(json::object const& o, std::string_view key, std::optional<bool>& out) {
    auto const* v = field(o, key);
    if (v == nullptr)
        return std::nullopt;
    if (!v->is_bool())
        return fmt::format("\"{}\" is not a boolean", key);
    out = v->get_bool();
    return std::nullopt;
}

/// opts {rooms, except, flags}; flags only where `flags` is given.
error read_opts(json::value const& v, adapter::broadcast_options& opts, broadcast_flags* flags) {
    auto const* o = v.if_object();
    if (o == nullptr)
        return "\"opts\" is not an object";
    if (auto e = read_rooms(*o, "rooms", opts.rooms))
        return e;
    if (auto e = read_rooms(*o, "except", opts.except))
        return e;
    if (flags == nullptr)
        return std::nullopt;
    auto const* fv = field(*o, "flags");
    if (fv == nullptr)
        return std::nullopt;
    auto const* f = fv->if_object();
    if (f == nullptr)
        return "\"flags\" is not an object";
    std::optional<bool> is_volatile;
    if (auto e = read_bool(*f, "volatile", is_volatile))
        return e;
    opts.is_volatile = is_volatile.value_or(false);
    if (auto e = read_bool(*f, "compress", flags->compress))
        return e;
    if (auto const* t = field(*f, "timeout")) {
        if (auto const* d = t->if_double();
            d != nullptr && std::isfinite(*d) && *d >= 0 && *d < 18446744073709551616.0) {
            flags->timeout = static_cast<std::uint64_t>(*d); // io.timeout(1.5): whole ms
        } else {
            flags->timeout = as_uint(*t);
            if (!flags->timeout)
                return "\"timeout\" is not a non-negative number";
        }
    }
    return std::nullopt; // other flags (local, expectSingleResponse) do not travel meaningfully
}

/// The binaries of a decoded msgpack message all belong to `holder` (the one value that may
/// carry binary): its placeholders are exactly 0..n-1 for n binaries. A placeholder-shaped
/// object in a message without binary is the sender's own data and left alone.
error binaries_within(json::value const& holder, std::vector<std::string> const& binaries) {
    if (binaries.empty())
        return std::nullopt;
    auto const n = protocol::count_placeholders(holder);
    if (!n || *n != binaries.size())
        return "binary outside the packet's data";
    return std::nullopt;
}

/// {type, data, nsp} as a Node adapter or the emitter puts it in a broadcast (its data moved
/// out of `v`).
error read_packet(json::value& v, std::vector<std::string>& binaries, protocol::packet& out) {
    auto* o = v.if_object();
    if (o == nullptr)
        return "the packet is not an object";
    auto const* type = field(*o, "type");
    auto const t = type == nullptr ? std::nullopt : as_uint(*type);
    // 5 (BINARY_EVENT): what socket.io 2 servers put there, binary as bin all the same.
    if (!t || (*t != 2 && *t != 5))
        return "the packet is not an EVENT";
    std::optional<std::string> nsp;
    if (auto e = read_string(*o, "nsp", nsp))
        return e;
    out.type = protocol::packet_type::event;
    out.nsp = nsp.value_or("/");
    out.id.reset();
    auto* data = o->if_contains("data");
    if (data == nullptr)
        return "the packet has no data";
    out.data = std::move(*data);
    if (!protocol::is_payload_valid(protocol::packet_type::event, out.data))
        return "the packet's data is not [event, ...args]";
    if (auto e = binaries_within(*out.data, binaries))
        return e;
    out.attachments = std::move(binaries);
    return std::nullopt;
}

// --- decoding a message's top level --------------------------------------------------------

json::parse_options json_limits() {
    json::parse_options o;
    o.max_depth = mp::max_depth;
    return o;
}

/// A request or response: JSON when it starts with '{' (as Node tells them), else msgpack.
std::variant<mp::decoded, std::string> read_message(std::string_view bytes) {
    if (bytes.empty())
        return std::string("empty message");
    if (bytes.front() != '{')
        return mp::read(bytes);
    try {
        boost::system::error_code ec;
        json::value v = json::parse(bytes, ec, {}, json_limits());
        if (ec)
            return fmt::format("malformed JSON: {}", ec.message());
        return mp::decoded{std::move(v), {}};
    } catch (std::exception const& e) { // std::bad_alloc
        return fmt::format("JSON: {}", e.what());
    }
}

std::optional<request_type> as_type(json::value const* v, std::uint64_t max) {
    if (v == nullptr)
        return std::nullopt;
    auto const t = as_uint(*v);
    if (!t || *t > max)
        return std::nullopt;
    return static_cast<request_type>(*t);
}

std::variant<request, std::string> read_request(mp::decoded& m) {
    auto* o = m.value.if_object();
    if (o == nullptr)
        return std::string("the request is not an object");
    request r;
    auto const type = as_type(field(*o, "type"), 7);
    if (!type)
        return std::string("no request type (0..7)");
    r.type = *type;
    if (auto e = read_string(*o, "uid", r.uid))
        return std::move(*e);
    if (auto e = read_string(*o, "requestId", r.request_id))
        return std::move(*e);
    if (r.type != request_type::broadcast && !m.binaries.empty())
        return std::string("binary in a request other than BROADCAST");

    switch (r.type) {
    case request_type::sockets:
    case request_type::all_rooms:
    case request_type::remote_fetch:
    case request_type::broadcast:
        if (!r.request_id)
            return std::string("no requestId");
        break;
    default:
        break;
    }

    auto const* opts = field(*o, "opts");
    switch (r.type) {
    case request_type::sockets:
        if (auto e = read_rooms(*o, "rooms", r.rooms))
            return std::move(*e);
        break;
    case request_type::all_rooms:
        break;
    case request_type::remote_join:
    case request_type::remote_leave:
    case request_type::remote_disconnect:
        if (opts != nullptr) {
            if (auto e = read_opts(*opts, r.opts, nullptr))
                return std::move(*e);
            if (r.type != request_type::remote_disconnect) {
                auto const* rooms = field(*o, "rooms");
                if (rooms == nullptr || !rooms->is_array())
                    return std::string("\"rooms\" is not an array");
                if (auto e = read_rooms(*o, "rooms", r.rooms))
                    return std::move(*e);
            }
        } else {
            // The legacy form, on one socket.
            if (auto e = read_string(*o, "sid", r.sid))
                return std::move(*e);
            if (!r.sid)
                return std::string("neither \"opts\" nor \"sid\"");
            if (r.type != request_type::remote_disconnect) {
                auto const* room = field(*o, "room");
                if (room == nullptr || !(r.room = as_room(*room)))
                    return std::string("\"room\" is not a string");
            }
        }
        if (r.type == request_type::remote_disconnect) {
            std::optional<bool> close;
            if (auto e = read_bool(*o, "close", close))
                return std::move(*e);
            r.close = close.value_or(false);
        }
        break;
    case request_type::remote_fetch:
        if (opts == nullptr)
            return std::string("no \"opts\"");
        if (auto e = read_opts(*opts, r.opts, nullptr))
            return std::move(*e);
        break;
    case request_type::server_side_emit: {
        auto const* data = field(*o, "data");
        if (data == nullptr || !data->is_array() || data->get_array().empty())
            return std::string("\"data\" is not [event, ...args]");
        r.data = std::move(o->at("data").get_array());
        break;
    }
    case request_type::broadcast: {
        if (opts == nullptr)
            return std::string("no \"opts\"");
        if (auto e = read_opts(*opts, r.opts, &r.flags))
            return std::move(*e);
        auto* packet = o->if_contains("packet");
        if (packet == nullptr)
            return std::string("no \"packet\"");
        if (auto e = read_packet(*packet, m.binaries, r.packet))
            return std::move(*e);
        break;
    }
    default:
        break;
    }
    return r;
}

error read_socket(json::value& v, adapter::socket_details& out) {
    auto* o = v.if_object();
    if (o == nullptr)
        return "a socket is not an object";
    std::optional<std::string> id;
    if (auto e = read_string(*o, "id", id))
        return e;
    if (!id)
        return "a socket without an id";
    out.id = std::move(*id);
    if (auto* h = o->if_contains("handshake"))
        out.handshake = std::move(*h);
    if (auto e = read_rooms(*o, "rooms", out.rooms))
        return e;
    if (auto* d = o->if_contains("data"))
        out.data = std::move(*d);
    return std::nullopt;
}

std::variant<response, std::string> read_response(mp::decoded& m) {
    auto* o = m.value.if_object();
    if (o == nullptr)
        return std::string("the response is not an object");
    response r;
    std::optional<std::string> id;
    if (auto e = read_string(*o, "requestId", id))
        return std::move(*e);
    if (!id)
        return std::string("no requestId");
    r.request_id = std::move(*id);
    if (auto const* t = field(*o, "type")) {
        r.type = as_type(t, 9);
        if (!r.type)
            return std::string("a response type outside 0..9");
    }
    auto const is_ack = r.type == request_type::broadcast_ack;
    if (!is_ack && !m.binaries.empty())
        return std::string("binary in a response other than BROADCAST_ACK");

    if (auto const* rooms = field(*o, "rooms")) {
        if (!rooms->is_array())
            return std::string("\"rooms\" is not an array");
        r.rooms.emplace();
        if (auto e = read_rooms(*o, "rooms", *r.rooms))
            return std::move(*e);
    }
    if (auto* sockets = o->if_contains("sockets"); sockets != nullptr && !sockets->is_null()) {
        auto* a = sockets->if_array();
        if (a == nullptr)
            return std::string("\"sockets\" is not an array");
        bool const ids = a->empty() || (*a)[0].is_string();
        if (ids) {
            r.socket_ids.emplace();
            if (auto e = read_rooms(*o, "sockets", *r.socket_ids))
                return std::move(*e);
        }
        if (a->empty() || !ids) {
            r.sockets.emplace();
            r.sockets->reserve(a->size());
            for (auto& s : *a)
                if (auto e = read_socket(s, r.sockets->emplace_back()))
                    return std::move(*e);
        }
    }
    if (auto* data = o->if_contains("data"))
        r.data = std::move(*data); // null included: the handler's answer
    if (auto const* count = field(*o, "clientCount")) {
        r.client_count = as_uint(*count);
        if (!r.client_count)
            return std::string("\"clientCount\" is not a non-negative integer");
    } else if (r.type == request_type::broadcast_client_count) {
        return std::string("no \"clientCount\"");
    }
    if (is_ack) {
        protocol::payload ack;
        if (auto* packet = o->if_contains("packet")) {
            if (auto e = binaries_within(*packet, m.binaries))
                return std::move(*e);
            ack.args.push_back(std::move(*packet));
            ack.attachments = std::move(m.binaries);
        }
        r.ack = std::move(ack);
    }
    return r;
}

} // namespace

// --- broadcasts ----------------------------------------------------------------------------

std::variant<broadcast_message, std::string> decode_broadcast(std::string_view bytes) {
    auto read = mp::read(bytes);
    if (auto* e = std::get_if<std::string>(&read))
        return std::move(*e);
    auto& m = std::get<mp::decoded>(read);
    auto* a = m.value.if_array();
    if (a == nullptr || a->size() < 3)
        return std::string("not [uid, packet, opts]");
    broadcast_message msg;
    auto const* uid = (*a)[0].if_string();
    if (uid == nullptr)
        return std::string("the uid is not a string");
    msg.uid = std::string(*uid);
    if (auto const& opts = (*a)[2]; !opts.is_null()) {
        if (auto e = read_opts(opts, msg.opts, &msg.flags))
            return std::move(*e);
    }
    if (auto e = read_packet((*a)[1], m.binaries, msg.packet))
        return std::move(*e);
    return msg;
}

// --- requests ------------------------------------------------------------------------------

std::variant<request, std::string> decode_request(std::string_view bytes) {
    auto read = read_message(bytes);
    if (auto* e = std::get_if<std::string>(&read))
        return std::move(*e);
    return read_request(std::get<mp::decoded>(read));
}

// --- responses -----------------------------------------------------------------------------

std::variant<response, std::string> decode_response(std::string_view bytes) {
    auto read = read_message(bytes);
    if (auto* e = std::get_if<std::string>(&read))
        return std::move(*e);
    return read_response(std::get<mp::decoded>(read));
}

} // namespace sio::cluster
