#include "sio/http/file_cache.hpp"

#include "sio/core/log.hpp"
#include "sio/http/content_type.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include <zlib.h>

namespace sio::http {
namespace {

// windowBits 15 plus 16 selects the gzip wrapper instead of zlib's.
constexpr int gzip_window_bits = 15 + 16;

std::optional<std::string> read_whole_file(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad())
        return std::nullopt;
    return data;
}

} // namespace

std::string gzip_compress(std::string_view data) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, gzip_window_bits, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    // zlib's API is not const-correct; it only reads next_in.
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int const rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        throw std::runtime_error("deflate did not finish");
    return out;
}

std::optional<std::string> gzip_decompress(std::string_view data) {
    z_stream zs{};
    if (inflateInit2(&zs, gzip_window_bits) != Z_OK)
        return std::nullopt;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char chunk[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(chunk, sizeof chunk - zs.avail_out);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0)
            break;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return std::nullopt;
    return out;
}

std::shared_ptr<cached_file const> file_cache::get(std::filesystem::path const& path) {
    std::error_code ec;
    auto const size = std::filesystem::file_size(path, ec);
    if (ec)
        return nullptr;
    auto const mtime = std::filesystem::last_write_time(path, ec);
    if (ec)
        return nullptr;
    {
        std::lock_guard lock(mutex_);
        if (auto it = entries_.find(path);
            it != entries_.end() && it->second.size == size && it->second.mtime == mtime)
            return it->second.file;
    }
    if (size > max_file_size) {
        log::warn("static: {} is {} bytes, over the {} byte limit; not served", path.string(), size,
                  max_file_size);
        return nullptr;
    }
    auto content = read_whole_file(path);
    if (!content)
        return nullptr;

    auto file = std::make_shared<cached_file>();
    file->content_type = std::string(content_type_for(path.filename().string()));
    file->etag = make_etag(*content);
    file->last_modified =
        std::chrono::floor<std::chrono::seconds>(std::chrono::file_clock::to_sys(mtime));
    if (content->size() >= compression_threshold && is_compressible(file->content_type)) {
        auto gz = gzip_compress(*content);
        if (gz.size() < content->size())
            file->gzipped = std::move(gz);
    }
    file->content = std::move(*content);

    std::lock_guard lock(mutex_);
    entries_[path] = entry{size, mtime, file};
    return file;
}

} // namespace sio::http
