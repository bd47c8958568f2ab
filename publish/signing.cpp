// minisign keys and signatures, written with libsodium. See signing.hpp for
// the formats.
//
// [SECTION] helpers: base64, little-endian, files
// [SECTION] passwords: /dev/tty without echo, a file
// [SECTION] secret key: encode, decode, decrypt
// [SECTION] key pairs
// [SECTION] signatures
#include "publish/signing.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "sync/feed_cache.hpp"
#include "sync/feed_parse.hpp"

namespace campus::publish {

namespace {

// ---------------------------------------------------------------------------
// [SECTION] helpers

constexpr std::string_view kUntrustedPrefix = "untrusted comment: ";
constexpr std::string_view kSecretKeyComment = "minisign encrypted secret key";  // minisign's, encrypted or not
constexpr std::size_t kTrustedCommentMax = 8192 - sizeof("trusted comment: ");  // minisign refuses longer
constexpr std::size_t kPasswordMax = 1024;  // minisign's PASSWORDMAXBYTES

// The secret key file's fields, in order (minisign.h's SeckeyStruct).
constexpr std::size_t kSaltBytes = crypto_pwhash_scryptsalsa208sha256_SALTBYTES;  // 32
constexpr std::size_t kKeynumBytes = 8 + crypto_sign_SECRETKEYBYTES + 32;          // id | sk | checksum
constexpr std::size_t kSecretKeyBytes = 2 + 2 + 2 + kSaltBytes + 8 + 8 + kKeynumBytes;  // 158
constexpr std::size_t kOffKdf = 2, kOffChk = 4, kOffSalt = 6, kOffOps = kOffSalt + kSaltBytes,
                      kOffMem = kOffOps + 8, kOffKeynum = kOffMem + 8;

bool ensure_sodium() { return sodium_init() >= 0; }

std::string to_base64(const unsigned char* data, std::size_t size) {
    std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

void store_le64(unsigned char* out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(v >> (8 * i));
}

std::uint64_t load_le64(const unsigned char* in) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | in[i];
    return v;
}

std::string errno_text(int err) { return std::strerror(err); }

std::string trim_line_end(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

// A whole small file (keys, passwords: a few hundred bytes; anything much
// larger is not one of them, and is not read whole).
std::optional<std::string> read_small_file(const std::string& path, std::size_t limit, std::string* error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *error = path + ": cannot open: " + errno_text(errno);
        return std::nullopt;
    }
    std::string out;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            *error = path + ": cannot read: " + errno_text(errno);
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
        if (out.size() > limit) {
            ::close(fd);
            *error = path + ": over " + std::to_string(limit) + " bytes, not a minisign key or password file";
            return std::nullopt;
        }
    }
    ::close(fd);
    return out;
}

bool write_all(int fd, std::string_view bytes, int* err) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            *err = errno;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// A key file written whole beside its final name (temp file, exact mode,
// fsync), not yet in place: install() puts it there.
struct PendingFile {
    std::string temp;
    std::string path;
    std::string error;  // empty when written
};

PendingFile write_pending(const std::string& path, std::string_view bytes, mode_t mode) {
    PendingFile out{path + ".tmp-" + std::to_string(::getpid()), path, {}};
    const int fd = ::open(out.temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        out.error = out.temp + ": cannot create: " + errno_text(errno);
        return out;
    }
    int err = 0;
    // umask may have narrowed `mode` on open; a secret key must be exactly 0600.
    bool good = ::fchmod(fd, mode) == 0 || ((err = errno), false);
    good = good && write_all(fd, bytes, &err);
    good = good && (::fsync(fd) == 0 || ((err = errno), false));
    if (::close(fd) != 0 && good) {
        err = errno;
        good = false;
    }
    if (!good) {
        ::unlink(out.temp.c_str());
        out.error = out.temp + ": write failed: " + errno_text(err);
    }
    return out;
}

// Puts a pending file at its name: rename (force), or link(), which fails when
// the name exists, so a key is never replaced by accident even if two keygens race.
std::string install(const PendingFile& file, bool force) {
    int err = 0;
    if (force) {
        if (::rename(file.temp.c_str(), file.path.c_str()) == 0) return {};
        err = errno;
        ::unlink(file.temp.c_str());
        return file.path + ": cannot rename from " + file.temp + ": " + errno_text(err);
    }
    if (::link(file.temp.c_str(), file.path.c_str()) != 0) {
        err = errno;
        ::unlink(file.temp.c_str());
        if (err == EEXIST) return file.path + ": already exists; add --force to replace the key pair";
        return file.path + ": cannot create: " + errno_text(err);
    }
    ::unlink(file.temp.c_str());
    return {};
}

// BLAKE2b-256 of "Ed" | key id | secret key: minisign's checksum.
void compute_checksum(const unsigned char* key_file_bytes, unsigned char out[32]) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 32);
    crypto_generichash_update(&state, key_file_bytes, 2);
    crypto_generichash_update(&state, key_file_bytes + kOffKeynum, 8 + crypto_sign_SECRETKEYBYTES);
    crypto_generichash_final(&state, out, 32);
}

