// Keys and signatures (publish/signing) against the real minisign: every
// signature made here is checked by `minisign -V`, keys made here sign with
// `minisign -S`, and keys and signatures `minisign` made are read here and by
// the screen's verifier (sync/minisign).
//
// minisign's scrypt (2^25 ops, 1 GiB) costs seconds per use: only the tests
// named *FullScrypt* pay it (four uses in all); the rest use unencrypted keys
// or the API's lower limits, which minisign reads back from the key file.
//
// [SECTION] harness: processes, files, minisign
// [SECTION] keys made here, used by minisign
// [SECTION] keys made by minisign, used here
// [SECTION] wrong passwords, damaged keys, invalid feeds
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "publish/signing.hpp"
#include "sync/feed_parse.hpp"
#include "sync/minisign.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace campus;
using namespace campus::publish;

// ---------------------------------------------------------------------------
// [SECTION] harness

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void spit(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string find_minisign() {
    if (const char* path = std::getenv("PATH")) {
        std::string_view rest = path;
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const fs::path candidate = fs::path(std::string(rest.substr(0, colon))) / "minisign";
            if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    return ::access("/usr/bin/minisign", X_OK) == 0 ? "/usr/bin/minisign" : "";
}

struct ProcessRun {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs `argv` with `input` on stdin, in its own session (setsid): no
// controlling terminal, so /dev/tty cannot be opened, as under CI.
ProcessRun run_process(const std::vector<std::string>& args, const std::string& input, const fs::path& scratch) {
    const fs::path in_file = scratch / "stdin", out_file = scratch / "stdout", err_file = scratch / "stderr";
    spit(in_file, input);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_file.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    ProcessRun r;
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ) == 0) {
        int wstatus = 0;
        if (::waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus)) r.status = WEXITSTATUS(wstatus);
    }
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    r.out = slurp(out_file);
    r.err = slurp(err_file);
    return r;
}

class Signing : public ::testing::Test {
protected:
    void SetUp() override {
        minisign = find_minisign();
        ASSERT_FALSE(minisign.empty()) << "minisign not found (scripts/setup.sh installs it)";
        ASSERT_TRUE(fs::exists(KIOSK_FEED_TOOL)) << KIOSK_FEED_TOOL;
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path() / ("signing-test-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(dir);
        fs::create_directories(dir / "scratch");
        feed = dir / "feed.json";
        fs::copy_file(fs::path(KIOSK_ASSETS_DIR) / "sample-feed.json", feed);
        const ParseResult parsed = parse_feed(slurp(feed));
        ASSERT_TRUE(parsed.ok());
        claim = "feed_id=" + parsed.feed->feed_id + " version=" + std::to_string(parsed.feed->version);
    }
    void TearDown() override { fs::remove_all(dir); }

    ProcessRun tool(const std::vector<std::string>& args, const std::string& input = "") {
        std::vector<std::string> argv{KIOSK_FEED_TOOL};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, input, dir / "scratch");
    }
    ProcessRun ms(const std::vector<std::string>& args, const std::string& input = "") {
        std::vector<std::string> argv{minisign};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, input, dir / "scratch");
    }
    // The real minisign checks `message` against `sig` with `pub`, and reports `expected_comment`.
    void expect_minisign_verifies(const fs::path& pub, const fs::path& message, const fs::path& sig,
                                  const std::string& expected_comment) {
        const ProcessRun v = ms({"-V", "-p", pub.string(), "-m", message.string(), "-x", sig.string()});
        EXPECT_EQ(v.status, 0) << v.out << v.err;
        EXPECT_NE(v.out.find("Trusted comment: " + expected_comment + "\n"), std::string::npos) << v.out;
    }
    // The screen's own verifier accepts it, with the feed's claim.
    void expect_screen_accepts(const fs::path& pub, const fs::path& message, const fs::path& sig,
                               const std::string& expected_comment) {
        const auto key = parse_minisign_public_key(slurp(pub));
        ASSERT_TRUE(key.value) << key.error;
        const MinisignVerdict verdict = verify_minisign(slurp(message), slurp(sig), {*key.value});
        EXPECT_TRUE(verdict.ok) << verdict.error;
        EXPECT_EQ(verdict.trusted_comment, expected_comment);
    }
    std::vector<unsigned char> secret_key_bytes(const fs::path& key) {
        const std::string text = slurp(key);
        const auto nl = text.find('\n');
        std::string line = text.substr(nl + 1);
        line = line.substr(0, line.find('\n'));
        std::vector<unsigned char> bytes(200);
        std::size_t len = 0;
        EXPECT_EQ(sodium_base642bin(bytes.data(), bytes.size(), line.data(), line.size(), nullptr, &len, nullptr,
                                    sodium_base64_VARIANT_ORIGINAL),
                  0);
        bytes.resize(len);
        return bytes;
    }

    std::string minisign;
    fs::path dir;
    fs::path feed;
    std::string claim;
};

