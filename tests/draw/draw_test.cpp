// The screen's type and drawing layer, headless: FontSet (glyph plans, atlas
// builds, the worker rebuild and swap), the Canvas (wrapping, fitting, the
// layout report, shapes) and the report's JSON. Uses the real Noto Sans CJK SC
// and the bundled sample feed.
//
// [SECTION] Fixtures: an ImGui context without a window, the sample feed
// [SECTION] Sizes
// [SECTION] Glyph plans and the program strings
// [SECTION] Atlas builds and coverage
// [SECTION] Canvas layout and fitting
// [SECTION] Drawing and the layout report
// [SECTION] Shapes
// [SECTION] Every character drawn: emoji, Extension B, invisible characters
// [SECTION] Very large screens
// [SECTION] Rebuild on the worker thread
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <imgui.h>
#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include "kiosk/canvas.hpp"
#include "kiosk/fonts.hpp"
#include "kiosk/layout_report.hpp"
#include "kiosk/text/line_break.hpp"
#include "kiosk/text/utf8.hpp"
#include "kiosk/theme.hpp"
#include "sync/drawable_text.hpp"
#include "sync/feed_parse.hpp"

namespace campus::kiosk {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// [SECTION] Fixtures: an ImGui context without a window, the sample feed

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::shared_ptr<const Feed> load_feed(const std::filesystem::path& path) {
    const ParseResult result = parse_feed(read_file(path));
    if (!result.ok()) {
        std::string why;
        for (const Problem& p : result.problems) why += "\n  " + to_string(p);
        throw std::runtime_error(path.string() + " was rejected:" + why);
    }
    return result.feed;
}

const Feed& sample_feed() {
    static const std::shared_ptr<const Feed> feed = load_feed(std::filesystem::path(KIOSK_ASSETS_DIR) / "sample-feed.json");
    return *feed;
}

// Every string of a feed, for coverage checks.
std::vector<std::string> feed_strings(const Feed& f) {
    std::vector<std::string> out = {f.school.name, f.school.short_name, f.school.motto, f.term.name, f.term.theme};
    for (const Goal& g : f.term.goals) {
        out.insert(out.end(), {g.title, g.category, g.detail});
        if (g.progress) out.push_back(g.progress->unit);
    }
    for (const Habit& h : f.habits) {
        out.insert(out.end(), {h.title, h.detail});
        out.insert(out.end(), h.tips.begin(), h.tips.end());
    }
    for (const SchoolClass& c : f.classes) out.insert(out.end(), {c.id, c.name, c.teacher});
    for (const Competition& c : f.competitions) {
        out.push_back(c.name);
        for (const Criterion& k : c.criteria) out.push_back(k.name);
        for (const Round& r : c.rounds)
            for (const Score& s : r.scores) out.push_back(s.note);
    }
    for (const Announcement& a : f.announcements) out.insert(out.end(), {a.title, a.body});
    for (const SchoolEvent& e : f.events) out.insert(out.end(), {e.title, e.place});
    return out;
}

// An ImGui context of its own, sized like the screen, with no backend.
struct HeadlessContext {
    ImGuiContext* ctx;
    explicit HeadlessContext(int w, int h) : ctx(ImGui::CreateContext()) {
        ImGui::SetCurrentContext(ctx);  // CreateContext makes it current only when none is
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
        io.DeltaTime = 1.0f / 60.0f;
        io.IniFilename = nullptr;
    }
    ~HeadlessContext() { ImGui::DestroyContext(ctx); }
    // One frame with the app's full-screen window around `body`.
    template <class F>
    void frame(F&& body) {
        ImGui::SetCurrentContext(ctx);
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
        ImGui::Begin("screen", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoInputs);
        body();
        ImGui::End();
        ImGui::PopStyleVar();
        ImGui::Render();
    }
};

// One 1080p context and FontSet for the sample feed, shared by the suite
// (an atlas build takes a second; the rebuild tests make their own).
struct Screen1080 {
    ScreenMetrics metrics{1920, 1080};
    HeadlessContext context{1920, 1080};
    FontSet fonts;
    GlyphPlan plan = glyph_plan_for(&sample_feed());
    Screen1080() { fonts.build_now(metrics, plan); }
};
Screen1080& screen() {
    static Screen1080 s;
    ImGui::SetCurrentContext(s.context.ctx);
    return s;
}

constexpr TextStyle kAllStyles[] = {TextStyle::caption, TextStyle::body,    TextStyle::subtitle,
                                    TextStyle::title,   TextStyle::display, TextStyle::hero};
constexpr TextStyle kTextTier[] = {TextStyle::caption, TextStyle::body, TextStyle::subtitle};

// [SECTION] Sizes

TEST(ScreenMetrics, SizesScaleFromTheShortSideWithCaptionAsTheFloor) {
    const ScreenMetrics hd{1920, 1080}, uhd{3840, 2160}, xga{1024, 768}, portrait{1080, 1920};
    EXPECT_EQ(hd.px(TextStyle::caption), 24.0f);  // the floor for any text: 2.2 % of 1080
    EXPECT_EQ(hd.px(TextStyle::body), 30.0f);
    EXPECT_EQ(hd.px(TextStyle::subtitle), 39.0f);
    EXPECT_EQ(hd.px(TextStyle::title), 54.0f);
    EXPECT_EQ(hd.px(TextStyle::display), 86.0f);
    EXPECT_EQ(hd.px(TextStyle::hero), 151.0f);
    EXPECT_EQ(uhd.px(TextStyle::caption), 48.0f);
    EXPECT_EQ(xga.px(TextStyle::caption), 17.0f);
    for (TextStyle s : kAllStyles) {
        EXPECT_EQ(portrait.px(s), hd.px(s)) << "portrait 1080×1920 uses the same short side as 1080p";
        EXPECT_GE(xga.px(s), xga.px(TextStyle::caption));
    }
    for (int i = 1; i < kTextStyleCount; ++i)
        EXPECT_GT(hd.px(kAllStyles[i]), hd.px(kAllStyles[i - 1])) << "styles grow from caption to hero";
}

// [SECTION] Glyph plans and the program strings

TEST(GlyphPlan, TextTierHoldsEveryCodePointOfTheFeed) {
    const GlyphPlan plan = glyph_plan_for(&sample_feed());
    std::size_t checked = 0;
    for (const std::string& s : feed_strings(sample_feed())) {
        std::set<char32_t> cps;
        text::collect_codepoints(s, cps);
        for (char32_t cp : cps) {
            if (cp > 0xFFFF) continue;  // not bakeable in imgui 1.86 (16-bit ImWchar)
            ++checked;
            EXPECT_TRUE(plan.contains(GlyphTier::text, cp)) << "U+" << std::hex << unsigned(cp) << " of \"" << s << "\"";
        }
    }
    EXPECT_GT(checked, 500u) << "the sample feed should exercise a few hundred characters";
    EXPECT_TRUE(std::is_sorted(plan.text.begin(), plan.text.end()));
    EXPECT_EQ(std::adjacent_find(plan.text.begin(), plan.text.end()), plan.text.end()) << "unique";
}

TEST(GlyphPlan, DisplayAndHeroTiersStaySmall) {
    const Feed& f = sample_feed();
    const GlyphPlan plan = glyph_plan_for(&f);
    for (const Habit& h : f.habits) {
        std::set<char32_t> cps;
        text::collect_codepoints(h.title, cps);
        for (char32_t cp : cps) EXPECT_TRUE(plan.contains(GlyphTier::display, cp)) << h.title;
    }
    for (const SchoolClass& c : f.classes) {
        std::set<char32_t> cps;
        text::collect_codepoints(c.name, cps);
        for (char32_t cp : cps) EXPECT_TRUE(plan.contains(GlyphTier::hero, cp)) << c.name;
    }
    std::printf("glyph plan for the sample feed: text %zu, display %zu, hero %zu code points (program strings %zu)\n",
                plan.text.size(), plan.display.size(), plan.hero.size(), program_code_points().size());
    EXPECT_LT(plan.display.size(), plan.text.size() / 2);
    EXPECT_LT(plan.hero.size(), plan.text.size() / 2);
}

// A screen plans for its own role: a lobby shows no class card and no
// assembly, so no class name is baked above subtitle, nor the rank's words.
TEST(GlyphPlan, ARolePlansOnlyWhatItsPagesDrawLarge) {
    const Feed& f = sample_feed();
    const GlyphPlan every = glyph_plan_for(&f);
    for (const Role role : {Role::lobby, Role::corridor, Role::classroom, Role::assembly}) {
        const GlyphPlan plan = glyph_plan_for(&f, role);
        EXPECT_EQ(plan.text, every.text) << "every string of the feed at caption..subtitle, whatever the role";
        for (GlyphTier t : {GlyphTier::heading, GlyphTier::display, GlyphTier::hero})
            EXPECT_TRUE(std::includes(every.tier(t).begin(), every.tier(t).end(), plan.tier(t).begin(),
                                      plan.tier(t).end()));
    }
    // The classroom (its class card) and the assembly between them draw every large thing there is.
    const GlyphPlan classroom = glyph_plan_for(&f, Role::classroom), assembly = glyph_plan_for(&f, Role::assembly);
    for (GlyphTier t : {GlyphTier::heading, GlyphTier::display, GlyphTier::hero}) {
        std::vector<char32_t> both;
        std::set_union(classroom.tier(t).begin(), classroom.tier(t).end(), assembly.tier(t).begin(),
                       assembly.tier(t).end(), std::back_inserter(both));
        EXPECT_EQ(both, every.tier(t));
    }
    const GlyphPlan lobby = glyph_plan_for(&f, Role::lobby);
    EXPECT_EQ(lobby, glyph_plan_for(&f, Role::corridor));
    EXPECT_LT(lobby.hero.size(), every.hero.size());
    EXPECT_LT(lobby.display.size(), every.display.size());
    EXPECT_FALSE(lobby.contains(GlyphTier::hero, U'班')) << "班 is only in class names here";
    EXPECT_FALSE(lobby.contains(GlyphTier::hero, U'努')) << "继续努力 is the class card's";
    EXPECT_TRUE(classroom.contains(GlyphTier::hero, U'努'));
    EXPECT_TRUE(classroom.contains(GlyphTier::heading, U'班')) << "the card's title";
    EXPECT_TRUE(assembly.contains(GlyphTier::hero, U'班')) << "the holders' names";
    for (const Competition& c : f.competitions) {
        std::set<char32_t> cps;
        text::collect_codepoints(c.name, cps);
        for (char32_t cp : cps) EXPECT_TRUE(lobby.contains(GlyphTier::heading, cp)) << "the standings page's title";
    }
}

TEST(GlyphPlan, ProgramStringsAreInTheTextAndHeadingTiersEvenWithoutAFeed) {
    const GlyphPlan waiting = glyph_plan_for(nullptr);
    // The kiosk's own words, collected from kiosk/ at build time.
    const std::string words = "星期一二三四五六日年月";
    std::set<char32_t> cps;
    text::collect_codepoints(words, cps);
    for (char32_t cp : cps) {
        EXPECT_TRUE(std::binary_search(program_code_points().begin(), program_code_points().end(), cp))
            << "U+" << std::hex << unsigned(cp) << " should be collected from kiosk/pages/page_util.cpp";
    }
    for (char32_t cp : program_code_points()) {
        if (character_fate(cp) != CharacterFate::drawn) continue;  // U+2028 in a comment-free literal: never drawn
        for (GlyphTier t : {GlyphTier::text, GlyphTier::heading})
            EXPECT_TRUE(waiting.contains(t, cp)) << "U+" << std::hex << unsigned(cp);
    }
    for (char32_t cp = 0x20; cp <= 0x7E; ++cp) {
        EXPECT_TRUE(waiting.contains(GlyphTier::text, cp));
        EXPECT_TRUE(waiting.contains(GlyphTier::heading, cp));
    }
    // Display and hero: the program's words drawn that large, digits, the space.
    std::set<char32_t> large;
    text::collect_codepoints(std::string(large_words::countdown) + large_words::rank + large_words::week +
                                 "0123456789 中", large);
    for (GlyphTier t : {GlyphTier::display, GlyphTier::hero}) {
        std::set<char32_t> want = large;
        if (t == GlyphTier::display) text::collect_codepoints(large_words::emergency_label, want);
        for (char32_t cp : want) EXPECT_TRUE(waiting.contains(t, cp)) << "U+" << std::hex << unsigned(cp);
        EXPECT_EQ(waiting.tier(t).size(), want.size()) << "nothing else without a feed";
    }
    EXPECT_TRUE(waiting.contains(GlyphTier::text, U'，'));
    EXPECT_TRUE(waiting.contains(GlyphTier::text, U'％'));
    EXPECT_TRUE(waiting.contains(GlyphTier::text, U'…'));
    EXPECT_TRUE(waiting.contains(GlyphTier::text, U'★'));
}

// The generator itself: literals in, comments out, escapes decoded.
TEST(GlyphPlan, CollectorTakesStringLiteralsNotComments) {
    const auto dir = std::filesystem::temp_directory_path() / ("kiosk-collect-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream src(dir / "page.cpp");
        src << "// 注释里的字不画\n/* 块注释也不 */\n"
               "const char* a = \"流动红旗\"; const char* b = u8\"还有\\u5929\";\n"
               "auto r = R\"x(今天)x\"; char32_t c = U'★'; int n = 1'000;\n";
    }
    const auto out = dir / "glyphs.inc";
    const std::string cmd = std::string(KIOSK_COLLECT_GLYPHS) + " " + out.string() + " " + (dir / "page.cpp").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const std::string inc = read_file(out);
    for (char32_t cp : {U'流', U'动', U'红', U'旗', U'还', U'有', U'天', U'今', U'★'}) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%04X", unsigned(cp));
        EXPECT_NE(inc.find(hex), std::string::npos) << hex << " missing from\n" << inc;
    }
    for (char32_t cp : {U'注', U'释', U'块'}) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%04X", unsigned(cp));
        EXPECT_EQ(inc.find(hex), std::string::npos) << hex << " comes from a comment";
    }
    std::filesystem::remove_all(dir);
}

