// Line-break opportunities (kiosk/text/line_break) and the UTF-8 reader under them.
// Expected breaks are written inline: "|" where a line may end, "#" where it must.
#include "kiosk/text/line_break.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/text/utf8.hpp"

namespace campus::kiosk::text {
namespace {

// The text with "|" after each allowed break and "#" after each mandatory one,
// leaving out the end of the text (always mandatory, checked separately).
std::string marked(std::string_view text) {
    const std::vector<BreakChar> chars = find_line_breaks(text);
    std::string out;
    for (std::size_t i = 0; i < chars.size(); ++i) {
        out.append(text.substr(chars[i].offset, chars[i].length));
        if (i + 1 == chars.size()) {
            EXPECT_EQ(chars[i].after, LineBreak::mandatory) << "the end of the text must end the line";
            break;
        }
        if (chars[i].after == LineBreak::allowed) out += '|';
        if (chars[i].after == LineBreak::mandatory) out += '#';
    }
    return out;
}

// ---- UTF-8 ----------------------------------------------------------------

TEST(LineBreakUtf8, DecodesValidSequencesOfEveryLength) {
    const std::string text = "a\u00e9\u4e2d\U00020000";
    std::vector<char32_t> decoded;
    std::vector<std::size_t> lengths;
    for (const Utf8Char& c : utf8_chars(text)) {
        EXPECT_TRUE(c.valid);
        decoded.push_back(c.codepoint);
        lengths.push_back(c.length);
    }
    EXPECT_EQ(decoded, (std::vector<char32_t>{U'a', U'\u00e9', U'\u4e2d', U'\U00020000'}));
    EXPECT_EQ(lengths, (std::vector<std::size_t>{1, 2, 3, 4}));
    EXPECT_EQ(count_codepoints(text), 4u);
    EXPECT_TRUE(is_valid_utf8(text));
}

TEST(LineBreakUtf8, IllFormedBytesBecomeOneReplacementPerMaximalSubpart) {
    // stray continuation, overlong C0, truncated 3-byte (E4 B8) before ASCII,
    // a surrogate (ED A0 80), F5, and a 4-byte sequence cut off by the end.
    const std::string text = "\x80" "\xc0\xaf" "\xe4\xb8" "x" "\xed\xa0\x80" "\xf5" "\xf0\x9f\x98";
    std::vector<std::size_t> lengths;
    std::string rebuilt;
    for (const Utf8Char& c : utf8_chars(text)) {
        lengths.push_back(c.length);
        if (c.codepoint == U'x') EXPECT_TRUE(c.valid);
        else EXPECT_EQ(c.codepoint, kReplacementCharacter);
        rebuilt.append(text.substr(c.offset, c.length));
    }
    // 80 | C0 | AF | E4 B8 | x | ED | A0 | 80 | F5 | F0 9F 98
    EXPECT_EQ(lengths, (std::vector<std::size_t>{1, 1, 1, 2, 1, 1, 1, 1, 1, 3}));
    EXPECT_EQ(rebuilt, text) << "the pieces must tile the text exactly";
    EXPECT_FALSE(is_valid_utf8(text));
    EXPECT_EQ(sanitize_utf8("\xe4\xb8x"), "\uFFFDx");
}

TEST(LineBreakUtf8, NeverReadsPastTheEndOfAView) {
    // The view stops inside 中 (E4 B8 AD); the byte after the view must not be read.
    const std::string storage = "\xe4\xb8\xad";
    const std::string_view cut(storage.data(), 2);
    const Utf8Char c = decode_utf8_at(cut, 0);
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.length, 2u);
    EXPECT_EQ(count_codepoints(cut), 1u);
}

TEST(LineBreakUtf8, AppendEncodesAndRefusesSurrogates) {
    std::string out;
    for (char32_t c : {U'A', U'\u00e9', U'\u4e2d', U'\U0002B740'}) append_utf8(out, c);
    EXPECT_EQ(out, "A\u00e9\u4e2d\U0002B740");
    std::string bad;
    append_utf8(bad, 0xD800);
    append_utf8(bad, 0x110000);
    EXPECT_EQ(bad, "\uFFFD\uFFFD");
}

TEST(LineBreakUtf8, CollectsTheGlyphsAFontNeeds) {
    std::set<char32_t> glyphs;
    collect_codepoints("流动红旗\n3-2班\t流\xff", glyphs);
    const std::set<char32_t> expected{U'流', U'动', U'红', U'旗', U'3', U'-', U'2', U'班', kReplacementCharacter};
    EXPECT_EQ(glyphs, expected);
}

// ---- What libunibreak already does, kept by the tailoring ---------------------

TEST(LineBreak, HanCharactersBreakAnywhereButNotBeforeThePauseMarks) {
    EXPECT_EQ(marked("牢固树立向管理要质量、向教师队伍建设要质量的指导思想。"),
              "牢|固|树|立|向|管|理|要|质|量、|向|教|师|队|伍|建|设|要|质|量|的|指|导|思|想。");
}

TEST(LineBreak, QuotesTitleMarksAndTheDashPair) {
    EXPECT_EQ(marked("苏霍姆林斯基说“两个教育者”——学校和家庭"),
              "苏|霍|姆|林|斯|基|说|“两|个|教|育|者”|——|学|校|和|家|庭");
    EXPECT_EQ(marked("认真贯彻《义务教育法》，切实做好"), "认|真|贯|彻|《义|务|教|育|法》，|切|实|做|好");
    EXPECT_EQ(marked("「，」"), "「，」");
}

TEST(LineBreak, AsciiPunctuationMixedIntoChineseText) {
    // As the seed plans write it: ASCII , ; : ( ) ! among Han characters.
    EXPECT_EQ(marked("训练,抓好排球操;跳绳(活动)特色:好!"), "训|练,|抓|好|排|球|操;|跳|绳|(活|动)|特|色:|好!");
    EXPECT_EQ(marked("[通知]{重要}"), "[通|知]|{重|要}");
}

TEST(LineBreak, LatinWordsAndNumbersStayWhole) {
    EXPECT_EQ(marked("Python编程社团活动"), "Python|编|程|社|团|活|动");
    EXPECT_EQ(marked("保证入学率、巩固率达100%。"), "保|证|入|学|率、|巩|固|率|达|100%。");
    EXPECT_EQ(marked("三年级3-2班"), "三|年|级|3-2|班");
    EXPECT_EQ(marked("优秀率力争90%和10%以上"), "优|秀|率|力|争|90%|和|10%|以|上");
}

TEST(LineBreak, EllipsisPairIsNeverSplit) {
    EXPECT_EQ(marked("提高青少……年"), "提|高|青|少……|年");
    EXPECT_EQ(marked("等等⋯⋯好"), "等|等|⋯⋯|好");  // the pair whole; it may start a line
}

TEST(LineBreak, HanFromTheExtensionPlanesBreaksLikeAnyHan) {
    EXPECT_EQ(marked("中鿏鿏"), "中|鿏|鿏");
    EXPECT_EQ(marked("中\U00020000\U0002B740\U00030000"), "中|\U00020000|\U0002B740|\U00030000");
    EXPECT_EQ(marked("二〇二三年"), "二|〇|二|三|年");
}

// ---- Where libunibreak 1.1 needed tailoring -----------------------------------

TEST(LineBreak, NumberRangesWithAConnectorStayWhole) {
    // libunibreak 1.1: "2023|—|2024|学|年", "2023–|2024", "3|～|5|年".
    EXPECT_EQ(marked("2023—2024学年"), "2023—2024|学|年");
    EXPECT_EQ(marked("2023–2024"), "2023–2024");
    EXPECT_EQ(marked("3～5年"), "3～5|年");
    EXPECT_EQ(marked("9:00—10:00"), "9:00—10:00");
}

TEST(LineBreak, ALoneConnectorNeverStartsALineButTheDashPairMay) {
    // libunibreak 1.1: "中|～|文", "中|—|文".
    EXPECT_EQ(marked("中～文"), "中～|文");
    EXPECT_EQ(marked("中—文"), "中—|文");
    EXPECT_EQ(marked("家庭——学校"), "家|庭|——|学|校");
}

TEST(LineBreak, MiddleDotNeverStartsALine) {
    // libunibreak 1.1: "基|·|苏".
    EXPECT_EQ(marked("苏霍姆林斯基·苏"), "苏|霍|姆|林|斯|基·|苏");
}

TEST(LineBreak, SpacesHangAtTheEndOfALine) {
    // libunibreak 1.1 breaks before a tab and before U+3000.
    EXPECT_EQ(marked("中\t文"), "中\t|文");
    EXPECT_EQ(marked("a\u3000b\u3000\u3000中"), "a\u3000|b\u3000\u3000|中");
    EXPECT_EQ(marked("hello world"), "hello |world");
    EXPECT_EQ(marked("中 ，文"), "中 ，|文");
}

TEST(LineBreak, FullWidthDigitsAndLettersStayWhole) {
    // libunibreak 1.1: "９|０％", "Ｐ|ｙ|ｔ|ｈ|ｏ|ｎ".
    EXPECT_EQ(marked("达９０％"), "达|９０％");
    EXPECT_EQ(marked("Ｐｙｔｈｏｎ编程"), "Ｐｙｔｈｏｎ|编|程");
}

// ---- Hard breaks, odd input --------------------------------------------------

TEST(LineBreak, NewlinesAreMandatoryBreaks) {
    EXPECT_EQ(marked("第一\n第二"), "第|一\n#第|二");
    EXPECT_EQ(marked("第一\r\n第二"), "第|一\r\n#第|二");
}

TEST(LineBreak, EmptyTextHasNoCharacters) { EXPECT_TRUE(find_line_breaks("").empty()); }

TEST(LineBreak, OnlyClosingPunctuationHasNoBreakInside) { EXPECT_EQ(marked("，。！？、」"), "，。！？、」"); }

TEST(LineBreak, InvalidUtf8IsReadAsReplacementCharacters) {
    const std::string text = "\xff中\xe4\xb8";
    const std::vector<BreakChar> chars = find_line_breaks(text);
    ASSERT_EQ(chars.size(), 3u);
    EXPECT_EQ(chars[0].codepoint, kReplacementCharacter);
    EXPECT_EQ(chars[1].codepoint, U'中');
    EXPECT_EQ(chars[1].offset, 1u);
    EXPECT_EQ(chars[2].codepoint, kReplacementCharacter);
    EXPECT_EQ(chars[2].offset + chars[2].length, text.size());
    EXPECT_EQ(chars[2].after, LineBreak::mandatory);
}

TEST(LineBreak, EveryByteSequenceGivesCharactersThatTileTheText) {
    // Every two-byte string: the characters must cover the bytes exactly, in order.
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; b += 3) {
            const std::string text{static_cast<char>(a), static_cast<char>(b)};
            std::size_t expected_offset = 0;
            for (const BreakChar& c : find_line_breaks(text)) {
                ASSERT_EQ(c.offset, expected_offset) << a << " " << b;
                ASSERT_GE(c.length, 1u);
                expected_offset += c.length;
            }
            ASSERT_EQ(expected_offset, text.size());
        }
    }
}