std::uint64_t le64(const unsigned char* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

// ---------------------------------------------------------------------------
// [SECTION] keys made here, used by minisign

TEST_F(Signing, KeygenNoPasswordWritesMinisignFormatAndSignsWithRealMinisign) {
    const ProcessRun gen = tool({"keygen", (dir / "keys").string(), "--no-password"});
    ASSERT_EQ(gen.status, 0) << gen.err;
    const fs::path pub = dir / "keys" / "minisign.pub", key = dir / "keys" / "minisign.key";
    EXPECT_EQ(fs::status(key).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_TRUE(slurp(key).starts_with("untrusted comment: minisign encrypted secret key\n"));
    EXPECT_TRUE(slurp(pub).starts_with("untrusted comment: minisign public key "));
    const auto bytes = secret_key_bytes(key);
    ASSERT_EQ(bytes.size(), 158u);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 6), std::string("Ed\0\0B2", 6));
    // The key id in the public key is the secret key's.
    const auto pk = parse_minisign_public_key(slurp(pub));
    ASSERT_TRUE(pk.value) << pk.error;
    EXPECT_TRUE(std::equal(pk.value->key_id.begin(), pk.value->key_id.end(), bytes.begin() + 54));
    EXPECT_NE(gen.out.find("--trusted-key " + slurp(pub).substr(slurp(pub).find('\n') + 1, 56)), std::string::npos)
        << gen.out;

    // The real minisign signs with it (no password asked) ...
    const fs::path sig = dir / "by-minisign.minisig";
    const ProcessRun s = ms({"-S", "-s", key.string(), "-m", feed.string(), "-x", sig.string(), "-t", "made by minisign"});
    ASSERT_EQ(s.status, 0) << s.out << s.err;
    expect_minisign_verifies(pub, feed, sig, "made by minisign");
    // ... and so does kiosk-feed sign, verified by minisign and by the screen.
    const ProcessRun k = tool({"sign", feed.string(), "--key", key.string()});
    ASSERT_EQ(k.status, 0) << k.err;
    expect_minisign_verifies(pub, feed, feed.string() + ".minisig", claim);
    expect_screen_accepts(pub, feed, feed.string() + ".minisig", claim);
    EXPECT_EQ(ms({"-V", "-p", pub.string(), "-m", feed.string()}).status, 0);  // FEED.minisig is minisign's default name
}