// [SECTION] Atlas builds and coverage

TEST(FontSet, FindsNotoSansCjkSc) {
    const FontSet::FontFile f = FontSet::find_font_file();
    EXPECT_NE(f.path.find("NotoSansCJK"), std::string::npos) << f.path;
    EXPECT_EQ(f.face_index, 2) << "Noto Sans CJK SC is face 2 of Debian's .ttc";
    const auto bold = FontSet::find_bold_font_file(f);
    ASSERT_TRUE(bold.has_value());
    EXPECT_NE(bold->path.find("Bold"), std::string::npos) << bold->path;
}

TEST(FontSet, BakesOneFontPerStyleAtItsSize) {
    Screen1080& s = screen();
    ASSERT_TRUE(s.fonts.built());
    EXPECT_EQ(ImGui::GetIO().Fonts->Fonts.Size, kTextStyleCount);
    for (TextStyle st : kAllStyles) {
        ASSERT_NE(s.fonts.font(st), nullptr);
        EXPECT_EQ(s.fonts.font(st)->FontSize, s.metrics.px(st));
        EXPECT_EQ(s.fonts.px(st), s.metrics.px(st));
    }
    EXPECT_EQ(s.fonts.px(TextStyle::caption), 24.0f);
    EXPECT_EQ(ImGui::GetIO().FontDefault, s.fonts.font(TextStyle::body));
}

