// FontSet: planning, rasterising and swapping the screen's font atlas.
//
// [SECTION] Glyph plans: which code points each tier bakes
// [SECTION] Finding the font (Noto Sans CJK SC, else fontconfig)
// [SECTION] Rasterising an atlas (any thread)
// [SECTION] Installing an atlas into ImGui (main thread)
// [SECTION] The rebuild worker
// [SECTION] The GL texture (GL_R8, swizzled)
// [SECTION] Queries
#include "kiosk/fonts.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <imgui_freetype.h>
#include <imgui_internal.h>
#include <backends/imgui_impl_opengl3.h>

#include "kiosk/text/utf8.hpp"
#include "sync/drawable_text.hpp"
#include "sync/feed.hpp"

namespace campus::kiosk {

namespace {

// The program's own non-ASCII characters, generated at build time by
// cmake/collect_glyphs.cpp from every string literal under kiosk/.
const char32_t kProgramCodePoints[] = {
#include "kiosk_program_glyphs.inc"
    0  // terminator, so the array is never empty
};

constexpr char32_t kMaxImWchar = 0xFFFF;  // imgui 1.86 as Debian builds it: 16-bit ImWchar

int style_index(TextStyle s) { return static_cast<int>(s); }

void log_error(const std::string& message) { std::fprintf(stderr, "kiosk: fonts: %s\n", message.c_str()); }

std::vector<char32_t>& tier_of_plan(GlyphPlan& plan, GlyphTier t) {
    switch (t) {
        case GlyphTier::heading: return plan.heading;
        case GlyphTier::display: return plan.display;
        case GlyphTier::hero: return plan.hero;
        default: return plan.text;
    }
}

}  // namespace

// [SECTION] Glyph plans: which code points each tier bakes

GlyphTier tier_of(TextStyle style) {
    switch (style) {
        case TextStyle::title: return GlyphTier::heading;
        case TextStyle::display: return GlyphTier::display;
        case TextStyle::hero: return GlyphTier::hero;
        default: return GlyphTier::text;
    }
}

const std::vector<char32_t>& GlyphPlan::tier(GlyphTier t) const {
    switch (t) {
        case GlyphTier::heading: return heading;
        case GlyphTier::display: return display;
        case GlyphTier::hero: return hero;
        default: return text;
    }
}

void GlyphPlan::add(GlyphTier t, std::string_view utf8) {
    // The same filter the Canvas applies before it lays text out: a glyph
    // for U+200B or U+FE0F would never be drawn.
    std::set<char32_t> found;
    text::collect_codepoints(text::visible_text(utf8), found);
    auto& out = tier_of_plan(*this, t);
    out.insert(out.end(), found.begin(), found.end());
}

void GlyphPlan::add(GlyphTier t, char32_t first, char32_t last) {
    auto& out = tier_of_plan(*this, t);
    for (char32_t cp = first; cp <= last && cp <= 0x10FFFF; ++cp)
        if (character_fate(cp) == CharacterFate::drawn && cp >= 0x20) out.push_back(cp);
}

bool GlyphPlan::contains(GlyphTier t, char32_t cp) const {
    const auto& v = tier(t);
    return std::binary_search(v.begin(), v.end(), cp);
}

void GlyphPlan::normalise() {
    for (auto* v : {&text, &heading, &display, &hero}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
    }
}

const std::vector<char32_t>& program_code_points() {
    static const std::vector<char32_t> points = [] {
        std::vector<char32_t> v(std::begin(kProgramCodePoints), std::end(kProgramCodePoints) - 1);
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    }();
    return points;
}

const char32_t kInkReference = U'中';

namespace {

// What the text and heading tiers need whatever the feed says: ASCII (digits,
// Latin, the ASCII punctuation the seeds mix in) and the program's own strings.
void add_common(GlyphPlan& plan, GlyphTier t) {
    plan.add(t, 0x20, 0x7E);
    auto& out = tier_of_plan(plan, t);
    for (char32_t cp : program_code_points())
        if (character_fate(cp) == CharacterFate::drawn) out.push_back(cp);
}

// Display and hero: the program's words the role's pages draw that large,
// digits and the space between them; the feed's strings bring their own
// characters. (At hero size on a 4K screen a Han glyph is about 280 px
// square: the program's 280 code points and ASCII there were 40 % of the atlas.)
void add_large_common(GlyphPlan& plan, GlyphTier t, bool class_card, bool assembly) {
    plan.add(t, U' ', U' ');
    plan.add(t, U'0', U'9');
    plan.add(t, kInkReference, kInkReference);
    plan.add(t, large_words::countdown);
    if (t == GlyphTier::display) plan.add(t, large_words::emergency_label);
    if (class_card) plan.add(t, large_words::rank);
    if (assembly) plan.add(t, large_words::week);
}

// The text tier also gets the symbols feed authors type without thinking:
// CJK punctuation, full-width forms (the seeds mix ，and ,), dashes, quotes,
// ellipsis, arrows, stars, circled numbers. A code point the font lacks is
// simply not baked; covers() then reports it.
void add_text_base(GlyphPlan& plan) {
    constexpr GlyphTier t = GlyphTier::text;
    add_common(plan, t);
    plan.add(t, 0x3000, 0x303F);  // CJK symbols and punctuation
    plan.add(t, 0xFF00, 0xFFEF);  // full-width and half-width forms
    plan.add(t, 0x2010, 0x2027);  // dashes, quotes, bullets, …
    plan.add(t, 0x2460, 0x2473);  // ①..⑳
    for (char32_t cp : {0x00A0, 0x00B0, 0x00B1, 0x00B7, 0x00D7, 0x00F7, 0x2030, 0x2032, 0x2033, 0x203B, 0x2103,
                        0x2116, 0x2160, 0x2161, 0x2162, 0x2163, 0x2164, 0x2190, 0x2191, 0x2192, 0x2193, 0x221A,
                        0x2264, 0x2265, 0x25A0, 0x25A1, 0x25B2, 0x25B3, 0x25BC, 0x25BD, 0x25C6, 0x25C7, 0x25CB,
                        0x25CF, 0x2605, 0x2606, 0x2713, 0xFFFD})
        plan.add(t, static_cast<char32_t>(cp), static_cast<char32_t>(cp));
}

}  // namespace

GlyphPlan glyph_plan_for(const Feed* feed, std::optional<Role> role) {
    // The pages that set the classes large: the assembly's holders and grid
    // (hero, display), the classroom's class card (its class at title, its
    // criteria at title on a roomy screen). Every role falls back to the
    // lobby's pages and the term page; an emergency takes over any screen.
    const bool assembly = !role || *role == Role::assembly;
    const bool class_card = !role || *role == Role::classroom;
    GlyphPlan plan;
    add_text_base(plan);
    add_common(plan, GlyphTier::heading);
    add_large_common(plan, GlyphTier::display, class_card, assembly);
    add_large_common(plan, GlyphTier::hero, class_card, assembly);
    if (feed) {
        // Every string of the feed goes to the text tier: a page may draw any
        // of them at caption..subtitle. The heading tier gets what pages draw
        // at title: names and titles, not the long texts. The display and hero
        // tiers get only what pages draw that large (shared/domain.md: the
        // habit as the hero of its page, countdowns, the assembly's class and
        // competition names); those are headings too, since a page that cannot
        // fit one that large sets it at title (Canvas::fit).
        const auto text = [&](std::string_view s) { plan.add(GlyphTier::text, s); };
        const auto heading = [&](std::string_view s) {
            plan.add(GlyphTier::text, s);
            plan.add(GlyphTier::heading, s);
        };
        const auto display = [&](std::string_view s) {
            heading(s);
            plan.add(GlyphTier::display, s);
        };
        const auto hero = [&](std::string_view s) {
            heading(s);
            plan.add(GlyphTier::hero, s);
        };
        display(feed->school.name);  // the header; the assembly's title card
        display(feed->school.short_name);
        heading(feed->school.motto);  // the term page, as large as it fits
        heading(feed->term.name);     // the term page's title
        heading(feed->term.theme);    // the term page, as large as it fits
        // Goals: titles and progress at subtitle at most, details smaller.
        for (const Goal& g : feed->term.goals) {
            text(g.id);
            text(g.title);
            text(g.category);
            text(g.detail);
            if (g.progress) text(g.progress->unit);
        }
        for (const Habit& h : feed->habits) {
            display(h.title);
            text(h.detail);
            for (const std::string& tip : h.tips) text(tip);
        }
        for (const SchoolClass& c : feed->classes) {
            if (assembly) {
                hero(c.id);  // a holder the feed names only by its id
                hero(c.name);
                display(c.name);  // the assembly's closing grid of flag holders
            } else if (class_card) {
                heading(c.name);  // the class card's title
                text(c.id);
            } else {
                text(c.id);
                text(c.name);
            }
            text(c.teacher);
        }
        for (const Competition& c : feed->competitions) {
            heading(c.name);  // the standings page's title
            if (assembly) {
                hero(c.name);
                display(c.name);  // the assembly's closing grid heading
            }
            text(c.id);
            text(c.period);
            // A roomy class card sets the criteria (and 本周加油：<criterion>) at title.
            for (const Criterion& k : c.criteria) {
                if (class_card) heading(k.name);
                else text(k.name);
            }
            for (const Round& r : c.rounds)
                for (const Score& s : r.scores) text(s.note);
        }
        for (const Announcement& a : feed->announcements) {
            heading(a.title);
            text(a.body);
            // An emergency takes over the screen and must read from 10–50 m:
            // its title as large as the hero size, its body at display size.
            if (a.level == AnnouncementLevel::emergency) {
                hero(a.title);
                display(a.title);
                display(a.body);
            }
        }
        for (const SchoolEvent& e : feed->events) {
            display(e.title);
            heading(e.place);  // under the countdown of the one coming event
        }
        // 校园风采: its title on the title bar, each photo's caption.
        if (feed->gallery) {
            heading(feed->gallery->title);
            for (const GalleryItem& g : feed->gallery->items) text(g.caption);
        }
    }
    plan.normalise();
    return plan;
}

// [SECTION] Finding the font (Noto Sans CJK SC, else fontconfig)

namespace {

constexpr const char* kNotoFamily = "Noto Sans CJK SC";
constexpr const char* kNotoDir = "/usr/share/fonts/opentype/noto/";

struct FreeTypeLibrary {
    FT_Library lib = nullptr;
    FreeTypeLibrary() {
        if (FT_Init_FreeType(&lib) != 0) lib = nullptr;
    }
    ~FreeTypeLibrary() {
        if (lib) FT_Done_FreeType(lib);
    }
};

// The face of `path` whose family is `family` (a .ttc holds JP, KR, SC, TC, HK).
std::optional<int> face_with_family(const std::string& path, const std::string& family) {
    FreeTypeLibrary ft;
    if (!ft.lib) return std::nullopt;
    FT_Face face = nullptr;
    if (FT_New_Face(ft.lib, path.c_str(), -1, &face) != 0) return std::nullopt;
    const FT_Long count = face->num_faces;
    FT_Done_Face(face);
    for (FT_Long i = 0; i < count; ++i) {
        if (FT_New_Face(ft.lib, path.c_str(), i, &face) != 0) continue;
        const bool match = face->family_name && family == face->family_name;
        FT_Done_Face(face);
        if (match) return static_cast<int>(i);
    }
    return std::nullopt;
}

// fontconfig's best match for `pattern`, when it supports `lang` (fontconfig
// always answers something, often DejaVu, which has no Han at all).
std::optional<FontSet::FontFile> fontconfig_match(const std::string& pattern, const char* lang, int min_weight) {
    FcConfig* config = FcInitLoadConfigAndFonts();
    if (!config) return std::nullopt;
    std::optional<FontSet::FontFile> result;
    FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>(pattern.c_str()));
    if (pat) {
        FcConfigSubstitute(config, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res = FcResultNoMatch;
        FcPattern* match = FcFontMatch(config, pat, &res);
        if (match) {
            FcChar8* file = nullptr;
            int index = 0, weight = 0;
            FcLangSet* langs = nullptr;
            const bool has_file = FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch;
            FcPatternGetInteger(match, FC_INDEX, 0, &index);
            FcPatternGetInteger(match, FC_WEIGHT, 0, &weight);
            const bool speaks = FcPatternGetLangSet(match, FC_LANG, 0, &langs) == FcResultMatch &&
                                FcLangSetHasLang(langs, reinterpret_cast<const FcChar8*>(lang)) != FcLangDifferentLang;
            if (has_file && speaks && weight >= min_weight)
                result = FontSet::FontFile{reinterpret_cast<const char*>(file), index};
            FcPatternDestroy(match);
        }
        FcPatternDestroy(pat);
    }
    FcConfigDestroy(config);
    return result;
}

std::string family_of(const FontSet::FontFile& f) {
    FreeTypeLibrary ft;
    FT_Face face = nullptr;
    if (!ft.lib || FT_New_Face(ft.lib, f.path.c_str(), f.face_index, &face) != 0) return {};
    std::string family = face->family_name ? face->family_name : "";
    FT_Done_Face(face);
    return family;
}

}  // namespace

FontSet::FontFile FontSet::find_font_file() {
    const std::string noto = std::string(kNotoDir) + "NotoSansCJK-Regular.ttc";
    if (std::filesystem::exists(noto))
        if (auto face = face_with_family(noto, kNotoFamily)) return {noto, *face};
    if (auto f = fontconfig_match(std::string(kNotoFamily) + ":weight=regular", "zh-cn", 0)) return *f;
    if (auto f = fontconfig_match("sans-serif:lang=zh-cn", "zh-cn", 0)) return *f;
    throw std::runtime_error(
        "no Chinese font found: looked for " + noto + " (Debian package fonts-noto-cjk) and asked fontconfig for "
        "'Noto Sans CJK SC' and 'sans-serif:lang=zh-cn'; install fonts-noto-cjk (or any CJK font fontconfig knows)");
}

std::optional<FontSet::FontFile> FontSet::find_bold_font_file(const FontFile& regular) {
    const std::string family = family_of(regular);
    if (family.empty()) return std::nullopt;
    // Noto ships the weights as sibling files with the same face order.
    const std::filesystem::path path(regular.path);
    std::string name = path.filename().string();
    if (const auto at = name.find("-Regular"); at != std::string::npos) {
        name.replace(at, 8, "-Bold");
        const std::string bold = (path.parent_path() / name).string();
        if (std::filesystem::exists(bold))
            if (auto face = face_with_family(bold, family)) return FontFile{bold, *face};
    }
    if (auto f = fontconfig_match(family + ":weight=bold", "zh-cn", FC_WEIGHT_BOLD))
        if (family_of(*f) == family && !(f->path == regular.path && f->face_index == regular.face_index)) return f;
    return std::nullopt;
}

std::vector<FontSet::FontFile> FontSet::find_fallback_font_files(const FontFile& regular) {
    std::vector<FontFile> out;
    FcConfig* config = FcInitLoadConfigAndFonts();
    if (!config) return out;
    FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>("sans-serif:lang=zh-cn"));
    if (pat) {
        FcConfigSubstitute(config, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res = FcResultNoMatch;
        if (FcFontSet* set = FcFontSort(config, pat, FcFalse, nullptr, &res)) {
            for (int i = 0; i < set->nfont; ++i) {
                const FcPattern* font = set->fonts[i];
                FcChar8* file = nullptr;
                int index = 0;
                FcBool scalable = FcTrue, color = FcFalse;
                if (FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch) continue;
                FcPatternGetInteger(font, FC_INDEX, 0, &index);
                FcPatternGetBool(font, FC_SCALABLE, 0, &scalable);
                FcPatternGetBool(font, FC_COLOR, 0, &color);
                const std::string path = reinterpret_cast<const char*>(file);
                // One channel of coverage: a colour font's glyphs would be
                // flat silhouettes, and a bitmap-only font cannot be scaled.
                if (!scalable || color || path == regular.path) continue;
                const bool seen = std::any_of(out.begin(), out.end(), [&](const FontFile& f) {
                    return f.path == path && f.face_index == index;
                });
                if (!seen) out.push_back(FontFile{path, index});
            }
            FcFontSetDestroy(set);
        }
        FcPatternDestroy(pat);
    }
    FcConfigDestroy(config);
    return out;
}

void FontSet::set_font_files(FontFile regular, std::optional<FontFile> bold) {
    std::lock_guard lock(mutex_);
    regular_file_ = std::move(regular);
    bold_file_ = std::move(bold);
    bold_searched_ = true;
    regular_.reset();
    bold_.reset();
    fallbacks_.clear();
    fallbacks_searched_ = false;
}

// The font files are mapped, not read: a .ttc is ~19 MB per weight, and the
// pages FreeType never touches stay on disk (shared with every other process).
struct FontSet::MappedFile {
    std::string path;
    int face_index = 0;
    void* data = nullptr;
    std::size_t size = 0;