TEST_F(Signing, KeygenRefusesToOverwriteWithoutForce) {
    const std::string keys = (dir / "keys").string();
    ASSERT_EQ(tool({"keygen", keys, "--no-password"}).status, 0);
    const std::string first_key = slurp(dir / "keys" / "minisign.key");
    const std::string first_pub = slurp(dir / "keys" / "minisign.pub");
    const ProcessRun again = tool({"keygen", keys, "--no-password"});
    EXPECT_EQ(again.status, 1);
    EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
    EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
    EXPECT_EQ(slurp(dir / "keys" / "minisign.key"), first_key);
    EXPECT_EQ(slurp(dir / "keys" / "minisign.pub"), first_pub);
    // Only the public key there: still refused, and the secret key is not written either.
    fs::remove(dir / "keys" / "minisign.key");
    EXPECT_EQ(tool({"keygen", keys, "--no-password"}).status, 1);
    EXPECT_FALSE(fs::exists(dir / "keys" / "minisign.key"));

    const ProcessRun forced = tool({"keygen", keys, "--no-password", "--force"});
    EXPECT_EQ(forced.status, 0) << forced.err;
    EXPECT_NE(slurp(dir / "keys" / "minisign.pub"), first_pub);
    for (const auto& entry : fs::directory_iterator(dir / "keys"))  // no temp file left behind
        EXPECT_TRUE(entry.path().filename() == "minisign.pub" || entry.path().filename() == "minisign.key")
            << entry.path();
}

TEST_F(Signing, KeygenEncryptedFullScryptSignsWithRealMinisign) {
    spit(dir / "pw", "correct horse 马\n");
    const ProcessRun gen = tool({"keygen", (dir / "keys").string(), "--password-file", (dir / "pw").string()});
    ASSERT_EQ(gen.status, 0) << gen.err;
    const fs::path pub = dir / "keys" / "minisign.pub", key = dir / "keys" / "minisign.key";
    const auto bytes = secret_key_bytes(key);
    ASSERT_EQ(bytes.size(), 158u);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 6), "EdScB2");
    EXPECT_EQ(le64(bytes.data() + 38), 33554432u);    // minisign's opslimit
    EXPECT_EQ(le64(bytes.data() + 46), 1073741824u);  // minisign's memlimit: 1 GiB
    // minisign reads the password from stdin when stdin is not a terminal: one line.
    const fs::path sig = dir / "feed.json.minisig";
    const ProcessRun s = ms({"-S", "-s", key.string(), "-m", feed.string(), "-t", claim}, "correct horse 马\n");
    ASSERT_EQ(s.status, 0) << s.out << s.err;
    expect_minisign_verifies(pub, feed, sig, claim);
    expect_screen_accepts(pub, feed, sig, claim);
}

TEST_F(Signing, LowScryptKeyOpensInMinisignAndHere) {
    const KdfLimits quick{crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
                          crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN};
    const KeyPairFiles pair = generate_key_pair((dir / "keys").string(), std::string("季节"), false, quick);
    ASSERT_TRUE(pair.error.empty()) << pair.error;
    // minisign takes the limits from the file.
    const ProcessRun s = ms({"-S", "-s", pair.secret_key_path, "-m", feed.string(), "-x", (dir / "m.minisig").string(),
                      "-t", "x"},
                     "季节\n");
    ASSERT_EQ(s.status, 0) << s.out << s.err;
    expect_minisign_verifies(pair.public_key_path, feed, dir / "m.minisig", "x");

    // Here: the password from a file, a given value, and the wrong one.
    spit(dir / "pw", "季节\r\n");  // a Windows line end is not part of the password
    const SecretKeyResult loaded = load_secret_key(pair.secret_key_path, PasswordSource::from_file((dir / "pw").string()));
    ASSERT_TRUE(loaded.key) << loaded.error;
    EXPECT_EQ(loaded.key->key_id_hex(), pair.public_key.key_id_hex());
    EXPECT_EQ(loaded.key->public_key().key, pair.public_key.key);
    const std::string text = sign_detached(slurp(feed), *loaded.key, claim);
    spit(dir / "api.minisig", text);
    expect_minisign_verifies(pair.public_key_path, feed, dir / "api.minisig", claim);

    const SecretKeyResult wrong = load_secret_key(pair.secret_key_path, PasswordSource::given_value("季"));
    EXPECT_FALSE(wrong.key);
    EXPECT_NE(wrong.error.find("wrong password"), std::string::npos) << wrong.error;
    EXPECT_NE(wrong.error.find(pair.secret_key_path), std::string::npos) << wrong.error;

    spit(dir / "bad-pw", "spring\n");
    const ProcessRun cli = tool({"sign", feed.string(), "--key", pair.secret_key_path, "--password-file",
                          (dir / "bad-pw").string()});
    EXPECT_EQ(cli.status, 1);
    EXPECT_NE(cli.err.find("wrong password for this key (the decrypted key's checksum does not match)"),
              std::string::npos)
        << cli.err;
    EXPECT_FALSE(fs::exists(feed.string() + ".minisig"));
    // No terminal and no --password-file: said at once, not a hang.
    const ProcessRun no_tty = tool({"sign", feed.string(), "--key", pair.secret_key_path});
    EXPECT_EQ(no_tty.status, 1);
    EXPECT_NE(no_tty.err.find("use --password-file"), std::string::npos) << no_tty.err;
}

