// libFuzzer target: mapping a request target onto the served folders
// (sio::http::resolve_static), on a throwaway web root made once (common/temp_www.hpp: dist/,
// public/, a dotfile, a secret beside www/, symlinks pointing out of it and one inside).
//
// Input: a request target, resolved with the chapter's prefix "/static" and with the
// folders mounted at the root (prefix "").
//
// Checks: the answer is 200, 400 or 404, and 400 exactly when decode_target calls the target
// malformed; a file found is a canonical regular file: the index, or one inside dist/ or
// public/ (never the secret, whatever the symlinks say).
#include "sio/http/static_files.hpp"

#include "sio/http/static_path.hpp"

#include "common/temp_www.hpp"
#include "fuzz_check.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace sio::http;

std::unique_ptr<sio::test::temp_www> www; // removed at exit
fs::path canonical_index, canonical_secret;
std::vector<fs::path> canonical_roots;
static_config with_prefix, at_root;

bool inside(fs::path const& root, fs::path const& file) {
    auto const& r = root.native();
    auto const& f = file.native();
    return f.size() > r.size() && f.compare(0, r.size(), r) == 0 && f[r.size()] == '/';
}

void check(static_config const& config, std::string_view target) {
    auto const r = resolve_static(config, target);
    auto const decoded = decode_target(target);
    FUZZ_CHECK(r.code == status::ok || r.code == status::bad_request ||
               r.code == status::not_found);
    FUZZ_CHECK((r.code == status::bad_request) == (decoded.error == target_error::malformed));
    if (r.code != status::ok) {
        FUZZ_CHECK(r.file.empty());
        return;
    }
    FUZZ_CHECK(r.file != canonical_secret);
    FUZZ_CHECK(fs::is_regular_file(r.file) && fs::canonical(r.file) == r.file);
    if (decoded.path->segments.empty()) {
        FUZZ_CHECK(r.file == canonical_index);
        return;
    }
    bool found = false;
    for (auto const& root : canonical_roots)
        found = found || inside(root, r.file);
    FUZZ_CHECK(found);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    www = std::make_unique<sio::test::temp_www>();
    auto const& root = www->root();
    canonical_index = fs::canonical(root / "index.html");
    canonical_secret = fs::canonical(www->base() / "secret.txt");
    canonical_roots = {fs::canonical(root / "dist"), fs::canonical(root / "public")};
    with_prefix.index_file = root / "index.html";
    with_prefix.roots = {root / "dist", root / "public"};
    at_root = with_prefix;
    at_root.static_prefix = "";
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const target = sio::fuzz::as_chars(data, size);
    check(with_prefix, target);
    check(at_root, target);
    return 0;
}
