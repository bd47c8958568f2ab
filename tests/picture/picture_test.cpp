// campus_picture: pictures decoded at the size drawn, upright, within the
// contract's limits; bad pictures refused with a reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "picture/fitted_cache.hpp"
#include "picture/picture.hpp"
#include "picture/qr.hpp"
#include "sync/sha256.hpp"
#include "test_pictures.hpp"

namespace fs = std::filesystem;
using namespace campus::picture;
using campus::picture::test::Rgba;

namespace {

// Left half red, right half blue; top quarter of the left half green (so an
// orientation mistake shows).
Rgba quadrants(int x, int y, int w, int h) {
    if (x < w / 2) return y < h / 4 ? Rgba{0, 200, 0} : Rgba{220, 20, 20};
    return Rgba{20, 20, 220};
}

const std::uint8_t* pixel(const Image& image, int x, int y) {
    return &image.rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) + static_cast<std::size_t>(x)) * 4];
}

bool near(const std::uint8_t* p, int r, int g, int b, int tolerance = 40) {
    return std::abs(p[0] - r) <= tolerance && std::abs(p[1] - g) <= tolerance && std::abs(p[2] - b) <= tolerance;
}

struct TempFile {
    fs::path path = fs::temp_directory_path() / ("picture-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    explicit TempFile(const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
    ~TempFile() { fs::remove(path); }
    static inline int n = 0;
};

}  // namespace

TEST(Picture, FitKeepsTheAspectAndNeverEnlarges) {
    int w = 0, h = 0;
    fit_size(4000, 3000, 1920, 1080, w, h);
    EXPECT_EQ(w, 1440);
    EXPECT_EQ(h, 1080);
    fit_size(3000, 4000, 1920, 1080, w, h);  // portrait
    EXPECT_EQ(w, 810);
    EXPECT_EQ(h, 1080);
    fit_size(2048, 2048, 1080, 1920, w, h);  // square on a portrait screen
    EXPECT_EQ(w, 1080);
    EXPECT_EQ(h, 1080);
    fit_size(640, 480, 1920, 1080, w, h);  // small: as it is
    EXPECT_EQ(w, 640);
    EXPECT_EQ(h, 480);
}

// A 12-megapixel photo decoded for a 1080p box: the right size and the right
// colours in the right places (DCT scaling at 1/2, then averaging).
TEST(Picture, TwelveMegapixelJpegDecodesAtTheDrawnSize) {
    const int w = 4000, h = 3000;
    const std::string jpeg = test::make_jpeg(w, h, [&](int x, int y) { return quadrants(x, y, w, h); });
    const auto info = probe(jpeg);
    ASSERT_TRUE(info.ok()) << info.error;
    EXPECT_EQ(info.value->format, Format::jpeg);
    EXPECT_EQ(info.value->width, 4000);
    EXPECT_EQ(info.value->orientation, 1);
    const auto r = decode(jpeg, 1920, 1080);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.value->width, 1440);
    EXPECT_EQ(r.value->height, 1080);
    EXPECT_EQ(r.value->rgba.size(), 1440u * 1080u * 4u);
    EXPECT_TRUE(near(pixel(*r.value, 100, 100), 0, 200, 0));
    EXPECT_TRUE(near(pixel(*r.value, 100, 800), 220, 20, 20));
    EXPECT_TRUE(near(pixel(*r.value, 1300, 500), 20, 20, 220));
    EXPECT_EQ(pixel(*r.value, 700, 700)[3], 255);
}

// A phone's portrait photo is stored landscape with orientation 6: shown upright.
TEST(Picture, ExifOrientationStandsThePhotoUp) {
    const int w = 400, h = 300;
    const std::string jpeg = test::make_jpeg(w, h, [&](int x, int y) { return quadrants(x, y, w, h); }, 90, 6);
    const auto info = probe(jpeg);
    ASSERT_TRUE(info.ok()) << info.error;
    EXPECT_EQ(info.value->orientation, 6);
    EXPECT_EQ(info.value->shown_width(), 300);
    EXPECT_EQ(info.value->shown_height(), 400);
    const auto r = decode(jpeg, 1000, 1000);
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.value->width, 300);
    ASSERT_EQ(r.value->height, 400);
    // Rotated 90° clockwise: the stored left half is the top, its top-left green corner is top-right.
    EXPECT_TRUE(near(pixel(*r.value, 280, 20), 0, 200, 0));
    EXPECT_TRUE(near(pixel(*r.value, 20, 20), 220, 20, 20));
    EXPECT_TRUE(near(pixel(*r.value, 150, 350), 20, 20, 220));
    // Orientation 3 (upside down) and 8 (the other way) too.
    const auto upside = decode(test::make_jpeg(w, h, [&](int x, int y) { return quadrants(x, y, w, h); }, 90, 3), 400, 300);
    ASSERT_TRUE(upside.ok());
    EXPECT_TRUE(near(pixel(*upside.value, 20, 150), 20, 20, 220));
    EXPECT_TRUE(near(pixel(*upside.value, 380, 290), 0, 200, 0));
    const auto left = decode(test::make_jpeg(w, h, [&](int x, int y) { return quadrants(x, y, w, h); }, 90, 8), 300, 400);
    ASSERT_TRUE(left.ok());
    EXPECT_TRUE(near(pixel(*left.value, 20, 380), 0, 200, 0));
    EXPECT_TRUE(near(pixel(*left.value, 150, 20), 20, 20, 220));
}