TEST_F(Signing, KeygenPasswordNeverFromTheCommandLine) {
    // No terminal (this test runs kiosk-feed in its own session): refused, saying how.
    const ProcessRun no_tty = tool({"keygen", (dir / "keys").string()}, "typed\ntyped\n");
    EXPECT_EQ(no_tty.status, 1);
    EXPECT_NE(no_tty.err.find("no terminal"), std::string::npos) << no_tty.err;
    EXPECT_NE(no_tty.err.find("--password-file"), std::string::npos) << no_tty.err;
    EXPECT_FALSE(fs::exists(dir / "keys" / "minisign.key"));
    // An empty password file is not a password.
    spit(dir / "empty", "\n");
    const ProcessRun empty = tool({"keygen", (dir / "keys").string(), "--password-file", (dir / "empty").string()});
    EXPECT_EQ(empty.status, 1);
    EXPECT_NE(empty.err.find("--no-password"), std::string::npos) << empty.err;
    // There is no option that takes the password itself.
    EXPECT_EQ(tool({"keygen", (dir / "keys").string(), "--password", "x"}).status, 2);
    EXPECT_EQ(tool({"keygen", (dir / "keys").string(), "--no-password", "--password-file", "f"}).status, 2);
}

// kiosk-feed on a terminal of its own (a pseudo-terminal as its controlling
// tty): answers each prompt with the next of `answers`; returns the exit
// status and everything the terminal showed.
struct TerminalRun {
    int status = -1;
    std::string screen;
};
TerminalRun run_on_terminal(const std::vector<std::string>& args, const std::vector<std::string>& answers) {
    TerminalRun r;
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) return r;
    const std::string slave_name = ::ptsname(master);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setsid();
        const int slave = ::open(slave_name.c_str(), O_RDWR);  // the first tty opened becomes the controlling one
        ::dup2(slave, 0);
        ::dup2(slave, 1);
        ::dup2(slave, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    std::size_t answered = 0;
    std::size_t prompts_seen = 0;
    for (;;) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 20000) <= 0) break;  // 20 s without output: give up (the child is killed below)
        char buffer[512];
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n <= 0) break;  // EIO: the child closed the terminal
        r.screen.append(buffer, static_cast<std::size_t>(n));
        std::size_t prompts = 0;
        for (std::size_t at = 0; (at = r.screen.find("Password", at)) != std::string::npos; ++at) ++prompts;
        if (prompts > prompts_seen && r.screen.back() == ' ' && answered < answers.size()) {
            prompts_seen = prompts;
            const std::string line = answers[answered++] + "\n";
            if (::write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
        }
    }
    int wstatus = 0;
    ::kill(pid, SIGKILL);  // a no-op when it has exited already
    if (::waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus)) r.status = WEXITSTATUS(wstatus);
    ::close(master);
    return r;
}

