// FontSet: the screen's type, baked into one Dear ImGui font atlas.
//
// imgui 1.86 has no dynamic atlas, and a full CJK range (20 000+ glyphs) at
// hallway sizes would not fit any texture. So the atlas holds exactly the code
// points the screen can draw, planned per style tier (GlyphPlan), each tier
// holding only what pages draw at its sizes (at 4K every size is twice
// 1080p's, and a glyph four times the texture):
//   text     caption, body, subtitle: every string of the feed, the program's
//            own strings (collected from kiosk/ at build time), ASCII, CJK
//            punctuation, full-width forms and common symbols.
//   heading  title: the feed's names and titles (school, term, habits, classes,
//            competitions and their criteria, notices, events and their places,
//            the gallery), an emergency's body, the program strings, ASCII. Not
//            the long texts pages set smaller (notice bodies, goals, tips, notes).
//   display  the few strings pages draw at display size (habit and event
//            titles, the school's name, emergencies), digits and the program's
//            words drawn that large (今天, 全校第3名, 紧急通知: large_words).
//   hero     class and competition names, emergency titles, digits and the
//            program's words drawn that large.
// A string planned for display or hero is planned for heading too: a page
// that cannot fit it large sets it at title.
// One ImFont per TextStyle is baked at ScreenMetrics::px(style) with
// FreeType, from Noto Sans CJK SC (Regular for the text tier, Bold for title
// and up when installed).
//
// What Noto Sans CJK SC lacks (emoji, dingbats: ⚠ ❗ 📢) comes from the
// fallback fonts fontconfig lists for sans-serif:lang=zh-cn (Debian:
// fonts-symbola, DejaVu), monochrome outlines only: the atlas is one channel
// (GL_R8), so a colour font (Noto Color Emoji) is passed over. Characters
// above U+FFFF (Extension B names, most emoji), which Debian's 16-bit ImWchar
// cannot name, get a private-use stand-in per atlas (text::PrivateUseMap) and
// are rasterised here, with FreeType, into custom rectangles of the atlas;
// so are the fallback fonts' glyphs. The Canvas hands ImGui the stand-ins
// (text::atlas_text).
//
// Very large screens: imgui 1.86's FreeType builder blits each glyph into a
// fixed 256 KiB buffer (4 bytes a pixel) and overruns the heap for a glyph
// over 65,536 pixels: a hero-sized Han character from a short side of about
// 2,800 px (5K, 8K). Glyphs are therefore rasterised at the sizes of a screen
// whose short side is at most kMaxRasterShortSide (4K) and drawn scaled
// above it (raster_metrics()); any glyph still too large for that buffer is
// rasterised here instead. Every size up to 16384×16384 builds.
//
// A new feed (or a new screen size) changes the plan: request_rebuild()
// rasterises a fresh atlas on a worker thread, apply_pending() swaps it in
// between frames; the display never stalls on FreeType.
//
// Thread safety: request_rebuild() and pending() may be called from any
// thread. Everything else is for the main (render) thread, between frames
// (never between NewFrame and Render), with the ImGui context current.
//
// Lifetime: FontSet installs its atlas as io.Fonts of the current ImGui
// context (taking over from the context's own atlas). Its destructor hands
// the context an empty atlas of its own again, so FontSet and the context may
// be destroyed in either order. With attach_gl(), call release_gl() while the
// GL context is still current, before ImGui_ImplOpenGL3_Shutdown.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <imgui.h>

#include "kiosk/geometry.hpp"
#include "kiosk/role.hpp"
#include "kiosk/text/screen_text.hpp"

namespace campus {
struct Feed;
}

namespace campus::kiosk {

enum class GlyphTier { text, heading, display, hero };
// Which glyph tier a style's font is baked with.
GlyphTier tier_of(TextStyle style);

// The code points to bake, per tier. Sorted, unique. Characters the screen
// never draws (sync/drawable_text: format controls, scripts needing shaping)
// are left out; those above U+FFFF are kept (FontSet gives them stand-ins).
struct GlyphPlan {
    std::vector<char32_t> text;
    std::vector<char32_t> heading;
    std::vector<char32_t> display;
    std::vector<char32_t> hero;

