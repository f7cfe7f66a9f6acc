// A throwaway CA and server certificate for TLS tests, made by tests/common/make-test-cert.sh
// (the JS tests use the same script).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace sio::test {

class test_cert {
public:
    /// Writes ca.pem, cert.pem and key.pem into `dir` (made if missing; the caller removes it).
    explicit test_cert(std::filesystem::path dir)
        : dir_(std::move(dir)) {
        std::string const command =
            std::string(SIO_SOURCE_DIR "/tests/common/make-test-cert.sh '") + dir_.string() + "'";
        if (std::system(command.c_str()) != 0)
            throw std::runtime_error("make-test-cert.sh failed (is the openssl command there?)");
    }

    /// What clients trust.
    std::string ca() const { return (dir_ / "ca.pem").string(); }
    /// The server's certificate (for localhost and 127.0.0.1) and its key.
    std::string cert() const { return (dir_ / "cert.pem").string(); }
    std::string key() const { return (dir_ / "key.pem").string(); }

private:
    std::filesystem::path dir_;
};

} // namespace sio::test
