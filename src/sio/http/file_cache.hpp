// Files of a served folder, read and gzip-compressed once, then shared by every response.
#pragma once

#include "sio/http/conditional.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sio::http {

/// One file as served: its bytes, their gzip form when worth sending, and its validators.
struct cached_file {
    std::string content;
    std::optional<std::string> gzipped;
    std::string content_type;
    std::string etag;
    sys_seconds last_modified{};
};

/// gzip (RFC 1952) of `data` at the best compression level; throws on a zlib failure.
std::string gzip_compress(std::string_view data);

/// gunzip, for tests and tools; nullopt when `data` is not a valid gzip stream.
std::optional<std::string> gzip_decompress(std::string_view data);

/// Loads files by path and keeps them until they change on disk (size or mtime). Calls
/// block on the file system: run them off the I/O threads.
/// Thread safety: all members may be called concurrently.
class file_cache {
public:
    /// Files larger than this are refused (the cache holds whole files in memory).
    static constexpr std::uintmax_t max_file_size = 64u << 20;

    /// The file at `path` (a regular file, already checked to lie under a served root),
    /// or nullptr when it cannot be read.
    std::shared_ptr<cached_file const> get(std::filesystem::path const& path);

private:
    struct entry {
        std::uintmax_t size;
        std::filesystem::file_time_type mtime;
        std::shared_ptr<cached_file const> file;
    };
    std::mutex mutex_;
    std::map<std::filesystem::path, entry> entries_;
};

} // namespace sio::http
