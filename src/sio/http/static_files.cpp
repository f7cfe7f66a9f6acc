#include "sio/http/static_files.hpp"

#include "sio/core/log.hpp"
#include "sio/http/static_path.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <fmt/format.h>

namespace sio::http {
namespace bhttp = beast::http;
namespace fs = std::filesystem;
namespace {

/// A body that sends a slice of a cached file without copying it.
struct cached_body {
    struct value_type {
        std::shared_ptr<cached_file const> file;
        std::string_view bytes;
    };

    static std::uint64_t size(value_type const& v) { return v.bytes.size(); }

    class writer {
    public:
        using const_buffers_type = net::const_buffer;

        template <bool isRequest, class Fields>
        writer(bhttp::header<isRequest, Fields> const&, value_type const& v)
            : bytes_(v.bytes) {}

        void init(boost::system::error_code& ec) { ec = {}; }

        boost::optional<std::pair<const_buffers_type, bool>> get(boost::system::error_code& ec) {
            ec = {};
            return {{net::const_buffer(bytes_.data(), bytes_.size()), false}};
        }

    private:
        std::string_view bytes_;
    };
};

/// True when `path` is `root` or lies below it (both canonical).
bool is_within(fs::path const& root, fs::path const& path) {
    auto const r = root.native();
    auto const p = path.native();
    return p.size() > r.size() && p.compare(0, r.size(), r) == 0 && p[r.size()] == '/';
}

/// The canonical regular file at root/relative, or nullopt when missing or outside root.
std::optional<fs::path> regular_file_under(fs::path const& root, std::string const& relative) {
    std::error_code ec;
    auto const canonical_root = fs::canonical(root, ec);
    if (ec)
        return std::nullopt;
    auto const candidate = fs::canonical(canonical_root / relative, ec);
    if (ec || !is_within(canonical_root, candidate))
        return std::nullopt;
    if (!fs::is_regular_file(candidate, ec) || ec)
        return std::nullopt;
    return candidate;
}

} // namespace

static_lookup resolve_static(static_config const& config, std::string_view target) {
    auto const decoded = decode_target(target);
    if (decoded.error)
        return {*decoded.error == target_error::malformed ? status::bad_request : status::not_found,
                {}};
    auto const& segments = decoded.path->segments;
    if (segments.empty()) {
        std::error_code ec;
        auto const index = fs::canonical(config.index_file, ec);
        if (ec || !fs::is_regular_file(index, ec))
            return {status::not_found, {}};
        return {status::ok, index};
    }
    // The prefix may span several segments ("/api/static").
    auto prefix = std::string_view(config.static_prefix);
    if (prefix.starts_with('/'))
        prefix.remove_prefix(1); // "" (the root) has no segment to match
    std::size_t matched = 0;
    while (!prefix.empty()) {
        auto const slash = prefix.find('/');
        if (matched >= segments.size() || segments[matched] != prefix.substr(0, slash))
            return {status::not_found, {}};
        ++matched;
        prefix = slash == std::string_view::npos ? std::string_view() : prefix.substr(slash + 1);
    }
    if (segments.size() <= matched)
        return {status::not_found, {}};
    auto const relative = join_segments(segments, matched);
    for (auto const& root : config.roots) {
        if (auto file = regular_file_under(root, relative))
            return {status::ok, std::move(*file)};
    }
    return {status::not_found, {}};
}

static_files::static_files(static_config config)
    : config_(std::move(config)) {}

static_files::~static_files() {
    blocking_.join();
}

namespace {

struct loaded {
    status code = status::ok;
    std::shared_ptr<cached_file const> file;
};

/// Runs on the blocking pool: resolves the target and reads (or reuses) the file.
awaitable<loaded> load(static_config const& config, file_cache& cache, std::string target) {
    auto const found = resolve_static(config, target);
    if (found.code != status::ok)
        co_return loaded{found.code, nullptr};
    auto file = cache.get(found.file);
    co_return loaded{file ? status::ok : status::not_found, std::move(file)};
}

bhttp::message_generator plain(status code, std::string_view text, bool keep_alive) {
    return make_text_response(code, std::string(text), keep_alive);
}

} // namespace

awaitable<bhttp::message_generator> static_files::respond(request const& req) {
    bool const keep_alive = req.keep_alive();
    bool const head = req.method() == bhttp::verb::head;
    if (req.method() != bhttp::verb::get && !head) {
        auto res =
            make_text_response(status::method_not_allowed, "Method Not Allowed\n", keep_alive);
        res.set(bhttp::field::allow, "GET, HEAD");
        co_return res;
    }
    auto const target = std::string(req.target());
    auto const result =
        co_await net::co_spawn(blocking_, load(config_, cache_, target), net::use_awaitable);
    if (result.code == status::bad_request) {
        log::info("static: refused target {:?}", target);
        co_return plain(status::bad_request, "Bad Request\n", keep_alive);
    }
    if (result.code != status::ok)
        co_return plain(status::not_found, "Not Found\n", keep_alive);

    auto const& file = *result.file;
    auto const last_modified = format_http_date(file.last_modified);
    auto const set_validators = [&](auto& res) {
        res.set(bhttp::field::etag, file.etag);
        res.set(bhttp::field::last_modified, last_modified);
        res.set(bhttp::field::cache_control, config_.cache_control);
        if (file.gzipped)
            res.set(bhttp::field::vary, "Accept-Encoding");
        res.keep_alive(keep_alive);
    };

    if (is_not_modified(req[bhttp::field::if_none_match], req[bhttp::field::if_modified_since],
                        file.etag, file.last_modified)) {
        bhttp::response<bhttp::empty_body> res{bhttp::status::not_modified, req.version()};
        set_validators(res);
        co_return res;
    }

    bool const gzip = file.gzipped && accepts_gzip(req[bhttp::field::accept_encoding]);
    bhttp::response<cached_body> res{bhttp::status::ok, req.version()};
    set_validators(res);
    res.set(bhttp::field::content_type, file.content_type);
    if (gzip)
        res.set(bhttp::field::content_encoding, "gzip");
    res.body() = {result.file, gzip ? std::string_view(*file.gzipped) : file.content};
    res.prepare_payload();
    if (head) {
        // Same headers as GET, Content-Length included, and no body.
        bhttp::response<bhttp::empty_body> head_res{bhttp::status::ok, req.version()};
        head_res.base() = res.base();
        co_return head_res;
    }
    co_return res;
}

awaitable<after_response> static_files::handle(connection& conn, request& req) {
    co_return co_await conn.send(co_await respond(req));
}

} // namespace sio::http