    // Adds every code point of a UTF-8 string to a tier (invalid bytes skipped).
    void add(GlyphTier tier, std::string_view utf8);
    void add(GlyphTier tier, char32_t first, char32_t last);  // inclusive range
    const std::vector<char32_t>& tier(GlyphTier t) const;
    bool contains(GlyphTier t, char32_t cp) const;
    // Sorts and removes duplicates; glyph_plan_for() returns normalised plans.
    void normalise();
    std::size_t glyph_count() const { return text.size() + heading.size() + display.size() + hero.size(); }
    bool operator==(const GlyphPlan&) const = default;
};

// The program's own non-ASCII code points: every string literal under kiosk/,
// collected at build time (cmake/collect_glyphs.cpp), sorted and unique.
const std::vector<char32_t>& program_code_points();
// The program's words that pages draw at display or hero size, besides
// digits and the feed's strings. A page drawing another program string that
// large must add it here: without it the string is set at title.
namespace large_words {
inline constexpr const char* countdown = "今天明天";  // the one coming event's countdown (hero, display)
inline constexpr const char* emergency_label = "紧急通知";  // the emergency's label (display)
inline constexpr const char* rank = "全校年级并列第名继续努力";  // the class card's 全校第3名 (hero, display)
inline constexpr const char* week = "第周";  // the assembly's 第12周 流动红旗 (hero, display)
}  // namespace large_words
// The Han character whose ink the Canvas centres a line box on (中): in every
// tier, whatever the tier's strings, so a line sits where it always did.
extern const char32_t kInkReference;

// The plan for a feed; `feed` may be null (the waiting screen): then the
// program strings and the base sets only. With a role, only what that role's
// pages draw at each size (kiosk/rotation.hpp: a lobby never shows the class
// card nor the assembly, whose class names are its largest text); without,
// what any role's pages draw.
GlyphPlan glyph_plan_for(const Feed* feed, std::optional<Role> role = std::nullopt);

class FontSet {
public:
    // Above this short side glyphs are rasterised at its sizes and drawn scaled.
    static constexpr int kMaxRasterShortSide = 2160;
    // The metrics glyphs are rasterised at for a screen: its own up to a short
    // side of kMaxRasterShortSide, else that short side's.
    static ScreenMetrics raster_metrics(const ScreenMetrics& screen);

    FontSet();
    ~FontSet();
    FontSet(const FontSet&) = delete;
    FontSet& operator=(const FontSet&) = delete;

    // The font file to use: Noto Sans CJK SC (fonts-noto-cjk), else the CJK
    // font fontconfig picks for zh-cn. Throws std::runtime_error naming what
    // was tried when there is none.
    struct FontFile {
        std::string path;
        int face_index = 0;
    };
    static FontFile find_font_file();
    // The bold face for title, display and hero, when the same family ships one.
    static std::optional<FontFile> find_bold_font_file(const FontFile& regular);
    // The fonts fontconfig falls back to for sans-serif:lang=zh-cn, in its
    // order, scalable and not colour, without `regular`'s file.
    static std::vector<FontFile> find_fallback_font_files(const FontFile& regular);
    // Overrides the search (tests, --font); call before the first build.
    void set_font_files(FontFile regular, std::optional<FontFile> bold);

    // Builds synchronously and installs the atlas into the current ImGui
    // context. Call once before the first frame. Throws std::runtime_error
    // when the font cannot be loaded or the atlas cannot be built.
    void build_now(const ScreenMetrics& metrics, const GlyphPlan& plan);

    // Rasterises a new atlas on the worker thread and returns at once. A newer
    // request replaces one not yet started. Any thread.
    void request_rebuild(const ScreenMetrics& metrics, GlyphPlan plan);
    // Called on the worker thread when a rebuilt atlas is ready (the app
    // passes glfwPostEmptyEvent so its loop wakes up to apply it).
    void set_on_ready(std::function<void()> on_ready);
    // Called on the worker just before it rasterises (tests: holding a build
    // in progress shows that frames go on and nothing waits for FreeType).
    void set_before_build(std::function<void()> before_build);
    // True while a requested rebuild is queued or running, or finished but not
    // yet applied. Any thread.
    bool pending() const;
    // A rebuilt atlas (or a failed rebuild) is there for apply_pending() to take.
    bool ready() const;
    // Main thread, between frames: swaps in the atlas the worker finished, if
    // any (io.Fonts, io.FontDefault, the GL texture when attached), and frees
    // the old one. True when swapped: the caller redraws, and must not reuse
    // ImFont pointers or draw data from before. A failed rebuild is logged to
    // stderr and the current atlas stays.
    bool apply_pending();
    // Blocks until no rebuild is queued or running (tests, shutdown).
    void wait_idle() const;

