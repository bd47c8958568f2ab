// SHA-256 through libsodium. See sha256.hpp.
#include "sync/sha256.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace campus {

namespace {

std::string hex_of(const unsigned char (&digest)[crypto_hash_sha256_BYTES]) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(2 * crypto_hash_sha256_BYTES, '0');
    for (std::size_t i = 0; i < crypto_hash_sha256_BYTES; ++i) {
        out[2 * i] = kHex[digest[i] >> 4];
        out[2 * i + 1] = kHex[digest[i] & 15];
    }
    return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return hex_of(digest);
}

std::optional<std::string> sha256_hex_of_file(const std::string& path, std::size_t max_bytes, std::string* error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (error) *error = path + ": cannot open: " + std::strerror(errno);
        return std::nullopt;
    }
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::size_t total = 0;
    unsigned char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (error) *error = path + ": read failed: " + std::strerror(errno);
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0) break;
        total += static_cast<std::size_t>(n);
        if (total > max_bytes) {
            if (error) *error = path + ": larger than " + std::to_string(max_bytes) + " bytes";
            ::close(fd);
            return std::nullopt;
        }
        crypto_hash_sha256_update(&state, buffer, static_cast<unsigned long long>(n));
    }
    ::close(fd);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    return hex_of(digest);
}

}  // namespace campus