TEST(Picture, PngWithAlphaIsPremultiplied) {
    const std::string png = test::make_png(300, 200, [](int x, int) {
        return x < 150 ? Rgba{255, 0, 0, 255} : Rgba{0, 0, 255, 128};
    }, true);
    const auto r = decode(png, 150, 100);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.value->width, 150);
    EXPECT_EQ(r.value->height, 100);
    EXPECT_TRUE(near(pixel(*r.value, 10, 50), 255, 0, 0, 2));
    const std::uint8_t* blue = pixel(*r.value, 140, 50);
    EXPECT_NEAR(blue[3], 128, 2);
    EXPECT_NEAR(blue[2], 128, 2);  // 255 × 128/255
    // Interlaced, small: decoded whole, the same result.
    const std::string interlaced = test::make_png(300, 200, [](int x, int) {
        return x < 150 ? Rgba{255, 0, 0, 255} : Rgba{0, 0, 255, 128};
    }, true, true);
    const auto ri = decode(interlaced, 150, 100);
    ASSERT_TRUE(ri.ok()) << ri.error;
    EXPECT_EQ(ri.value->rgba, r.value->rgba);
}

TEST(Picture, WebpIsScaledWhileDecoding) {
    const std::string webp = test::make_webp(1000, 1000, [](int x, int y) {
        return (x < 500) == (y < 500) ? Rgba{250, 250, 250} : Rgba{10, 10, 10};
    });
    const auto info = probe(webp);
    ASSERT_TRUE(info.ok()) << info.error;
    EXPECT_EQ(info.value->format, Format::webp);
    const auto r = decode(webp, 300, 300);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.value->width, 300);
    EXPECT_TRUE(near(pixel(*r.value, 50, 50), 250, 250, 250));
    EXPECT_TRUE(near(pixel(*r.value, 250, 50), 10, 10, 10));
}

//-----------------------------------------------------------------------------
// Bad pictures: each refused within its limit, with a reason
//-----------------------------------------------------------------------------

TEST(BadPicture, TruncatedJpegIsRefusedNotShownHalfGrey) {
    const std::string jpeg = test::make_jpeg(800, 600, [](int x, int y) { return Rgba{static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(y), 90}; });
    const auto r = decode(jpeg.substr(0, jpeg.size() / 2), 400, 300);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("truncated"), std::string::npos) << r.error;
    const auto header_only = decode(jpeg.substr(0, 40), 400, 300);
    EXPECT_FALSE(header_only.ok());
    EXPECT_NE(header_only.error.find("corrupt JPEG"), std::string::npos) << header_only.error;
}

TEST(BadPicture, PngClaiming60000SquareIsRefusedFromItsHeader) {
    const std::string png = test::png_header_claiming(60000, 60000);
    const auto info = probe(png);
    EXPECT_FALSE(info.ok());
    EXPECT_EQ(info.error, "60000×60000 pixels is over the limit of 8192×8192") << info.error;
    const auto r = decode(png, 1920, 1080);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error, info.error);
    // Within the limit but with no pixel data: corrupt, not a crash.
    const auto empty = decode(test::png_header_claiming(100, 100), 100, 100);
    EXPECT_FALSE(empty.ok());
    EXPECT_NE(empty.error.find("corrupt PNG"), std::string::npos) << empty.error;
}

