#include "sio/engineio/deflate.hpp"

#include "sio/http/tokens.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <memory>
#include <stdexcept>

#include <zlib.h>

namespace sio::engineio::deflate {

using http::iequals;
using http::trim;

namespace {

/// One offer ("permessage-deflate; a; b=1"): our terms for it, or nullopt.
std::optional<agreement> accept_offer(std::string_view offer) {
    auto const semi = offer.find(';');
    if (!iequals(trim(offer.substr(0, semi)), "permessage-deflate"))
        return std::nullopt;
    agreement a;
    a.terms = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
    bool seen_server_bits = false;
    auto params = semi == std::string_view::npos ? std::string_view{} : offer.substr(semi + 1);
    while (!params.empty()) {
        auto const next = params.find(';');
        auto const param = trim(params.substr(0, next));
        params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
        auto const eq = param.find('=');
        auto const name = trim(param.substr(0, eq));
        auto value = eq == std::string_view::npos ? std::string_view{} : trim(param.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (iequals(name, "server_no_context_takeover") ||
            iequals(name, "client_no_context_takeover")) {
            if (eq != std::string_view::npos)
                return std::nullopt;
        } else if (iequals(name, "client_max_window_bits")) {
            // We may answer without it: the client then compresses with up to 15 bits,
            // which our decompressor accepts.
            int bits = 15;
            if (eq != std::string_view::npos &&
                (std::from_chars(value.data(), value.data() + value.size(), bits).ec !=
                     std::errc{} ||
                 bits < 8 || bits > 15))
                return std::nullopt;
        } else if (iequals(name, "server_max_window_bits")) {
            int bits = 0;
            if (seen_server_bits ||
                std::from_chars(value.data(), value.data() + value.size(), bits).ec !=
                    std::errc{} ||
                bits < 8 || bits > 15)
                return std::nullopt;
            // zlib's raw deflate cannot do an 8-bit window: decline such an offer.
            if (bits == 8)
                return std::nullopt;
            seen_server_bits = true;
            a.server_window_bits = bits;
            a.terms += "; server_max_window_bits=";
            a.terms += std::to_string(bits);
        } else {
            return std::nullopt;
        }
    }
    return a;
}

struct deflater {
    explicit deflater(int window_bits) {
        if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -window_bits, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("deflateInit2 failed");
    }
    ~deflater() { deflateEnd(&zs); }
    deflater(deflater const&) = delete;
    deflater& operator=(deflater const&) = delete;
    z_stream zs{};
};

struct inflater {
    inflater() {
        if (inflateInit2(&zs, -15) != Z_OK)
            throw std::runtime_error("inflateInit2 failed");
    }
    ~inflater() { inflateEnd(&zs); }
    inflater(inflater const&) = delete;
    inflater& operator=(inflater const&) = delete;
    z_stream zs{};
};

} // namespace

std::optional<agreement> negotiate(std::string_view extensions) {
    while (!extensions.empty()) {
        auto const comma = extensions.find(',');
        if (auto a = accept_offer(extensions.substr(0, comma)))
            return a;
        if (comma == std::string_view::npos)
            break;
        extensions.remove_prefix(comma + 1);
    }
    return std::nullopt;
}

std::string compress(std::string_view message, int window_bits) {
    // One compressor per thread and window size; reset per message (no context takeover).
    thread_local std::array<std::unique_ptr<deflater>, 16> by_bits;
    auto& d = by_bits.at(static_cast<std::size_t>(window_bits));
    if (!d)
        d = std::make_unique<deflater>(window_bits);
    auto& zs = d->zs;
    deflateReset(&zs);
    // Compressed in chunks into the output: no size arithmetic on zlib's bound.
    std::string out;
    std::array<char, 16 * 1024> chunk{};
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    zs.avail_in = static_cast<uInt>(message.size());
    do {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        ::deflate(&zs, Z_SYNC_FLUSH);
        out.append(chunk.data(), chunk.size() - zs.avail_out);
    } while (zs.avail_out == 0);
    // A sync flush ends with 00 00 FF FF, which the RFC leaves out of the frame.
    if (out.size() >= 4 && out.compare(out.size() - 4, 4, std::string_view("\0\0\xff\xff", 4)) == 0)
        out.resize(out.size() - 4);
    return out;
}

inflate_status decompress(std::string_view compressed, std::size_t max_size, std::string& out) {
    thread_local inflater inf;
    auto& zs = inf.zs;
    inflateReset(&zs);
    static constexpr std::array<unsigned char, 4> tail{0x00, 0x00, 0xFF, 0xFF};
    out.clear();
    std::array<char, 16 * 1024> chunk{};
    auto run = [&](std::string_view in) -> inflate_status {
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        zs.avail_in = static_cast<uInt>(in.size());
        for (;;) {
            zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
            zs.avail_out = static_cast<uInt>(chunk.size());
            int const rc = inflate(&zs, Z_SYNC_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
                return inflate_status::corrupt;
            auto const produced = chunk.size() - zs.avail_out;
            if (out.size() + produced > max_size)
                return inflate_status::too_big;
            out.append(chunk.data(), produced);
            // Done when the input is used up and zlib had room to spare (nothing pending).
            if (rc == Z_STREAM_END || rc == Z_BUF_ERROR || (zs.avail_in == 0 && zs.avail_out > 0))
                break;
        }
        return inflate_status::ok;
    };
    if (auto s = run(compressed); s != inflate_status::ok)
        return s;
    return run({reinterpret_cast<char const*>(tail.data()), tail.size()});
}

} // namespace sio::engineio::deflate
