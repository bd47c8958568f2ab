// Wrapping, fitting and paginating (kiosk/text/text_layout), with a fake
// monospace font: a Han character (and any other non-ASCII character) is 1.0
// wide, ASCII 0.5, combining marks 0.
#include "kiosk/text/text_layout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kiosk/text/line_break.hpp"
#include "kiosk/text/utf8.hpp"

namespace campus::kiosk::text {
namespace {

float fake_width(std::string_view run) {
    float width = 0;
    for (const Utf8Char& c : utf8_chars(run)) {
        if (c.codepoint >= 0x300 && c.codepoint <= 0x36F) continue;
        width += c.codepoint < 0x80 ? 0.5f : 1.0f;
    }
    return width;
}
const MeasureFn kFakeMeasure = fake_width;

std::vector<std::string> wrap(std::string_view text, float max_width) { return wrap_lines(text, max_width, kFakeMeasure); }

using Lines = std::vector<std::string>;

char32_t first_codepoint(std::string_view s) { return decode_utf8_at(s, 0).codepoint; }
char32_t last_codepoint(std::string_view s) {
    char32_t last = 0;
    for (const Utf8Char& c : utf8_chars(s)) last = c.codepoint;
    return last;
}

// ---- Greedy filling -------------------------------------------------------------

TEST(TextLayout, FillsLinesGreedilyAndCarriesTheCharacterBeforeAPauseMarkDown) {
    // Width 10: "牢固树立向管理要质量" would fill the line exactly, but then "、"
    // would start the next one, so "量" goes down with it.
    EXPECT_EQ(wrap("牢固树立向管理要质量、向教师队伍建设要质量的指导思想。", 10),
              (Lines{"牢固树立向管理要质", "量、向教师队伍建设要", "质量的指导思想。"}));
}

TEST(TextLayout, CommaNeverStartsALineEvenWhenTheLineIsExactlyFull) {
    EXPECT_EQ(wrap("一二三四，五", 4), (Lines{"一二三", "四，五"}));
    EXPECT_EQ(wrap("一二三四」五", 4), (Lines{"一二三", "四」五"}));
    EXPECT_EQ(wrap("一二三四,五", 4), (Lines{"一二三", "四,五"}));
}

TEST(TextLayout, OpeningTitleMarkNeverEndsALine) {
    EXPECT_EQ(wrap("一二三《四五》", 4), (Lines{"一二三", "《四五》"}));
    EXPECT_EQ(wrap("学习“两个教育者”", 3), (Lines{"学习", "“两个", "教育", "者”"}));
}

TEST(TextLayout, NumbersAndRangesAreNotSplit) {
    // (Greedily "2023—2024学" / "年"; 学 goes down so 年 is no orphan.)
    EXPECT_EQ(wrap("2023—2024学年", 6), (Lines{"2023—2024", "学年"}));
    EXPECT_EQ(wrap("2023—2024学年", 5.5f), (Lines{"2023—2024", "学年"}));
    EXPECT_EQ(wrap("公开课覆盖100%", 4), (Lines{"公开课覆", "盖100%"}));
    EXPECT_EQ(wrap("三年级3-2班", 3), (Lines{"三年级", "3-2班"}));
}

TEST(TextLayout, MixedLatinAndHan) {
    EXPECT_EQ(wrap("Python编程社团活动", 4), (Lines{"Python编", "程社团", "活动"}));  // no orphan 动
    EXPECT_EQ(wrap("Python编程社团活动", 3), (Lines{"Python", "编程社", "团活动"}));
    // Narrower than the word: cut as a last resort, the rest runs on with the Han.
    EXPECT_EQ(wrap("Python编程社团活动", 2.5f), (Lines{"Pytho", "n编程", "社团", "活动"}));
}

TEST(TextLayout, SpacesAtABreakAreTrimmedAndParagraphIndentKept) {
    EXPECT_EQ(wrap("hello world again", 5), (Lines{"hello", "world", "again"}));
    EXPECT_EQ(wrap("hello world again", 6), (Lines{"hello world", "again"}));
    EXPECT_EQ(wrap("\u3000\u3000牢固树立", 10), (Lines{"\u3000\u3000牢固树立"}));
    EXPECT_EQ(wrap("通知   ", 10), (Lines{"通知"}));
}

TEST(TextLayout, HardNewlinesAreHonoured) {
    EXPECT_EQ(wrap("第一行\n\n第三行\n", 10), (Lines{"第一行", "", "第三行"}));
    EXPECT_EQ(wrap("一二\r\n三四五六", 3), (Lines{"一二", "三四", "五六"}));  // no orphan 六
}

TEST(TextLayout, LongLatinIsCutAsALastResortNeverBeforePunctuation) {
    // "example.com/a.b" has no break opportunity before "/" and is 7.5 wide.
    const Lines lines = wrap("网址example.com/a.b", 3);
    EXPECT_EQ(lines, (Lines{"网址", "exampl", "e.com/", "a.b"}));
    // Exactly full before ".": "exampl|e." would leave "." first, so "e" goes down.
    EXPECT_EQ(wrap("abcde.fgh", 2.5f), (Lines{"abcd", "e.fgh"}));
}

TEST(TextLayout, LastResortCutLeavesTheRestForTheNextPieces) {
    EXPECT_EQ(wrap("abcdefgh中文", 3), (Lines{"abcdef", "gh中文"}));
}

// ---- Odd input -------------------------------------------------------------------

TEST(TextLayout, EmptyTextHasNoLines) {
    EXPECT_TRUE(wrap("", 10).empty());
    EXPECT_TRUE(wrap_line_ranges("", 10, kFakeMeasure).empty());
}

TEST(TextLayout, OnlyPunctuationStaysOnOneLineRatherThanStartALineWithIt) {
    EXPECT_EQ(wrap("，。！？、", 2), (Lines{"，。！？、"}));
    EXPECT_EQ(wrap("，。！？、", 10), (Lines{"，。！？、"}));
}

TEST(TextLayout, WidthBelowOneCharacterPutsEachOnItsOwnLine) {
    EXPECT_EQ(wrap("中文字", 0.3f), (Lines{"中", "文", "字"}));
    EXPECT_EQ(wrap("abc", 0.3f), (Lines{"a", "b", "c"}));
    EXPECT_EQ(wrap("中，文", 0.3f), (Lines{"中，", "文"}));
    EXPECT_EQ(wrap("中文", 0), (Lines{"中", "文"}));
    EXPECT_EQ(wrap("中文", -5), (Lines{"中", "文"}));
    EXPECT_EQ(wrap("中文", std::numeric_limits<float>::quiet_NaN()), (Lines{"中", "文"}));
}

TEST(TextLayout, InvalidUtf8DoesNotCrashAndKeepsEveryByte) {
    const std::string text = "\xff\xfe中文\xe4\xb8 abc\xc0";
    const std::vector<LineRange> ranges = wrap_line_ranges(text, 1, kFakeMeasure);
    ASSERT_FALSE(ranges.empty());
    std::string joined;
    for (const LineRange& r : ranges) joined += text.substr(r.begin, r.end - r.begin);
    EXPECT_EQ(joined, "\xff\xfe中文\xe4\xb8" "abc\xc0");
}

TEST(TextLayout, CombiningMarksStayOnTheirBase) {
    EXPECT_EQ(wrap("e\u0301e\u0301e\u0301", 0.5f), (Lines{"e\u0301", "e\u0301", "e\u0301"}));
}

TEST(TextLayout, LineRangesCarryTheirWidths) {
    const std::string text = "Python编程 社团";
    const std::vector<LineRange> ranges = wrap_line_ranges(text, 5, kFakeMeasure);
    ASSERT_EQ(ranges.size(), 2u);
    EXPECT_FLOAT_EQ(ranges[0].width, 5.0f);
    EXPECT_FLOAT_EQ(ranges[1].width, 2.0f);
    EXPECT_EQ(text.substr(ranges[1].begin, ranges[1].end - ranges[1].begin), "社团");
}

TEST(TextLayout, MeasuresEachPieceOnceNotTheGrowingLine) {
    std::string text;
    for (int i = 0; i < 400; ++i) text += "牢固树立向管理要质量、Python 2023—2024学年。";
    std::size_t calls = 0, bytes = 0;
    const MeasureFn counting = [&](std::string_view run) {
        ++calls;
        bytes += run.size();
        return fake_width(run);
    };
    const std::vector<LineRange> ranges = wrap_line_ranges(text, 20, counting);
    EXPECT_GT(ranges.size(), 100u);
    EXPECT_LE(bytes, 2 * text.size()) << "the text was measured more than twice over";
    EXPECT_LE(calls, count_codepoints(text));
}

// ---- No orphan on a paragraph's last line (clreq) -------------------------------

TEST(TextLayout, NoOrphanOneCharacterMovesDownToJoinTheLastOne) {
    // Greedy gives "爱护学校的一草一" / "木。", splitting 一草一木 and leaving 木 alone.
    EXPECT_EQ(wrap("爱护学校的一草一木。", 9), (Lines{"爱护学校的一草", "一木。"}));
    // Without punctuation after it, a lone character is an orphan too.
    EXPECT_EQ(wrap("一二三四五六七八九", 8), (Lines{"一二三四五六七", "八九"}));
}

TEST(TextLayout, NoOrphanTheMovedCharacterKeepsThePunctuationAfterIt) {
    // "，" may not start the last line, so "七，" moves as one.
    EXPECT_EQ(wrap("一二三四五六七，八。", 8), (Lines{"一二三四五六", "七，八。"}));
}

TEST(TextLayout, NoOrphanInEveryParagraph) {
    EXPECT_EQ(wrap("爱护学校的一草一木。\n爱护学校的一草一木。", 9),
              (Lines{"爱护学校的一草", "一木。", "爱护学校的一草", "一木。"}));
}

TEST(TextLayout, NoOrphanLeavesWhatCannotMove) {
    // The line before has only two characters: taking one would orphan it.
    EXPECT_EQ(wrap("学习“两个教育者”", 3), (Lines{"学习", "“两个", "教育", "者”"}));
    // A word after a space is not a character to pull.
    EXPECT_EQ(wrap("一二三四 五", 4.5f), (Lines{"一二三四", "五"}));
    // A last line of two characters is no orphan.
    EXPECT_EQ(wrap("一二三四五六七八", 6), (Lines{"一二三四五六", "七八"}));
    // A single line is no orphan.
    EXPECT_EQ(wrap("木。", 9), (Lines{"木。"}));
}

TEST(TextLayout, NoOrphanOnlyWhenTheLongerLastLineStillFits) {
    // 宽 is 3.4 wide: "四宽" would be 4.4 in a line of 4.
    const MeasureFn wide = [](std::string_view run) {
        float w = 0;
        for (const Utf8Char& c : utf8_chars(run)) w += c.codepoint == U'宽' ? 3.4f : fake_width(run.substr(c.offset, c.length));
        return w;
    };
    EXPECT_EQ(wrap_lines("一二三四宽", 4, wide), (Lines{"一二三四", "宽"}));
    EXPECT_EQ(wrap_lines("一二三四宽", 4.4f, wide), (Lines{"一二三", "四宽"}));
}

TEST(TextLayout, NoOrphanRangesCarryTheNewWidths) {
    const std::string text = "爱护学校的一草一木。";
    const std::vector<LineRange> ranges = wrap_line_ranges(text, 9, kFakeMeasure);
    ASSERT_EQ(ranges.size(), 2u);
    EXPECT_FLOAT_EQ(ranges[0].width, 7.0f);
    EXPECT_FLOAT_EQ(ranges[1].width, 3.0f);
}

// ---- The properties, over random strings ------------------------------------------

TEST(TextLayout, RandomMixedTextKeepsEveryRule) {
    const std::vector<std::string> alphabet = {
        "中", "文", "学", "校", "质", "量", "红", "旗", "a", "b", "P", "y", "1", "0", "2", " ", " ", "\u3000",
        "，", "。", "、", "；", "：", "？", "！", "）", "」", "』", "》", "”", ",", ".", ";", ":", "?", "!",
        ")", "]", "}", "（", "「", "『", "《", "“", "(", "[", "{", "——", "……", "—", "%", "-", "·", "～", "\xff"};
    std::mt19937 random(20231011);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<int> length(0, 40);
    std::uniform_int_distribution<int> half_units(0, 24);

    for (int round = 0; round < 1500; ++round) {
        std::string text;
        for (int n = length(random); n > 0; --n) text += alphabet[pick(random)];
        const float max_width = static_cast<float>(half_units(random)) * 0.5f;
        SCOPED_TRACE("text \"" + text + "\" width " + std::to_string(max_width));

        const std::vector<BreakChar> chars = find_line_breaks(text);
        const std::vector<LineRange> ranges = wrap_line_ranges(text, max_width, kFakeMeasure);
        const std::vector<std::string> lines = wrap_lines(text, max_width, kFakeMeasure);
        ASSERT_EQ(lines.size(), ranges.size());

        // Concatenation: the lines tile the text, the gaps between them being
        // only the trimmed spaces.
        std::size_t previous_end = 0;
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            ASSERT_LE(previous_end, ranges[i].begin);
            ASSERT_LE(ranges[i].begin, ranges[i].end);
            for (const Utf8Char& c : utf8_chars(std::string_view(text).substr(previous_end, ranges[i].begin - previous_end))) {
                ASSERT_TRUE(is_line_end_space(c.codepoint)) << "dropped a character before line " << i;
            }
            ASSERT_EQ(lines[i], text.substr(ranges[i].begin, ranges[i].end - ranges[i].begin));
            previous_end = ranges[i].end;
        }
        for (const Utf8Char& c : utf8_chars(std::string_view(text).substr(previous_end))) {
            ASSERT_TRUE(is_line_end_space(c.codepoint)) << "dropped a character after the last line";
        }
        if (!text.empty()) {
            ASSERT_FALSE(lines.empty());
        }

        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::string& line = lines[i];
            if (i > 0 && !line.empty()) {
                EXPECT_FALSE(is_closing_punctuation(first_codepoint(line))) << "line " << i << " \"" << line << "\"";
                EXPECT_FALSE(is_line_end_space(first_codepoint(line))) << "line " << i;
            }
            if (i + 1 < lines.size() && !line.empty()) {
                EXPECT_FALSE(is_opening_punctuation(last_codepoint(line))) << "line " << i << " \"" << line << "\"";
                EXPECT_FALSE(is_line_end_space(last_codepoint(line))) << "line " << i << " keeps a trailing space";
                // —— and …… are never split across lines (a space between two dashes is no pair).
                const char32_t end = last_codepoint(line), start = first_codepoint(lines[i + 1]);
                const bool adjacent = ranges[i].end == ranges[i + 1].begin;
                EXPECT_FALSE(adjacent && end == start && (end == U'—' || end == U'…')) << "line " << i;
            }
            EXPECT_FLOAT_EQ(ranges[i].width, fake_width(line));
            // Too wide only where no cut was allowed anywhere inside the line
            // (after a paragraph's indent: cutting there would only leave a blank line).
            if (fake_width(line) > max_width) {
                std::size_t content_begin = ranges[i].begin;
                for (const Utf8Char& c : utf8_chars(line)) {
                    if (!is_line_end_space(c.codepoint)) break;
                    content_begin += c.length;
                }
                for (std::size_t k = 0; k < chars.size(); ++k) {
                    if (chars[k].offset > content_begin && chars[k].offset < ranges[i].end) {
                        EXPECT_FALSE(may_cut_before(chars, k))
                            << "line " << i << " \"" << line << "\" is too wide but could be cut at byte " << chars[k].offset;
                    }
                }
            }
        }
    }
}