TEST(LineBreak, SafeFromSeveralThreadsAtOnce) {
    const std::string expected = marked("牢固树立向管理要质量、向教师队伍建设要质量的指导思想。");
    std::vector<std::thread> threads;
    std::vector<std::string> results(4);
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&results, t] {
            for (int i = 0; i < 50; ++i) results[t] = marked("牢固树立向管理要质量、向教师队伍建设要质量的指导思想。");
        });
    for (std::thread& thread : threads) thread.join();
    for (const std::string& result : results) EXPECT_EQ(result, expected);
}

// ---- The last-resort cut -----------------------------------------------------

// The cuts allowed inside `text`, marked with "|" before the character.
std::string cuts(std::string_view text) {
    const std::vector<BreakChar> chars = find_line_breaks(text);
    std::string out;
    for (std::size_t i = 0; i < chars.size(); ++i) {
        if (may_cut_before(chars, i)) out += '|';
        out.append(text.substr(chars[i].offset, chars[i].length));
    }
    return out;
}

TEST(LineBreak, LastResortCutAvoidsClosingPunctuationAtALineStart) {
    EXPECT_EQ(cuts("http://a.cn/b"), "h|t|t|p:|/|/|a.|c|n|/|b");
}

TEST(LineBreak, LastResortCutKeepsPairsClustersAndOpenersTogether) {
    EXPECT_EQ(cuts("a——b"), "a|——|b");
    EXPECT_EQ(cuts("e\u0301x"), "e\u0301|x");
    EXPECT_EQ(cuts("（中）"), "（中）");
    EXPECT_EQ(cuts("12—34"), "1|2—3|4");
    EXPECT_EQ(cuts("ab cd"), "a|b |c|d");
}

