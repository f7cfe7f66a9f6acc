// The cluster wire format's channels and encoding: broadcasts, requests and responses.
#include "sio/cluster/wire.hpp"

#include "sio/cluster/msgpack.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <fmt/format.h>

#include <set>
#include <stdexcept>

namespace sio::cluster {

namespace {

namespace json = boost::json;

std::string channel(std::string_view prefix, std::string_view kind, std::string_view nsp) {
    return fmt::format("{}{}#{}#", prefix, kind, nsp);
}

// --- writing -------------------------------------------------------------------------------

void write_rooms(mp::writer& w, std::set<std::string> const& rooms) {
    w.array_header(rooms.size());
    for (auto const& r : rooms)
        w.str(r);
}

void write_flags(mp::writer& w, bool is_volatile, broadcast_flags const& flags) {
    w.map_header(static_cast<std::size_t>(is_volatile) +
                 static_cast<std::size_t>(flags.compress.has_value()) +
                 static_cast<std::size_t>(flags.timeout.has_value()));
    // The order socket.io's operator gets for volatile.compress(...).timeout(...).
    if (is_volatile) {
        w.str("volatile");
        w.boolean(true);
    }
    if (flags.compress) {
        w.str("compress");
        w.boolean(*flags.compress);
    }
    if (flags.timeout) {
        w.str("timeout");
        w.unsigned_integer(*flags.timeout);
    }
}

void write_opts(mp::writer& w, adapter::broadcast_options const& opts,
                broadcast_flags const& flags) {
    w.map_header(3);
    w.str("rooms");
    write_rooms(w, opts.rooms);
    w.str("except");
    write_rooms(w, opts.except);
    w.str("flags");
    write_flags(w, opts.is_volatile, flags);
}

void write_packet(mp::writer& w, protocol::packet const& p) {
    w.map_header(p.data ? 3 : 2);
    w.str("type");
    w.unsigned_integer(2); // EVENT, binary or not
    if (p.data) {
        w.str("data");
        w.value(*p.data, p.attachments);
    }
    w.str("nsp");
    w.str(p.nsp);
}

json::array json_rooms(std::set<std::string> const& rooms) {
    json::array a;
    a.reserve(rooms.size());
    for (auto const& r : rooms)
        a.emplace_back(r);
    return a;
}

json::array json_rooms(std::vector<std::string> const& rooms) {
    json::array a;
    a.reserve(rooms.size());
    for (auto const& r : rooms)
        a.emplace_back(r);
    return a;
}

/// {rooms, except}, as requests other than BROADCAST carry them.
json::object json_opts(adapter::broadcast_options const& opts) {
    json::object o;
    o.emplace("rooms", json_rooms(opts.rooms));
    o.emplace("except", json_rooms(opts.except));
    return o;
}

} // namespace

// --- channels ------------------------------------------------------------------------------

std::string broadcast_channel(std::string_view prefix, std::string_view nsp,
                              adapter::broadcast_options const& opts) {
    auto ch = channel(prefix, "", nsp);
    if (opts.rooms.size() == 1) {
        ch += *opts.rooms.begin();
        ch += '#';
    }
    return ch;
}

std::string broadcast_pattern(std::string_view prefix, std::string_view nsp) {
    return channel(prefix, "", nsp) + '*';
}

std::string request_channel(std::string_view prefix, std::string_view nsp) {
    return channel(prefix, "-request", nsp);
}

std::string response_channel(std::string_view prefix, std::string_view nsp) {
    return channel(prefix, "-response", nsp);
}

std::string specific_response_channel(std::string_view prefix, std::string_view nsp,
                                      std::string_view uid) {
    return fmt::format("{}{}#", response_channel(prefix, nsp), uid);
}

std::optional<std::string> room_of_channel(std::string_view channel_name, std::string_view prefix,
                                           std::string_view nsp) {
    auto const base = channel(prefix, "", nsp);
    if (!channel_name.starts_with(base))
        return std::nullopt;
    auto rest = channel_name.substr(base.size());
    if (rest.empty())
        return std::string();
    if (rest.size() < 2 || rest.back() != '#')
        return std::nullopt;
    rest.remove_suffix(1);
    return std::string(rest);
}

// --- broadcasts ----------------------------------------------------------------------------

std::string encode_broadcast(std::string_view uid, protocol::packet const& p,
                             adapter::broadcast_options const& opts, broadcast_flags const& flags) {
    mp::writer w;
    w.array_header(3);
    w.str(uid);
    write_packet(w, p);
    write_opts(w, opts, flags);
    return w.take();
}

// --- requests ------------------------------------------------------------------------------

std::string encode_request(request const& r) {
    if (r.type == request_type::broadcast) {
        mp::writer w;
        w.map_header(3 + static_cast<std::size_t>(r.uid.has_value()) +
                     static_cast<std::size_t>(r.request_id.has_value()));
        if (r.uid) {
            w.str("uid");
            w.str(*r.uid);
        }
        if (r.request_id) {
            w.str("requestId");
            w.str(*r.request_id);
        }
        w.str("type");
        w.unsigned_integer(static_cast<std::uint64_t>(r.type));
        w.str("packet");
        write_packet(w, r.packet);
        w.str("opts");
        write_opts(w, r.opts, r.flags);
        return w.take();
    }
    if (r.type == request_type::broadcast_client_count || r.type == request_type::broadcast_ack)
        throw std::invalid_argument("encode_request: a response type");

    json::object o;
    if (r.uid)
        o.emplace("uid", *r.uid);
    if (r.request_id)
        o.emplace("requestId", *r.request_id);
    o.emplace("type", static_cast<std::int64_t>(r.type));
    switch (r.type) {
    case request_type::sockets:
        o.emplace("rooms", json_rooms(r.rooms));
        break;
    case request_type::remote_join:
    case request_type::remote_leave:
    case request_type::remote_disconnect:
        if (r.sid) {
            o.emplace("sid", *r.sid);
            if (r.type != request_type::remote_disconnect)
                o.emplace("room", r.room.value_or(""));
        } else {
            o.emplace("opts", json_opts(r.opts));
            if (r.type != request_type::remote_disconnect)
                o.emplace("rooms", json_rooms(r.rooms));
        }
        if (r.type == request_type::remote_disconnect)
            o.emplace("close", r.close);
        break;
    case request_type::remote_fetch:
        o.emplace("opts", json_opts(r.opts));
        break;
    case request_type::server_side_emit:
        o.emplace("data", r.data);
        break;
    default:
        break;
    }
    return protocol::to_json(o);
}

// --- responses -----------------------------------------------------------------------------

std::string encode_response(response const& r) {
    if (r.type == request_type::broadcast_ack) {
        bool const has_arg = r.ack && !r.ack->args.empty();
        mp::writer w;
        w.map_header(has_arg ? 3 : 2);
        w.str("type");
        w.unsigned_integer(static_cast<std::uint64_t>(request_type::broadcast_ack));
        w.str("requestId");
        w.str(r.request_id);
        if (has_arg) {
            w.str("packet");
            w.value(r.ack->args.front(), r.ack->attachments);
        }
        return w.take();
    }
    json::object o;
    if (r.type == request_type::server_side_emit || r.type == request_type::broadcast_client_count)
        o.emplace("type", static_cast<std::int64_t>(*r.type));
    o.emplace("requestId", r.request_id);
    if (r.rooms)
        o.emplace("rooms", json_rooms(*r.rooms));
    if (r.sockets) {
        json::array a;
        a.reserve(r.sockets->size());
        for (auto const& s : *r.sockets) {
            json::object so;
            so.emplace("id", s.id);
            so.emplace("handshake", s.handshake);
            so.emplace("rooms", json_rooms(s.rooms));
            so.emplace("data", s.data);
            a.emplace_back(std::move(so));
        }
        o.emplace("sockets", std::move(a));
    } else if (r.socket_ids) {
        o.emplace("sockets", json_rooms(*r.socket_ids));
    }
    if (r.data)
        o.emplace("data", *r.data);
    if (r.client_count || r.type == request_type::broadcast_client_count)
        o.emplace("clientCount", r.client_count.value_or(0));
    return protocol::to_json(o);
}

} // namespace sio::cluster