TEST(FontSet, CoversTheFeedInTheTextTierAndOnlyPlannedStringsAbove) {
    Screen1080& s = screen();
    const Feed& f = sample_feed();
    for (const std::string& str : feed_strings(f))
        for (TextStyle st : kTextTier) EXPECT_TRUE(s.fonts.covers(st, str)) << str;
    for (const SchoolClass& c : f.classes) EXPECT_TRUE(s.fonts.covers(TextStyle::hero, c.name)) << c.name;
    for (const Habit& h : f.habits) EXPECT_TRUE(s.fonts.covers(TextStyle::display, h.title)) << h.title;
    // Title: the names and titles pages set at title, and whatever display or
    // hero holds (a page that cannot fit those large sets them at title).
    for (const Announcement& a : f.announcements) EXPECT_TRUE(s.fonts.covers(TextStyle::title, a.title)) << a.title;
    for (const SchoolEvent& e : f.events) {
        EXPECT_TRUE(s.fonts.covers(TextStyle::title, e.title)) << e.title;
        EXPECT_TRUE(s.fonts.covers(TextStyle::title, e.place)) << e.place;
    }
    for (const SchoolClass& c : f.classes) EXPECT_TRUE(s.fonts.covers(TextStyle::title, c.name)) << c.name;
    for (const Competition& c : f.competitions) {
        EXPECT_TRUE(s.fonts.covers(TextStyle::title, c.name)) << c.name;
        for (const Criterion& k : c.criteria) EXPECT_TRUE(s.fonts.covers(TextStyle::title, k.name)) << k.name;
    }
    EXPECT_TRUE(s.fonts.covers(TextStyle::title, f.school.name));
    EXPECT_TRUE(s.fonts.covers(TextStyle::title, f.term.name));
    // The long texts pages set at subtitle and below are not baked at title.
    bool some_body_missing = false;
    for (const Announcement& a : f.announcements) some_body_missing |= !s.fonts.covers(TextStyle::title, a.body);
    EXPECT_TRUE(some_body_missing);
    EXPECT_TRUE(s.fonts.covers(TextStyle::caption, "星期三 第12周 2026年11月8日 12:30"));
    EXPECT_TRUE(s.fonts.covers(TextStyle::hero, "2026"));
    // A goal's long detail is never drawn at hero size: its glyphs are not there.
    bool some_detail_missing = false;
    for (const Goal& g : f.term.goals) some_detail_missing |= !s.fonts.covers(TextStyle::hero, g.detail);
    EXPECT_TRUE(some_detail_missing);
    EXPECT_FALSE(s.fonts.covers(TextStyle::body, "龘")) << "not in the feed, not baked";
    EXPECT_FALSE(s.fonts.covers(TextStyle::body, "\xF0\xA0\x80\x80")) << "U+20000 is beyond 16-bit ImWchar";
}

TEST(FontSet, AtlasSizeAt1080pAnd4K) {
    const GlyphPlan plan = glyph_plan_for(&sample_feed());
    for (const ScreenMetrics m : {ScreenMetrics{1920, 1080}, ScreenMetrics{3840, 2160}}) {
        HeadlessContext ctx(m.width, m.height);
        FontSet fonts;
        fonts.build_now(m, plan);
        const double mpx = static_cast<double>(fonts.atlas_pixels()) / 1e6;
        std::printf("atlas %dx%d: %dx%d = %.1f Mpx (%.1f MB as GL_R8), built in %.0f ms\n", m.width, m.height,
                    fonts.atlas_width(), fonts.atlas_height(), mpx, mpx, fonts.last_build_ms());
        EXPECT_LE(fonts.atlas_width(), 16384);
        EXPECT_LE(fonts.atlas_height(), 16384);
        // Budgets (one byte a pixel, and under llvmpipe the kiosk's own memory):
        // the sample feed takes 2.5 Mpx at 1080p and 9.2 at 4K; when every tier
        // held every program string and title every string of the feed it took
        // 6 and 23. A plan leak (a tier getting what no page draws at its
        // size) would blow through them.
        EXPECT_LT(mpx, m.height == 1080 ? 3.5 : 12.0);
        EXPECT_GT(fonts.atlas_pixels(), 0u);
    }
}