    explicit MappedFile(const FontFile& f) : path(f.path), face_index(f.face_index) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw std::runtime_error("cannot open font file " + path + ": " + std::strerror(errno));
        struct stat st {};
        if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
            ::close(fd);
            throw std::runtime_error("cannot read font file " + path + ": empty or unreadable");
        }
        size = static_cast<std::size_t>(st.st_size);
        data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);
        if (data == MAP_FAILED) {
            data = nullptr;
            throw std::runtime_error("cannot map font file " + path + ": " + std::strerror(errno));
        }
    }
    ~MappedFile() {
        if (data) ::munmap(data, size);
    }
    // Lets go of the pages a build read. They stay in the page cache (the
    // next build finds them there), but are no longer this process's: a
    // build at 4K touches about 5 MB of each weight, counted in the PSS for
    // as long as the mapping keeps them. Safe at any time, even while
    // another build reads the file: a page read again is faulted back in.
    void release_pages() const {
        if (data) ::madvise(data, size, MADV_DONTNEED);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
};

namespace {

// Every character a face maps, sorted.
std::vector<char32_t> characters_of(const void* data, std::size_t size, int face_index, const std::string& path) {
    FreeTypeLibrary ft;
    FT_Face face = nullptr;
    if (!ft.lib || FT_New_Memory_Face(ft.lib, static_cast<const FT_Byte*>(data), static_cast<FT_Long>(size),
                                      face_index, &face) != 0)
        throw std::runtime_error(path + ": FreeType cannot open it");
    std::vector<char32_t> chars;
    FT_UInt index = 0;
    for (FT_ULong cp = FT_Get_First_Char(face, &index); index != 0; cp = FT_Get_Next_Char(face, cp, &index))
        chars.push_back(static_cast<char32_t>(cp));
    FT_Done_Face(face);
    std::sort(chars.begin(), chars.end());
    return chars;
}

}  // namespace