TEST(BadPicture, A25MegabyteFileIsRefusedBeforeDecoding) {
    std::string big = test::make_jpeg(64, 64, [](int, int) { return Rgba{1, 2, 3}; });
    big.resize(25u * 1000u * 1000u, '\0');
    const TempFile file(big);
    const auto r = decode_file(file.path.string(), "", 1920, 1080);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("25000000 bytes is over the limit of 20971520 bytes"), std::string::npos) << r.error;
    EXPECT_EQ(r.error.rfind(file.path.string(), 0), 0u) << r.error;
    EXPECT_FALSE(decode(big, 100, 100).ok());
}

TEST(BadPicture, HtmlSavedAsJpgIsNotAPicture) {
    const std::string html = "<!DOCTYPE html><html><body>404 Not Found</body></html>";
    const auto r = decode(html, 100, 100);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error, "not a JPEG, PNG or WebP picture (it starts with \"<!DOCTYPE ht\")");
    EXPECT_FALSE(probe("").ok());
    EXPECT_EQ(probe("").error, "an empty file, not a picture");
}

TEST(BadPicture, BytesThatAreNotTheFeedsAreNotDecoded) {
    const std::string png = test::make_png(20, 20, [](int, int) { return Rgba{9, 9, 9}; }, false);
    const TempFile file(png);
    const auto good = decode_file(file.path.string(), campus::sha256_hex(png), 20, 20);
    EXPECT_TRUE(good.ok()) << good.error;
    const auto wrong = decode_file(file.path.string(), campus::sha256_hex("other"), 20, 20);
    EXPECT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error.find("the feed says"), std::string::npos) << wrong.error;
}

TEST(BadPicture, OversizedJpegAndWebpHeadersAreRefused) {
    const std::string jpeg = test::make_jpeg(9000, 16, [](int, int) { return Rgba{1, 2, 3}; });
    EXPECT_EQ(probe(jpeg).error, "9000×16 pixels is over the limit of 8192×8192");
    Limits small;
    small.max_side = 500;
    const std::string webp = test::make_webp(600, 10, [](int, int) { return Rgba{1, 2, 3}; });
    EXPECT_EQ(decode(webp, 100, 100, small).error, "600×10 pixels is over the limit of 500×500");
}

//-----------------------------------------------------------------------------
// QR codes: what zbarimg (zbar-tools) reads back is the exact link
//-----------------------------------------------------------------------------

namespace {

// The code as a PNG: `module` pixels a module, the quiet zone around it.
std::string qr_png(const QrCode& code, int module) {
    const int side = (code.size + 2 * kQrQuietModules) * module;
    return test::make_png(side, side, [&](int x, int y) {
        const int mx = x / module - kQrQuietModules, my = y / module - kQrQuietModules;
        const bool dark = mx >= 0 && my >= 0 && mx < code.size && my < code.size && code.is_dark(mx, my);
        return dark ? Rgba{20, 20, 20} : Rgba{250, 250, 245};
    }, false);
}

std::string zbarimg(const fs::path& png) {
    const std::string command = "zbarimg --quiet --raw -Sbinary '" + png.string() + "' 2>/dev/null";
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        std::size_t n;
        while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) out.append(buffer, n);
        ::pclose(p);
    }
    return out;
}

}  // namespace

TEST(QrCode, ZbarReadsBackTheExactLink) {
    if (std::system("command -v zbarimg >/dev/null 2>&1") != 0) GTEST_SKIP() << "zbarimg (zbar-tools) is not installed";
    for (const std::string& link : {std::string("https://school.example.invalid/notice/reading?id=2&from=屏幕"),
                                   "https://www.gov.cn/zhengce/" + std::string(300, 'a') + "/index.html"}) {
        const auto code = encode_qr(link);
        ASSERT_TRUE(code.ok()) << code.error;
        EXPECT_GE(code.value->size, 21);
        EXPECT_EQ((code.value->size - 17) % 4, 0);  // versions grow by 4 modules
        const TempFile file(qr_png(*code.value, 6));
        std::string read = zbarimg(file.path);
        while (!read.empty() && (read.back() == '\n' || read.back() == '\r')) read.pop_back();
        EXPECT_EQ(read, link);
    }
    EXPECT_FALSE(encode_qr(std::string(4000, 'x')).ok());
}

