// Serves the compiled web client: `/` is the page, `/static/...` the bundle and public files.
#pragma once

#include "sio/http/file_cache.hpp"
#include "sio/http/server.hpp"

#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <vector>

namespace sio::http {

struct static_config {
    /// The file served at `/`.
    std::filesystem::path index_file;
    /// URL prefix of the static folders, without trailing slash (the chapter's STATIC_PATH).
    std::string static_prefix = "/static";
    /// Folders searched in order for `/static/<path>` (the chapter's dist, then public).
    std::vector<std::filesystem::path> roots;
    std::string cache_control = "public, max-age=0";
};

/// The result of mapping a target onto the served folders, before any file is read.
struct static_lookup {
    status code = status::ok;   ///< ok, or bad_request / not_found when refused
    std::filesystem::path file; ///< canonical path of a regular file (when ok)
};

/// Maps a request target to a file under the configured folders. Rejects every target that
/// could escape them, including through symlinks; never lists a directory. Blocks on the
/// file system.
static_lookup resolve_static(static_config const& config, std::string_view target);

/// GET and HEAD with conditional requests, gzip negotiation and cached file contents.
/// File system work runs on a small pool of its own, never on the I/O threads.
class static_files final : public request_handler {
public:
    explicit static_files(static_config config);
    ~static_files() override;

    awaitable<after_response> handle(connection& conn, request& req) override;

    /// The response for `req`, computed off the I/O threads.
    awaitable<beast::http::message_generator> respond(request const& req);

private:
    static_config config_;
    file_cache cache_;
    net::thread_pool blocking_{1};
};

} // namespace sio::http