// scrypt's stream over the key id, secret key and checksum (XORed in place).
// Halves the limits while the machine cannot give the memory, as minisign
// does; returns the limits used, or nullopt when even the minimum fails.
std::optional<KdfLimits> xor_scrypt_stream(unsigned char* keynum, const std::string& password,
                                           const unsigned char* salt, KdfLimits limits, bool may_lower) {
    std::vector<unsigned char> stream(kKeynumBytes);
    for (;;) {
        if (crypto_pwhash_scryptsalsa208sha256(stream.data(), stream.size(), password.data(), password.size(), salt,
                                               limits.opslimit, static_cast<std::size_t>(limits.memlimit)) == 0)
            break;
        if (!may_lower) return std::nullopt;
        limits.opslimit /= 2;
        limits.memlimit /= 2;
        if (limits.opslimit < crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN ||
            limits.memlimit < crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN)
            return std::nullopt;
    }
    for (std::size_t i = 0; i < kKeynumBytes; ++i) keynum[i] ^= stream[i];
    sodium_memzero(stream.data(), stream.size());
    return limits;
}

std::string hex_id(const std::array<unsigned char, 8>& id) {
    MinisignPublicKey k;
    k.key_id = id;
    return k.key_id_hex();
}

// ---------------------------------------------------------------------------
// [SECTION] passwords

// Echo off on the terminal for its lifetime; restores it, and closes the
// descriptor, whatever happens between.
class TerminalNoEcho {
public:
    explicit TerminalNoEcho(int fd) : fd_(fd) {
        if (::tcgetattr(fd_, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHONL));
            active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~TerminalNoEcho() {
        if (active_) ::tcsetattr(fd_, TCSADRAIN, &saved_);
        ::close(fd_);  // owns the terminal's descriptor from here on
    }
    TerminalNoEcho(const TerminalNoEcho&) = delete;
    TerminalNoEcho& operator=(const TerminalNoEcho&) = delete;
    bool active() const { return active_; }

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

// One line from the terminal, echo already off (see read_password).
PasswordResult prompt_once(int tty, const std::string& prompt) {
    PasswordResult out;
    int err = 0;
    write_all(tty, prompt, &err);
    std::string line;
    char c;
    for (;;) {
        const ssize_t n = ::read(tty, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (line.empty()) {
                out.error = "no password typed (end of input on the terminal)";
                return out;
            }
            break;
        }
        if (c == '\n') break;
        line.push_back(c);
        if (line.size() > kPasswordMax) {
            sodium_memzero(line.data(), line.size());
            out.error = "password over " + std::to_string(kPasswordMax) + " bytes";
            return out;
        }
    }
    write_all(tty, "\n", &err);  // the Enter the user typed was not echoed
    out.password = trim_line_end(std::move(line));
    return out;
}

}  // namespace

PasswordResult read_password(const PasswordSource& source, bool confirm) {
    PasswordResult out;
    switch (source.kind) {
        case PasswordSource::Kind::given:
            out.password = source.value;
            return out;
        case PasswordSource::Kind::file: {
            auto text = read_small_file(source.file, 64 * 1024, &out.error);
            if (!text) return out;
            std::string first = text->substr(0, text->find('\n'));
            sodium_memzero(text->data(), text->size());
            out.password = trim_line_end(std::move(first));
            if (out.password->size() > kPasswordMax) {
                out.password.reset();
                out.error = source.file + ": the password is over " + std::to_string(kPasswordMax) + " bytes";
            }
            return out;
        }
        case PasswordSource::Kind::prompt:
            break;
    }
    // /dev/tty, not stdin: the prompt reaches the person even when stdin or
    // stdout are redirected, and a script without a terminal fails at once
    // instead of hanging on a password nobody can type.
    const int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0) {
        out.error = "no terminal to ask for the password (/dev/tty: " + errno_text(errno) +
                    "); use --password-file FILE";
        return out;
    }
    // Echo off before the first prompt, and on again after the last: what is
    // typed ahead of the prompt is flushed, and nothing typed after it is lost.
    TerminalNoEcho no_echo(tty);
    if (!no_echo.active()) {
        out.error = "/dev/tty: cannot turn the echo off; use --password-file FILE instead";
        return out;
    }
    out = prompt_once(tty, "Password: ");
    if (out.password && confirm) {
        PasswordResult again = prompt_once(tty, "Password (once more): ");
        const bool same = again.password && *again.password == *out.password;
        if (!same) {
            sodium_memzero(out.password->data(), out.password->size());
            out.password.reset();
            out.error = again.password ? "the two passwords differ; nothing was written" : again.error;
        }
        if (again.password) sodium_memzero(again.password->data(), again.password->size());
    }
    return out;
}