// A fallback font: its file mapped, and the characters it has that the main
// font lacks (read once, so a build asks nothing but a sorted vector).
struct FontSet::Fallback {
    MappedFile file;
    std::vector<char32_t> chars;  // sorted; only those the main font lacks
    Fallback(const FontFile& f, const std::vector<char32_t>& main_chars) : file(f) {
        for (char32_t cp : characters_of(file.data, file.size, f.face_index, f.path))
            if (!std::binary_search(main_chars.begin(), main_chars.end(), cp)) chars.push_back(cp);
    }
    bool has(char32_t cp) const { return std::binary_search(chars.begin(), chars.end(), cp); }
};

void FontSet::ensure_font_files() {
    // Called with mutex_ held.
    if (!regular_file_) regular_file_ = find_font_file();
    if (!bold_searched_) {
        bold_file_ = find_bold_font_file(*regular_file_);
        bold_searched_ = true;
    }
    if (!regular_) regular_ = std::make_shared<const MappedFile>(*regular_file_);
    if (bold_file_ && !bold_) bold_ = std::make_shared<const MappedFile>(*bold_file_);
    if (!fallbacks_searched_) {
        fallbacks_searched_ = true;
        std::vector<char32_t> main_chars;
        try {
            main_chars = characters_of(regular_->data, regular_->size, regular_->face_index, regular_->path);
        } catch (const std::exception& e) {
            log_error(std::string("reading the main font's characters: ") + e.what());
        }
        for (const FontFile& f : find_fallback_font_files(*regular_file_)) {
            try {
                auto fallback = std::make_shared<const Fallback>(f, main_chars);
                if (!fallback->chars.empty()) fallbacks_.push_back(std::move(fallback));
            } catch (const std::exception& e) {
                log_error(std::string("fallback font left out: ") + e.what());
            }
        }
    }
}