TEST(Picture, EncodeJpegWritesNoMetadataAndReadsBack) {
    const std::string with_exif = test::make_jpeg(400, 300, [](int x, int y) { return quadrants(x, y, 400, 300); }, 90, 6);
    const auto info = probe(with_exif);
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info.value->has_metadata);
    const auto upright = decode(with_exif, 400, 400);
    ASSERT_TRUE(upright.ok());
    const auto jpeg = encode_jpeg(*upright.value, 90);
    ASSERT_TRUE(jpeg.ok()) << jpeg.error;
    const auto again = probe(*jpeg.value);
    ASSERT_TRUE(again.ok()) << again.error;
    EXPECT_FALSE(again.value->has_metadata);
    EXPECT_EQ(again.value->orientation, 1);
    EXPECT_EQ(again.value->width, 300);  // upright now: no orientation needed
    EXPECT_EQ(again.value->height, 400);
    const auto back = decode(*jpeg.value, 300, 400);
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(near(pixel(*back.value, 280, 20), 0, 200, 0));
    EXPECT_EQ(jpeg.value->find("Exif"), std::string::npos);
}

// FittedCache: a rotation's second visit to a photo decodes its kept copy,
// and only while the file on disk is the one that was verified.
namespace {

FittedCache::Settings keep_everything() {
    FittedCache::Settings s;
    s.min_decode_ms = 0;  // the test pictures are small: keep them however quick
    return s;
}

double mean_abs_difference(const Image& a, const Image& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.rgba.size(); ++i) sum += std::abs(a.rgba[i] - b.rgba[i]);
    return sum / static_cast<double>(a.rgba.size());
}

}  // namespace

TEST(FittedCache, TheSecondVisitDecodesTheKeptCopyLookingTheSame) {
    const int w = 1600, h = 1200;
    const std::string jpeg = test::make_jpeg(w, h, [&](int x, int y) { return quadrants(x, y, w, h); });
    TempFile file(jpeg);
    FittedCache cache(keep_everything());
    const auto first = cache.decode_file(file.path.string(), campus::sha256_hex(jpeg), 800, 450);
    ASSERT_TRUE(first.ok()) << first.error;
    EXPECT_EQ(cache.counters().file_decodes, 1u);
    EXPECT_EQ(cache.counters().entries, 1u);
    EXPECT_GT(cache.counters().bytes, 0u);
    EXPECT_LT(cache.counters().bytes, jpeg.size());  // fitted: smaller than the photo

    const auto second = cache.decode_file(file.path.string(), campus::sha256_hex(jpeg), 800, 450);
    ASSERT_TRUE(second.ok()) << second.error;
    EXPECT_EQ(cache.counters().kept_hits, 1u);
    EXPECT_EQ(cache.counters().file_decodes, 1u);
    EXPECT_EQ(second.value->width, first.value->width);
    EXPECT_EQ(second.value->height, first.value->height);
    EXPECT_LT(mean_abs_difference(*first.value, *second.value), 2.0);  // quality 90 of the same pixels
    EXPECT_TRUE(near(pixel(*second.value, 50, 50), 0, 200, 0));
    EXPECT_TRUE(near(pixel(*second.value, 550, 300), 20, 20, 220));

    // Another box (a new screen size) is another picture: decoded from the file.
    const auto other_size = cache.decode_file(file.path.string(), campus::sha256_hex(jpeg), 400, 400);
    ASSERT_TRUE(other_size.ok());
    EXPECT_EQ(other_size.value->width, 400);
    EXPECT_EQ(cache.counters().file_decodes, 2u);
}

TEST(FittedCache, AFileChangedSinceItWasVerifiedIsReadAndCheckedAgain) {
    const std::string jpeg = test::make_jpeg(640, 480, [](int x, int y) { return quadrants(x, y, 640, 480); });
    const std::string sha = campus::sha256_hex(jpeg);
    TempFile file(jpeg);
    FittedCache cache(keep_everything());
    ASSERT_TRUE(cache.decode_file(file.path.string(), sha, 320, 240).ok());
    ASSERT_EQ(cache.counters().entries, 1u);

    // Other bytes under the same name: the kept copy is not shown, the file's
    // hash no longer matches, the picture fails as it would without a cache.
    const std::string other = test::make_jpeg(640, 480, [](int, int) { return Rgba{10, 10, 10}; });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a new mtime on any file system's clock
    { std::ofstream(file.path, std::ios::binary | std::ios::trunc) << other; }
    const auto tampered = cache.decode_file(file.path.string(), sha, 320, 240);
    EXPECT_FALSE(tampered.ok());
    EXPECT_NE(tampered.error.find("sha256"), std::string::npos) << tampered.error;
    EXPECT_EQ(cache.counters().stale, 1u);
    EXPECT_EQ(cache.counters().entries, 0u);
    EXPECT_EQ(cache.counters().kept_hits, 0u);

    // The right bytes back (a new inode, as the sync side's rename makes): decoded from the file, kept again.
    fs::remove(file.path);
    { std::ofstream(file.path, std::ios::binary) << jpeg; }
    ASSERT_TRUE(cache.decode_file(file.path.string(), sha, 320, 240).ok());
    EXPECT_EQ(cache.counters().file_decodes, 3u);
    ASSERT_TRUE(cache.decode_file(file.path.string(), sha, 320, 240).ok());
    EXPECT_EQ(cache.counters().kept_hits, 1u);

    // A file gone fails, kept copy or not.
    fs::remove(file.path);
    EXPECT_FALSE(cache.decode_file(file.path.string(), sha, 320, 240).ok());
}