// ---- fit_text ---------------------------------------------------------------------

const MeasureAtSizeFn kFakeAtSize = [](std::string_view run, float font_px) { return fake_width(run) * font_px; };
const std::vector<float> kSizes = {64, 48, 36, 24};

TEST(TextLayout, FitPicksTheLargestSizeThatFits) {
    const std::string text = "二十个字二十个字二十个字二十个字二十个字";  // 20 Han characters
    // 64 px: 6 a line, 4 lines, 332.8 px high; 48 px: 8 a line, 3 lines, 187.2 px.
    const FittedText fitted = fit_text(text, 400, 200, kSizes, 1.3f, kFakeAtSize);
    EXPECT_TRUE(fitted.fits);
    EXPECT_FLOAT_EQ(fitted.font_px, 48);
    EXPECT_EQ(fitted.lines, (Lines{"二十个字二十个字", "二十个字二十个字", "二十个字"}));
    EXPECT_FLOAT_EQ(fitted.height, 3 * 48 * 1.3f);
    EXPECT_FLOAT_EQ(fitted.width, 8 * 48);
}

TEST(TextLayout, FitTakesTheLargestWhenItFits) {
    const FittedText fitted = fit_text("流动红旗", 400, 200, kSizes, 1.3f, kFakeAtSize);
    EXPECT_TRUE(fitted.fits);
    EXPECT_FLOAT_EQ(fitted.font_px, 64);
    EXPECT_EQ(fitted.lines, (Lines{"流动红旗"}));
}