// [SECTION] Rasterising an atlas (any thread)

struct FontSet::Built {
    std::unique_ptr<ImFontAtlas> atlas;
    ImFont* fonts[kTextStyleCount] = {};
    float px[kTextStyleCount] = {};
    ScreenMetrics metrics;
    GlyphPlan plan;
    text::PrivateUseMap stand_ins;
    std::size_t own_glyphs = 0;
    int width = 0, height = 0;
    double ms = 0;
    int max_texture_size = 0;
};

namespace {

ImVector<ImWchar> ranges_for(const std::vector<char32_t>& code_points) {
    ImFontGlyphRangesBuilder builder;
    for (char32_t cp : code_points)
        if (cp > 0 && cp <= kMaxImWchar) builder.AddChar(static_cast<ImWchar>(cp));
    ImVector<ImWchar> ranges;
    builder.BuildRanges(&ranges);
    return ranges;
}

// imgui 1.86's FreeType builder gives each glyph W × H × 4 bytes of a 256 KiB
// chunk and does not check (IM_ASSERT is off in a release build): a larger
// glyph overruns the heap. Glyphs above this many pixels, with a margin for
// the rendered box being a pixel wider than the outline's, are ours to rasterise.
constexpr long kImGuiMaxGlyphPixels = 256 * 1024 / 4 - 4096;

// A face opened for one build (FreeType objects are not shared across threads).
struct BuildFace {
    FT_Face face = nullptr;
    BuildFace(FT_Library lib, const void* data, std::size_t size, int index, const std::string& path) {
        if (FT_New_Memory_Face(lib, static_cast<const FT_Byte*>(data), static_cast<FT_Long>(size), index, &face) != 0)
            throw std::runtime_error("FreeType cannot open " + path);
    }
    ~BuildFace() {
        if (face) FT_Done_Face(face);
    }
    BuildFace(const BuildFace&) = delete;
    BuildFace& operator=(const BuildFace&) = delete;
};

// Sizes a main face as imgui_freetype does (the font's ascender-to-descender
// height is `px`), so our glyphs line up with its own.
void size_like_imgui(FT_Face face, float px) {
    FT_Size_RequestRec req{};
    req.type = FT_SIZE_REQUEST_TYPE_REAL_DIM;
    req.height = static_cast<FT_Long>(static_cast<std::uint32_t>(px) * 64);
    FT_Request_Size(face, &req);
}

// A glyph FontSet rasterises itself into a custom rectangle of the atlas.
struct OwnGlyph {
    int style = 0;
    ImWchar key = 0;  // the code point ImGui sees (a stand-in above U+FFFF)
    int rect = -1;
    int width = 0, height = 0, left = 0, top = 0;
    float advance = 0;
    std::vector<unsigned char> pixels;  // width × height coverage
};

// Loads, renders and copies one glyph at the face's current size.
bool render_glyph(FT_Face face, FT_UInt index, OwnGlyph& out) {
    if (FT_Load_Glyph(face, index, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT) != 0) return false;
    FT_GlyphSlot slot = face->glyph;
    if (slot->format != FT_GLYPH_FORMAT_BITMAP && FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL) != 0) return false;
    const FT_Bitmap& bm = slot->bitmap;
    out.width = static_cast<int>(bm.width);
    out.height = static_cast<int>(bm.rows);
    out.left = slot->bitmap_left;
    out.top = slot->bitmap_top;
    out.advance = std::ceil(static_cast<float>(slot->advance.x) / 64.0f);
    out.pixels.assign(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height), 0);
    for (int y = 0; y < out.height; ++y) {
        const unsigned char* row = bm.buffer + static_cast<std::ptrdiff_t>(y) * bm.pitch;
        unsigned char* dst = out.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width);
        for (int x = 0; x < out.width; ++x) {
            if (bm.pixel_mode == FT_PIXEL_MODE_GRAY) dst[x] = row[x];
            else if (bm.pixel_mode == FT_PIXEL_MODE_MONO) dst[x] = (row[x >> 3] & (0x80 >> (x & 7))) ? 255 : 0;
            else return false;  // colour bitmaps: never asked for (FT_LOAD_COLOR is off)
        }
    }
    return true;
}

}  // namespace

