// A real redis-server for a test: Debian's /usr/bin/redis-server on a free loopback port,
// nothing saved to disk, killed when the object goes (and by the kernel if the test process
// dies first). Start it from the test's main thread: the child's death signal is tied to the
// thread that forked it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sio::test {

class redis_server {
public:
    using clock = std::chrono::steady_clock;

    static constexpr char const* binary = "/usr/bin/redis-server";

    static bool available() { return ::access(binary, X_OK) == 0; }

    /// A port nobody listens on now (the kernel's choice of an ephemeral one).
    static std::uint16_t free_port() {
        int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            throw std::runtime_error("redis_server: socket() failed");
        sockaddr_in a = loopback(0);
        socklen_t len = sizeof a;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            ::close(fd);
            throw std::runtime_error("redis_server: cannot find a free port");
        }
        ::close(fd);
        return ntohs(a.sin_port);
    }

    /// Starts a server with `extra` arguments ("--requirepass", "pw"), on `port` (0: a free
    /// one), and returns once it answers.
    explicit redis_server(std::vector<std::string> extra = {}, std::uint16_t port = 0)
        : extra_(std::move(extra))
        , port_(port != 0 ? port : free_port()) {
        start();
    }

    ~redis_server() { kill(); }
    redis_server(redis_server const&) = delete;
    redis_server& operator=(redis_server const&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
    bool running() const { return pid_ > 0; }

    /// SIGKILL, as a crash or an OOM kill would end it; waits until it is gone.
    void kill() {
        if (pid_ <= 0)
            return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    /// Starts it (again, on the same port). Returns the moment it first accepted a
    /// connection; it answers PING (or NOAUTH) when this returns.
    clock::time_point start() {
        if (pid_ > 0)
            throw std::logic_error("redis_server: already running");
        std::vector<std::string> args{binary,   "--port",       std::to_string(port_),
                                      "--bind", "127.0.0.1",    "--save",
                                      "",       "--appendonly", "no",
                                      "--dir",  "/tmp",         "--daemonize",
                                      "no"};
        args.insert(args.end(), extra_.begin(), extra_.end());
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_t const parent = ::getpid();
        pid_t const pid = ::fork();
        if (pid < 0)
            throw std::runtime_error("redis_server: fork() failed");
        if (pid == 0) {
            // Only async-signal-safe calls until exec.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent)
                ::_exit(127);
            int const null = ::open("/dev/null", O_RDWR);
            if (null >= 0) {
                ::dup2(null, 0);
                ::dup2(null, 1);
                ::dup2(null, 2);
            }
            ::execv(binary, argv.data());
            ::_exit(127);
        }
        pid_ = pid;
        return wait_until_answering(std::chrono::seconds(10));
    }

private:
    static sockaddr_in loopback(std::uint16_t port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return a;
    }

    clock::time_point wait_until_answering(std::chrono::seconds limit) {
        auto const until = clock::now() + limit;
        std::optional<clock::time_point> accepted;
        while (clock::now() < until) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("redis_server: redis-server exited at start (port " +
                                         std::to_string(port_) + " taken?)");
            }
            int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in a = loopback(port_);
            if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
                if (!accepted)
                    accepted = clock::now();
                bool const answered = ping(fd);
                ::close(fd);
                if (answered)
                    return *accepted;
            } else if (fd >= 0) {
                ::close(fd);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        kill();
        throw std::runtime_error("redis_server: redis-server did not answer within 10 s");
    }

    /// Any answer to PING will do: "+PONG", or "-NOAUTH" with --requirepass.
    static bool ping(int fd) {
        static constexpr char request[] = "PING\r\n";
        if (::send(fd, request, sizeof request - 1, MSG_NOSIGNAL) != sizeof request - 1)
            return false;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 500) != 1)
            return false;
        char c = 0;
        return ::recv(fd, &c, 1, 0) == 1 && (c == '+' || c == '-');
    }

    std::vector<std::string> extra_;
    std::uint16_t port_;
    pid_t pid_ = -1;
};

} // namespace sio::test
