// Pure functions: the Content-Type of a file and whether it is worth compressing.
#pragma once

#include <string_view>

namespace sio::http {

/// The Content-Type for a file name, by extension (case-insensitive); text types carry
/// `charset=utf-8`. Unknown extensions are `application/octet-stream`.
std::string_view content_type_for(std::string_view file_name);

/// Whether a response of this Content-Type shrinks under gzip (text, JS, JSON, SVG, ...),
/// as the `compressible` package that Express' compression middleware consults.
bool is_compressible(std::string_view content_type);

/// Below this many bytes gzip is not worth its header and CPU (compression's threshold).
inline constexpr std::size_t compression_threshold = 1024;

} // namespace sio::http