// At 4K a hero glyph is about 280 px square, a display glyph 160, a title
// glyph 100: the fonts of those sizes hold only what pages draw that large,
// computed here from the feed's fields as the pages use them.
TEST(FontSet, At4KTheLargeSizesHoldOnlyWhatPagesDrawThatLarge) {
    const Feed& f = sample_feed();
    const ScreenMetrics uhd{3840, 2160};
    HeadlessContext ctx(uhd.width, uhd.height);
    FontSet fonts;
    fonts.build_now(uhd, glyph_plan_for(&f));
    std::set<char32_t> hero, display, heading;
    const auto add = [](std::set<char32_t>& to, const std::string& s) { text::collect_codepoints(s, to); };
    // Hero: the countdown's number, the class card's rank, the assembly's
    // classes and competitions, an emergency's title.
    add(hero, std::string(large_words::countdown) + large_words::rank + large_words::week + "0123456789 中");
    hero.insert(U'\t');  // ImGui's own: a copy of the space's glyph in every font
    for (const SchoolClass& c : f.classes) add(hero, c.id + c.name);
    for (const Competition& c : f.competitions) add(hero, c.name);
    for (const Announcement& a : f.announcements)
        if (a.level == AnnouncementLevel::emergency) add(hero, a.title);
    // Display: those, the school, the habits, the events, an emergency's body.
    display = hero;
    add(display, large_words::emergency_label);
    add(display, f.school.name + f.school.short_name);
    for (const Habit& h : f.habits) add(display, h.title);
    for (const SchoolEvent& e : f.events) add(display, e.title);
    for (const Announcement& a : f.announcements)
        if (a.level == AnnouncementLevel::emergency) add(display, a.body);
    // Title: those, the program's strings and ASCII, and the feed's names and titles.
    heading = display;
    heading.insert(program_code_points().begin(), program_code_points().end());
    for (char32_t cp = 0x20; cp <= 0x7E; ++cp) heading.insert(cp);
    add(heading, f.school.motto + f.term.name + f.term.theme);
    for (const Competition& c : f.competitions)
        for (const Criterion& k : c.criteria) add(heading, k.name);
    for (const Announcement& a : f.announcements) add(heading, a.title);
    for (const SchoolEvent& e : f.events) add(heading, e.place);
    if (f.gallery) add(heading, f.gallery->title);

    for (const auto& [style, allowed] : {std::pair{TextStyle::hero, &hero}, std::pair{TextStyle::display, &display},
                                         std::pair{TextStyle::title, &heading}}) {
        const ImFont* font = fonts.font(style);
        ASSERT_NE(font, nullptr);
        std::size_t extra = 0;
        for (const ImFontGlyph& g : font->Glyphs) {
            if (allowed->count(g.Codepoint) == 0) {
                ++extra;
                if (extra <= 5) ADD_FAILURE() << "U+" << std::hex << unsigned(g.Codepoint) << " baked at " << std::dec
                                              << fonts.px(style) << " px, where no page draws it";
            }
        }
        EXPECT_EQ(extra, 0u) << "glyphs baked at " << fonts.px(style) << " px that no page draws that large";
    }
    // And what they must hold, they hold.
    for (const Habit& h : f.habits) EXPECT_TRUE(fonts.covers(TextStyle::display, h.title)) << h.title;
    for (const SchoolClass& c : f.classes) EXPECT_TRUE(fonts.covers(TextStyle::hero, c.name)) << c.name;
    EXPECT_FALSE(fonts.covers(TextStyle::hero, "还有")) << "the countdown's 还有 is set at title";
    EXPECT_TRUE(fonts.covers(TextStyle::hero, "今天"));
    EXPECT_TRUE(fonts.covers(TextStyle::display, "紧急通知"));
    EXPECT_TRUE(fonts.covers(TextStyle::title, "本月习惯养成重点"));
}

// [SECTION] Canvas layout and fitting

float measured(const FontSet& fonts, TextStyle st, const std::string& line) {
    return fonts.font(st)->CalcTextSizeA(fonts.px(st), FLT_MAX, 0, line.data(), line.data() + line.size()).x;
}

TEST(Canvas, WrappingNeverExceedsTheWidth) {
    Screen1080& s = screen();
    Canvas canvas(s.metrics, s.fonts, nullptr);
    int wrapped = 0;
    for (const std::string& str : feed_strings(sample_feed())) {
        for (float width : {260.0f, 520.0f, 900.0f}) {
            for (TextStyle st : {TextStyle::caption, TextStyle::subtitle, TextStyle::title}) {
                const TextBlock b = canvas.layout(str, st, width);
                EXPECT_EQ(b.text, str);
                EXPECT_TRUE(b.fits) << str << " at " << width;
                // Title holds the feed's names and titles; a long text is set at subtitle.
                EXPECT_EQ(b.style, s.fonts.covers(st, str) ? st : TextStyle::subtitle) << str;
                for (const std::string& line : b.lines) {
                    EXPECT_LE(measured(s.fonts, b.style, line), width + 0.5f) << line;
                    if (!line.empty()) {
                        const char32_t first = text::decode_utf8_at(line, 0).codepoint;
                        if (&line != &b.lines.front()) {
                            EXPECT_FALSE(text::is_closing_punctuation(first)) << line;
                        }
                    }
                }
                EXPECT_FLOAT_EQ(b.height, static_cast<float>(b.lines.size()) * canvas.line_height(b.style));
                wrapped += b.lines.size() > 1;
            }
        }
    }
    EXPECT_GT(wrapped, 20) << "the widths should force wrapping";
    std::printf("wrapped %d of %zu layouts over several lines\n", wrapped, feed_strings(sample_feed()).size() * 9);
}

TEST(Canvas, DisplayStyleFallsBackWhenItsTierLacksTheGlyphs) {
    Screen1080& s = screen();
    Canvas canvas(s.metrics, s.fonts, nullptr);
    const Goal* detailed = nullptr;
    for (const Goal& g : sample_feed().term.goals)
        if (!s.fonts.covers(TextStyle::display, g.detail)) detailed = &g;
    ASSERT_NE(detailed, nullptr);
    const TextBlock b = canvas.layout(detailed->detail, TextStyle::display, 1500);
    EXPECT_EQ(b.style, TextStyle::subtitle) << "never drawn with missing glyphs (nor title: a detail is no heading)";
    EXPECT_EQ(b.missing, 0u);
    const TextBlock habit = canvas.layout(sample_feed().habits.front().title, TextStyle::display, 1500);
    EXPECT_EQ(habit.style, TextStyle::display);
    const std::string& notice = sample_feed().announcements.front().title;
    EXPECT_FALSE(s.fonts.covers(TextStyle::display, notice));
    EXPECT_EQ(canvas.layout(notice, TextStyle::display, 1500).style, TextStyle::title) << "a heading, not display";
}

TEST(Canvas, FitPicksTheLargestStyleThatFitsAndNeverGoesBelowTheFloor) {
    Screen1080& s = screen();
    Canvas canvas(s.metrics, s.fonts, nullptr);
    std::string title;  // the longest notice title: its page sets it at title
    for (const Announcement& a : sample_feed().announcements)
        if (a.title.size() > title.size()) title = a.title;
    const TextBlock roomy = canvas.fit(title, TextStyle::title, TextStyle::caption, 1800, 400);
    EXPECT_EQ(roomy.style, TextStyle::title);
    EXPECT_TRUE(roomy.fits);
    const TextBlock tight = canvas.fit(title, TextStyle::title, TextStyle::caption, 400, 110);
    EXPECT_TRUE(tight.fits);
    EXPECT_LT(tight.style, TextStyle::title);
    EXPECT_LE(tight.height, 110.0f);
    EXPECT_LE(tight.width, 400.0f + 0.5f);
    const TextBlock hopeless = canvas.fit(title, TextStyle::title, TextStyle::caption, 200, 40);
    EXPECT_FALSE(hopeless.fits);
    EXPECT_EQ(hopeless.style, TextStyle::caption) << "paginate, never shrink below the floor";
    EXPECT_EQ(hopeless.px, 24.0f);
    EXPECT_GT(hopeless.lines.size(), 1u);
}