// ---------------------------------------------------------------------------
// [SECTION] secret key

SecretKey::~SecretKey() { sodium_memzero(secret.data(), secret.size()); }

MinisignPublicKey SecretKey::public_key() const {
    MinisignPublicKey pk;
    pk.key_id = key_id;
    std::memcpy(pk.key.data(), secret.data() + 32, 32);  // Ed25519 sk = seed | pk
    return pk;
}

std::string SecretKey::key_id_hex() const { return hex_id(key_id); }

SecretKeyResult parse_secret_key(std::string_view text, const PasswordSource& password, const std::string& where) {
    SecretKeyResult out;
    if (!ensure_sodium()) {
        out.error = "libsodium failed to initialise";
        return out;
    }
    // Line 1: the untrusted comment; line 2: the key. Like minisign, nothing else matters.
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos || !text.starts_with(kUntrustedPrefix)) {
        out.error = where + ": not a minisign secret key (line 1 should be \"untrusted comment: ...\")";
        return out;
    }
    std::string_view line = text.substr(nl + 1);
    line = line.substr(0, line.find('\n'));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    std::vector<unsigned char> bytes(kSecretKeyBytes + 3);
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(bytes.data(), bytes.size(), line.data(), line.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != line.data() + line.size() || len != kSecretKeyBytes) {
        sodium_memzero(bytes.data(), bytes.size());
        out.error = where + ": not a minisign secret key (line 2 should be " +
                    std::to_string(sodium_base64_ENCODED_LEN(kSecretKeyBytes, sodium_base64_VARIANT_ORIGINAL) - 1) +
                    " base64 characters; the file is truncated or damaged)";
        return out;
    }
    bytes.resize(kSecretKeyBytes);
    struct Wipe {
        std::vector<unsigned char>& b;
        ~Wipe() { sodium_memzero(b.data(), b.size()); }
    } wipe{bytes};

    if (bytes[0] != 'E' || bytes[1] != 'd') {
        out.error = where + ": unsupported signature algorithm (expected Ed25519, \"Ed\")";
        return out;
    }
    if (bytes[kOffChk] != 'B' || bytes[kOffChk + 1] != '2') {
        out.error = where + ": unsupported checksum (expected BLAKE2b, \"B2\")";
        return out;
    }
    const bool encrypted = bytes[kOffKdf] == 'S' && bytes[kOffKdf + 1] == 'c';
    const bool plain = bytes[kOffKdf] == 0 && bytes[kOffKdf + 1] == 0;
    if (!encrypted && !plain) {
        out.error = where + ": unsupported key derivation (expected scrypt \"Sc\" or none)";
        return out;
    }
    std::array<unsigned char, 8> id{};
    if (encrypted) {
        const KdfLimits limits{load_le64(bytes.data() + kOffOps), load_le64(bytes.data() + kOffMem)};
        // minisign writes its own limits or less (halved on a small machine).
        // Far above them is a damaged file, which must not make scrypt run
        // for hours or ask for terabytes.
        const KdfLimits most{KdfLimits{}.opslimit * 4, KdfLimits{}.memlimit * 4};
        if (limits.opslimit > most.opslimit || limits.memlimit > most.memlimit) {
            out.error = where + ": damaged secret key (its scrypt limits, opslimit " + std::to_string(limits.opslimit) +
                        " and memlimit " + std::to_string(limits.memlimit) + " bytes, are far above minisign's)";
            return out;
        }
        PasswordResult pw = read_password(password, false);
        if (!pw.password) {
            out.error = where + ": " + pw.error;
            return out;
        }
        // Within those bounds libsodium may still fail to allocate: that is
        // reported, not retried lower (the limits are the key's own).
        auto used = xor_scrypt_stream(bytes.data() + kOffKeynum, *pw.password, bytes.data() + kOffSalt, limits, false);
        sodium_memzero(pw.password->data(), pw.password->size());
        if (!used) {
            out.error = where + ": cannot derive the key from the password (scrypt with opslimit " +
                        std::to_string(limits.opslimit) + ", memlimit " + std::to_string(limits.memlimit) +
                        " bytes failed: out of memory, or the file is damaged)";
            return out;
        }
        std::memcpy(id.data(), bytes.data() + kOffKeynum, 8);
        unsigned char checksum[32];
        compute_checksum(bytes.data(), checksum);
        if (sodium_memcmp(checksum, bytes.data() + kOffKeynum + 8 + 64, 32) != 0) {
            // The id is decrypted with the rest: with a wrong password it is noise too.
            out.error = where + ": wrong password for this key (the decrypted key's checksum does not match)";
            return out;
        }
    } else {
        std::memcpy(id.data(), bytes.data() + kOffKeynum, 8);
        const unsigned char* stored = bytes.data() + kOffKeynum + 8 + 64;
        bool zero = true;
        for (int i = 0; i < 32; ++i) zero = zero && stored[i] == 0;
        if (!zero) {  // minisign -G -W leaves it zero; ours carry it
            unsigned char checksum[32];
            compute_checksum(bytes.data(), checksum);
            if (sodium_memcmp(checksum, stored, 32) != 0) {
                out.error = where + ": damaged secret key (checksum does not match)";
                return out;
            }
        }
    }
    SecretKey key;
    key.key_id = id;
    std::memcpy(key.secret.data(), bytes.data() + kOffKeynum + 8, 64);
    // The secret key holds its public half; re-deriving it from the seed catches
    // a damaged unencrypted key with a zero checksum, which would otherwise
    // make signatures no screen accepts.
    unsigned char seed[32], pk[32], sk[64];
    crypto_sign_ed25519_sk_to_seed(seed, key.secret.data());
    crypto_sign_seed_keypair(pk, sk, seed);
    const bool consistent = sodium_memcmp(pk, key.secret.data() + 32, 32) == 0;
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    if (!consistent) {
        out.error = where + ": damaged secret key (its public half does not match its seed)";
        return out;
    }
    out.key = key;
    return out;
}

