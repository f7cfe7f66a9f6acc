#include "app/admin_ui.hpp"

#include "sio/admin/bcrypt.hpp"
#include "sio/http/static_files.hpp"

namespace app {

std::optional<std::string> admin_flags::problem() const {
    if (no_auth && (!user.empty() || !password_hash.empty()))
        return "--admin-no-auth goes without --admin-user and --admin-password-hash";
    if (!no_auth && user.empty() != password_hash.empty())
        return "--admin-user and --admin-password-hash go together";
    if (!password_hash.empty() && !sio::admin::is_bcrypt_hash(password_hash))
        return "--admin-password-hash expects a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters; "
               "see the README), not a password";
    if ((readonly || production) && !wanted())
        return "--admin-readonly and --admin-mode need --admin-user or --admin-no-auth";
    return std::nullopt;
}

sio::admin::options admin_flags::to_options() const {
    sio::admin::options o;
    if (!no_auth)
        o.auth = sio::admin::basic_auth{user, password_hash};
    o.readonly = readonly;
    o.mode = production ? sio::admin::mode::production : sio::admin::mode::development;
    return o;
}

namespace {

class admin_ui_handler final : public sio::http::request_handler {
public:
    admin_ui_handler(std::filesystem::path dist, std::string prefix)
        : prefix_(std::move(prefix))
        , files_(sio::http::static_config{
              .index_file = {},
              .static_prefix = prefix_,
              .roots = {std::move(dist)},
          }) {}

    sio::awaitable<sio::http::after_response> handle(sio::http::connection& conn,
                                                     sio::http::request& req) override {
        auto const target = std::string_view(req.target());
        auto const path = target.substr(0, target.find('?'));
        if (path == prefix_) {
            // The UI's links are relative: it must be loaded from the folder's URL.
            auto res = sio::http::make_text_response(sio::http::status::moved_permanently, "",
                                                     req.keep_alive());
            res.set(boost::beast::http::field::location, prefix_ + "/");
            co_return co_await conn.send(std::move(res));
        }
        if (path == prefix_ + "/")
            req.target(prefix_ + "/index.html");
        co_return co_await files_.handle(conn, req);
    }

private:
    std::string prefix_;
    sio::http::static_files files_;
};

} // namespace

std::shared_ptr<sio::http::request_handler> admin_ui_files(std::filesystem::path dist,
                                                           std::string prefix) {
    return std::make_shared<admin_ui_handler>(std::move(dist), std::move(prefix));
}

} // namespace app