// [SECTION] Drawing and the layout report

TEST(Canvas, ReportRecordsWholeStringsLinesRectsAndClipping) {
    Screen1080& s = screen();
    LayoutReport report("goals", s.metrics.width, s.metrics.height);
    Canvas canvas(s.metrics, s.fonts, &report);
    const std::string long_title = sample_feed().term.goals.at(2).title;
    Rect a, b, c;
    s.context.frame([&] {
        a = canvas.text(long_title, TextStyle::subtitle, ImVec2(100, 100), 600, theme::ink);
        b = canvas.text("第12周", TextStyle::caption, ImVec2(100, 600), 600, theme::ink, Align::right);
        canvas.set_clip(Rect{0, 0, 1920, 800});
        c = canvas.text("钢城实验小学", TextStyle::title, ImVec2(1800, 780), 1000, theme::ink);
    });
    ASSERT_EQ(report.entries().size(), 3u);
    const LayoutEntry& e = report.entries()[0];
    EXPECT_EQ(e.text, long_title) << "the whole string, even when wrapped";
    EXPECT_GT(e.lines.size(), 1u);
    std::string joined;
    for (const auto& l : e.lines) joined += l;
    EXPECT_EQ(joined, long_title);
    EXPECT_EQ(e.px, 39.0f);
    EXPECT_FALSE(e.clipped);
    EXPECT_FLOAT_EQ(e.rect.y, 100);
    EXPECT_LE(e.rect.w, 600.5f);
    EXPECT_FLOAT_EQ(e.rect.h, static_cast<float>(e.lines.size()) * 39.0f * 1.3f);
    EXPECT_FLOAT_EQ(a.h, e.rect.h);
    // Right-aligned in its 600 px box.
    EXPECT_NEAR(report.entries()[1].rect.right(), 700.0f, 0.5f);
    EXPECT_FALSE(report.entries()[1].clipped);
    EXPECT_TRUE(report.entries()[2].clipped) << "leaves the screen and the clip";

    const nlohmann::json j = report.to_json();
    EXPECT_EQ(j["page"], "goals");
    EXPECT_EQ(j["size"], nlohmann::json({1920, 1080}));
    ASSERT_EQ(j["texts"].size(), 3u);
    EXPECT_EQ(j["texts"][0]["text"], long_title);
    EXPECT_EQ(j["texts"][0]["lines"].size(), e.lines.size());
    EXPECT_EQ(j["texts"][0]["rect"].size(), 4u);
    EXPECT_EQ(j["texts"][2]["clipped"], true);

    const auto path = std::filesystem::temp_directory_path() / ("kiosk-report-" + std::to_string(::getpid()) + ".json");
    report.write(path);
    EXPECT_EQ(nlohmann::json::parse(read_file(path)), j);
    std::filesystem::remove(path);
}

TEST(Canvas, TextIsDrawnAsTextNotAsAFormat) {
    Screen1080& s = screen();
    LayoutReport report("t", 1920, 1080);
    Canvas canvas(s.metrics, s.fonts, &report);
    const std::string hostile = "完成率 100%s %d %n";
    int vertices = 0;
    s.context.frame([&] {
        canvas.text(hostile, TextStyle::body, ImVec2(10, 10), 1000, theme::ink);
        vertices = ImGui::GetWindowDrawList()->VtxBuffer.Size;
    });
    ASSERT_EQ(report.entries().size(), 1u);
    EXPECT_EQ(report.entries()[0].lines.front(), hostile);
    // Every non-space character is a glyph quad (4 vertices): nothing was eaten by printf.
    int glyphs = 0;
    for (const auto& ch : text::utf8_chars(hostile)) glyphs += ch.codepoint != U' ';
    EXPECT_GE(vertices, glyphs * 4);
}

// [SECTION] Shapes

struct Bounds {
    ImVec2 min{FLT_MAX, FLT_MAX}, max{-FLT_MAX, -FLT_MAX};
};
Bounds bounds_of(const ImDrawList* dl, int from) {
    Bounds b;
    for (int i = from; i < dl->VtxBuffer.Size; ++i) {
        const ImVec2 p = dl->VtxBuffer[i].pos;
        b.min = ImVec2(std::min(b.min.x, p.x), std::min(b.min.y, p.y));
        b.max = ImVec2(std::max(b.max.x, p.x), std::max(b.max.y, p.y));
    }
    return b;
}

TEST(Canvas, RedFlagStaysInItsRectAndWaves) {
    Screen1080& s = screen();
    Canvas canvas(s.metrics, s.fonts, nullptr);
    const Rect r{200, 200, 120, 160};
    std::vector<ImVec2> still, waving;
    Bounds still_bounds, waving_bounds;
    std::size_t reds = 0, golds = 0;
    for (float wave : {0.0f, 5.0f}) {
        s.context.frame([&] {
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const int from = dl->VtxBuffer.Size;
            canvas.red_flag(r, wave);
            auto& out = wave == 0 ? still : waving;
            for (int i = from; i < dl->VtxBuffer.Size; ++i) {
                out.push_back(dl->VtxBuffer[i].pos);
                if (wave == 0) {
                    reds += dl->VtxBuffer[i].col == theme::flag_red;
                    golds += dl->VtxBuffer[i].col == theme::flag_star;
                }
            }
            (wave == 0 ? still_bounds : waving_bounds) = bounds_of(dl, from);
        });
    }
    for (const Bounds& b : {still_bounds, waving_bounds}) {
        EXPECT_GE(b.min.x, r.x - 1.5f);
        EXPECT_GE(b.min.y, r.y - 1.5f);
        EXPECT_LE(b.max.x, r.right() + 1.5f);
        EXPECT_LE(b.max.y, r.bottom() + 1.5f);
    }
    EXPECT_GT(reds, 0u) << "the cloth is the flag's red";
    EXPECT_GT(golds, 0u) << "one gold star";
    ASSERT_EQ(still.size(), waving.size());
    float moved = 0;
    for (std::size_t i = 0; i < still.size(); ++i) moved = std::max(moved, std::fabs(still[i].y - waving[i].y));
    EXPECT_GT(moved, 2.0f) << "a waving flag differs from the still one";
}

