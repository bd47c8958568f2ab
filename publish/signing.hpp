// The office's keys and signatures, in minisign's own formats, so the real
// `minisign` and every screen (sync/minisign.hpp verifies) read what this
// writes, and this reads what `minisign -G` / `minisign -G -W` wrote.
//
// Files, as minisign writes them (base64 is the standard alphabet, padded):
//   minisign.pub   untrusted comment: minisign public key <KEY ID, 16 hex>
//                  base64( "Ed" | key id (8) | Ed25519 public key (32) )
//   minisign.key   untrusted comment: minisign encrypted secret key
//                  base64( "Ed" | kdf "Sc" (scrypt) or "\0\0" (unencrypted)
//                          | "B2" | kdf salt (32) | opslimit (8, LE) | memlimit (8, LE)
//                          | [ key id (8) | Ed25519 secret key (64) | checksum (32) ] )
//   The bracket is XORed with crypto_pwhash_scryptsalsa208sha256(password, salt,
//   opslimit, memlimit) when kdf is "Sc"; the checksum is BLAKE2b-256 of
//   "Ed" | key id | secret key, so a wrong password shows as a checksum mismatch.
//   FEED.minisig   see sync/minisign.hpp; always the prehashed "ED" form
//                  (BLAKE2b-512 of the file), as `minisign -S` since 0.8.
//
// One deliberate difference: `minisign -G -W` leaves the checksum (and salt and
// limits) of an unencrypted key zero, and minisign never checks it there. Keys
// this module writes carry the real checksum either way (minisign ignores it on
// an unencrypted key), and reading accepts a zero checksum on an unencrypted key
// but then checks that the secret key holds its own public key.
//
// Passwords come from a prompt on the terminal (/dev/tty, echo off) or from
// the first line of a file; never from the command line, where `ps` and the
// shell's history would show them.
//
// Thread safety: every function is reentrant; the prompt takes the terminal, so
// do not prompt from two threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sync/minisign.hpp"

namespace campus::publish {

// Where a password comes from.
struct PasswordSource {
    enum class Kind {
        prompt,  // ask on /dev/tty, echo off; twice when a new key is encrypted
        file,    // the first line of `file` (a trailing \r\n or \n is not part of it)
        given,   // `value`, for a caller that asked the office itself (never argv)
    };
    Kind kind = Kind::prompt;
    std::string file;
    std::string value;

    static PasswordSource from_prompt() { return {}; }
    static PasswordSource from_file(std::string path) { return {Kind::file, std::move(path), {}}; }
    static PasswordSource given_value(std::string password) { return {Kind::given, {}, std::move(password)}; }
};

struct PasswordResult {
    std::optional<std::string> password;
    std::string error;  // empty when password is set
};

// Reads a password. `confirm`: a prompt asks twice and refuses a mismatch (a
// new key); a file or a given value is taken as it is.
PasswordResult read_password(const PasswordSource& source, bool confirm);

// scrypt's cost. minisign's: opslimit 2^25, memlimit 1 GiB (libsodium's
// *_SENSITIVE, about a second or more and 1 GiB of memory). Lower limits are
// for tests; minisign reads the limits from the key file, so it opens such
// keys as well.
struct KdfLimits {
    std::uint64_t opslimit = 33554432ull;
    std::uint64_t memlimit = 1073741824ull;
};

// A decrypted secret key. The bytes are wiped when it is destroyed.
struct SecretKey {
    std::array<unsigned char, 8> key_id{};
    std::array<unsigned char, 64> secret{};  // libsodium's Ed25519 secret key: seed | public key
    SecretKey() = default;
    SecretKey(const SecretKey&) = default;
    SecretKey& operator=(const SecretKey&) = default;
    ~SecretKey();
    MinisignPublicKey public_key() const;
    std::string key_id_hex() const;  // as minisign prints it
};

struct SecretKeyResult {
    std::optional<SecretKey> key;
    std::string error;  // empty when key is set; names the file and what is wrong
};

// Reads a minisign secret key file. An encrypted key ("Sc") asks `password`
// for its password (read_password(password, false)); an unencrypted one does
// not ask. A wrong password: "... wrong password for key <ID> (the checksum
// does not match)".
SecretKeyResult load_secret_key(const std::string& path, const PasswordSource& password);

// The same from the file's text; `where` names it in errors.
SecretKeyResult parse_secret_key(std::string_view text, const PasswordSource& password, const std::string& where);

// A new key pair as the two files' text. `password` nullopt: unencrypted
// (as `minisign -G -W`); else encrypted with scrypt at `limits`, halved while
// the machine cannot give that much memory (as minisign does).
struct KeyPairText {
    std::string public_key_file;
    std::string secret_key_file;
    MinisignPublicKey public_key;
    std::string error;  // empty when the texts are set
};
KeyPairText make_key_pair(const std::optional<std::string>& password, const KdfLimits& limits = {});

// Writes DIR/minisign.pub and DIR/minisign.key (0600, DIR made 0700 when
// missing). Refuses to replace either file unless `force`. Returns the pair
// (paths in public_key_path / secret_key_path) or the error.
struct KeyPairFiles {
    std::string public_key_path;
    std::string secret_key_path;
    MinisignPublicKey public_key;
    std::string error;
};
KeyPairFiles generate_key_pair(const std::string& dir, const std::optional<std::string>& password,
                               bool force = false, const KdfLimits& limits = {});

// minisign's .minisig text for `message`: prehashed "ED", `trusted_comment`
// under the global signature. Throws std::invalid_argument when a comment holds
// a line break or the trusted comment is over minisign's 8 KiB limit (a caller
// bug: feed ids and versions never do).
std::string sign_detached(std::string_view message, const SecretKey& key, std::string_view trusted_comment,
                          std::string_view untrusted_comment = "signature from minisign secret key");

// `feed_id=<id> version=<n>`: the claim the screen checks (sync/minisign.hpp).
std::string feed_trusted_comment(std::string_view feed_id, std::int64_t version);

// Signs a feed file: reads FEED, refuses an invalid feed (every problem, one per
// line, "FEED: /pointer: message"), and writes FEED.minisig atomically (temp,
// fsync, rename) with the feed's own feed_id and version as trusted comment.
struct SignedFeed {
    std::string signature_path;
    std::string trusted_comment;
    std::string error;  // empty when written
};
SignedFeed sign_feed_file(const std::string& feed_path, const SecretKey& key);

}  // namespace campus::publish