SecretKeyResult load_secret_key(const std::string& path, const PasswordSource& password) {
    SecretKeyResult out;
    auto text = read_small_file(path, 16 * 1024, &out.error);
    if (!text) return out;
    out = parse_secret_key(*text, password, path);
    sodium_memzero(text->data(), text->size());
    return out;
}

// ---------------------------------------------------------------------------
// [SECTION] key pairs

KeyPairText make_key_pair(const std::optional<std::string>& password, const KdfLimits& limits) {
    KeyPairText out;
    if (!ensure_sodium()) {
        out.error = "libsodium failed to initialise";
        return out;
    }
    std::vector<unsigned char> sk(kSecretKeyBytes, 0);
    struct Wipe {
        std::vector<unsigned char>& b;
        ~Wipe() { sodium_memzero(b.data(), b.size()); }
    } wipe{sk};
    sk[0] = 'E';
    sk[1] = 'd';
    sk[kOffChk] = 'B';
    sk[kOffChk + 1] = '2';
    unsigned char* keynum = sk.data() + kOffKeynum;
    randombytes_buf(keynum, 8);
    unsigned char pk[32];
    crypto_sign_keypair(pk, keynum + 8);
    compute_checksum(sk.data(), keynum + 8 + 64);
    std::memcpy(out.public_key.key_id.data(), keynum, 8);  // before encryption hides it
    std::memcpy(out.public_key.key.data(), pk, 32);

    if (password) {
        sk[kOffKdf] = 'S';
        sk[kOffKdf + 1] = 'c';
        randombytes_buf(sk.data() + kOffSalt, kSaltBytes);
        auto used = xor_scrypt_stream(keynum, *password, sk.data() + kOffSalt, limits, true);
        if (!used) {
            out.error = "cannot derive a key from the password: scrypt needs more memory than this machine gives";
            return out;
        }
        store_le64(sk.data() + kOffOps, used->opslimit);
        store_le64(sk.data() + kOffMem, used->memlimit);
    }

    unsigned char pub[2 + 8 + 32];
    pub[0] = 'E';
    pub[1] = 'd';
    std::memcpy(pub + 2, out.public_key.key_id.data(), 8);
    std::memcpy(pub + 10, pk, 32);
    out.public_key_file = std::string(kUntrustedPrefix) + "minisign public key " + out.public_key.key_id_hex() +
                          "\n" + to_base64(pub, sizeof pub) + "\n";
    out.secret_key_file = std::string(kUntrustedPrefix) + std::string(kSecretKeyComment) + "\n" +
                          to_base64(sk.data(), sk.size()) + "\n";
    return out;
}