TEST(Canvas, MovementMarksAndProgressBarsAreShapes) {
    Screen1080& s = screen();
    LayoutReport report("t", 1920, 1080);
    Canvas canvas(s.metrics, s.fonts, &report);
    const Rect r{50, 50, 40, 40};
    s.context.frame([&] {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        for (auto [movement, is_new] : {std::pair{1, false}, {-2, false}, {0, false}, {0, true}}) {
            const int from = dl->VtxBuffer.Size;
            canvas.movement_mark(r, movement, is_new);
            EXPECT_GT(dl->VtxBuffer.Size, from);
            const Bounds b = bounds_of(dl, from);
            EXPECT_GE(b.min.x, r.x - 1);
            EXPECT_LE(b.max.x, r.right() + 1);
            const ImU32 expected = is_new ? theme::gold : movement > 0 ? theme::up : movement < 0 ? theme::down : theme::ink_secondary;
            EXPECT_EQ(dl->VtxBuffer[from].col & 0x00FFFFFF, expected & 0x00FFFFFF);
        }
        const int from = dl->VtxBuffer.Size;
        canvas.progress_bar(Rect{100, 100, 400, 20}, 0.5f, theme::progress_fill, theme::progress_track);
        const Bounds b = bounds_of(dl, from);
        // The track's right edge and half a pixel of anti-aliasing fringe. ImGui
        // sets the fringe with an approximate reciprocal square root (SSE rsqrtss),
        // whose last bits differ between processors: 500.50003 on some.
        EXPECT_LE(b.max.x, 500.5f + 1e-3f);
        canvas.progress_bar(Rect{100, 200, 400, 20}, std::nanf(""), theme::progress_fill, theme::progress_track);
    });
    EXPECT_TRUE(report.entries().empty()) << "shapes are not text";
}

// [SECTION] Every character drawn: emoji, Extension B, invisible characters

// The strings of these tests, as a feed would bring them: a name with
// Extension B, WeChat's emoji with their selectors, a zero-width space.
constexpr const char* kWeChat = "⚠\uFE0F紧急提醒❗秋冬季传染病高发📢";
constexpr const char* kName = "王𠀋𡈽";
constexpr const char* kWithSpecials = "王𠀋通知📢校园\u200B开放日";  // Extension B, an emoji, a zero-width space
constexpr const char* kWithQuestionMarks = "王?通知?校园?开放日";
constexpr const char* kWithoutZwsp = "王𠀋通知📢校园开放日";
constexpr const char* kUyghur = "ئۇيغۇر";
constexpr const char* kNoFontHasIt = "名\U0003134A字";  // U+3134A, Extension G: drawable by rule, in no installed font

// The sample feed plus the strings above, at 1080p.
struct GlyphScreen {
    ScreenMetrics metrics{1920, 1080};
    HeadlessContext context{1920, 1080};
    FontSet fonts;
    GlyphScreen() {
        GlyphPlan plan = glyph_plan_for(&sample_feed());
        for (const char* s : {kWeChat, kName, kWithSpecials, kWithQuestionMarks, kWithoutZwsp, kUyghur, kNoFontHasIt}) {
            plan.add(GlyphTier::text, s);
            plan.add(GlyphTier::heading, s);
            plan.add(GlyphTier::display, s);
        }
        plan.normalise();
        fonts.build_now(metrics, plan);
    }
};
GlyphScreen& glyph_screen() {
    static GlyphScreen s;
    ImGui::SetCurrentContext(s.context.ctx);
    return s;
}

// The frame's draw data rasterised on the CPU from the atlas's own pixels (no
// GL here): each triangle's texels, nearest sample, times the vertex alpha.
// Text is all this draws, so this is what the screen would show, in coverage.
struct Coverage {
    int width = 0, height = 0;
    std::vector<unsigned char> pixels;
    bool operator==(const Coverage&) const = default;
    long ink() const {
        long sum = 0;
        for (unsigned char p : pixels) sum += p;
        return sum;
    }
};
Coverage rasterise(const ImDrawData* data, int width, int height) {
    Coverage out{width, height, std::vector<unsigned char>(static_cast<std::size_t>(width * height), 0)};
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    EXPECT_NE(atlas->TexPixelsAlpha8, nullptr) << "headless: the CPU copy of the atlas stays";
    if (!atlas->TexPixelsAlpha8) return out;
    const auto texel = [&](ImVec2 uv) {
        const int x = std::clamp(static_cast<int>(uv.x * static_cast<float>(atlas->TexWidth)), 0, atlas->TexWidth - 1);
        const int y = std::clamp(static_cast<int>(uv.y * static_cast<float>(atlas->TexHeight)), 0, atlas->TexHeight - 1);
        return atlas->TexPixelsAlpha8[y * atlas->TexWidth + x];
    };
    for (int l = 0; l < data->CmdListsCount; ++l) {
        const ImDrawList* dl = data->CmdLists[l];
        for (int i = 0; i + 2 < dl->IdxBuffer.Size; i += 3) {
            const ImDrawVert& a = dl->VtxBuffer[dl->IdxBuffer[i]];
            const ImDrawVert& b = dl->VtxBuffer[dl->IdxBuffer[i + 1]];
            const ImDrawVert& c = dl->VtxBuffer[dl->IdxBuffer[i + 2]];
            const float area = (b.pos.x - a.pos.x) * (c.pos.y - a.pos.y) - (c.pos.x - a.pos.x) * (b.pos.y - a.pos.y);
            if (std::fabs(area) < 1e-6f) continue;
            const int x0 = std::max(0, static_cast<int>(std::floor(std::min({a.pos.x, b.pos.x, c.pos.x}))));
            const int x1 = std::min(width - 1, static_cast<int>(std::ceil(std::max({a.pos.x, b.pos.x, c.pos.x}))));
            const int y0 = std::max(0, static_cast<int>(std::floor(std::min({a.pos.y, b.pos.y, c.pos.y}))));
            const int y1 = std::min(height - 1, static_cast<int>(std::ceil(std::max({a.pos.y, b.pos.y, c.pos.y}))));
            for (int y = y0; y <= y1; ++y)
                for (int x = x0; x <= x1; ++x) {
                    const float px = static_cast<float>(x) + 0.5f;
                    const float py = static_cast<float>(y) + 0.5f;
                    const float wa = ((b.pos.x - px) * (c.pos.y - py) - (c.pos.x - px) * (b.pos.y - py)) / area;
                    const float wb = ((c.pos.x - px) * (a.pos.y - py) - (a.pos.x - px) * (c.pos.y - py)) / area;
                    const float wc = 1.0f - wa - wb;
                    if (wa < 0 || wb < 0 || wc < 0) continue;
                    const ImVec2 uv(a.uv.x * wa + b.uv.x * wb + c.uv.x * wc, a.uv.y * wa + b.uv.y * wb + c.uv.y * wc);
                    const int alpha = texel(uv) * static_cast<int>((a.col >> IM_COL32_A_SHIFT) & 0xFF) / 255;
                    unsigned char& dst = out.pixels[static_cast<std::size_t>(y * width + x)];
                    dst = static_cast<unsigned char>(std::max<int>(dst, alpha));
                }
        }
    }
    return out;
}