ScreenMetrics FontSet::raster_metrics(const ScreenMetrics& screen) {
    if (screen.short_side() <= static_cast<float>(kMaxRasterShortSide)) return screen;
    // Only the short side matters for the sizes (ScreenMetrics::px).
    return screen.portrait() ? ScreenMetrics{kMaxRasterShortSide, kMaxRasterShortSide * 2}
                             : ScreenMetrics{kMaxRasterShortSide * 2, kMaxRasterShortSide};
}

std::unique_ptr<FontSet::Built> FontSet::build(const ScreenMetrics& metrics, const GlyphPlan& plan) {
    std::shared_ptr<const MappedFile> regular, bold;
    std::vector<std::shared_ptr<const Fallback>> fallbacks;
    int max_texture = 0;
    {
        std::lock_guard lock(mutex_);
        ensure_font_files();
        regular = regular_;
        bold = bold_;
        fallbacks = fallbacks_;
        max_texture = max_texture_size_;
    }
    // Nothing reads the font files between builds (ImGui's configs give back
    // their data below): when this build's FreeType faces are closed, or it
    // fails, the pages it read are let go. Declared before the faces, so it
    // runs after they are done.
    struct ReleasePages {
        std::vector<const MappedFile*> files;
        ~ReleasePages() {
            for (const MappedFile* f : files) f->release_pages();
        }
    } release_pages;
    release_pages.files.push_back(regular.get());
    if (bold) release_pages.files.push_back(bold.get());
    for (const auto& f : fallbacks) release_pages.files.push_back(&f->file);

    const auto start = std::chrono::steady_clock::now();
    const ScreenMetrics raster = raster_metrics(metrics);

    auto out = std::make_unique<Built>();
    out->metrics = metrics;
    out->plan = plan;
    out->atlas = std::make_unique<ImFontAtlas>();
    ImFontAtlas& atlas = *out->atlas;
    atlas.FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas.FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    // The kiosk hides the cursor; a tight height saves up to half the texture.
    atlas.Flags |= ImFontAtlasFlags_NoMouseCursors | ImFontAtlasFlags_NoPowerOfTwoHeight;

    // Stand-ins for the characters above U+FFFF of every tier: one map per
    // atlas, the same for the same plan.
    std::vector<char32_t> supplementary;
    for (const auto* tier : {&plan.text, &plan.heading, &plan.display, &plan.hero})
        for (char32_t cp : *tier)
            if (cp > kMaxImWchar) supplementary.push_back(cp);
    std::size_t left_out = 0;
    out->stand_ins = text::PrivateUseMap::for_code_points(std::move(supplementary), &left_out);
    if (left_out > 0)
        log_error(std::to_string(out->stand_ins.size() + left_out) + " distinct characters above U+FFFF in the feed; " +
                  "the screen has " + std::to_string(text::PrivateUseMap::kCapacity) +
                  " private-use slots for them and leaves out the " + std::to_string(left_out) +
                  " with the highest code points (they count as missing in the layout report)");

    FreeTypeLibrary ft;
    if (!ft.lib) throw std::runtime_error("FreeType could not be initialised");
    BuildFace regular_face(ft.lib, regular->data, regular->size, regular->face_index, regular->path);
    std::optional<BuildFace> bold_face;
    if (bold) bold_face.emplace(ft.lib, bold->data, bold->size, bold->face_index, bold->path);
    std::vector<std::unique_ptr<BuildFace>> fallback_faces(fallbacks.size());

    // Per style: what ImGui's builder bakes from the main face (BMP, not too
    // large), and what we rasterise ourselves (custom rectangles).
    std::vector<ImVector<ImWchar>> ranges(kTextStyleCount);
    std::vector<OwnGlyph> own;
    float assumed_ascent[kTextStyleCount] = {};
    double surface = 0;
    for (int s = 0; s < kTextStyleCount; ++s) {
        const auto style = static_cast<TextStyle>(s);
        const float size = raster.px(style);
        const bool use_bold = bold && style >= TextStyle::title;
        FT_Face main = use_bold ? bold_face->face : regular_face.face;
        size_like_imgui(main, size);
        assumed_ascent[s] = std::round(std::ceil(static_cast<float>(main->size->metrics.ascender) / 64.0f));
        const FT_UShort em_px = main->size->metrics.y_ppem;
        // Below this em no outline of a text font reaches the builder's limit;
        // above it each glyph's box is checked (only display and hero at 4K).
        const bool check_size = em_px > 150;
        std::vector<char32_t> imgui_points;
        for (char32_t cp : plan.tier(tier_of(style))) {
            const FT_UInt main_index = FT_Get_Char_Index(main, cp);
            if (main_index != 0 && cp <= kMaxImWchar) {
                bool fits = true;
                if (check_size && FT_Load_Glyph(main, main_index, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT) == 0) {
                    const long w = main->glyph->metrics.width / 64 + 3, h = main->glyph->metrics.height / 64 + 3;
                    fits = w * h <= kImGuiMaxGlyphPixels;
                }
                if (fits) {
                    imgui_points.push_back(cp);
                    // The em is the face's (y_ppem), not `size`: imgui sizes a
                    // face by its ascender-to-descender height, about 1.45 em for Noto CJK.
                    const double em = em_px;
                    const double gw = cp < 0x80 ? em * 0.55 : em * 0.92, gh = cp < 0x80 ? em * 0.75 : em * 0.92;
                    surface += (gw + 2) * (gh + 2);
                    continue;
                }
            }
            const char32_t key = cp <= kMaxImWchar ? cp : out->stand_ins.stand_in(cp);
            if (key == 0) continue;  // no slot left: logged above
            FT_Face face = nullptr;
            FT_UInt index = main_index;
            if (index != 0) {
                face = main;
            } else {
                for (std::size_t f = 0; f < fallbacks.size() && !face; ++f) {
                    if (!fallbacks[f]->has(cp)) continue;
                    if (!fallback_faces[f]) {
                        const MappedFile& file = fallbacks[f]->file;
                        fallback_faces[f] = std::make_unique<BuildFace>(ft.lib, file.data, file.size, file.face_index, file.path);
                    }
                    face = fallback_faces[f]->face;
                    index = FT_Get_Char_Index(face, cp);
                    if (index == 0) face = nullptr;
                }
                // A fallback font at the main font's em, so a symbol is as
                // large as the Han characters around it.
                if (face) FT_Set_Pixel_Sizes(face, 0, em_px);
            }
            if (!face) continue;  // no font has it: the Canvas leaves it out and counts it
            OwnGlyph g;
            g.style = s;
            g.key = static_cast<ImWchar>(key);
            if (!render_glyph(face, index, g)) continue;
            surface += (g.width + 2.0) * (g.height + 2.0);
            own.push_back(std::move(g));
        }
        ranges[static_cast<std::size_t>(s)] = ranges_for(imgui_points);
    }

    // Width: ImGui picks at most 4096 and grows the height; a 4K screen with
    // a large feed would then outgrow what some GPUs take (8192). Keep the
    // texture roughly square from the estimated packed surface (glyph ink
    // boxes: ~0.92 em square for Han, about half that for ASCII). Not wider:
    // rows as wide as twice the surface's side pack the hero glyphs worst
    // (the sample feed at 4K: 81 % of an 8192-wide texture filled, 89 % of
    // a 4096-wide one).
    int width = 1024;
    while (width < 16384 && static_cast<double>(width) * width < surface * 1.15) width *= 2;
    if (max_texture > 0) width = std::min(width, max_texture);
    atlas.TexDesiredWidth = width;

    for (int s = 0; s < kTextStyleCount; ++s) {
        const auto style = static_cast<TextStyle>(s);
        const bool use_bold = bold && style >= TextStyle::title;
        const MappedFile& file = use_bold ? *bold : *regular;
        ImFontConfig cfg;
        // ImFontAtlas::AddFont copies the font data (19 MB, six times) unless the
        // atlas "owns" it. It owns our read-only mapping only until Build() is
        // done: FontData is taken back below, before anything could free it.
        cfg.FontData = file.data;
        cfg.FontDataSize = static_cast<int>(file.size);
        cfg.FontDataOwnedByAtlas = true;
        cfg.FontNo = file.face_index;
        cfg.SizePixels = raster.px(style);
        cfg.PixelSnapH = true;
        cfg.OversampleH = cfg.OversampleV = 1;  // FreeType rasterises at the exact size
        cfg.GlyphRanges = ranges[static_cast<std::size_t>(s)].Data;
        std::snprintf(cfg.Name, sizeof cfg.Name, "%s %.0fpx #%d", use_bold ? "bold" : "regular", cfg.SizePixels, s);
        out->fonts[s] = atlas.AddFont(&cfg);
        out->px[s] = cfg.SizePixels;
    }
    for (OwnGlyph& g : own) {
        const float y = assumed_ascent[g.style] - static_cast<float>(g.top);
        g.rect = atlas.AddCustomRectFontGlyph(out->fonts[g.style], g.key, std::max(1, g.width), std::max(1, g.height),
                                              g.advance, ImVec2(static_cast<float>(g.left), y));
    }
    const bool ok = atlas.Build();
    for (ImFontConfig& cfg : atlas.ConfigData) {
        cfg.FontData = nullptr;  // ours (the mapping): never IM_FREE'd
        cfg.FontDataOwnedByAtlas = false;
    }
    if (!ok) throw std::runtime_error("FreeType could not build the font atlas from " + regular->path);
    unsigned char* pixels = nullptr;
    atlas.GetTexDataAsAlpha8(&pixels, &out->width, &out->height);
    if (!pixels) throw std::runtime_error("the font atlas has no pixels after building");
    // Our glyphs into their rectangles; their vertical place from the ascent
    // ImGui settled on (we assumed its rounding: correct it if it differs).
    for (const OwnGlyph& g : own) {
        const ImFontAtlasCustomRect* r = atlas.GetCustomRectByIndex(g.rect);
        if (!r || !r->IsPacked()) continue;
        for (int y = 0; y < g.height; ++y)
            std::memcpy(pixels + static_cast<std::size_t>(r->Y + y) * static_cast<std::size_t>(out->width) + r->X,
                        g.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(g.width),
                        static_cast<std::size_t>(g.width));
        ImFont* font = out->fonts[g.style];
        const float shift = std::round(font->Ascent) - assumed_ascent[g.style];
        if (shift != 0)
            if (auto* glyph = const_cast<ImFontGlyph*>(font->FindGlyphNoFallback(g.key))) {
                glyph->Y0 += shift;
                glyph->Y1 += shift;
            }
    }
    out->own_glyphs = own.size();
    // The glyph ranges, font configs and custom rectangles are not needed once the glyphs are baked.
    atlas.ClearInputData();
    if (max_texture > 0 && (out->width > max_texture || out->height > max_texture))
        throw std::runtime_error("the font atlas is " + std::to_string(out->width) + "x" + std::to_string(out->height) +
                                 " px, larger than this GPU's textures (" + std::to_string(max_texture) +
                                 "): too many distinct characters in the feed for this screen size");
    out->ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return out;
}