TEST(TextLayout, FitSaysSoWhenEvenTheFloorDoesNotFit) {
    std::string text;
    for (int i = 0; i < 10; ++i) text += "牢固树立向管理要质量、向教师队伍建设要质量的指导思想。";
    const FittedText fitted = fit_text(text, 400, 200, kSizes, 1.3f, kFakeAtSize);
    EXPECT_FALSE(fitted.fits);
    EXPECT_FLOAT_EQ(fitted.font_px, 24) << "never below the floor";
    EXPECT_EQ(fitted.lines, wrap_lines(text, 400, [](std::string_view run) { return fake_width(run) * 24; }));
    EXPECT_GT(fitted.height, 200);
}

TEST(TextLayout, FitCountsALineWiderThanTheBoxAsNotFitting) {
    // "中，" cannot be split, and is 2 × 24 px wide: more than a 40 px box.
    const FittedText fitted = fit_text("中，", 40, 1000, kSizes, 1.3f, kFakeAtSize);
    EXPECT_FALSE(fitted.fits);
    EXPECT_FLOAT_EQ(fitted.font_px, 24);
}

TEST(TextLayout, FitOfEmptyTextOrNoSizes) {
    const FittedText empty_text = fit_text("", 400, 200, kSizes, 1.3f, kFakeAtSize);
    EXPECT_TRUE(empty_text.fits);
    EXPECT_FLOAT_EQ(empty_text.font_px, 64);
    EXPECT_TRUE(empty_text.lines.empty());
    EXPECT_FLOAT_EQ(empty_text.height, 0);

    const FittedText no_sizes = fit_text("流动红旗", 400, 200, {}, 1.3f, kFakeAtSize);
    EXPECT_FALSE(no_sizes.fits);
    EXPECT_TRUE(no_sizes.lines.empty());
}