// One text drawn alone at body size; its coverage and its report entry.
struct Drawn {
    Coverage coverage;
    LayoutEntry entry;
};
Drawn draw_alone(GlyphScreen& s, const std::string& text, TextStyle style = TextStyle::body) {
    LayoutReport report("glyphs", s.metrics.width, s.metrics.height);
    Canvas canvas(s.metrics, s.fonts, &report);
    s.context.frame([&] { canvas.text(text, style, ImVec2(40, 40), 1800, theme::ink); });
    Drawn d{rasterise(ImGui::GetDrawData(), 1920, 200), {}};
    EXPECT_EQ(report.entries().size(), 1u);
    if (!report.entries().empty()) d.entry = report.entries()[0];
    return d;
}

TEST(Glyphs, EmojiExtensionBAndAZeroWidthSpaceAreDrawnNotQuestionMarks) {
    GlyphScreen& s = glyph_screen();
    const Drawn specials = draw_alone(s, kWithSpecials);
    const Drawn questions = draw_alone(s, kWithQuestionMarks);
    const Drawn without_zwsp = draw_alone(s, kWithoutZwsp);
    EXPECT_GT(specials.coverage.ink(), 0);
    EXPECT_NE(specials.coverage, questions.coverage) << "𠀋 and 📢 are their own glyphs, not `?`";
    EXPECT_EQ(specials.coverage, without_zwsp.coverage) << "a zero-width space draws nothing, not even a gap";
    EXPECT_EQ(specials.entry.missing, 0u);
    EXPECT_EQ(specials.entry.drawn, kWithoutZwsp) << "the report says what was drawn";
    EXPECT_EQ(specials.entry.text, kWithSpecials) << "and keeps the text as given";
    EXPECT_TRUE(without_zwsp.entry.drawn.empty()) << "nothing to say when the text is drawn as given";
}

TEST(Glyphs, EachSpecialCharacterHasInkOfItsOwn) {
    GlyphScreen& s = glyph_screen();
    for (const char* one : {"𠀋", "𡈽", "📢", "⚠", "❗"}) {
        const Drawn d = draw_alone(s, one);
        const Drawn q = draw_alone(s, "?");
        EXPECT_GT(d.coverage.ink(), 0) << one;
        EXPECT_NE(d.coverage, q.coverage) << one;
        EXPECT_EQ(d.entry.missing, 0u) << one;
        EXPECT_TRUE(s.fonts.covers(TextStyle::body, one)) << one;
        EXPECT_TRUE(s.fonts.covers(TextStyle::display, one)) << one << " is in the display tier too";
    }
    EXPECT_EQ(s.fonts.stand_ins().size(), 4u) << "𠀋 𡈽 📢 and U+3134A: a slot each, glyph or not";
    EXPECT_EQ(s.fonts.stand_ins().stand_in(U'\U0001F4E2'), 0xE000u);
}

TEST(Glyphs, WeChatTextKeepsItsEmojiAndLosesOnlyTheSelectors) {
    GlyphScreen& s = glyph_screen();
    const Drawn d = draw_alone(s, kWeChat, TextStyle::title);
    EXPECT_EQ(d.entry.missing, 0u);
    EXPECT_EQ(d.entry.drawn, "⚠紧急提醒❗秋冬季传染病高发📢");
    ASSERT_EQ(d.entry.lines.size(), 1u);
    EXPECT_EQ(d.entry.lines[0], "⚠紧急提醒❗秋冬季传染病高发📢");
    EXPECT_EQ(d.coverage, draw_alone(s, "⚠紧急提醒❗秋冬季传染病高发📢", TextStyle::title).coverage);
}

TEST(Glyphs, InvisibleAndControlCharactersDrawNothing) {
    GlyphScreen& s = glyph_screen();
    const std::string plain = "校园开放日";
    const Drawn base = draw_alone(s, plain);
    const std::string hostile = std::string("\xEF\xBB\xBF校\u200E园\u00AD开\u202A放\u2066日") + std::string("\0\x1B\r", 3);
    const Drawn d = draw_alone(s, hostile);
    EXPECT_EQ(d.coverage, base.coverage) << "BOM, bidi controls, soft hyphen, NUL, ESC, CR: nothing drawn, no `?`, no `-`";
    EXPECT_EQ(d.entry.missing, 0u) << "dropped on purpose, not missing";
    EXPECT_EQ(d.entry.drawn, plain);
}

TEST(Glyphs, AScriptThatNeedsShapingIsCountedMissingNeverDrawnAsQuestionMarks) {
    GlyphScreen& s = glyph_screen();
    const Drawn d = draw_alone(s, std::string("班级") + kUyghur);
    const Drawn base = draw_alone(s, "班级");
    EXPECT_EQ(d.entry.missing, 6u) << "the layout report sees what the screen could not draw";
    EXPECT_EQ(d.coverage, base.coverage) << "not a run of `?`";
    const nlohmann::json j = [&] {
        LayoutReport r("p", 1920, 1080);
        r.add(d.entry);
        return r.to_json();
    }();
    EXPECT_EQ(j["texts"][0]["missing"], 6);
    EXPECT_EQ(j["texts"][0]["drawn"], "班级");
    // Nothing left to draw: still in the report, with what was missing.
    const Drawn alone = draw_alone(s, kUyghur);
    EXPECT_EQ(alone.entry.text, kUyghur);
    EXPECT_EQ(alone.entry.missing, 6u);
    EXPECT_TRUE(alone.entry.lines.empty());
    EXPECT_EQ(alone.coverage.ink(), 0);
}

TEST(Glyphs, ACharacterNoFontHasIsCountedMissing) {
    GlyphScreen& s = glyph_screen();
    // Planned, with a stand-in, and no font to draw it from: left out, counted.
    const Drawn d = draw_alone(s, kNoFontHasIt);
    EXPECT_EQ(d.entry.missing, 1u);
    EXPECT_EQ(d.coverage, draw_alone(s, "名字").coverage);
}

// [SECTION] Very large screens