TEST_F(Signing, PasswordPromptOnTheTerminalWithoutEcho) {
    const KdfLimits quick{crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
                          crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN};
    const KeyPairFiles pair = generate_key_pair((dir / "keys").string(), std::string("typed-on-tty"), false, quick);
    ASSERT_TRUE(pair.error.empty()) << pair.error;
    const TerminalRun good = run_on_terminal({KIOSK_FEED_TOOL, "sign", feed.string(), "--key", pair.secret_key_path},
                                             {"typed-on-tty"});
    EXPECT_EQ(good.status, 0) << good.screen;
    EXPECT_NE(good.screen.find("Password: "), std::string::npos) << good.screen;
    EXPECT_EQ(good.screen.find("typed-on-tty"), std::string::npos) << "the password was echoed:\n" << good.screen;
    expect_minisign_verifies(pair.public_key_path, feed, feed.string() + ".minisig", claim);

    const TerminalRun wrong = run_on_terminal({KIOSK_FEED_TOOL, "sign", feed.string(), "--key", pair.secret_key_path},
                                              {"typed-wrong"});
    EXPECT_EQ(wrong.status, 1) << wrong.screen;
    EXPECT_NE(wrong.screen.find("wrong password"), std::string::npos) << wrong.screen;

    // A new key asks twice; two different answers write nothing.
    const TerminalRun differ =
        run_on_terminal({KIOSK_FEED_TOOL, "keygen", (dir / "new").string()}, {"one password", "another"});
    EXPECT_EQ(differ.status, 1) << differ.screen;
    EXPECT_NE(differ.screen.find("Password (once more): "), std::string::npos) << differ.screen;
    EXPECT_NE(differ.screen.find("the two passwords differ"), std::string::npos) << differ.screen;
    EXPECT_FALSE(fs::exists(dir / "new" / "minisign.key"));
}

// ---------------------------------------------------------------------------
// [SECTION] keys made by minisign, used here

TEST_F(Signing, RealMinisignUnencryptedKey) {
    const fs::path pub = dir / "w.pub", key = dir / "w.key";
    const ProcessRun gen = ms({"-G", "-W", "-p", pub.string(), "-s", key.string()});
    ASSERT_EQ(gen.status, 0) << gen.err;
    // minisign's own signature, accepted by the screen.
    const ProcessRun s = ms({"-S", "-s", key.string(), "-m", feed.string(), "-x", (dir / "m.minisig").string(), "-t", claim});
    ASSERT_EQ(s.status, 0) << s.err;
    expect_screen_accepts(pub, feed, dir / "m.minisig", claim);
    // Ours with minisign's key, accepted by minisign and the screen.
    const ProcessRun k = tool({"sign", feed.string(), "--key", key.string()});
    ASSERT_EQ(k.status, 0) << k.err;
    EXPECT_NE(k.out.find("trusted comment: " + claim), std::string::npos) << k.out;
    expect_minisign_verifies(pub, feed, feed.string() + ".minisig", claim);
    expect_screen_accepts(pub, feed, feed.string() + ".minisig", claim);
}

TEST_F(Signing, RealMinisignEncryptedKeyFullScrypt) {
    const fs::path pub = dir / "e.pub", key = dir / "e.key";
    // Not a terminal: minisign reads the password and its confirmation as two lines of stdin.
    const ProcessRun gen = ms({"-G", "-p", pub.string(), "-s", key.string()}, "s3cret pass\ns3cret pass\n");
    ASSERT_EQ(gen.status, 0) << gen.out << gen.err;
    const ProcessRun s = ms({"-S", "-s", key.string(), "-m", feed.string(), "-x", (dir / "m.minisig").string(), "-t", claim},
                     "s3cret pass\n");
    ASSERT_EQ(s.status, 0) << s.out << s.err;
    expect_screen_accepts(pub, feed, dir / "m.minisig", claim);

    spit(dir / "pw", "s3cret pass\n");
    const ProcessRun k = tool({"sign", feed.string(), "--key", key.string(), "--password-file", (dir / "pw").string()});
    ASSERT_EQ(k.status, 0) << k.err;
    expect_minisign_verifies(pub, feed, feed.string() + ".minisig", claim);
    expect_screen_accepts(pub, feed, feed.string() + ".minisig", claim);
}