// [SECTION] Installing an atlas into ImGui (main thread)

FontSet::FontSet() = default;

FontSet::~FontSet() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queued_.reset();
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    // Give the context back an (empty) atlas of its own, so it may outlive us.
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    if (ctx && atlas_ && ImGui::GetIO().Fonts == atlas_.get()) {
        ImGuiIO& io = ImGui::GetIO();
        io.Fonts = IM_NEW(ImFontAtlas)();
        io.FontDefault = nullptr;
        ctx->FontAtlasOwnedByContext = true;
        ctx->Font = nullptr;
    }
    if (atlas_) atlas_->Locked = false;
}

void FontSet::build_now(const ScreenMetrics& metrics, const GlyphPlan& plan) {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    if (!ctx) throw std::logic_error("FontSet::build_now: no current ImGui context");
    if (ctx->WithinFrameScope) throw std::logic_error("FontSet::build_now: called between NewFrame and Render");
    install(build(metrics, plan));
}

void FontSet::install(std::unique_ptr<Built> built) {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    ImGuiIO& io = ImGui::GetIO();
    if (io.Fonts && io.Fonts != atlas_.get() && ctx->FontAtlasOwnedByContext) {
        io.Fonts->Locked = false;  // NewFrame locks it; we are between frames
        IM_DELETE(io.Fonts);
    }
    ctx->FontAtlasOwnedByContext = false;

    std::unique_ptr<ImFontAtlas> old = std::move(atlas_);
    atlas_ = std::move(built->atlas);
    std::copy(std::begin(built->fonts), std::end(built->fonts), fonts_);
    std::copy(std::begin(built->px), std::end(built->px), px_);
    metrics_ = built->metrics;
    plan_ = std::move(built->plan);
    stand_ins_ = std::move(built->stand_ins);
    own_glyphs_ = built->own_glyphs;
    atlas_w_ = built->width;
    atlas_h_ = built->height;
    last_build_ms_ = built->ms;

    io.Fonts = atlas_.get();
    io.FontDefault = fonts_[style_index(TextStyle::body)];
    // g.Font would point into the old atlas until the next NewFrame.
    ImGui::SetCurrentFont(io.FontDefault);
    if (gl_attached_) upload_texture();
    if (old) old->Locked = false;
}