TEST(LineBreak, MayCutBeforeRejectsTheEnds) {
    const std::vector<BreakChar> chars = find_line_breaks("中文");
    EXPECT_FALSE(may_cut_before(chars, 0));
    EXPECT_TRUE(may_cut_before(chars, 1));
    EXPECT_FALSE(may_cut_before(chars, 2));
    EXPECT_FALSE(may_cut_before({}, 0));
}

// Where the last line should start, for lines given as character counts.
std::size_t orphan_start(std::string_view text, std::size_t prev_first, std::size_t last_first) {
    const std::vector<BreakChar> chars = find_line_breaks(text);
    return orphan_free_start(chars, prev_first, last_first, chars.size());
}

TEST(LineBreak, OrphanTakesOneCharacterFromTheLineBefore) {
    // "爱护学校的一草一" / "木。" → the last line starts at the second 一 (index 7).
    EXPECT_EQ(orphan_start("爱护学校的一草一木。", 0, 8), 7u);
    // "一二三四五六七，" / "八。" → "七，" moves as one (index 6).
    EXPECT_EQ(orphan_start("一二三四五六七，八。", 0, 8), 6u);
    // "……的一" / "（木）" : the opening bracket belongs to the last line already.
    EXPECT_EQ(orphan_start("爱护学校的一（木）", 0, 6), 5u);
}