    // GL texture: after ImGui_ImplOpenGL3_Init, with the GL context current.
    // From then on FontSet owns the font texture and uploads it as a
    // single-channel GL_R8 texture swizzled to (1,1,1,r) — what the backend's
    // shader expects from its RGBA32 texture, at a quarter of the memory —
    // and frees the atlas's CPU copy of the pixels after each upload.
    void attach_gl();
    void release_gl();

    // The font for a style, the pixel size it is baked at (the screen's size
    // up to kMaxRasterShortSide, see raster_metrics()), and whether its glyph
    // tier holds every drawable character of `utf8`.
    ImFont* font(TextStyle style) const;
    float px(TextStyle style) const;
    bool covers(TextStyle style, std::string_view utf8) const;
    // The stand-ins of the current atlas for characters above U+FFFF.
    const text::PrivateUseMap& stand_ins() const { return stand_ins_; }
    // `visible` (text::visible_text) as the style's font is to be given it
    // (text::atlas_text); `missing` receives the characters left out.
    std::string atlas_text(TextStyle style, std::string_view visible, std::size_t* missing = nullptr) const;
    // Glyphs rasterised by FontSet itself (above U+FFFF, fallback fonts,
    // too large for ImGui's builder), over all styles of the current atlas.
    std::size_t own_glyph_count() const { return own_glyphs_; }
    const ScreenMetrics& metrics() const { return metrics_; }
    const GlyphPlan& plan() const { return plan_; }
    bool built() const { return atlas_ != nullptr; }

    // For bench/: the current atlas's texture size in pixels (width × height)
    // and how long its rasterisation took (wall clock, on whichever thread).
    std::size_t atlas_pixels() const;
    int atlas_width() const;
    int atlas_height() const;
    double last_build_ms() const { return last_build_ms_; }

private:
    struct Built;
    struct Job {
        ScreenMetrics metrics;
        GlyphPlan plan;
    };
    std::unique_ptr<Built> build(const ScreenMetrics& metrics, const GlyphPlan& plan);
    void install(std::unique_ptr<Built> built);
    void upload_texture();
    void worker_loop();
    void ensure_font_files();

    struct MappedFile;
    std::shared_ptr<const MappedFile> regular_;
    std::shared_ptr<const MappedFile> bold_;
    std::optional<FontFile> regular_file_;
    std::optional<FontFile> bold_file_;
    bool bold_searched_ = false;
    struct Fallback;
    std::vector<std::shared_ptr<const Fallback>> fallbacks_;
    bool fallbacks_searched_ = false;

    // Current atlas (main thread).
    std::unique_ptr<ImFontAtlas> atlas_;
    ImFont* fonts_[kTextStyleCount] = {};
    float px_[kTextStyleCount] = {};
    ScreenMetrics metrics_;
    GlyphPlan plan_;
    text::PrivateUseMap stand_ins_;
    std::size_t own_glyphs_ = 0;
    int atlas_w_ = 0, atlas_h_ = 0;
    double last_build_ms_ = 0;
    bool gl_attached_ = false;
    unsigned int gl_texture_ = 0;

    // Worker (guarded by mutex_).
    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    std::optional<Job> queued_;
    bool busy_ = false;
    bool stopping_ = false;
    std::unique_ptr<Built> finished_;
    std::string failure_;
    std::function<void()> on_ready_;
    std::function<void()> before_build_;
    int max_texture_size_ = 0;  // GL_MAX_TEXTURE_SIZE once attached; 0 = unknown
    std::thread worker_;
};

}  // namespace campus::kiosk