// ---- paginate ---------------------------------------------------------------------

TEST(TextLayout, PaginatesGreedilyCountingTheGaps) {
    const std::vector<float> heights = {100, 100, 100, 100, 100};
    const std::vector<Page> pages = paginate(heights, 320, 10);  // 3 × 100 + 2 × 10 = 320 exactly
    ASSERT_EQ(pages.size(), 2u);
    EXPECT_EQ(pages[0].first, 0u);
    EXPECT_EQ(pages[0].count, 3u);
    EXPECT_EQ(pages[1].first, 3u);
    EXPECT_EQ(pages[1].count, 2u);
    EXPECT_FALSE(pages[0].overfull || pages[1].overfull);
    EXPECT_EQ(paginate(heights, 319, 10).front().count, 2u);
}

TEST(TextLayout, PaginateGivesATooTallItemAPageOfItsOwn) {
    const std::vector<float> heights = {50, 400, 50, 60};
    const std::vector<Page> pages = paginate(heights, 300, 0);
    ASSERT_EQ(pages.size(), 3u);
    EXPECT_EQ(pages[0].count, 1u);
    EXPECT_TRUE(pages[1].overfull);
    EXPECT_EQ(pages[1].first, 1u);
    EXPECT_EQ(pages[2].first, 2u);
    EXPECT_EQ(pages[2].count, 2u);
    EXPECT_FALSE(pages[2].overfull);
}

TEST(TextLayout, PaginateOfNoItemsIsNoPages) { EXPECT_TRUE(paginate({}, 300, 10).empty()); }

}  // namespace
}  // namespace campus::kiosk::text