TEST(LineBreak, NoOrphanNothingMoves) {
    EXPECT_EQ(orphan_start("一二三四五六七八九", 0, 7), 7u) << "two characters on the last line";
    EXPECT_EQ(orphan_start("一二木。", 0, 2), 2u) << "the line before would keep one";
    EXPECT_EQ(orphan_start("一二三四 五", 0, 5), 5u) << "a break at a space: words, not characters";
    EXPECT_EQ(orphan_start("一二abcd", 0, 5), 5u) << "the piece before is a word (cut as a last resort)";
    EXPECT_EQ(orphan_start("一二三四五", 0, 0), 0u);
    EXPECT_EQ(orphan_start("一二三四五", 3, 2), 2u) << "lines out of order";
    EXPECT_EQ(orphan_start("一二三四五", 0, 5), 5u) << "an empty last line";
}

TEST(LineBreak, CharacterClasses) {
    for (char32_t c : {U'，', U'。', U'、', U'；', U'：', U'？', U'！', U'）', U'」', U'』', U'》', U'”', U',', U'.', U';',
                       U':', U'?', U'!', U')', U']', U'}'})
        EXPECT_TRUE(is_closing_punctuation(c)) << static_cast<unsigned>(c);
    for (char32_t c : {U'（', U'「', U'『', U'《', U'“', U'(', U'[', U'{'})
        EXPECT_TRUE(is_opening_punctuation(c)) << static_cast<unsigned>(c);
    EXPECT_FALSE(is_closing_punctuation(U'中'));
    EXPECT_FALSE(is_opening_punctuation(U'”'));
    EXPECT_TRUE(is_han(U'中'));
    EXPECT_FALSE(is_han(U'，'));
    EXPECT_TRUE(is_line_end_space(U'\u3000'));
}

}  // namespace
}  // namespace campus::kiosk::text
