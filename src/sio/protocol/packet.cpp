#include "sio/protocol/packet.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace sio::protocol {

namespace {

constexpr std::array<std::string_view, 6> reserved_events = {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_event_type(packet_type t) {
    return t == packet_type::event || t == packet_type::binary_event;
}

bool is_ack_type(packet_type t) {
    return t == packet_type::ack || t == packet_type::binary_ack;
}

/// The type written on the wire: EVENT / ACK and their binary forms follow the attachments.
packet_type wire_type(packet const& p) {
    bool const binary = !p.attachments.empty();
    if (is_event_type(p.type))
        return binary ? packet_type::binary_event : packet_type::event;
    if (is_ack_type(p.type))
        return binary ? packet_type::binary_ack : packet_type::ack;
    return p.type;
}

void append_number(std::string& out, std::uint64_t n) {
    std::array<char, 20> buf{};
    auto const [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
    out.append(buf.data(), end);
}

/// The num of an object with "_placeholder":true: a non-negative integer, else nullopt.
/// `placeholder` tells whether the object claims to be a placeholder at all.
std::optional<std::uint64_t> placeholder_num(boost::json::object const& o, bool& placeholder) {
    auto const* flag = o.if_contains("_placeholder");
    placeholder = flag != nullptr && flag->is_bool() && flag->get_bool();
    if (!placeholder)
        return std::nullopt;
    auto const* num = o.if_contains("num");
    if (num == nullptr)
        return std::nullopt;
    if (num->is_uint64())
        return num->get_uint64();
    if (num->is_int64() && num->get_int64() >= 0)
        return static_cast<std::uint64_t>(num->get_int64());
    return std::nullopt;
}

/// Collects the nums of all placeholders; false on a placeholder without a valid num.
bool collect_placeholders(boost::json::value const& v, std::vector<std::uint64_t>& nums) {
    if (auto const* a = v.if_array()) {
        for (auto const& e : *a)
            if (!collect_placeholders(e, nums))
                return false;
        return true;
    }
    if (auto const* o = v.if_object()) {
        bool placeholder = false;
        auto const num = placeholder_num(*o, placeholder);
        if (placeholder) {
            if (!num)
                return false;
            nums.push_back(*num);
            return true;
        }
        for (auto const& kv : *o)
            if (!collect_placeholders(kv.value(), nums))
                return false;
    }
    return true;
}

/// Whether `v` holds a double that is not finite, anywhere (iterative: an application's value
/// may be deeper than the parser allows).
bool has_non_finite(boost::json::value const& v) {
    std::vector<boost::json::value const*> todo{&v};
    while (!todo.empty()) {
        auto const* e = todo.back();
        todo.pop_back();
        if (auto const* a = e->if_array()) {
            for (auto const& x : *a)
                todo.push_back(&x);
        } else if (auto const* o = e->if_object()) {
            for (auto const& kv : *o)
                todo.push_back(&kv.value());
        } else if (e->is_double() && !std::isfinite(e->get_double())) {
            return true;
        }
    }
    return false;
}

/// Replaces every double of `v` that is not finite with null.
void null_non_finite(boost::json::value& v) {
    std::vector<boost::json::value*> todo{&v};
    while (!todo.empty()) {
        auto* e = todo.back();
        todo.pop_back();
        if (auto* a = e->if_array()) {
            for (auto& x : *a)
                todo.push_back(&x);
        } else if (auto* o = e->if_object()) {
            for (auto& kv : *o)
                todo.push_back(&kv.value());
        } else if (e->is_double() && !std::isfinite(e->get_double())) {
            *e = nullptr;
        }
    }
}

} // namespace

std::string to_json(boost::json::value const& v) {
    if (!has_non_finite(v))
        return boost::json::serialize(v);
    auto copy = v;
    null_non_finite(copy);
    return boost::json::serialize(copy);
}

std::string encode_text(packet const& p) {
    auto const type = wire_type(p);
    std::string out;
    out.reserve(16 + p.nsp.size());
    out.push_back(static_cast<char>('0' + static_cast<int>(type)));
    if (type == packet_type::binary_event || type == packet_type::binary_ack) {
        append_number(out, p.attachments.size());
        out.push_back('-');
    }
    if (!p.nsp.empty() && p.nsp != "/") {
        out.append(p.nsp);
        out.push_back(',');
    }
    if (p.id)
        append_number(out, *p.id);
    if (p.data)
        out.append(to_json(*p.data));
    return out;
}

encoded_packet encode(packet const& p) {
    encoded_packet out{encode_text(p), {}};
    if (is_event_type(p.type) || is_ack_type(p.type))
        out.attachments = p.attachments;
    return out;
}

boost::json::value make_placeholder(std::size_t num) {
    boost::json::object o;
    o.reserve(2);
    o.emplace("_placeholder", true);
    o.emplace("num", static_cast<std::uint64_t>(num));
    return o;
}

bool is_placeholder(boost::json::value const& v) {
    auto const* o = v.if_object();
    if (o == nullptr)
        return false;
    bool placeholder = false;
    return placeholder_num(*o, placeholder).has_value();
}

std::optional<std::size_t> count_placeholders(boost::json::value const& v) {
    std::vector<std::uint64_t> nums;
    if (!collect_placeholders(v, nums))
        return std::nullopt;
    std::sort(nums.begin(), nums.end());
    for (std::size_t i = 0; i < nums.size(); ++i)
        if (nums[i] != i)
            return std::nullopt;
    return nums.size();
}

bool is_reserved_event(std::string_view name) {
    return std::find(reserved_events.begin(), reserved_events.end(), name) != reserved_events.end();
}

bool is_payload_valid(packet_type type, std::optional<boost::json::value> const& data) {
    switch (type) {
    case packet_type::connect:
        return !data || data->is_object();
    case packet_type::disconnect:
        return !data;
    case packet_type::connect_error:
        return data && (data->is_object() || data->is_string());
    case packet_type::event:
    case packet_type::binary_event: {
        auto const* a = data ? data->if_array() : nullptr;
        if (a == nullptr || a->empty())
            return false;
        auto const& first = a->front();
        if (first.is_number())
            return true;
        auto const* name = first.if_string();
        return name != nullptr && !is_reserved_event(*name);
    }
    case packet_type::ack:
    case packet_type::binary_ack:
        return data && data->is_array();
    }
    return false;
}

std::string_view to_string(decode_error e) {
    switch (e) {
    case decode_error::empty:
        return "empty packet";
    case decode_error::unknown_type:
        return "unknown packet type";
    case decode_error::bad_attachment_count:
        return "illegal attachments";
    case decode_error::too_many_attachments:
        return "too many attachments";
    case decode_error::bad_ack_id:
        return "invalid ack id";
    case decode_error::bad_json:
        return "invalid JSON payload";
    case decode_error::invalid_payload:
        return "invalid payload";
    case decode_error::bad_placeholders:
        return "placeholders do not match the attachments";
    case decode_error::unexpected_text:
        return "got plaintext data when reconstructing a packet";
    case decode_error::unexpected_binary:
        return "got binary data when not reconstructing a packet";
    }
    return "unknown decode error";
}

decoder::decoder(std::size_t max_attachments)
    : max_attachments_(max_attachments) {}

decoder::result decoder::on_text(std::string_view text) {
    auto const fail = [this](decode_error e) {
        pending_.reset();
        expected_ = 0;
        return result{std::nullopt, e};
    };
    if (pending_)
        return fail(decode_error::unexpected_text);
    if (text.empty())
        return fail(decode_error::empty);
    char const t = text.front();
    if (t < '0' || t > '6')
        return fail(decode_error::unknown_type);

    packet p;
    p.type = static_cast<packet_type>(t - '0');
    std::size_t pos = 1;

    // "<n>-": digits only, 1..max_attachments.
    std::size_t count = 0;
    if (p.type == packet_type::binary_event || p.type == packet_type::binary_ack) {
        auto const dash = text.find('-', pos);
        if (dash == std::string_view::npos || dash == pos)
            return fail(decode_error::bad_attachment_count);
        for (auto i = pos; i < dash; ++i) {
            if (!is_digit(text[i]))
                return fail(decode_error::bad_attachment_count);
            if (count <= max_attachments_) // saturates just above the limit
                count = count * 10 + static_cast<std::size_t>(text[i] - '0');
        }
        if (count == 0)
            return fail(decode_error::bad_attachment_count);
        if (count > max_attachments_)
            return fail(decode_error::too_many_attachments);
        pos = dash + 1;
    }

    // "/nsp," or "/nsp" up to the end.
    if (pos < text.size() && text[pos] == '/') {
        auto const comma = text.find(',', pos);
        if (comma == std::string_view::npos) {
            p.nsp = std::string(text.substr(pos));
            pos = text.size();
        } else {
            p.nsp = std::string(text.substr(pos, comma - pos));
            pos = comma + 1;
        }
    }

    // Ack id: a run of digits.
    auto id_end = pos;
    while (id_end < text.size() && is_digit(text[id_end]))
        ++id_end;
    if (id_end > pos) {
        std::uint64_t id = 0;
        auto const [end, ec] = std::from_chars(text.data() + pos, text.data() + id_end, id);
        if (ec != std::errc{})
            return fail(decode_error::bad_ack_id);
        p.id = id;
        pos = id_end;
    }

    // The rest is JSON.
    if (pos < text.size()) {
        boost::json::error_code ec;
        auto v = boost::json::parse(text.substr(pos), ec);
        if (ec)
            return fail(decode_error::bad_json);
        p.data = std::move(v);
    }
    if (!is_payload_valid(p.type, p.data))
        return fail(decode_error::invalid_payload);

    if (p.data) {
        auto const n = count_placeholders(*p.data);
        if (!n || *n != count)
            return fail(decode_error::bad_placeholders);
    }

    if (p.type == packet_type::binary_event)
        p.type = packet_type::event;
    else if (p.type == packet_type::binary_ack)
        p.type = packet_type::ack;

    if (count == 0)
        return result{std::move(p), std::nullopt};
    p.attachments.reserve(count);
    pending_ = std::make_unique<packet>(std::move(p));
    expected_ = count;
    return result{};
}

decoder::result decoder::on_binary(std::string bytes) {
    if (!pending_)
        return result{std::nullopt, decode_error::unexpected_binary};
    pending_->attachments.push_back(std::move(bytes));
    if (pending_->attachments.size() < expected_)
        return result{};
    result r{std::move(*pending_), std::nullopt};
    pending_.reset();
    expected_ = 0;
    return r;
}

} // namespace sio::protocol