// ---------------------------------------------------------------------------
// [SECTION] damaged keys, invalid feeds, the trusted comment

TEST_F(Signing, DamagedKeyFilesAreRefusedInPlainWords) {
    const KeyPairText pair = make_key_pair(std::nullopt);
    ASSERT_TRUE(pair.error.empty());
    const std::string good = pair.secret_key_file;
    const PasswordSource none = PasswordSource::given_value("");
    ASSERT_TRUE(parse_secret_key(good, none, "k").key);

    auto refused = [&](const std::string& text, const std::string& words) {
        const SecretKeyResult r = parse_secret_key(text, none, "office.key");
        EXPECT_FALSE(r.key) << words;
        EXPECT_NE(r.error.find("office.key: "), std::string::npos) << r.error;
        EXPECT_NE(r.error.find(words), std::string::npos) << r.error;
    };
    refused("", "not a minisign secret key");
    refused("garbage\n", "not a minisign secret key");
    refused("untrusted comment: x\n", "truncated or damaged");
    refused(good.substr(0, good.size() - 20) + "\n", "truncated or damaged");
    refused("untrusted comment: x\n!!!! not base64 !!!!\n", "truncated or damaged");
    refused(pair.public_key_file, "truncated or damaged");  // a public key given as --key

    // One changed character in the key: the checksum says so.
    std::string flipped = good;
    const std::size_t pos = good.find('\n') + 100;
    flipped[pos] = flipped[pos] == 'A' ? 'B' : 'A';
    refused(flipped, "damaged secret key");

    // minisign -G -W keys carry no checksum: a damaged seed is still caught.
    const fs::path key = dir / "w.key";
    ASSERT_EQ(ms({"-G", "-W", "-p", (dir / "w.pub").string(), "-s", key.string()}).status, 0);
    std::string w = slurp(key);
    ASSERT_TRUE(parse_secret_key(w, none, "w").key);
    const std::size_t seed_pos = w.find('\n') + 1 + 84;  // inside the seed's base64
    w[seed_pos] = w[seed_pos] == 'A' ? 'B' : 'A';
    refused(w, "public half does not match");

    // An encrypted key whose scrypt limits were damaged: refused before any password is asked.
    const KeyPairText enc = make_key_pair(std::string("pw"), {crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
                                                              crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN});
    ASSERT_TRUE(enc.error.empty());
    spit(dir / "enc.key", enc.secret_key_file);
    auto raw = secret_key_bytes(dir / "enc.key");
    ASSERT_EQ(raw.size(), 158u);
    raw[46 + 7] = 0x40;  // memlimit's top byte: 2^62 bytes
    std::string b64(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), raw.data(), raw.size(), sodium_base64_VARIANT_ORIGINAL);
    b64.resize(std::strlen(b64.c_str()));
    const SecretKeyResult huge = parse_secret_key("untrusted comment: x\n" + b64 + "\n",
                                                  PasswordSource::from_file("/nonexistent/never-read"), "enc.key");
    EXPECT_FALSE(huge.key);
    EXPECT_NE(huge.error.find("enc.key: damaged secret key (its scrypt limits"), std::string::npos) << huge.error;

    const SecretKeyResult missing = load_secret_key((dir / "nope.key").string(), none);
    EXPECT_FALSE(missing.key);
    EXPECT_NE(missing.error.find("nope.key: cannot open"), std::string::npos) << missing.error;
    spit(dir / "trunc.key", good.substr(0, 60));
    const ProcessRun cli = tool({"sign", feed.string(), "--key", (dir / "trunc.key").string()});
    EXPECT_EQ(cli.status, 1);
    EXPECT_NE(cli.err.find("trunc.key: not a minisign secret key"), std::string::npos) << cli.err;
    EXPECT_FALSE(fs::exists(feed.string() + ".minisig"));
}

