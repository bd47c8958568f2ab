// minisign keys and signatures (sync/minisign.hpp): known answers from the real
// minisign tool (tests/fixtures/minisign/README.md says how they were made).

#include "sync/minisign.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <sstream>
#include <string>

namespace campus {
namespace {

const std::string kDir = std::string(KIOSK_FIXTURES_DIR) + "/minisign/";

std::string read(const std::string& name) {
    std::ifstream in(kDir + name, std::ios::binary);
    EXPECT_TRUE(in) << "missing fixture " << kDir + name;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The 2nd line of a .pub file: what --trusted-key takes.
std::string key_line(const std::string& pub_file) {
    std::istringstream in(read(pub_file));
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    return line;
}

MinisignPublicKey key(const std::string& pub_file) {
    auto parsed = parse_minisign_public_key(key_line(pub_file));
    EXPECT_TRUE(parsed.value) << parsed.error;
    return parsed.value.value_or(MinisignPublicKey{});
}

std::string replace_line(const std::string& text, int index, const std::string& with) {
    std::istringstream in(text);
    std::string line, out;
    for (int i = 0; std::getline(in, line); ++i) out += (i == index ? with : line) + "\n";
    return out;
}

std::string line_of(const std::string& text, int index) {
    std::istringstream in(text);
    std::string line;
    for (int i = 0; std::getline(in, line); ++i)
        if (i == index) return line;
    return {};
}

std::string b64(const std::vector<unsigned char>& bytes) {
    std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();  // the terminating NUL
    return out;
}

std::vector<unsigned char> unb64(const std::string& text) {
    std::vector<unsigned char> out(text.size());
    size_t len = 0;
    EXPECT_EQ(sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                                sodium_base64_VARIANT_ORIGINAL),
              0);
    out.resize(len);
    return out;
}

TEST(MinisignKey, ParsesTheKeyLineAndTheWholePubFile) {
    auto from_line = parse_minisign_public_key(key_line("office.pub"));
    ASSERT_TRUE(from_line.value) << from_line.error;
    // minisign prints the id in the pub file's comment: "minisign public key C7EA9B6B70E10927".
    EXPECT_EQ(from_line.value->key_id_hex(), "C7EA9B6B70E10927");
    auto from_file = parse_minisign_public_key(read("office.pub"));
    ASSERT_TRUE(from_file.value) << from_file.error;
    EXPECT_EQ(from_file.value->key, from_line.value->key);
    EXPECT_EQ(key("other.pub").key_id_hex(), "C6E53A57AA660E05");
}

TEST(MinisignKey, RejectsMalformedKeys) {
    for (std::string bad : {std::string(""), std::string("not base64!"), std::string("RWQnCeFwa5vqx+ol"),
                            key_line("office.pub") + "AAAA", line_of(read("feed.json.minisig"), 1)}) {
        auto parsed = parse_minisign_public_key(bad);
        EXPECT_FALSE(parsed.value) << "accepted '" << bad << "'";
        EXPECT_FALSE(parsed.error.empty());
    }
    // Right length, wrong algorithm tag.
    auto bytes = unb64(key_line("office.pub"));
    bytes[1] = 'X';
    EXPECT_FALSE(parse_minisign_public_key(b64(bytes)).value);
}

TEST(MinisignVerify, AcceptsPrehashedSignatureFromMinisign) {
    auto verdict = verify_minisign(read("feed.json"), read("feed.json.minisig"), {key("office.pub")});
    EXPECT_TRUE(verdict.ok) << verdict.error;
    EXPECT_EQ(verdict.trusted_comment, "feed_id=sync-test-school version=1");
    EXPECT_EQ(verdict.key_id_hex, "C7EA9B6B70E10927");
    auto sig = parse_minisign_signature(read("feed.json.minisig"));
    ASSERT_TRUE(sig.value);
    EXPECT_TRUE(sig.value->prehashed);
}

TEST(MinisignVerify, AcceptsLegacySignatureFromMinisign) {
    auto sig = parse_minisign_signature(read("feed.json.legacy.minisig"));
    ASSERT_TRUE(sig.value) << sig.error;
    EXPECT_FALSE(sig.value->prehashed);
    auto verdict = verify_minisign(read("feed.json"), read("feed.json.legacy.minisig"), {key("office.pub")});
    EXPECT_TRUE(verdict.ok) << verdict.error;
}

TEST(MinisignVerify, PicksTheRightKeyAmongSeveral) {
    auto verdict = verify_minisign(read("feed.json"), read("feed.json.other.minisig"),
                                   {key("office.pub"), key("other.pub")});
    EXPECT_TRUE(verdict.ok) << verdict.error;
    EXPECT_EQ(verdict.key_id_hex, "C6E53A57AA660E05");
}

TEST(MinisignVerify, RefusesTamperedBody) {
    std::string body = read("feed.json");
    for (std::string tampered : {body + " ", body.substr(0, body.size() - 1), std::string("")}) {
        auto verdict = verify_minisign(tampered, read("feed.json.minisig"), {key("office.pub")});
        EXPECT_FALSE(verdict.ok);
        EXPECT_NE(verdict.error.find("does not match"), std::string::npos) << verdict.error;
    }
    std::string flipped = body;
    flipped[flipped.find("19")] = '9';  // a hygiene score 19 -> 99
    EXPECT_FALSE(verify_minisign(flipped, read("feed.json.minisig"), {key("office.pub")}).ok);
    EXPECT_FALSE(verify_minisign(flipped, read("feed.json.legacy.minisig"), {key("office.pub")}).ok);
}

TEST(MinisignVerify, RefusesSignatureByAnUntrustedKey) {
    auto verdict = verify_minisign(read("feed.json"), read("feed.json.other.minisig"), {key("office.pub")});
    EXPECT_FALSE(verdict.ok);
    EXPECT_NE(verdict.error.find("C6E53A57AA660E05"), std::string::npos) << verdict.error;
    EXPECT_FALSE(verify_minisign(read("feed.json"), read("feed.json.minisig"), {}).ok);
}

TEST(MinisignVerify, RefusesAKeyWhoseIdMatchesButWhoseKeyDoesNot) {
    // The other key's Ed25519 bytes under the office's key id: the id lookup
    // finds it, the signature must still fail.
    auto office = unb64(key_line("office.pub"));
    auto other = unb64(key_line("other.pub"));
    std::copy(other.begin() + 10, other.end(), office.begin() + 10);
    auto forged = parse_minisign_public_key(b64(office));
    ASSERT_TRUE(forged.value);
    auto verdict = verify_minisign(read("feed.json"), read("feed.json.minisig"), {*forged.value});
    EXPECT_FALSE(verdict.ok);
    EXPECT_NE(verdict.error.find("does not match"), std::string::npos) << verdict.error;
}

TEST(MinisignVerify, RefusesASignatureWhoseKeyIdWasChanged) {
    // Flip the key id inside the signature: no trusted key has that id.
    std::string sig = read("feed.json.minisig");
    auto bytes = unb64(line_of(sig, 1));
    bytes[2] ^= 0x01;
    auto verdict = verify_minisign(read("feed.json"), replace_line(sig, 1, b64(bytes)), {key("office.pub")});
    EXPECT_FALSE(verdict.ok);
    EXPECT_NE(verdict.error.find("not a trusted key"), std::string::npos) << verdict.error;
}

TEST(MinisignVerify, RefusesAnAlteredTrustedComment) {
    std::string sig = replace_line(read("feed.json.minisig"), 2, "trusted comment: feed_id=sync-test-school version=9");
    auto verdict = verify_minisign(read("feed.json"), sig, {key("office.pub")});
    EXPECT_FALSE(verdict.ok);
    EXPECT_NE(verdict.error.find("trusted comment"), std::string::npos) << verdict.error;
    // The same trusted comment under another signature's global signature.
    std::string swapped = replace_line(read("feed.json.minisig"), 3, line_of(read("feed.json.claim-v2.minisig"), 3));
    EXPECT_FALSE(verify_minisign(read("feed.json"), swapped, {key("office.pub")}).ok);
}

TEST(MinisignVerify, AcceptsCrlfLineEnds) {
    std::string sig = read("feed.json.minisig"), crlf;
    for (char c : sig) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    EXPECT_TRUE(verify_minisign(read("feed.json"), crlf, {key("office.pub")}).ok);
}

TEST(MinisignSignature, RejectsMalformedFiles) {
    const std::string good = read("feed.json.minisig");
    std::vector<std::string> bad = {
        "",
        "\n\n\n\n",
        line_of(good, 0) + "\n" + line_of(good, 1) + "\n",                       // truncated after line 2
        replace_line(good, 0, "a comment without its prefix"),
        replace_line(good, 1, "!!!!"),
        replace_line(good, 1, line_of(good, 1).substr(0, 40)),                   // short signature
        replace_line(good, 2, "feed_id=sync-test-school version=1"),            // no "trusted comment: "
        replace_line(good, 3, line_of(good, 3).substr(4)),                       // short global signature
        good + "one line too many\n",
        std::string(200, '\0'),
    };
    auto bytes = unb64(line_of(good, 1));
    bytes[0] = 'X';
    bad.push_back(replace_line(good, 1, b64(bytes)));  // unknown algorithm
    for (const auto& text : bad) {
        auto parsed = parse_minisign_signature(text);
        EXPECT_FALSE(parsed.value) << "accepted:\n" << text;
        EXPECT_FALSE(parsed.error.empty());
        EXPECT_FALSE(verify_minisign(read("feed.json"), text, {key("office.pub")}).ok);
    }
}

TEST(MinisignClaim, ReadsFeedIdAndVersionFromTheTrustedComment) {
    auto claim = parse_feed_claim("feed_id=sync-test-school version=12");
    EXPECT_EQ(claim.feed_id, "sync-test-school");
    EXPECT_EQ(claim.version, 12);
    claim = parse_feed_claim("timestamp:1700000000\tversion=3  feed_id=a-b");
    EXPECT_EQ(claim.feed_id, "a-b");
    EXPECT_EQ(claim.version, 3);
}

TEST(MinisignClaim, MissingOrMalformedPartsAreAbsent) {
    EXPECT_EQ(parse_feed_claim("timestamp:1700000000 file:feed.json").feed_id, "");
    EXPECT_FALSE(parse_feed_claim("timestamp:1700000000 file:feed.json").version);
    EXPECT_FALSE(parse_feed_claim("feed_id=x version=").version);
    EXPECT_FALSE(parse_feed_claim("feed_id=x version=12a").version);
    EXPECT_FALSE(parse_feed_claim("feed_id=x version=-3").version);
    EXPECT_FALSE(parse_feed_claim("feed_id=x version=012").version);
    EXPECT_FALSE(parse_feed_claim("feed_id=x version=99999999999999999999999").version);
    EXPECT_FALSE(parse_feed_claim("feed_id=x myversion=3").version);
}

TEST(MinisignClaim, FixtureClaimMatchesOnlyItsVersion) {
    auto v2 = verify_minisign(read("feed.json"), read("feed.json.claim-v2.minisig"), {key("office.pub")});
    ASSERT_TRUE(v2.ok) << v2.error;  // a valid signature ...
    EXPECT_EQ(parse_feed_claim(v2.trusted_comment).version, 2);  // ... claiming a version the body is not
}

}  // namespace
}  // namespace campus
