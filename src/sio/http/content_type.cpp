#include "sio/http/content_type.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace sio::http {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 24> types{{
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"webmanifest", "application/manifest+json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
}};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

std::string_view content_type_for(std::string_view file_name) {
    auto const slash = file_name.find_last_of('/');
    auto const base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
    auto const dot = base.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0)
        return "application/octet-stream";
    auto const ext = lower(base.substr(dot + 1));
    for (auto const& [e, type] : types) {
        if (e == ext)
            return type;
    }
    return "application/octet-stream";
}

bool is_compressible(std::string_view content_type) {
    auto const semi = content_type.find(';');
    auto const mime = lower(content_type.substr(0, semi));
    if (mime.starts_with("text/"))
        return true;
    constexpr std::array<std::string_view, 6> compressible{
        "application/json", "application/manifest+json",
        "application/xml",  "application/wasm",
        "image/svg+xml",    "image/x-icon",
    };
    return std::find(compressible.begin(), compressible.end(), mime) != compressible.end();
}

} // namespace sio::http