KeyPairFiles generate_key_pair(const std::string& dir, const std::optional<std::string>& password, bool force,
                               const KdfLimits& limits) {
    namespace fs = std::filesystem;
    KeyPairFiles out;
    out.public_key_path = (fs::path(dir) / "minisign.pub").string();
    out.secret_key_path = (fs::path(dir) / "minisign.key").string();
    std::error_code ec;
    // Checked before the slow scrypt, and again (atomically, by link) when writing.
    if (!force) {
        for (const std::string& p : {out.public_key_path, out.secret_key_path}) {
            if (fs::exists(fs::symlink_status(p, ec))) {
                out.error = p + ": already exists; add --force to replace the key pair";
                return out;
            }
        }
    }
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) {
            out.error = dir + ": cannot create the directory: " + ec.message();
            return out;
        }
        fs::permissions(dir, fs::perms::owner_all, ec);  // a key's folder is the office's alone
    } else if (!fs::is_directory(dir, ec)) {
        out.error = dir + ": not a directory";
        return out;
    }
    KeyPairText text = make_key_pair(password, limits);
    if (!text.error.empty()) {
        out.error = text.error;
        return out;
    }
    // Both written in full before either is put in place: a failure on the
    // way leaves the old pair (or none) as it was.
    const PendingFile secret = write_pending(out.secret_key_path, text.secret_key_file, 0600);
    sodium_memzero(text.secret_key_file.data(), text.secret_key_file.size());
    if (!secret.error.empty()) {
        out.error = secret.error;
        return out;
    }
    const PendingFile pub = write_pending(out.public_key_path, text.public_key_file, 0644);
    if (!pub.error.empty()) {
        ::unlink(secret.temp.c_str());
        out.error = pub.error;
        return out;
    }
    // The secret key first: a public key without its secret would be worse
    // than useless (screens would trust a key nobody can sign with).
    if (std::string err = install(secret, force); !err.empty()) {
        ::unlink(pub.temp.c_str());
        out.error = err;
        return out;
    }
    if (std::string err = install(pub, force); !err.empty()) {
        // Without --force the secret key just made is ours alone: take it back,
        // the pair or nothing. (With --force the old secret key is gone already;
        // the new one stays, and the error says which file to look at.)
        if (!force) ::unlink(out.secret_key_path.c_str());
        out.error = err;
        return out;
    }
    out.public_key = text.public_key;
    return out;
}

