// A throwaway web root laid out like www/: index.html, dist/, public/, plus files and
// symlinks that a request must never reach.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace sio::test {

class temp_www {
public:
    temp_www() {
        std::random_device rd;
        base_ = std::filesystem::temp_directory_path() /
                ("sio-test-" + std::to_string(rd()) + std::to_string(rd()));
        root_ = base_ / "www";
        std::filesystem::create_directories(root_ / "dist" / "js");
        std::filesystem::create_directories(root_ / "public" / "css");
        std::filesystem::create_directories(root_ / "public" / "js");
        write("www/index.html", index_html);
        write("www/dist/js/bundle.js", bundle_js());
        write("www/public/js/bundle.js", "// shadowed by dist\n");
        write("www/public/css/style.css", "body { color: #222; }\n");
        write("www/public/.env", "SECRET=1\n");
        write("www/public/logo.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(4000, 'p'));
        write("secret.txt", secret);
        std::filesystem::create_symlink(base_ / "secret.txt", root_ / "public" / "escape.txt");
        std::filesystem::create_directory_symlink(base_, root_ / "public" / "up");
        std::filesystem::create_symlink(root_ / "public" / "css" / "style.css",
                                        root_ / "public" / "inside.css");
    }
    ~temp_www() {
        std::error_code ec;
        std::filesystem::remove_all(base_, ec);
    }
    temp_www(temp_www const&) = delete;
    temp_www& operator=(temp_www const&) = delete;

    std::filesystem::path const& root() const { return root_; }
    std::filesystem::path const& base() const { return base_; }

    void write(std::string const& relative, std::string const& content) const {
        std::ofstream(base_ / relative, std::ios::binary) << content;
    }

    static constexpr char const* index_html = "<!doctype html><title>test page</title>\n";
    static constexpr char const* secret = "TOP-SECRET-CONTENT\n";

    /// Big and repetitive enough to be gzip-worthy.
    static std::string bundle_js() {
        std::string js;
        for (int i = 0; i < 200; ++i)
            js += "console.log('[socket.io] line " + std::to_string(i) + "');\n";
        return js;
    }

private:
    std::filesystem::path base_;
    std::filesystem::path root_;
};

} // namespace sio::test
