// The workbook's pictures: the 校园风采 sheet and the 图片 column of 通知 and
// 活动, read from files beside the workbook (a folder of CSV files here),
// measured, hashed and, when they must be, shrunk and stripped of EXIF; a
// missing or unreadable picture named at its cell; kiosk-feed publish copying
// them to DIR/media/<sha256>.<ext>.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "picture/picture.hpp"
#include "publish/workbook_feed.hpp"
#include "sync/feed_parse.hpp"
#include "sync/sha256.hpp"

namespace fs = std::filesystem;
using namespace campus;
using namespace campus::publish;

namespace {

struct TempDir {
    fs::path path = fs::temp_directory_path() /
                    ("workbook-pictures-test-" + std::to_string(::getpid()) + "-" +
                     std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A JPEG w×h, left half red, right half blue.
std::string jpeg(int w, int h) {
    picture::Image image;
    image.width = w;
    image.height = h;
    image.rgba.resize(static_cast<std::size_t>(w) * h * 4);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint8_t* p = &image.rgba[(static_cast<std::size_t>(y) * w + x) * 4];
            p[0] = x < w / 2 ? 220 : 20;
            p[1] = 20;
            p[2] = x < w / 2 ? 20 : 220;
            p[3] = 255;
        }
    return *picture::encode_jpeg(image, 85).value;
}

// The same JPEG as a phone saves it: an EXIF block after SOI saying "turn 90°
// clockwise", with a GPS marker we can look for afterwards.
std::string with_exif(const std::string& plain) {
    const unsigned char exif[] = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0,
                                  0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 'G', 'P', 'S', '3', '9', '.', '9', 'N'};
    std::string segment = "\xFF\xE1";
    const std::size_t length = sizeof exif + 2;
    segment += static_cast<char>(length >> 8);
    segment += static_cast<char>(length & 0xFF);
    segment.append(reinterpret_cast<const char*>(exif), sizeof exif);
    return plain.substr(0, 2) + segment + plain.substr(2);
}

void write_school(const fs::path& dir) {
    write(dir / "学校.csv",
          "项目,内容\n学校名称,实验小学\n发布编号,demo-primary\n学期名称,第一学期\n开学日期,2023-09-01\n结束日期,2024-01-19\n");
    write(dir / "班级.csv", "班级,班主任\n三年级一班,王老师\n");
    write(dir / "评比.csv", "名称,编号,每周名额\n流动红旗,red-flag,1\n");
    write(dir / "评比项目.csv", "评比,项目,满分\n流动红旗,纪律,20\n");
    write(dir / "流动红旗.csv", "周次,班级,纪律\n1,三年级一班,19\n");
}

std::string problems_of(const PathBuildResult& r) {
    std::string out;
    for (const BuildProblem& p : r.result.problems) out += format_problem(r.file_label, p) + "\n";
    return out;
}

}  // namespace

TEST(WorkbookPictures, GalleryAndNoticePicturesBecomeMediaNamedByTheirHash) {
    TempDir tmp;
    const fs::path book = tmp.path / "周报";
    write_school(book);
    const std::string small = jpeg(640, 480);
    write(book / "照片" / "运动会.jpg", small);
    write(book / "照片" / "升旗.jpg", with_exif(jpeg(400, 300)));
    write(book / "照片" / "大.jpg", jpeg(4000, 3000));
    write(book / "校园风采.csv",
          "图片,说明,日期\n照片/运动会.jpg,举行校运动会，加强校运动队的训练,2023-10-20\n照片/升旗.jpg,升旗仪式,\n照片/大.jpg,,\n");
    write(book / "通知.csv", "级别,标题,图片,链接\n通知,开放日,照片/运动会.jpg,https://example.org/open\n");
    const PathBuildResult r = build_feed_from_path(book.string());
    ASSERT_TRUE(r.result.ok()) << problems_of(r);
    const auto& feed = *r.result.feed;
    ASSERT_EQ(feed["media"].size(), 3u) << feed["media"].dump();  // the notice's picture is the gallery's first
    const auto& first = feed["media"][0];
    EXPECT_EQ(first["sha256"], sha256_hex(small));
    EXPECT_EQ(first["url"], "media/" + sha256_hex(small) + ".jpg");
    EXPECT_EQ(first["width"], 640);
    EXPECT_EQ(first["height"], 480);
    EXPECT_EQ(feed["announcements"][0]["image"], first["id"]);
    EXPECT_EQ(feed["gallery"]["items"][0]["media"], first["id"]);
    EXPECT_EQ(feed["gallery"]["items"][0]["caption"], "举行校运动会，加强校运动队的训练");
    EXPECT_EQ(feed["gallery"]["items"][0]["date"], "2023-10-20");
    EXPECT_FALSE(feed["gallery"]["items"][2].contains("caption"));
    // The phone's photo: upright (300×400), rewritten without its EXIF (no GPS left).
    EXPECT_EQ(feed["media"][1]["width"], 300);
    EXPECT_EQ(feed["media"][1]["height"], 400);
    // The 12-megapixel one: shrunk to 3840 on its long side.
    EXPECT_EQ(feed["media"][2]["width"], 3840);
    EXPECT_EQ(feed["media"][2]["height"], 2880);
    // What publish writes: the small one copied byte for byte, the others rewritten.
    ASSERT_EQ(r.result.pictures.size(), 3u);
    EXPECT_EQ(slurp(r.result.pictures[0].source), small);
    EXPECT_TRUE(r.result.pictures[1].source.empty());
    EXPECT_EQ(r.result.pictures[1].bytes.find("GPS"), std::string::npos);
    EXPECT_EQ(sha256_hex(r.result.pictures[1].bytes), feed["media"][1]["sha256"]);
    const auto big = picture::probe(r.result.pictures[2].bytes);
    ASSERT_TRUE(big.ok()) << big.error;
    EXPECT_EQ(big.value->width, 3840);
    // The screens accept it.
    EXPECT_TRUE(parse_feed(feed_text(feed)).ok());
}