TEST_F(Signing, InvalidFeedIsNotSigned) {
    ASSERT_EQ(tool({"keygen", (dir / "keys").string(), "--no-password"}).status, 0);
    const fs::path bad = dir / "bad.json";
    fs::copy_file(fs::path(KIOSK_FIXTURES_DIR) / "invalid" / "score-above-max.json", bad);
    const ProcessRun r = tool({"sign", bad.string(), "--key", (dir / "keys" / "minisign.key").string()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("not signed, the feed is invalid"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(bad.string() + ": /competitions/"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(bad.string() + ".minisig"));
}

TEST_F(Signing, TrustedCommentIsTheFeedsOwnClaimAndSignatureIsReplacedWhole) {
    ASSERT_EQ(tool({"keygen", (dir / "keys").string(), "--no-password"}).status, 0);
    const fs::path pub = dir / "keys" / "minisign.pub";
    for (const char* name : {"ties-at-edge.json", "grade-scope.json"}) {
        const fs::path f = dir / name;
        fs::copy_file(fs::path(KIOSK_FIXTURES_DIR) / "valid" / name, f);
        const ParseResult parsed = parse_feed(slurp(f));
        ASSERT_TRUE(parsed.ok()) << name;
        const std::string expected =
            "feed_id=" + parsed.feed->feed_id + " version=" + std::to_string(parsed.feed->version);
        ASSERT_EQ(tool({"sign", f.string(), "--key", (dir / "keys" / "minisign.key").string()}).status, 0);
        const auto sig = parse_minisign_signature(slurp(f.string() + ".minisig"));
        ASSERT_TRUE(sig.value) << sig.error;
        EXPECT_TRUE(sig.value->prehashed);  // "ED"
        EXPECT_EQ(sig.value->trusted_comment, expected);
        const FeedClaim c = parse_feed_claim(sig.value->trusted_comment);
        EXPECT_EQ(c.feed_id, parsed.feed->feed_id);
        EXPECT_EQ(c.version, parsed.feed->version);
        expect_minisign_verifies(pub, f, f.string() + ".minisig", expected);
    }
    // Re-signing after an edit replaces the old signature; a new version, a new claim.
    std::string text = slurp(feed);
    const auto at = text.find("\"version\": ");
    ASSERT_NE(at, std::string::npos);
    const ParseResult before = parse_feed(text);
    const std::string old_version = "\"version\": " + std::to_string(before.feed->version);
    text.replace(text.find(old_version), old_version.size(), "\"version\": 4242");
    spit(feed, text);
    ASSERT_EQ(tool({"sign", feed.string(), "--key", (dir / "keys" / "minisign.key").string()}).status, 0);
    expect_minisign_verifies(pub, feed, feed.string() + ".minisig",
                             "feed_id=" + before.feed->feed_id + " version=4242");
    for (const auto& entry : fs::directory_iterator(dir))
        EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
}

TEST(SigningApi, CommentsWithLineBreaksAreACallerBug) {
    const KeyPairText pair = make_key_pair(std::nullopt);
    const SecretKeyResult key = parse_secret_key(pair.secret_key_file, PasswordSource::given_value(""), "k");
    ASSERT_TRUE(key.key) << key.error;
    EXPECT_THROW(sign_detached("m", *key.key, "a\nb"), std::invalid_argument);
    EXPECT_THROW(sign_detached("m", *key.key, "ok", "a\rb"), std::invalid_argument);
    EXPECT_THROW(sign_detached("m", *key.key, std::string(9000, 'x')), std::invalid_argument);
    // Legacy-free and self-consistent: the screen's verifier accepts it.
    const MinisignVerdict v = verify_minisign("m", sign_detached("m", *key.key, "c"), {pair.public_key});
    EXPECT_TRUE(v.ok) << v.error;
    EXPECT_EQ(feed_trusted_comment("demo", 12), "feed_id=demo version=12");
}

}  // namespace