TEST(FittedCache, TransparentQuickOrUnhashedPicturesAreNotKept) {
    const std::string png = test::make_png(300, 200, [](int x, int) { return Rgba{200, 30, 30, static_cast<std::uint8_t>(x % 256)}; }, true);
    TempFile transparent(png);
    FittedCache cache(keep_everything());
    ASSERT_TRUE(cache.decode_file(transparent.path.string(), campus::sha256_hex(png), 300, 200).ok());
    EXPECT_EQ(cache.counters().entries, 0u);  // a JPEG cannot keep its alpha

    const std::string jpeg = test::make_jpeg(300, 200, [](int x, int y) { return quadrants(x, y, 300, 200); });
    TempFile opaque_file(jpeg);
    ASSERT_TRUE(cache.decode_file(opaque_file.path.string(), "", 300, 200).ok());
    EXPECT_EQ(cache.counters().entries, 0u);  // nothing to trust it by

    FittedCache::Settings slow_only;
    slow_only.min_decode_ms = 60'000;
    FittedCache quick(slow_only);
    ASSERT_TRUE(quick.decode_file(opaque_file.path.string(), campus::sha256_hex(jpeg), 300, 200).ok());
    EXPECT_EQ(quick.counters().entries, 0u);  // as quick to decode from the file
    EXPECT_EQ(quick.counters().file_decodes, 1u);
}

TEST(FittedCache, TheBudgetBoundsWhatIsKeptAndTheFeedDecidesWhatStays) {
    std::vector<std::unique_ptr<TempFile>> files;
    std::vector<std::string> shas;
    for (int i = 0; i < 6; ++i) {
        const std::string jpeg = test::make_jpeg(800, 600, [i](int x, int y) {
            return Rgba{static_cast<std::uint8_t>((x * 7 + i * 40) % 256), static_cast<std::uint8_t>((y * 5) % 256),
                        static_cast<std::uint8_t>((x ^ y) % 256)};
        });
        files.push_back(std::make_unique<TempFile>(jpeg));
        shas.push_back(campus::sha256_hex(jpeg));
    }
    // One picture's kept size, to set a budget of about two and a half.
    FittedCache probe_cache(keep_everything());
    ASSERT_TRUE(probe_cache.decode_file(files[0]->path.string(), shas[0], 800, 600).ok());
    const std::size_t one = probe_cache.counters().bytes;
    ASSERT_GT(one, 0u);

    FittedCache::Settings s = keep_everything();
    s.budget_bytes = one * 5 / 2;
    FittedCache cache(s);
    std::uint64_t first_round_encodes = 0;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 6; ++i) ASSERT_TRUE(cache.decode_file(files[i]->path.string(), shas[i], 800, 600).ok());
        if (round == 0) first_round_encodes = cache.counters().encodes;
    }
    const auto c = cache.counters();
    // A picture that did not fit is not encoded again on the next round.
    EXPECT_GE(first_round_encodes, c.entries);
    EXPECT_EQ(c.encodes, first_round_encodes);
    EXPECT_LE(c.bytes, s.budget_bytes);
    EXPECT_GE(c.entries, 2u);
    EXPECT_LE(c.entries, 3u);
    EXPECT_GT(c.over_budget, 0u);
    // No eviction: the pictures kept first are hits on the second round.
    EXPECT_EQ(c.kept_hits, c.entries);
    EXPECT_EQ(c.file_decodes, 12u - c.kept_hits);

    // A new feed without the first picture, and then a new screen size: dropped.
    cache.retain_only({shas.begin() + 1, shas.end()}, 800, 600);
    EXPECT_EQ(cache.counters().entries, c.entries - 1);
    cache.retain_only({shas.begin(), shas.end()}, 1920, 1080);
    EXPECT_EQ(cache.counters().entries, 0u);
    EXPECT_EQ(cache.counters().bytes, 0u);
}
