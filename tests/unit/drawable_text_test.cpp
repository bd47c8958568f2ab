// Which characters the screens draw (sync/drawable_text) and the screen's two
// forms of a text (kiosk/text/screen_text): visible, then as ImGui is given it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kiosk/text/line_break.hpp"
#include "kiosk/text/screen_text.hpp"
#include "kiosk/text/utf8.hpp"
#include "sync/drawable_text.hpp"

namespace campus {
namespace {

using kiosk::text::PrivateUseMap;
using namespace std::literals;

TEST(DrawableText, WeChatEmojiKeepTheirGlyphsAndLoseTheirSelectors) {
    // ⚠️ is U+26A0 U+FE0F; the family is three emoji joined by U+200D.
    EXPECT_EQ(drawable_text("⚠\uFE0F紧急提醒❗秋冬季传染病高发📢"), "⚠紧急提醒❗秋冬季传染病高发📢");
    EXPECT_EQ(drawable_text("👨\u200D👩\u200D👧"), "👨👩👧");
    EXPECT_EQ(character_fate(U'⚠'), CharacterFate::drawn);
    EXPECT_EQ(character_fate(U'📢'), CharacterFate::drawn);
    EXPECT_EQ(character_fate(0xFE0F), CharacterFate::invisible);
}

TEST(DrawableText, InvisibleAndControlCharactersAreDroppedNewlinesAndTabsStay) {
    const std::string text = std::string("a\u200Bb\uFEFFc\u200Ed\u200Fe\u202Af\u202Eg\u2066h\u2069i\u00ADj") +
                             std::string("\0k\x1B" "l\rm\x7F" "n\u0085o"sv) + "\np\tq";
    EXPECT_EQ(drawable_text(text), "abcdefghijklmno\np\tq");
    for (char32_t cp : {0x0000u, 0x0008u, 0x000Du, 0x001Bu, 0x007Fu, 0x0085u, 0x009Fu, 0x00ADu, 0x200Bu, 0x200Du,
                        0x200Eu, 0x200Fu, 0x202Au, 0x202Eu, 0x2060u, 0x2066u, 0x2069u, 0xFEFFu, 0xFE00u, 0xE0001u,
                        0xE0100u})
        EXPECT_EQ(character_fate(cp), CharacterFate::invisible) << code_point_name(cp);
    EXPECT_EQ(character_fate(U'\n'), CharacterFate::drawn);
    EXPECT_EQ(character_fate(U'\t'), CharacterFate::drawn);
    EXPECT_TRUE(is_drawable_as_is("钢城实验小学 第12周 100%"));
    EXPECT_FALSE(is_drawable_as_is("钢城\u200B实验"));
}

TEST(DrawableText, ScriptsThatNeedShapingAreNotDrawnAndSaySo) {
    std::size_t not_drawn = 0;
    // "Uyghur" in Uyghur (Arabic script), Tibetan, Hindi, Mongolian, Hebrew: none is drawn.
    EXPECT_EQ(drawable_text("班级ئۇيغۇر", &not_drawn), "班级");
    EXPECT_EQ(not_drawn, 6u);
    for (const char* s : {"བོད་", "हिन्दी", "ᠮᠣᠩᠭᠣᠯ", "עברית", "ไทย", "ﷲ"}) {
        EXPECT_EQ(drawable_text(s), "") << s;
        EXPECT_FALSE(undrawable_characters(s).empty()) << s;
    }
    EXPECT_NE(why_not_drawn(0x0627).find("shaping"), std::string_view::npos);
    EXPECT_NE(why_not_drawn(0x05D0).find("right to left"), std::string_view::npos);
    // Private use (the screen's stand-ins live there) and noncharacters.
    EXPECT_EQ(character_fate(0xE000), CharacterFate::not_drawn);
    EXPECT_EQ(character_fate(0xF8FF), CharacterFate::not_drawn);
    EXPECT_EQ(character_fate(0x10FFFD), CharacterFate::not_drawn);
    EXPECT_EQ(character_fate(0xFFFF), CharacterFate::not_drawn);
    EXPECT_EQ(character_fate(0xFDD0), CharacterFate::not_drawn);
    // What every school writes stays drawn.
    for (char32_t cp : {U'A', U'é', U'Ω', U'Ж', U'，', U'中', U'〇', U'ｱ', U'한', U'①', U'★', U'℃', U'\U0002000B',
                        U'\U0002123D', U'\U0001F4E2', U'\uFFFD'})
        EXPECT_EQ(character_fate(cp), CharacterFate::drawn) << code_point_name(cp);
}

TEST(DrawableText, UndrawableCharactersAreCountedInCodePoints) {
    const auto found = undrawable_characters("王𠀋 ئا\u200B");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].index, 3u) << "王, 𠀋 and the space come first";
    EXPECT_EQ(found[0].codepoint, 0x0626u);
    EXPECT_EQ(found[1].index, 4u);
    EXPECT_EQ(code_point_name(0x627), "U+0627");
    EXPECT_EQ(code_point_name(0x2000B), "U+2000B");
}

