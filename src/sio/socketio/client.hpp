// One Engine.IO session seen from Socket.IO: decodes packets, connects namespaces, routes
// events to sockets, and ends them all when the session closes.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/engineio/connection.hpp"
#include "sio/engineio/handler.hpp"
#include "sio/socketio/nsp.hpp"
#include "sio/socketio/vocabulary.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sio::socketio {

class socket;
class nsp;
class server_state;
struct connect_error;

/// Runs on its session's strand.
class client final : public engineio::session_listener,
                     public std::enable_shared_from_this<client> {
public:
    client(std::shared_ptr<server_state> server, std::shared_ptr<engineio::connection> conn);
    ~client() override;

    /// Starts the connect timeout.
    void start();

    void on_message(std::string text) override;
    void on_binary(std::string bytes) override;
    void on_close(engineio::disconnect_reason reason) override;
    void on_drain() override;
    /// Tells the server's observer, if any, for the connection and each of its sockets.
    void on_upgrade() override;

    /// A socket left its namespace (server side); the connection stays.
    void forget(socket const& s);
    /// Every socket leaves its namespace ("server namespace disconnect"), then the
    /// connection closes: a socket's disconnect(true).
    void disconnect_all();

private:
    void handle(packet p);
    void connect(packet p);
    /// CONNECT_ERROR {"message", "data"} for this namespace.
    void refuse(std::string const& nsp_name, connect_error const& e);
    /// What ends the wait for middleware: refuse, or enter and announce.
    middleware_done when_decided(std::shared_ptr<socket> s, std::shared_ptr<nsp> ns,
                                 std::vector<std::string> rooms = {},
                                 std::vector<packet> missed = {});
    /// The socket enters the namespace (and `rooms`, when recovered): broadcasts reach it.
    void enter(std::shared_ptr<socket> const& s, std::shared_ptr<nsp> const& ns,
               std::vector<std::string> const& rooms = {});
    /// The client gets CONNECT, then the `missed` packets; then the connection handlers run.
    void announce(std::shared_ptr<socket> const& s, std::shared_ptr<nsp> const& ns,
                  std::vector<packet> const& missed = {});
    /// Connection state recovery: the session the CONNECT's pid and offset name, if any.
    std::optional<adapter::restored_session> try_restore(nsp& ns, boost::json::value const& auth);
    void fail(std::string_view why);
    /// Whether some namespace is joined (not only waiting for middleware).
    bool joined_any() const;
    /// Ends the wait for middleware on this namespace (before joining or refusing).
    void settle(std::string const& nsp_name);

    /// Namespace name -> socket. A client joins one or two: a vector searched in order
    /// costs one small allocation, where a hash map's node and bucket array cost ~170
    /// bytes more per idle connection.
    class socket_table {
    public:
        using entry = std::pair<std::string, std::shared_ptr<socket>>;
        using iterator = std::vector<entry>::iterator;
        using const_iterator = std::vector<entry>::const_iterator;
        iterator begin() { return entries_.begin(); }
        iterator end() { return entries_.end(); }
        const_iterator begin() const { return entries_.begin(); }
        const_iterator end() const { return entries_.end(); }
        std::size_t size() const { return entries_.size(); }
        iterator find(std::string_view name) {
            return std::find_if(begin(), end(), [name](entry const& e) { return e.first == name; });
        }
        bool contains(std::string_view name) { return find(name) != end(); }
        void insert_or_assign(std::string_view name, std::shared_ptr<socket> s) {
            if (auto it = find(name); it != end())
                it->second = std::move(s);
            else
                entries_.emplace_back(std::string(name), std::move(s));
        }
        void erase(iterator it) { entries_.erase(it); }
        void clear() { entries_.clear(); }

    private:
        std::vector<entry> entries_;
    };

    std::shared_ptr<server_state> server_;
    std::shared_ptr<engineio::connection> conn_;
    decoder decoder_;
    /// Joined namespaces; a null socket while a CONNECT waits for middleware.
    socket_table sockets_;
    /// Until the first namespace is joined (then freed: idle connections stay small).
    std::unique_ptr<boost::asio::steady_timer> connect_timer_;
    bool closed_ = false;
    bool polling_ = false; ///< for the observer's count of polling clients
};

} // namespace sio::socketio
