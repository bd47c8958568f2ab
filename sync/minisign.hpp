// Verifying minisign detached signatures (https://jedisct1.github.io/minisign/)
// with libsodium, so a screen trusts only feeds the school office signed.
//
// Formats, as `minisign -G` and `minisign -S` write them:
//   public key   base64( "Ed" | key id (8) | Ed25519 public key (32) )
//   .minisig     untrusted comment: <anything>
//                base64( "ED" or "Ed" | key id (8) | signature (64) )
//                trusted comment: <text>
//                base64( global signature (64) )
// "Ed" (legacy) signs the message itself; "ED" (minisign's default since 0.8)
// signs the BLAKE2b-512 hash of the message. The global signature signs
// signature (64) | <text>, so the trusted comment cannot be swapped.
//
// The feed contract puts `feed_id=<id> version=<n>` into the trusted comment;
// parse_feed_claim() reads them back so the caller can match the document.
//
// Thread safety: every function here is reentrant.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace campus {

struct MinisignPublicKey {
    std::array<unsigned char, 8> key_id{};
    std::array<unsigned char, 32> key{};
    // As minisign prints it: the 8 id bytes little-endian, as 16 upper-case hex digits.
    std::string key_id_hex() const;
};

struct MinisignSignature {
    bool prehashed = true;  // "ED"; false for legacy "Ed"
    std::array<unsigned char, 8> key_id{};
    std::array<unsigned char, 64> signature{};
    std::string trusted_comment;  // without the "trusted comment: " prefix
    std::array<unsigned char, 64> global_signature{};
};

template <typename T>
struct Parsed {
    std::optional<T> value;
    std::string error;  // empty when value is set
};

// Accepts the bare base64 key string (the 2nd line of minisign.pub, what
// --trusted-key takes) or the whole .pub file.
Parsed<MinisignPublicKey> parse_minisign_public_key(std::string_view text);

// Parses a .minisig file. Lines may end in \n or \r\n.
Parsed<MinisignSignature> parse_minisign_signature(std::string_view text);

struct MinisignVerdict {
    bool ok = false;
    std::string error;            // why not, e.g. "signature does not match the feed (key 1A2B…)"
    std::string trusted_comment;  // set when ok
    std::string key_id_hex;       // the key that signed, when ok
};

// Verifies `message` against the signature text with whichever of `keys` has the
// signature's key id. Fails when no key has that id, when either signature is
// wrong, or when the signature text is malformed.
MinisignVerdict verify_minisign(std::string_view message, std::string_view signature_text,
                                const std::vector<MinisignPublicKey>& keys);

// `feed_id=<id> version=<n>` anywhere in the trusted comment, separated by
// spaces or tabs from other words (minisign adds nothing on its own when -t is given).
struct FeedClaim {
    std::string feed_id;             // empty when absent
    std::optional<int64_t> version;  // nullopt when absent or not a positive integer
};
FeedClaim parse_feed_claim(std::string_view trusted_comment);

}  // namespace campus
