// MediaStore and its helpers: URL references, SHA-256, storing by hash,
// reading back, removal. Pictures come from file:// here (no server); the
// integration tests (tests/integration/media_tests.py) do the same against nginx.
#include "sync/media_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sync/feed_parse.hpp"
#include "sync/sha256.hpp"

namespace fs = std::filesystem;
using namespace campus;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("media-store-test-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    static inline int counter = 0;
};

void write(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A feed with the given pictures (id, url, sha256), each 640×480.
std::shared_ptr<const Feed> feed_with(const std::vector<std::array<std::string, 3>>& pictures) {
    std::string media;
    for (const auto& [id, url, sha] : pictures) {
        if (!media.empty()) media += ",";
        media += R"({"id":")" + id + R"(","url":")" + url + R"(","sha256":")" + sha + R"(","width":640,"height":480})";
    }
    const std::string text = R"({"format":"campus-kiosk-feed","format_version":1,"feed_id":"demo","version":1,
        "generated_at":"2023-11-06T07:30:00+08:00","school":{"name":"实验小学"},
        "term":{"name":"t","start":"2023-09-01","end":"2024-01-19"},"habits":[],"classes":[],"competitions":[],
        "media":[)" + media + "]}";
    ParseResult r = parse_feed(text);
    EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : to_string(r.problems[0]));
    return r.feed;
}

}  // namespace

TEST(Sha256, KnownDigests) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    TempDir dir;
    const std::string big(200000, 'x');  // several 64 KiB reads
    write(dir.path / "f", big);
    std::string error;
    EXPECT_EQ(sha256_hex_of_file((dir.path / "f").string(), 1u << 20, &error), sha256_hex(big));
    EXPECT_FALSE(sha256_hex_of_file((dir.path / "f").string(), 1000, &error));
    EXPECT_NE(error.find("larger than 1000 bytes"), std::string::npos) << error;
    EXPECT_FALSE(sha256_hex_of_file((dir.path / "none").string(), 1000, &error));
    EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
}

// RFC 3986 5.4's examples, and the cases a feed's pictures meet.
TEST(ResolveReference, FollowsRfc3986) {
    const std::string base = "http://a/b/c/d;p?q";
    EXPECT_EQ(resolve_reference(base, "g"), "http://a/b/c/g");
    EXPECT_EQ(resolve_reference(base, "./g"), "http://a/b/c/g");
    EXPECT_EQ(resolve_reference(base, "g/"), "http://a/b/c/g/");
    EXPECT_EQ(resolve_reference(base, "/g"), "http://a/g");
    EXPECT_EQ(resolve_reference(base, "//g"), "http://g");
    EXPECT_EQ(resolve_reference(base, "?y"), "http://a/b/c/d;p?y");
    EXPECT_EQ(resolve_reference(base, "g?y"), "http://a/b/c/g?y");
    EXPECT_EQ(resolve_reference(base, "g#s"), "http://a/b/c/g");
    EXPECT_EQ(resolve_reference(base, ".."), "http://a/b/");
    EXPECT_EQ(resolve_reference(base, "../g"), "http://a/b/g");
    EXPECT_EQ(resolve_reference(base, "../../g"), "http://a/g");
    EXPECT_EQ(resolve_reference(base, "../../../g"), "http://a/g");
    EXPECT_EQ(resolve_reference(base, "g;x=1/../y"), "http://a/b/c/y");
    EXPECT_EQ(resolve_reference(base, "https://cdn.example/x.jpg"), "https://cdn.example/x.jpg");
    EXPECT_EQ(resolve_reference("http://127.0.0.1:8080/feed.json", "media/a.jpg"), "http://127.0.0.1:8080/media/a.jpg");
    EXPECT_EQ(resolve_reference("http://127.0.0.1:8080", "a.jpg"), "http://127.0.0.1:8080/a.jpg");
    EXPECT_EQ(resolve_reference("file:///srv/kiosk/feed.json", "media/a%20b.jpg"), "file:///srv/kiosk/media/a%20b.jpg");
}