TEST(FontSet, LargeScreensBuildAtTheRasterCapAndDrawScaled) {
    const GlyphPlan plan = glyph_plan_for(&sample_feed());
    for (const ScreenMetrics m : {ScreenMetrics{5120, 2880}, ScreenMetrics{7680, 4320}, ScreenMetrics{4320, 7680}}) {
        HeadlessContext ctx(m.width, m.height);
        FontSet fonts;
        fonts.build_now(m, plan);  // aborted the process before (heap overrun in imgui_freetype)
        const ScreenMetrics raster = FontSet::raster_metrics(m);
        EXPECT_EQ(raster.short_side(), 2160.0f);
        for (TextStyle st : kAllStyles) {
            EXPECT_EQ(fonts.px(st), raster.px(st)) << "baked at the 4K size";
            EXPECT_EQ(fonts.font(st)->FontSize, raster.px(st));
        }
        EXPECT_LE(fonts.atlas_width(), 16384);
        EXPECT_LE(fonts.atlas_height(), 16384);
        LayoutReport report("big", m.width, m.height);
        Canvas canvas(m, fonts, &report);
        Rect r;
        const std::string& name = sample_feed().classes.at(0).name;  // 一年级一班: hero tier
        ctx.frame([&] { r = canvas.text(name, TextStyle::hero, ImVec2(0, 0), static_cast<float>(m.width), theme::ink); });
        ASSERT_EQ(report.entries().size(), 1u);
        EXPECT_EQ(report.entries()[0].px, m.px(TextStyle::hero)) << "drawn at the screen's own size";
        EXPECT_NEAR(r.h, m.px(TextStyle::hero) * 1.3f, 0.5f);
        // Five Han characters, each ~0.69 of the style's px (px is the font's
        // ascender-to-descender height, as imgui_freetype sizes it): scaled up.
        EXPECT_GT(r.w, m.px(TextStyle::hero) * 3.3f);
        EXPECT_LT(r.w, m.px(TextStyle::hero) * 3.7f);
        EXPECT_EQ(report.entries()[0].missing, 0u);
        std::printf("atlas %dx%d: %dx%d, %zu own glyphs, built in %.0f ms\n", m.width, m.height, fonts.atlas_width(),
                    fonts.atlas_height(), fonts.own_glyph_count(), fonts.last_build_ms());
    }
    const ScreenMetrics uhd{3840, 2160};
    EXPECT_EQ(FontSet::raster_metrics(uhd).px(TextStyle::hero), uhd.px(TextStyle::hero)) << "4K and below: their own sizes";
}

// [SECTION] Rebuild on the worker thread

TEST(FontSet, RebuildRunsOnTheWorkerAndSwapsBetweenFrames) {
    HeadlessContext ctx(1920, 1080);
    FontSet fonts;
    const ScreenMetrics hd{1920, 1080};
    fonts.build_now(hd, glyph_plan_for(nullptr));
    EXPECT_FALSE(fonts.covers(TextStyle::body, sample_feed().term.goals.front().title));
    ImFontAtlas* first = ImGui::GetIO().Fonts;
    std::atomic<int> ready_calls{0};
    fonts.set_on_ready([&] { ready_calls++; });
    // The worker is held before it rasterises until the main thread has drawn
    // a few frames: if request_rebuild or a frame waited for the worker, this
    // test would hang at the first of them instead of passing.
    std::mutex gate_mutex;
    std::condition_variable gate_cv;
    bool worker_started = false, released = false;
    fonts.set_before_build([&] {
        std::unique_lock lock(gate_mutex);
        worker_started = true;
        gate_cv.notify_all();
        gate_cv.wait(lock, [&] { return released; });
    });

    const auto t0 = Clock::now();
    fonts.request_rebuild(hd, glyph_plan_for(&sample_feed()));
    const double request_ms = ms_since(t0);
    EXPECT_TRUE(fonts.pending());
    {
        std::unique_lock lock(gate_mutex);
        ASSERT_TRUE(gate_cv.wait_for(lock, std::chrono::seconds(60), [&] { return worker_started; }))
            << "the worker never took the request";
    }

    // The main thread keeps drawing frames while the worker is busy.
    double worst_frame_ms = 0;
    int frames = 0;
    Canvas canvas(hd, fonts, nullptr);
    auto draw_one = [&] {
        const auto f0 = Clock::now();
        ctx.frame([&] { canvas.text("还有3天", TextStyle::body, ImVec2(10, 10), 500, theme::ink); });
        worst_frame_ms = std::max(worst_frame_ms, ms_since(f0));
        ++frames;
    };
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(fonts.apply_pending()) << "nothing to swap while the worker is held";
        draw_one();
    }
    EXPECT_TRUE(fonts.pending());
    EXPECT_EQ(ready_calls.load(), 0);
    {
        std::lock_guard lock(gate_mutex);
        released = true;
    }
    gate_cv.notify_all();
    while (fonts.pending() && !fonts.apply_pending()) {
        draw_one();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ASSERT_LT(ms_since(t0), 120000.0) << "the rebuild never finished";
    }
    const double build_ms = fonts.last_build_ms();
    std::printf("rebuild: request %.2f ms, worker build %.0f ms, %d frames meanwhile (worst %.1f ms)\n", request_ms,
                build_ms, frames, worst_frame_ms);
    // Timings are printed for the record only: bench/ holds speed goals.
    EXPECT_GE(frames, 3) << "frames were drawn while the atlas was being built";
    EXPECT_EQ(ready_calls.load(), 1);
    EXPECT_NE(ImGui::GetIO().Fonts, first) << "the new atlas is io.Fonts";
    EXPECT_EQ(ImGui::GetIO().Fonts->Fonts.Size, kTextStyleCount);
    EXPECT_TRUE(fonts.covers(TextStyle::body, sample_feed().term.goals.front().title));
    EXPECT_FALSE(fonts.pending());
    EXPECT_FALSE(fonts.apply_pending()) << "nothing left to swap";
    // And the swapped atlas draws.
    ctx.frame([&] { canvas.text(sample_feed().term.goals.front().title, TextStyle::body, ImVec2(10, 10), 500, theme::ink); });
}

TEST(FontSet, ApplyIsTimedAndABurstOfRequestsCoalesces) {
    HeadlessContext ctx(1280, 720);
    FontSet fonts;
    const ScreenMetrics m{1280, 720};
    fonts.build_now(m, glyph_plan_for(nullptr));
    for (int i = 0; i < 4; ++i) fonts.request_rebuild(i < 3 ? ScreenMetrics{1024, 768} : m, glyph_plan_for(&sample_feed()));
    fonts.wait_idle();
    const auto t0 = Clock::now();
    ASSERT_TRUE(fonts.apply_pending());
    const double swap_ms = ms_since(t0);
    std::printf("apply_pending swap: %.2f ms (headless: no texture upload)\n", swap_ms);
    EXPECT_EQ(fonts.metrics().width, 1280) << "the last request wins";
    EXPECT_EQ(fonts.px(TextStyle::caption), m.px(TextStyle::caption));
}

TEST(FontSet, ContextAndFontSetMayDieInEitherOrder) {
    {
        ImGuiContext* c = ImGui::CreateContext();
        ImGui::SetCurrentContext(c);
        ImGui::GetIO().DisplaySize = ImVec2(800, 600);
        {
            FontSet fonts;
            fonts.build_now(ScreenMetrics{800, 600}, glyph_plan_for(nullptr));
        }
        // The context got an atlas of its own back and can still start a frame.
        ImGui::GetIO().Fonts->AddFontDefault();
        ImGui::GetIO().Fonts->Build();
        ImGui::NewFrame();
        ImGui::Render();
        ImGui::DestroyContext(c);
    }
    {
        auto fonts = std::make_unique<FontSet>();
        ImGuiContext* c = ImGui::CreateContext();
        ImGui::SetCurrentContext(c);
        fonts->build_now(ScreenMetrics{800, 600}, glyph_plan_for(nullptr));
        ImGui::DestroyContext(c);
        fonts.reset();
    }
    SUCCEED();
}

}  // namespace
}  // namespace campus::kiosk