// [SECTION] The rebuild worker

void FontSet::request_rebuild(const ScreenMetrics& metrics, GlyphPlan plan) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queued_ = Job{metrics, std::move(plan)};
        if (!worker_.joinable()) worker_ = std::thread([this] { worker_loop(); });
    }
    cv_.notify_all();
}

void FontSet::set_on_ready(std::function<void()> on_ready) {
    std::lock_guard lock(mutex_);
    on_ready_ = std::move(on_ready);
}

void FontSet::set_before_build(std::function<void()> before_build) {
    std::lock_guard lock(mutex_);
    before_build_ = std::move(before_build);
}

bool FontSet::pending() const {
    std::lock_guard lock(mutex_);
    return queued_.has_value() || busy_ || finished_ != nullptr || !failure_.empty();
}

bool FontSet::ready() const {
    std::lock_guard lock(mutex_);
    return finished_ != nullptr || !failure_.empty();
}

void FontSet::wait_idle() const {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return stopping_ || (!queued_ && !busy_); });
}

void FontSet::worker_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        cv_.wait(lock, [this] { return stopping_ || queued_.has_value(); });
        if (stopping_) return;
        Job job = std::move(*queued_);
        queued_.reset();
        busy_ = true;
        const auto before_build = before_build_;
        lock.unlock();
        if (before_build) before_build();
        std::unique_ptr<Built> result;
        std::string failure;
        try {
            result = build(job.metrics, job.plan);
        } catch (const std::exception& e) {
            failure = e.what();
        }
        lock.lock();
        busy_ = false;
        if (result) {
            finished_ = std::move(result);  // a newer atlas replaces one never applied
            failure_.clear();
        } else {
            failure_ = failure;
        }
        const auto on_ready = on_ready_;
        const bool more = queued_.has_value();
        lock.unlock();
        cv_.notify_all();
        // Only the last of a burst of requests wakes the app.
        if (!more && on_ready) on_ready();
        lock.lock();
    }
}