TEST(WorkbookPictures, AMissingOrUnreadablePictureIsNamedAtItsCell) {
    TempDir tmp;
    const fs::path book = tmp.path / "周报";
    write_school(book);
    write(book / "照片" / "网页.jpg", "<!DOCTYPE html><html>404</html>");
    write(book / "校园风采.csv", "图片,说明\n照片/没有.jpg,运动会\n照片/网页.jpg,升旗\n");
    write(book / "活动.csv", "活动,日期,图片\n运动会,2023-10-20,照片/没有.png\n");
    const PathBuildResult r = build_feed_from_path(book.string());
    EXPECT_FALSE(r.result.ok());
    const std::string text = problems_of(r);
    EXPECT_NE(text.find("周报: 校园风采!A2: 找不到图片文件“照片/没有.jpg”"), std::string::npos) << text;
    EXPECT_NE(text.find("周报: 校园风采!A3: “照片/网页.jpg” 不是屏幕能显示的图片（JPEG、PNG 或 WebP）"), std::string::npos)
        << text;
    EXPECT_NE(text.find("周报: 活动!C2: 找不到图片文件“照片/没有.png”"), std::string::npos) << text;
    EXPECT_EQ(r.result.problems.size(), 3u) << text;
}

#include "publish/publisher.hpp"
#include "publish/signing.hpp"

TEST(WorkbookPictures, PublishPutsEachPictureInDirMediaBeforeTheFeed) {
    TempDir tmp;
    const fs::path book = tmp.path / "周报";
    const fs::path www = tmp.path / "www";
    fs::create_directories(www);
    write_school(book);
    const std::string small = jpeg(320, 240);
    write(book / "a.jpg", small);
    write(book / "校园风采.csv", "图片,说明\na.jpg,红领巾广播站\n");
    const KeyPairText pair = make_key_pair(std::nullopt);
    ASSERT_TRUE(pair.error.empty()) << pair.error;
    const SecretKeyResult key = parse_secret_key(pair.secret_key_file, PasswordSource{}, "test key");
    ASSERT_TRUE(key.key) << key.error;
    PublishRequest request;
    request.workbook = book.string();
    request.target_dir = www.string();
    PublishHooks hooks;
    hooks.build = [](const std::string& path, const BuildOptions& options) { return build_feed_from_path(path, options); };
    hooks.sign = [&](std::string_view bytes, std::string_view comment) { return sign_detached(bytes, *key.key, comment); };
    const PublishOutcome outcome = publish_workbook(request, hooks);
    ASSERT_EQ(outcome.status, PublishOutcome::Status::published) << outcome.error
        << (outcome.problems.empty() ? "" : outcome.problems[0]);
    const fs::path picture = www / "media" / (sha256_hex(small) + ".jpg");
    ASSERT_TRUE(fs::exists(picture));
    EXPECT_EQ(slurp(picture), small);
    const ParseResult parsed = parse_feed(slurp(www / "feed.json"));
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed.feed->media.size(), 1u);
    EXPECT_EQ(parsed.feed->media[0].url, "media/" + sha256_hex(small) + ".jpg");
    ASSERT_TRUE(parsed.feed->gallery);
    EXPECT_EQ(parsed.feed->gallery->items[0].caption, "红领巾广播站");
}
