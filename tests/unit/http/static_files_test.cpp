#include "sio/http/static_files.hpp"

#include "common/temp_www.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace sio::http;

namespace {

static_config config_for(sio::test::temp_www const& www) {
    return static_config{
        .index_file = www.root() / "index.html",
        .static_prefix = "/static",
        .roots = {www.root() / "dist", www.root() / "public"},
    };
}

} // namespace

BOOST_AUTO_TEST_SUITE(http_static_files)

BOOST_AUTO_TEST_CASE(page_bundle_and_public_files_resolve) {
    sio::test::temp_www www;
    auto const cfg = config_for(www);
    auto const canon = [](auto const& p) {
        return std::filesystem::canonical(p);
    };

    auto r = resolve_static(cfg, "/");
    BOOST_TEST(r.code == sio::http::status::ok);
    BOOST_TEST(r.file == canon(www.root() / "index.html"));

    r = resolve_static(cfg, "/static/js/bundle.js?v=1");
    BOOST_TEST(r.code == sio::http::status::ok);
    BOOST_TEST(r.file == canon(www.root() / "dist/js/bundle.js")); // dist before public

    r = resolve_static(cfg, "/static/css/style.css");
    BOOST_TEST(r.code == sio::http::status::ok);
    BOOST_TEST(r.file == canon(www.root() / "public/css/style.css"));

    // A symlink that stays inside the served folder is fine.
    r = resolve_static(cfg, "/static/inside.css");
    BOOST_TEST(r.code == sio::http::status::ok);
}

BOOST_AUTO_TEST_CASE(a_prefix_of_several_segments_resolves_below_it) {
    sio::test::temp_www www;
    auto cfg = config_for(www);
    cfg.static_prefix = "/app/static";
    auto r = resolve_static(cfg, "/app/static/js/bundle.js");
    BOOST_TEST(r.code == sio::http::status::ok);
    BOOST_TEST(r.file == std::filesystem::canonical(www.root() / "dist/js/bundle.js"));
    BOOST_TEST(resolve_static(cfg, "/static/js/bundle.js").code == sio::http::status::not_found);
    BOOST_TEST(resolve_static(cfg, "/app/js/bundle.js").code == sio::http::status::not_found);
    BOOST_TEST(resolve_static(cfg, "/app/static").code ==
               sio::http::status::not_found); // the folder itself

    // An empty prefix (a root mount, e.g. the client bundle with the engine at "/") serves
    // the folders from the top.
    cfg.static_prefix = "";
    r = resolve_static(cfg, "/js/bundle.js");
    BOOST_TEST(r.code == sio::http::status::ok);
    BOOST_TEST(r.file == std::filesystem::canonical(www.root() / "dist/js/bundle.js"));
}

BOOST_AUTO_TEST_CASE(nothing_outside_the_served_folders_resolves) {
    sio::test::temp_www www;
    auto const cfg = config_for(www);
    struct case_t {
        std::string target;
        status code;
    };
    std::vector<case_t> const cases{
        {"/static/escape.txt", status::not_found},    // symlink to a file outside
        {"/static/up/secret.txt", status::not_found}, // symlinked directory outside
        {"/static/../../secret.txt", status::bad_request},
        {"/static/%2e%2e/%2e%2e/secret.txt", status::bad_request},
        {"/static/..%2f..%2fsecret.txt", status::bad_request},
        {"/static/%252e%252e/secret.txt", status::bad_request},
        {"/static/..\\..\\secret.txt", status::bad_request},
        {"/static/secret.txt%00.js", status::bad_request},
        {"/static/.env", status::not_found},
        {"/static/css", status::not_found}, // a directory is never listed
        {"/static/", status::not_found},
        {"/static", status::not_found},
        {"/static/missing.js", status::not_found},
        {"/secret.txt", status::not_found}, // only / and /static/ are served
        {"/index.html/", status::not_found},
        {"//etc/passwd", status::not_found},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c.target) {
            auto const r = resolve_static(cfg, c.target);
            BOOST_TEST(r.code == c.code);
            BOOST_TEST(r.file.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(cache_reuses_until_the_file_changes) {
    sio::test::temp_www www;
    file_cache cache;
    auto const path = std::filesystem::canonical(www.root() / "dist/js/bundle.js");
    auto const a = cache.get(path);
    BOOST_TEST_REQUIRE(a);
    BOOST_TEST(a->content == sio::test::temp_www::bundle_js());
    BOOST_TEST(a->gzipped.has_value());
    BOOST_TEST(gzip_decompress(*a->gzipped).value() == a->content);
    BOOST_TEST(a->content_type == "text/javascript; charset=utf-8");
    BOOST_TEST(cache.get(path) == a); // same object: compressed once

    www.write("www/dist/js/bundle.js", "changed();\n");
    auto const b = cache.get(path);
    BOOST_TEST_REQUIRE(b);
    BOOST_TEST(b->content == "changed();\n");
    BOOST_TEST(!b->gzipped.has_value()); // too small to be worth it
    BOOST_TEST(b->etag != a->etag);

    auto const png = cache.get(std::filesystem::canonical(www.root() / "public/logo.png"));
    BOOST_TEST_REQUIRE(png);
    BOOST_TEST(!png->gzipped.has_value()); // already compressed formats are sent as they are
    BOOST_TEST(!cache.get(www.root() / "nope"));
}

BOOST_AUTO_TEST_SUITE_END()
