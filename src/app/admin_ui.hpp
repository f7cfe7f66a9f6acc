// The demo's Admin UI: the flags that turn it on, and the UI's static files at /admin/.
#pragma once

#include "sio/admin/instrument.hpp"
#include "sio/http/server.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace app {

/// The --admin-* flags.
struct admin_flags {
    std::string user;
    std::string password_hash;
    bool no_auth = false;
    bool readonly = false;
    bool production = false;
    /// Whether the flags ask for the Admin UI at all.
    bool wanted() const { return !user.empty() || !password_hash.empty() || no_auth; }
    /// Why the flags do not go together, or nullopt.
    std::optional<std::string> problem() const;
    sio::admin::options to_options() const;
};

/// The UI's files (`dist`: node_modules/@socket.io/admin-ui/ui/dist) under `prefix`
/// ("/admin"): `prefix` redirects to `prefix`/, which serves index.html.
std::shared_ptr<sio::http::request_handler> admin_ui_files(std::filesystem::path dist,
                                                           std::string prefix);

} // namespace app