TEST(MediaStore, FetchesVerifiesStoresByHashAndReadsBack) {
    TempDir dir;
    const std::string good = "\xFF\xD8\xFF pretend jpeg bytes", other = "\x89PNG other bytes";
    write(dir.path / "site" / "media" / "a.jpg", good);
    write(dir.path / "site" / "media" / "b.png", other);
    write(dir.path / "site" / "feed.json", "{}");
    const auto feed = feed_with({{"a", "media/a.jpg", sha256_hex(good)},
                                 {"b", "media/b.png", sha256_hex("what the office meant")},
                                 {"c", "media/none.jpg", sha256_hex("c")}});
    const std::string feed_url = (dir.path / "site" / "feed.json").string();

    MediaStore store((dir.path / "cache").string());
    ASSERT_EQ(store.prepare(), "");
    EXPECT_TRUE(store.on_disk(*feed).by_id.empty());
    MediaPass pass = store.update(*feed, feed_url, FetchRequest{}, true);
    EXPECT_EQ(pass.fetched, 1u);
    EXPECT_EQ(pass.missing, 2u);
    ASSERT_EQ(pass.problems.size(), 2u);
    EXPECT_NE(pass.problems[0].find("/media/1 (b): "), std::string::npos) << pass.problems[0];
    EXPECT_NE(pass.problems[0].find("its bytes have sha256 " + sha256_hex(other)), std::string::npos) << pass.problems[0];
    EXPECT_NE(pass.problems[1].find("/media/2 (c): "), std::string::npos) << pass.problems[1];

    const MediaFiles files = store.available(*feed);
    ASSERT_EQ(files.by_id.size(), 1u);
    ASSERT_NE(files.find("a"), nullptr);
    EXPECT_EQ(files.find("a")->path, (dir.path / "cache" / "media" / sha256_hex(good)).string());
    EXPECT_EQ(read(files.find("a")->path), good);
    EXPECT_FALSE(store.complete(*feed));
    // Nothing but the verified picture was written.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path / "cache" / "media")) ++entries;
    EXPECT_EQ(entries, 1u);

    // A second pass does not fetch "a" again (the source may be gone).
    fs::remove(dir.path / "site" / "media" / "a.jpg");
    pass = store.update(*feed, feed_url, FetchRequest{}, true);
    EXPECT_EQ(pass.fetched, 0u);
    EXPECT_NE(store.available(*feed).find("a"), nullptr);

    // Another process (a restart) sees it on disk at once and reads it back before trusting it.
    MediaStore restarted((dir.path / "cache").string());
    EXPECT_NE(restarted.on_disk(*feed).find("a"), nullptr);
    EXPECT_TRUE(restarted.available(*feed).by_id.empty());
    pass = restarted.update(*feed, feed_url, FetchRequest{}, false);
    EXPECT_EQ(pass.verified, 1u);
    EXPECT_EQ(pass.fetched, 0u);
    EXPECT_NE(restarted.available(*feed).find("a"), nullptr);
}

TEST(MediaStore, ACorruptCachedPictureIsRemovedAndFetchedAgain) {
    TempDir dir;
    const std::string good = "GIF89a? no, a jpeg";
    write(dir.path / "site" / "a.jpg", good);
    const auto feed = feed_with({{"a", "a.jpg", sha256_hex(good)}});
    const std::string feed_url = (dir.path / "site" / "feed.json").string();
    write(dir.path / "cache" / "media" / sha256_hex(good), "bit rot");
    MediaStore store((dir.path / "cache").string());
    EXPECT_NE(store.on_disk(*feed).find("a"), nullptr);  // a stat cannot tell
    MediaPass pass = store.update(*feed, feed_url, FetchRequest{}, false);
    EXPECT_EQ(pass.missing, 1u);
    ASSERT_EQ(pass.problems.size(), 1u);
    EXPECT_NE(pass.problems[0].find("was not its picture"), std::string::npos) << pass.problems[0];
    EXPECT_FALSE(fs::exists(dir.path / "cache" / "media" / sha256_hex(good)));
    pass = store.update(*feed, feed_url, FetchRequest{}, true);
    EXPECT_EQ(pass.fetched, 1u);
    EXPECT_EQ(read(dir.path / "cache" / "media" / sha256_hex(good)), good);
}