TEST(DrawableText, IllFormedBytesAreLeftForTheScreensDecoder) {
    const std::string bad = "a\xFF\xC0\x80" "b\u200B";
    EXPECT_EQ(drawable_text(bad), "a\xFF\xC0\x80" "b");
    EXPECT_TRUE(undrawable_characters(bad).empty());
}

TEST(PrivateUseMap, DeterministicSortedAndOnlyAboveTheBmp) {
    const auto a = PrivateUseMap::for_code_points({0x2123D, 0x1F4E2, 0x4E2D, 0x2000B, 0x2123D});
    const auto b = PrivateUseMap::for_code_points({0x2000B, 0x1F4E2, 0x2123D});
    EXPECT_EQ(a, b);
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a.stand_in(0x1F4E2), 0xE000u);
    EXPECT_EQ(a.stand_in(0x2000B), 0xE001u);
    EXPECT_EQ(a.stand_in(0x2123D), 0xE002u);
    EXPECT_EQ(a.stand_in(0x4E2D), 0u) << "the BMP needs no stand-in";
    EXPECT_EQ(a.original(0xE001), 0x2000Bu);
    EXPECT_EQ(a.original(0xE003), 0u);
}

TEST(PrivateUseMap, BoundedAtItsCapacityAndSaysHowManyWereLeftOut) {
    std::vector<char32_t> many;
    for (char32_t cp = 0x20000; cp < 0x20000 + PrivateUseMap::kCapacity + 25; ++cp) many.push_back(cp);
    std::size_t left_out = 0;
    const auto map = PrivateUseMap::for_code_points(many, &left_out);
    EXPECT_EQ(map.size(), PrivateUseMap::kCapacity);
    EXPECT_EQ(left_out, 25u);
    EXPECT_LE(PrivateUseMap::kFirst + map.size() - 1, PrivateUseMap::kLast);
    EXPECT_EQ(map.stand_in(0x20000 + PrivateUseMap::kCapacity), 0u) << "the highest are the ones left out";
}

TEST(AtlasText, StandInsForCharactersAboveTheBmpAndNothingWithoutAGlyph) {
    const auto map = PrivateUseMap::for_code_points({0x2000B, 0x1F4E2});
    const auto has = [](char32_t cp) { return cp != U'龘'; };
    std::size_t missing = 9;
    const std::string out = kiosk::text::atlas_text("王𠀋📢龘\t𡈽", map, has, &missing);
    std::u32string cps;
    for (const auto& c : kiosk::text::utf8_chars(out)) cps.push_back(c.codepoint);
    EXPECT_EQ(cps, (std::u32string{U'王', 0xE001, 0xE000, U' '}));
    EXPECT_EQ(missing, 2u) << "龘 has no glyph, 𡈽 no stand-in";
    EXPECT_EQ(kiosk::text::atlas_text("100%", map, has, &missing), "100%");
    EXPECT_EQ(missing, 0u);
}

TEST(VisibleText, LineBreakingSeesExtensionBAsHan) {
    // The breaker works on the visible text with real code points: a break
    // may fall between the two Extension B characters of a name.
    const std::string visible = kiosk::text::visible_text("王\u200B𠀋𡈽");
    EXPECT_EQ(visible, "王𠀋𡈽");
    const auto breaks = kiosk::text::find_line_breaks(visible);
    ASSERT_EQ(breaks.size(), 3u);
    EXPECT_EQ(breaks[1].codepoint, 0x2000Bu);
    EXPECT_EQ(breaks[1].after, kiosk::text::LineBreak::allowed);
}

}  // namespace
}  // namespace campus