// ---------------------------------------------------------------------------
// [SECTION] signatures

std::string sign_detached(std::string_view message, const SecretKey& key, std::string_view trusted_comment,
                          std::string_view untrusted_comment) {
    if (!ensure_sodium()) throw std::runtime_error("libsodium failed to initialise");
    auto has_break = [](std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; };
    if (has_break(trusted_comment) || has_break(untrusted_comment))
        throw std::invalid_argument("a minisign comment cannot hold a line break");
    if (trusted_comment.size() >= kTrustedCommentMax)
        throw std::invalid_argument("trusted comment over minisign's limit of " + std::to_string(kTrustedCommentMax) +
                                    " bytes");

    unsigned char hash[crypto_generichash_BYTES_MAX];  // 64: BLAKE2b-512, minisign's prehash
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       nullptr, 0);
    unsigned char sig[2 + 8 + crypto_sign_BYTES];
    sig[0] = 'E';
    sig[1] = 'D';
    std::memcpy(sig + 2, key.key_id.data(), 8);
    crypto_sign_detached(sig + 10, nullptr, hash, sizeof hash, key.secret.data());

    // The global signature covers signature | trusted comment: the comment
    // cannot be swapped onto another signature.
    std::vector<unsigned char> global_message(sig + 10, sig + 10 + crypto_sign_BYTES);
    global_message.insert(global_message.end(), trusted_comment.begin(), trusted_comment.end());
    unsigned char global[crypto_sign_BYTES];
    crypto_sign_detached(global, nullptr, global_message.data(), global_message.size(), key.secret.data());

    std::string out;
    out += kUntrustedPrefix;
    out += untrusted_comment;
    out += '\n';
    out += to_base64(sig, sizeof sig);
    out += "\ntrusted comment: ";
    out += trusted_comment;
    out += '\n';
    out += to_base64(global, sizeof global);
    out += '\n';
    return out;
}

std::string feed_trusted_comment(std::string_view feed_id, std::int64_t version) {
    return "feed_id=" + std::string(feed_id) + " version=" + std::to_string(version);
}

SignedFeed sign_feed_file(const std::string& feed_path, const SecretKey& key) {
    SignedFeed out;
    const FeedLimits limits;
    auto bytes = read_small_file(feed_path, limits.max_bytes, &out.error);
    if (!bytes) {
        if (out.error.find(" over ") != std::string::npos)
            out.error = feed_path + ": the feed is over the limit of " + std::to_string(limits.max_bytes) +
                        " bytes a screen accepts; not signed";
        return out;
    }
    const ParseResult parsed = parse_feed(*bytes, limits);
    if (!parsed.ok()) {
        // Signing an invalid feed would only make every screen refuse it later.
        out.error = feed_path + ": not signed, the feed is invalid:";
        for (const Problem& p : parsed.problems) out.error += "\n" + feed_path + ": " + to_string(p);
        return out;
    }
    out.trusted_comment = feed_trusted_comment(parsed.feed->feed_id, parsed.feed->version);
    const std::string text = sign_detached(*bytes, key, out.trusted_comment);
    // The screen checks the signature against the feed; verify here too, so a
    // damaged key never publishes a signature that every screen would refuse.
    const MinisignVerdict check = verify_minisign(*bytes, text, {key.public_key()});
    if (!check.ok) {
        out.error = feed_path + ": the new signature does not verify (" + check.error + "); not written";
        return out;
    }
    out.signature_path = feed_path + ".minisig";
    if (std::string err = write_file_atomically(out.signature_path, text); !err.empty()) {
        out.error = err;
        out.signature_path.clear();
    }
    return out;
}

}  // namespace campus::publish