TEST(MediaStore, LimitsRefuseBigFilesAndBigDeclaredSizes) {
    TempDir dir;
    const std::string big(3000, 'x');
    write(dir.path / "site" / "big.jpg", big);
    auto feed = feed_with({{"big", "big.jpg", sha256_hex(big)}});
    MediaLimits limits;
    limits.max_bytes = 1000;
    MediaStore store((dir.path / "cache").string(), limits);
    MediaPass pass = store.update(*feed, (dir.path / "site" / "feed.json").string(), FetchRequest{}, true);
    EXPECT_EQ(pass.fetched, 0u);
    ASSERT_EQ(pass.problems.size(), 1u);
    EXPECT_NE(pass.problems[0].find("larger than 1000 bytes"), std::string::npos) << pass.problems[0];

    // The feed says 9000 pixels wide: not even asked for.
    Feed wide = *feed;
    wide.media[0].width = 9000;
    MediaStore unlimited((dir.path / "cache2").string());
    pass = unlimited.update(wide, (dir.path / "site" / "feed.json").string(), FetchRequest{}, true);
    ASSERT_EQ(pass.problems.size(), 1u);
    EXPECT_NE(pass.problems[0].find("9000×480 pixels is over the limit of 8192×8192"), std::string::npos)
        << pass.problems[0];
    EXPECT_TRUE(unlimited.complete(wide));  // nothing more it could do
}

TEST(MediaStore, RemovesWhatTheFeedNoLongerNames) {
    TempDir dir;
    const std::string a = "picture a", b = "picture b";
    write(dir.path / "site" / "a.jpg", a);
    write(dir.path / "site" / "b.jpg", b);
    const std::string feed_url = (dir.path / "site" / "feed.json").string();
    MediaStore store((dir.path / "cache").string());
    const auto both = feed_with({{"a", "a.jpg", sha256_hex(a)}, {"b", "b.jpg", sha256_hex(b)}});
    const MediaPass first = store.update(*both, feed_url, FetchRequest{}, true);
    EXPECT_EQ(first.fetched, 2u) << (first.problems.empty() ? "" : first.problems[0]);
    write(dir.path / "cache" / "media" / "stray.jpg", "x");
    write(dir.path / "cache" / "media" / (sha256_hex(a) + ".tmp-999999999"), "a dead writer's");
    write(dir.path / "cache" / "media" / (sha256_hex(a) + ".tmp-" + std::to_string(::getpid())), "a live writer's");

    const auto only_b = feed_with({{"b", "b.jpg", sha256_hex(b)}});
    std::string error;
    EXPECT_EQ(store.remove_unreferenced(*only_b, &error), 3u);
    EXPECT_EQ(error, "");
    EXPECT_FALSE(fs::exists(dir.path / "cache" / "media" / sha256_hex(a)));
    EXPECT_TRUE(fs::exists(dir.path / "cache" / "media" / sha256_hex(b)));
    EXPECT_TRUE(fs::exists(dir.path / "cache" / "media" / (sha256_hex(a) + ".tmp-" + std::to_string(::getpid()))));
    EXPECT_TRUE(store.available(*both).find("a") == nullptr);
}

TEST(MediaStore, LocalMediaFilesForAPreview) {
    TempDir dir;
    const std::string a = "picture a";
    write(dir.path / "dir with space" / "a.jpg", a);
    auto feed = feed_with({{"a", "dir%20with%20space/a.jpg", sha256_hex(a)},
                           {"b", "dir%20with%20space/a.jpg", sha256_hex("b")},
                           {"c", "https://cdn.example.invalid/c.jpg", sha256_hex("c")}});
    std::vector<std::string> problems;
    const MediaFiles files = local_media_files(*feed, (dir.path / "feed.json").string(), MediaLimits{}, &problems);
    ASSERT_EQ(files.by_id.size(), 1u);
    EXPECT_EQ(files.find("a")->path, (dir.path / "dir with space" / "a.jpg").string());
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_NE(problems[0].find("/media/1 (b)"), std::string::npos) << problems[0];
    EXPECT_NE(problems[1].find("not a local file"), std::string::npos) << problems[1];
}
