// minisign public keys and signatures, verified with libsodium. See minisign.hpp
// for the formats.
#include "sync/minisign.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstring>

namespace campus {

namespace {

constexpr std::string_view kTrustedPrefix = "trusted comment: ";
constexpr std::string_view kUntrustedPrefix = "untrusted comment: ";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
}

// Splits on \n, dropping a trailing \r on each line (files edited on Windows).
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

// Standard base64 with padding, exactly `expected` bytes once decoded.
std::optional<std::vector<unsigned char>> decode_base64(std::string_view text, std::size_t expected) {
    text = trim(text);
    std::vector<unsigned char> out(expected + 3);
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return std::nullopt;
    if (end != text.data() + text.size() || len != expected) return std::nullopt;
    out.resize(len);
    return out;
}

std::string hex_key_id(const std::array<unsigned char, 8>& id) {
    // minisign prints the id as a little-endian uint64 in hex.
    std::string out;
    char buf[3];
    for (int i = 7; i >= 0; --i) {
        std::snprintf(buf, sizeof buf, "%02X", id[static_cast<std::size_t>(i)]);
        out += buf;
    }
    return out;
}

bool ensure_sodium() { return sodium_init() >= 0; }

}  // namespace

std::string MinisignPublicKey::key_id_hex() const { return hex_key_id(key_id); }

Parsed<MinisignPublicKey> parse_minisign_public_key(std::string_view text) {
    if (!ensure_sodium()) return {std::nullopt, "libsodium failed to initialise"};
    // A whole .pub file: the key is the first line that is not a comment.
    std::string_view key_line;
    for (auto line : split_lines(text)) {
        line = trim(line);
        if (line.empty() || line.starts_with(kUntrustedPrefix)) continue;
        key_line = line;
        break;
    }
    if (key_line.empty()) return {std::nullopt, "no key in the minisign public key text"};
    auto bytes = decode_base64(key_line, 2 + 8 + 32);
    if (!bytes) return {std::nullopt, "not a minisign public key (expected 56 base64 characters: \"Ed\", key id, Ed25519 key): '" + std::string(key_line.substr(0, 80)) + "'"};
    if ((*bytes)[0] != 'E' || (*bytes)[1] != 'd')
        return {std::nullopt, "unsupported minisign public key algorithm (expected Ed)"};
    MinisignPublicKey key;
    std::memcpy(key.key_id.data(), bytes->data() + 2, 8);
    std::memcpy(key.key.data(), bytes->data() + 10, 32);
    return {key, {}};
}

Parsed<MinisignSignature> parse_minisign_signature(std::string_view text) {
    if (!ensure_sodium()) return {std::nullopt, "libsodium failed to initialise"};
    auto lines = split_lines(text);
    // Trailing empty lines are harmless; anything else beyond the 4 lines is not minisign's.
    while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
    if (lines.size() != 4)
        return {std::nullopt, "malformed signature: expected 4 lines, found " + std::to_string(lines.size())};
    if (!lines[0].starts_with(kUntrustedPrefix))
        return {std::nullopt, "malformed signature: line 1 is not an untrusted comment"};
    auto sig = decode_base64(lines[1], 2 + 8 + 64);
    if (!sig) return {std::nullopt, "malformed signature: line 2 is not a base64 minisign signature"};
    MinisignSignature out;
    if ((*sig)[0] == 'E' && (*sig)[1] == 'D')
        out.prehashed = true;
    else if ((*sig)[0] == 'E' && (*sig)[1] == 'd')
        out.prehashed = false;
    else
        return {std::nullopt, "malformed signature: unknown algorithm (expected ED or Ed)"};
    std::memcpy(out.key_id.data(), sig->data() + 2, 8);
    std::memcpy(out.signature.data(), sig->data() + 10, 64);
    if (!lines[2].starts_with(kTrustedPrefix))
        return {std::nullopt, "malformed signature: line 3 is not a trusted comment"};
    out.trusted_comment = std::string(lines[2].substr(kTrustedPrefix.size()));
    auto global = decode_base64(lines[3], 64);
    if (!global) return {std::nullopt, "malformed signature: line 4 is not a base64 global signature"};
    std::memcpy(out.global_signature.data(), global->data(), 64);
    return {out, {}};
}

MinisignVerdict verify_minisign(std::string_view message, std::string_view signature_text,
                                const std::vector<MinisignPublicKey>& keys) {
    MinisignVerdict verdict;
    auto parsed = parse_minisign_signature(signature_text);
    if (!parsed.value) {
        verdict.error = parsed.error;
        return verdict;
    }
    const MinisignSignature& sig = *parsed.value;
    const MinisignPublicKey* key = nullptr;
    for (const auto& k : keys)
        if (k.key_id == sig.key_id) key = &k;
    if (!key) {
        verdict.error = "signed by key " + hex_key_id(sig.key_id) + ", which is not a trusted key";
        return verdict;
    }

    int rc;
    if (sig.prehashed) {
        unsigned char hash[crypto_generichash_BYTES_MAX];  // 64: BLAKE2b-512
        crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size(), nullptr, 0);
        rc = crypto_sign_verify_detached(sig.signature.data(), hash, sizeof hash, key->key.data());
    } else {
        rc = crypto_sign_verify_detached(sig.signature.data(),
                                         reinterpret_cast<const unsigned char*>(message.data()),
                                         message.size(), key->key.data());
    }
    if (rc != 0) {
        verdict.error = "signature by key " + key->key_id_hex() + " does not match the content";
        return verdict;
    }

    std::vector<unsigned char> global_message(sig.signature.begin(), sig.signature.end());
    global_message.insert(global_message.end(), sig.trusted_comment.begin(), sig.trusted_comment.end());
    if (crypto_sign_verify_detached(sig.global_signature.data(), global_message.data(),
                                    global_message.size(), key->key.data()) != 0) {
        verdict.error = "trusted comment of the signature by key " + key->key_id_hex() +
                        " was altered (global signature does not match)";
        return verdict;
    }
    verdict.ok = true;
    verdict.trusted_comment = sig.trusted_comment;
    verdict.key_id_hex = key->key_id_hex();
    return verdict;
}

FeedClaim parse_feed_claim(std::string_view comment) {
    FeedClaim claim;
    while (!comment.empty()) {
        auto start = comment.find_first_not_of(" \t");
        if (start == std::string_view::npos) break;
        comment.remove_prefix(start);
        auto end = comment.find_first_of(" \t");
        auto word = comment.substr(0, end);
        comment.remove_prefix(end == std::string_view::npos ? comment.size() : end);
        if (word.starts_with("feed_id=")) {
            claim.feed_id = std::string(word.substr(8));
        } else if (word.starts_with("version=")) {
            auto digits = word.substr(8);
            int64_t v = 0;
            // At most 18 digits always fit an int64_t; longer ones are refused
            // before the loop, which would otherwise overflow (UB) on them.
            bool good = !digits.empty() && digits.size() <= 18 && digits[0] != '0';
            for (char c : good ? digits : std::string_view{}) {
                if (c < '0' || c > '9') { good = false; break; }
                v = v * 10 + (c - '0');
            }
            claim.version = good ? std::optional<int64_t>(v) : std::nullopt;
        }
    }
    return claim;
}

}  // namespace campus
