// libFuzzer target: the WebSocket opening handshake (sio::engineio::ws::accept) on a request
// parsed from the input by Beast's parser, as the HTTP server parses it.
//
// Input: an HTTP request ("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n...").
//
// Checks: an upgrade is accepted only for a GET of HTTP/1.1 or later with Connection:
// upgrade, Upgrade: websocket, version 13 and a key of 16 base64-decoded bytes; the 101
// response carries accept_key(key), ends the header, and offers permessage-deflate only when
// asked, with the terms negotiate() gives for the request's extensions header.
#include "sio/engineio/deflate.hpp"
#include "sio/engineio/websocket.hpp"
#include "sio/http/message.hpp"

#include "fuzz_check.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace bhttp = boost::beast::http;
using namespace sio::engineio;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const in = sio::fuzz::as_chars(data, size);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(4 * 1024);
    parser.eager(true);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    if (ec || !parser.is_header_done())
        return 0;
    sio::http::request const& req = parser.get();

    for (bool const offer_deflate : {false, true}) {
        auto const outcome = ws::accept(req, offer_deflate);
        if (auto const* refused = std::get_if<ws::refused>(&outcome)) {
            FUZZ_CHECK(!refused->message.empty());
            continue;
        }
        auto const& a = std::get<ws::accepted>(outcome);
        FUZZ_CHECK(req.method() == bhttp::verb::get && req.version() >= 11);
        FUZZ_CHECK(req[bhttp::field::sec_websocket_version] == "13");
        auto const key = req[bhttp::field::sec_websocket_key];
        std::string_view const response = a.response;
        FUZZ_CHECK(response.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
        FUZZ_CHECK(response.ends_with("\r\n\r\n"));
        FUZZ_CHECK(response.find("\r\nSec-WebSocket-Accept: " +
                                 ws::accept_key(std::string_view(key.data(), key.size())) +
                                 "\r\n") != std::string_view::npos);
        // One empty line: the header ends where the response ends.
        FUZZ_CHECK(response.find("\r\n\r\n") == response.size() - 4);
        auto const agreed = deflate::negotiate(req[bhttp::field::sec_websocket_extensions]);
        FUZZ_CHECK(a.deflate == (offer_deflate && agreed.has_value()));
        if (a.deflate) {
            FUZZ_CHECK(a.deflate_window_bits == agreed->server_window_bits);
            FUZZ_CHECK(response.find("\r\nSec-WebSocket-Extensions: " + agreed->terms + "\r\n") !=
                       std::string_view::npos);
        } else {
            FUZZ_CHECK(response.find("Sec-WebSocket-Extensions") == std::string_view::npos);
        }
    }
    return 0;
}
