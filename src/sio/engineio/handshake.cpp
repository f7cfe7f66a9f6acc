#include "sio/engineio/handshake.hpp"

#include "sio/core/percent_decode.hpp"
#include "sio/http/tokens.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sio::engineio {

std::string_view error_message(http_error e) {
    switch (e) {
    case http_error::unknown_transport:
        return "Transport unknown";
    case http_error::unknown_sid:
        return "Session ID unknown";
    case http_error::bad_handshake_method:
        return "Bad handshake method";
    case http_error::bad_request:
        return "Bad request";
    case http_error::forbidden:
        return "Forbidden";
    case http_error::unsupported_protocol_version:
        return "Unsupported protocol version";
    }
    return "Bad request";
}

std::string error_body(http_error e, std::string_view message) {
    if (message.empty())
        return fmt::format(R"({{"code":{},"message":"{}"}})", static_cast<int>(e),
                           error_message(e));
    return fmt::format(R"({{"code":{},"message":{}}})", static_cast<int>(e),
                       boost::json::serialize(boost::json::value(message)));
}

http::status error_status(http_error e) {
    return e == http_error::forbidden ? http::status::forbidden : http::status::bad_request;
}

std::string_view to_string(transport_kind t) {
    return t == transport_kind::polling ? "polling" : "websocket";
}

query parse_query(std::string_view target) {
    query q;
    auto const start = target.find('?');
    if (start == std::string_view::npos)
        return q;
    auto rest = target.substr(start + 1);
    if (auto const hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash);
    while (!rest.empty()) {
        auto const amp = rest.find('&');
        auto const pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        auto const eq = pair.find('=');
        auto const key = pair.substr(0, eq);
        auto const raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        std::optional<std::string>* slot = nullptr;
        if (key == "EIO")
            slot = &q.eio;
        else if (key == "transport")
            slot = &q.transport;
        else if (key == "sid")
            slot = &q.sid;
        if (!slot || slot->has_value())
            continue;
        // '+' is a space in query strings; an undecodable value is kept as an invalid one.
        std::string spaced(raw);
        for (auto& c : spaced) {
            if (c == '+')
                c = ' ';
        }
        *slot = percent_decode(spaced).value_or("\x01invalid");
    }
    return q;
}

std::optional<transport_kind> parse_transport(std::optional<std::string> const& name) {
    if (name == "polling")
        return transport_kind::polling;
    if (name == "websocket")
        return transport_kind::websocket;
    return std::nullopt;
}

std::string open_json(std::string_view sid, std::vector<std::string_view> const& upgrades,
                      handshake_settings const& settings) {
    std::string out = R"({"sid":)";
    out += boost::json::serialize(
        boost::json::value(boost::json::string_view(sid.data(), sid.size())));
    out += R"(,"upgrades":[)";
    for (std::size_t i = 0; i < upgrades.size(); ++i) {
        if (i > 0)
            out += ',';
        out += fmt::format("\"{}\"", upgrades[i]);
    }
    out += fmt::format(R"(],"pingInterval":{},"pingTimeout":{},"maxPayload":{}}})",
                       settings.ping_interval.count(), settings.ping_timeout.count(),
                       settings.max_payload);
    return out;
}

void handshake_info::add_header(std::string_view name, std::string_view value) {
    for (char const c : name)
        header_block.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    header_block += ": ";
    header_block += value;
    header_block += '\n';
}

namespace {

/// The next "name: value" line of a header block; false at its end.
bool next_header(std::string_view& rest, std::string_view& name, std::string_view& value) {
    while (!rest.empty()) {
        auto const end = rest.find('\n');
        auto const line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (auto const colon = line.find(": "); colon != std::string_view::npos) {
            name = line.substr(0, colon);
            value = line.substr(colon + 2);
            return true;
        }
    }
    return false;
}

} // namespace

std::vector<std::pair<std::string_view, std::string_view>> handshake_info::headers() const {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    std::string_view rest(header_block), name, value;
    while (next_header(rest, name, value))
        out.emplace_back(name, value);
    return out;
}

std::optional<std::string_view> handshake_info::header(std::string_view name) const {
    std::string_view rest(header_block), key, value;
    while (next_header(rest, key, value)) {
        if (http::iequals(key, name))
            return value;
    }
    return std::nullopt;
}

namespace {

/// Calls `f(raw_name, raw_value)` for each pair of the URL's query; stops when it returns
/// true.
template <class F>
void for_each_query_pair(std::string_view url, F f) {
    auto const start = url.find('?');
    if (start == std::string_view::npos)
        return;
    auto rest = url.substr(start + 1);
    while (!rest.empty()) {
        auto const amp = rest.find('&');
        auto const pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        auto const eq = pair.find('=');
        if (f(pair.substr(0, eq),
              eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1)))
            return;
    }
}

/// application/x-www-form-urlencoded: '+' is a space; nullopt on a bad escape.
std::optional<std::string> form_decode(std::string_view raw) {
    std::string value(raw);
    for (auto& c : value) {
        if (c == '+')
            c = ' ';
    }
    return percent_decode(value);
}

} // namespace

std::optional<std::string> handshake_info::query(std::string_view name) const {
    std::optional<std::string> found;
    for_each_query_pair(url, [&](std::string_view key, std::string_view value) {
        if (key != name)
            return false;
        found = form_decode(value);
        return true;
    });
    return found;
}

std::vector<std::pair<std::string, std::string>> handshake_info::query_params() const {
    std::vector<std::pair<std::string, std::string>> out;
    for_each_query_pair(url, [&](std::string_view key, std::string_view value) {
        // A bad escape stays as it came (Node's querystring does the same).
        if (!key.empty())
            out.emplace_back(form_decode(key).value_or(std::string(key)),
                             form_decode(value).value_or(std::string(value)));
        return false;
    });
    return out;
}

} // namespace sio::engineio