bool FontSet::apply_pending() {
    std::unique_ptr<Built> ready;
    std::string failure;
    {
        std::lock_guard lock(mutex_);
        ImGuiContext* ctx = ImGui::GetCurrentContext();
        if (!ctx || ctx->WithinFrameScope) {
            if (finished_) log_error("apply_pending called inside a frame or without a context; the new atlas waits");
            return false;
        }
        ready = std::move(finished_);
        failure = std::move(failure_);
        failure_.clear();
    }
    if (!failure.empty()) log_error("rebuilding the font atlas failed, keeping the current one: " + failure);
    if (!ready) return false;
    install(std::move(ready));
    return true;
}

// [SECTION] The GL texture (GL_R8, swizzled)

#ifndef GL_TEXTURE_SWIZZLE_RGBA
#define GL_TEXTURE_SWIZZLE_RGBA 0x8E46
#endif
#ifndef GL_R8
#define GL_R8 0x8229
#endif

void FontSet::attach_gl() {
    if (gl_attached_) return;
    ImGuiIO& io = ImGui::GetIO();
    // Let the backend create its shader and buffers now, over a tiny scratch
    // atlas, so it never makes its own RGBA32 copy of our atlas (4 bytes a
    // pixel: 150+ MB at 4K); then drop its font texture and take over.
    ImFontAtlas scratch;
    scratch.Flags |= ImFontAtlasFlags_NoMouseCursors;
    ImFontAtlas* ours = io.Fonts;
    io.Fonts = &scratch;
    const bool created = ImGui_ImplOpenGL3_CreateDeviceObjects();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    io.Fonts = ours;
    if (!created) throw std::runtime_error("FontSet::attach_gl: the OpenGL3 backend could not create its objects");
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    {
        std::lock_guard lock(mutex_);
        max_texture_size_ = max_size;
    }
    gl_attached_ = true;
    if (atlas_) upload_texture();
}

void FontSet::release_gl() {
    if (!gl_attached_) return;
    if (gl_texture_) {
        const GLuint tex = gl_texture_;
        glDeleteTextures(1, &tex);
        gl_texture_ = 0;
    }
    if (atlas_) atlas_->SetTexID(nullptr);
    gl_attached_ = false;
}

void FontSet::upload_texture() {
    if (!atlas_->TexPixelsAlpha8) {
        log_error("the atlas has no pixels to upload (already uploaded?)");
        return;
    }
    GLint last_texture = 0, last_alignment = 0, last_row_length = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
    glGetIntegerv(GL_UNPACK_ALIGNMENT, &last_alignment);
    glGetIntegerv(GL_UNPACK_ROW_LENGTH, &last_row_length);
    GLuint texture = 0;
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    // The backend's shader multiplies the texel by the vertex colour: white
    // with the glyph's coverage as alpha is what its RGBA32 texture held.
    const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, atlas_w_, atlas_h_, 0, GL_RED, GL_UNSIGNED_BYTE, atlas_->TexPixelsAlpha8);
    const GLenum error = glGetError();
    glPixelStorei(GL_UNPACK_ALIGNMENT, last_alignment);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, last_row_length);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
    if (error != GL_NO_ERROR) {
        glDeleteTextures(1, &texture);
        log_error("uploading the " + std::to_string(atlas_w_) + "x" + std::to_string(atlas_h_) +
                  " font atlas failed (GL error " + std::to_string(error) + "); text keeps the previous texture");
        if (gl_texture_) atlas_->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(gl_texture_)));
        return;
    }
    if (gl_texture_) {
        const GLuint previous = gl_texture_;
        glDeleteTextures(1, &previous);
    }
    gl_texture_ = texture;
    atlas_->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture)));
    // The GPU has the pixels now; the CPU copy is the largest thing we hold.
    IM_FREE(atlas_->TexPixelsAlpha8);
    atlas_->TexPixelsAlpha8 = nullptr;
}

// [SECTION] Queries

ImFont* FontSet::font(TextStyle style) const { return fonts_[style_index(style)]; }

float FontSet::px(TextStyle style) const {
    const float baked = px_[style_index(style)];
    return baked > 0 ? baked : metrics_.px(style);
}

bool FontSet::covers(TextStyle style, std::string_view utf8) const {
    if (!font(style)) return false;
    std::size_t missing = 0;
    atlas_text(style, text::visible_text(utf8), &missing);
    return missing == 0;
}

std::string FontSet::atlas_text(TextStyle style, std::string_view visible, std::size_t* missing) const {
    const ImFont* f = font(style);
    if (!f) {
        if (missing) *missing = text::count_codepoints(visible);
        return {};
    }
    return text::atlas_text(visible, stand_ins_, [f](char32_t cp) {
        return f->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr;
    }, missing);
}

std::size_t FontSet::atlas_pixels() const {
    return static_cast<std::size_t>(atlas_w_) * static_cast<std::size_t>(atlas_h_);
}
int FontSet::atlas_width() const { return atlas_w_; }
int FontSet::atlas_height() const { return atlas_h_; }

}  // namespace campus::kiosk
