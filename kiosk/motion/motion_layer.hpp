// MotionLayer: the screen's motion (the waving flag, page transitions, the
// lobby's background) behind the few calls the app's loop makes.
//
// Owns the MotionClock (when to draw), the FlagRenderer (installed, so
// motion::add_flag() works from pages and the Canvas), the PageTransition and
// the Background. Every effect whose program failed is skipped on its own:
// the flag falls back to the CPU flag, the transition to a hard cut, the
// background to the plain clear. Never a black screen.
//
// The loop, with `now` on one monotonic clock (glfwGetTime()) and
// `render_ui` = "ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData())":
//
//   MotionLayer motion(settings);                         // after the GL context and ImGui exist
//   motion.page_arrived(now);                             // the first page is up
//   ...
//   // the rotation is about to advance: draw the page being left, once
//   motion.page_changing(now, w, h, [&] { compose(old page); render_ui(); });
//   rotation.advance();
//   ...
//   // every frame: PageContext::motion = motion.flag_time(now); compose; then
//   motion.render_frame(now, w, h, render_ui);  swap buffers;
//   if (auto failure = motion.context_failure()) { log; exit non-zero; }
//   ...
//   redraw |= motion.animating(now);
//   timeout = min(timeout, motion.next_frame_due() - now);
//
// The page cache (what the kiosk's loop uses; the immediate path above is
// its fallback and what the motion tests drive directly): a page is drawn
// once into a texture, the "page layer", when its content changes; a motion
// frame only composites layers, inside the rectangles that moved:
//
//   underlay   the background (or the paper clear), full screen
//   page       the cached page layer (premultiplied RGBA, transparent where
//              the paper shows), or during a transition the blend of the
//              outgoing layer and this one
//   flags      every cloth the page asked for, at the wave's time
//
//   motion.begin_page();  compose();  motion.end_page();   // ImGui frame, cloths recorded
//   motion.redraw_page(w, h, render_ui);                    // into the page layer
//   ...
//   motion.page_turning(now, w, h);  // the layer on screen becomes the outgoing one
//   ... compose and redraw_page the next page ...
//   Damage damage = motion.damage(now, w, h);               // nothing, rectangles, or all
//   motion.compose_screen(now, w, h, damage);  present(damage);
//
// Memory: two layers at most (the page on screen and, during a transition,
// the one it replaces or the incoming page composed over the paper; that one
// is freed when the transition ends), each the screen's size: 8 MB at 1080p,
// 33 MB at 4K. None at all when pages are drawn straight into a kept back
// buffer (calm, or a crossfade with a pixel sink: set_pixel_sink); a fade then
// holds the page area twice on the CPU while it runs (the sink's image, shared
// with the X server, and the incoming page), and each waving cloth a backdrop
// of its few thousand pixels.
//
// Thread safety: main (render) thread, GL context current.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "kiosk/motion/background.hpp"
#include "kiosk/motion/flag_renderer.hpp"
#include "kiosk/motion/gl_program.hpp"
#include "kiosk/motion/motion_clock.hpp"
#include "kiosk/motion/page_transition.hpp"
#include "kiosk/motion/pixel_sink.hpp"

namespace campus::kiosk::motion {

class MotionLayer {
public:
    // Compiles the effects' programs (failures logged, effects skipped) and
    // installs the flag renderer for add_flag().
    explicit MotionLayer(MotionSettings settings = {});
    ~MotionLayer();
    MotionLayer(const MotionLayer&) = delete;
    MotionLayer& operator=(const MotionLayer&) = delete;

    // The first page (or a page shown without a transition) is on screen.
    void page_arrived(double now);
    // The rotation is about to show another page. `render_outgoing` draws the
    // page being left with ImGui (compose + RenderDrawData) into the bound
    // framebuffer; it is called at once, or not at all when the change will be
    // a hard cut (calm, transitions off, the transition unavailable).
    void page_changing(double now, int width, int height, const std::function<void()>& render_outgoing);

    // Where pages are drawn, in screen pixels: only this area moves in a
    // transition (the header and footer do not). Default: the whole screen.
    void set_page_area(std::optional<ScreenRect> area) { page_area_ = area; }

    // What pages pass to add_flag() (PageContext::motion) at `now`.
    float flag_time(double now) const { return clock_.flag_time(now); }

    // Draws a whole frame into `framebuffer` (0: the window's) at `width`×`height`: the
    // background (or the paper clear), `render_ui` (ImGui's draw data of the
    // frame composed for `now`), and during a transition the blend of the
    // outgoing page into it. The caller swaps buffers after. Records the frame
    // for the clock. (A test or a benchmark passes its own framebuffer.)
    void render_frame(double now, int width, int height, const std::function<void()>& render_ui,
                      GLuint framebuffer = 0);

    // Loop policy (MotionClock): draw while animating; sleep until next_frame_due().
    bool animating(double now) const { return clock_.animating(now); }
    double next_frame_due() const { return clock_.next_frame_due(); }

    // Non-empty when the GL context is lost or failed (reset, out of memory):
    // the app should log it and exit non-zero so its supervisor restarts it.
    // Checked after each frame by render_frame; cheap to call.
    const std::optional<ContextFailure>& context_failure() const { return context_failure_; }

    // -- the page cache --
    // False when its program or a layer failed (logged): the app uses the
    // immediate path, render_frame(), instead.
    bool cache_available() const { return cache_ok_; }
    // Around the ImGui frame of a page redraw: the cloths are recorded, not drawn.
    void begin_page() { flags_->begin_layer(); }
    void end_page() { flags_->end_layer(); }
    // Renders the composed ImGui frame (`render_ui`) into the page layer at
    // `width`×`height`; with `only`, just that region of it (the header's
    // clock when the minute turns). The next damage() includes what changed.
    // False when the layer cannot be allocated (cache_available() turns false).
    bool redraw_page(int width, int height, const std::function<void()>& render_ui,
                     std::optional<ScreenRect> only = std::nullopt);
    // The window's back buffer keeps what was presented (GLX_MESA_copy_sub_buffer):
    // a crossfade can then be composed over the previous frame (see page_turning).
    // Default false: every transition frame is composed from both layers.
    // With nothing that ever moves (calm), the page is then drawn straight
    // into the back buffer, over the paper, and no layer exists at all: a
    // redraw is one ImGui pass and a present, as before the cache.
    void set_back_buffer_kept(bool kept) {
        back_buffer_kept_ = kept;
        update_direct();
    }
    // True when pages go straight into the back buffer (above): there is no
    // page layer to read a screenshot from; the frame is drawn whole instead.
    bool draws_direct() const { return direct_; }
    // Whole-page redraws into the back buffer (a turn, a new feed) that left
    // the band above the page area as it was: the header and the urgent
    // banner draw exactly what the back buffer shows there (the same
    // triangles, colours and texture; no cloth in it) and the paper under
    // them has not moved, so only the page area and the footer are drawn.
    // Under llvmpipe that band is a tenth of a 4K turn's passes.
    int redraws_keeping_the_band_above() const { return kept_above_; }
    // The next whole-page redraw draws the band above too (a new glyph atlas
    // may hold other pixels under the same UVs).
    void forget_band_above() { above_known_ = false; }
    // The rotation is about to show another page, and the clock starts the
    // transition (a hard cut when calm or unavailable). Call redraw_page for
    // the new page next.
    //  - A crossfade over a kept back buffer (the kiosk's default under X11):
    //    no outgoing layer is kept. The back buffer still shows the page being
    //    left; the incoming page is composed once over the paper into the
    //    "screen" layer, and each transition frame blends that one texture
    //    over the frame before (one read of one texture a pixel, inside the
    //    page area): weight `keep` = (1 − f) / (1 − f_before) for the
    //    frame on screen, f the eased progress, so frame k shows exactly
    //    (1 − f) × old + f × new up to 8-bit rounding, and the last frame is
    //    the new page exactly. A redraw of the page during the blend (a new
    //    feed, the minute) composes the screen layer again and the blend goes
    //    on towards it.
    //  - Otherwise the layer on screen becomes the outgoing one, its cloths
    //    painted into it as they are at `now`, and every transition frame
    //    blends the two layers (compose.frag).
    void page_turning(double now, int width, int height);
    // What must be drawn for a frame at `now`: everything after a redraw of
    // the whole page, a resize or an expose; else the rectangles whose
    // pixels move (the transition's page area, each waving cloth); the
    // whole screen while the background moves. Empty: nothing to draw.
    struct Damage {
        bool full = false;
        std::vector<ScreenRect> rects;  // screen pixels, top-left origin; ignored when full
        bool empty() const { return !full && rects.empty(); }
    };
    Damage damage(double now, int width, int height) const;
    // Everything must be drawn again at the next frame (the window lost its contents).
    void invalidate() { full_pending_ = true; }
    // A redrawn page (or region) is not on screen yet: compose a frame now, due or not.
    bool redraw_pending() const { return full_pending_ || region_pending_.has_value(); }
    // Draws `damage` of the screen at `now` into `framebuffer` (0: the
    // window's back buffer, which must still hold the previous frame unless
    // the damage is full) and records the frame for the clock (also when
    // the damage is empty: the loop asked for a frame and none was needed).
    void compose_screen(double now, int width, int height, const Damage& damage, GLuint framebuffer = 0);

    // Where a crossfade over the kept back buffer is shown from the CPU
    // (pixel_sink.hpp; the platform's MIT-SHM image under X11), or null: the
    // blend is drawn with GL. Not owned; it must outlive the layer or be
    // reset first. With a sink, a crossfade turn is: the page area on screen
    // read back once, the incoming page composed over the paper straight into
    // the back buffer (no screen layer) and its page area read back, then
    // every step one blend of the two on the CPU, shown by the sink; only the
    // bands around the page area (header, footer) are presented from the back
    // buffer, which holds the new page from the start. See take_presented_instead().
    //
    // With a sink and a kept back buffer, the moving screen is drawn straight
    // into the back buffer too, as the calm one is ("direct"): no page layer
    // exists (8 MB at 1080p, 33 MB at 4K). A page is drawn once, over the
    // paper, when it changes; under each waving cloth the page's pixels are
    // copied once into a small "backdrop" texture, and a flag frame is, per
    // flag, that backdrop put back and the cloths drawn over it at the new
    // time. The paper's light then moves only when a page is drawn (at a turn
    // it takes its 3 s at once anyway, under one 8-bit step of the paper).
    void set_pixel_sink(PixelSink* sink) {
        sink_ = sink;
        update_direct();
    }
    // After compose_screen: when the frame's page area was shown by the
    // sink, what the caller must still present from the back buffer instead
    // of the damage it asked for (the bands around the area, or nothing).
    // Empty: present the damage as planned.
    std::optional<Damage> take_presented_instead() {
        std::optional<Damage> instead = std::move(presented_instead_);
        presented_instead_.reset();
        return instead;
    }

    MotionClock& clock() { return clock_; }
    FlagRenderer& flags() { return *flags_; }
    PageTransition& transition() { return *transition_; }
    const Background& background() const { return *background_; }

private:
    // Background (when on and available) or the paper clear, into the bound framebuffer.
    void draw_underlay(double now, int width, int height) const;

    MotionClock clock_;
    std::unique_ptr<FlagRenderer> flags_;
    std::unique_ptr<PageTransition> transition_;
    std::unique_ptr<Background> background_;
    std::optional<ScreenRect> page_area_;
    bool transition_captured_ = false;  // the outgoing page of the running transition is in its texture
    std::optional<ContextFailure> context_failure_;

    // The page cache.
    using Layer = PageTarget;  // make_page_target (gl_program.hpp)
    bool prepare_layer(Layer& layer, int width, int height);
    static void free_layer(Layer& layer);
    void draw_page_layers(double now, int width, int height);  // inside the scissor set
    // One frame of the crossfade over the kept back buffer (see page_turning);
    // `whole`: the frame before is not the blend's (its first frame, or the
    // screen layer composed again): outside the page area the new page is
    // copied as it is. False when the screen layer cannot be allocated (the
    // transition becomes a cut).
    bool compose_fade(double now, int width, int height, bool whole);
    // screen_ = the page layer over the paper, its cloths over it, at `now`.
    bool compose_screen_layer(double now, int width, int height);
    // The crossfade on the CPU (set_pixel_sink), on a direct screen: the
    // page area on screen is taken at the turn (page_turning), the incoming
    // one read once the page is drawn (redraw_direct), then each step.
    // The page area on screen into the sink's image (kept when a blend runs).
    // False when there is no page area, no image, or it no longer lines up
    // (resized mid-blend): the change is then a cut.
    bool take_on_screen_area(int width, int height);
    bool read_incoming_area();  // the back buffer's page area: where the blend goes
    // `around`: what of the screen the back buffer must put up around the
    // page area this step (the whole screen as the blend starts, or the
    // region a redraw below a kept band changed); nullopt: only the blend.
    bool compose_cpu_fade(double now, int height, const std::optional<ScreenRect>& around);
    void end_cpu_fade();  // memory back; the back buffer (the new page) is presented whole next
    // redraw_page when direct_: into the back buffer, over the paper.
    bool redraw_direct(int width, int height, const std::function<void()>& render_ui, std::optional<ScreenRect> only);
    void note_redrawn(const std::optional<ScreenRect>& only);  // what the next damage() must include
    static void narrow_draw_data(const ScreenRect& only);      // every ImGui command clipped to `only`
    void check_health();
    GlProgram page_program_;  // shaders/crossfade_over.frag: one exact texel per pixel
    GLint u_page_ = -1;
    GLint u_offset_ = -1;  // where the texture's first texel sits on screen (a backdrop's corner; 0: screen-sized)
    GLuint page_vertex_array_ = 0;
    Layer current_, outgoing_;
    bool outgoing_ready_ = false;  // outgoing_ holds the page being left, for the running transition
    bool back_buffer_kept_ = false;
    // Calm, or moving with a pixel sink, over a kept back buffer: pages drawn straight into it.
    bool direct_ = false;
    void update_direct() {
        const bool was = direct_;
        direct_ = back_buffer_kept_ && (clock_.settings().calm || sink_ != nullptr);
        if (direct_ != was) paper_known_ = above_known_ = false;  // the back buffer is not what redraw_direct left
    }
    bool moving_direct() const { return direct_ && !clock_.settings().calm; }
    // Under each waving cloth of a direct page, the page as drawn without its cloths.
    struct Backdrop {
        GLint box[4] = {0, 0, 0, 0};  // GL pixels: x, y (bottom-left), w, h
        GLuint texture = 0;
    };
    std::vector<Backdrop> backdrops_;
    void capture_backdrops(int width, int height, const std::optional<ScreenRect>& only);
    void free_backdrops();
    void draw_flag_frame(double now, int width, int height);  // backdrops back, cloths at the new time
    bool direct_drawn_ = false;  // the back buffer holds a page (direct_), drawn at this size:
    int direct_width_ = 0, direct_height_ = 0;
    // The back buffer's paper: where its page has ink, and, when known, the
    // light's time it shows everywhere else (the next page then paints the
    // paper only in the ink's cells; redraw_direct).
    PaperCells ink_;
    bool paper_known_ = false;
    float paper_light_t_ = 0;
    // What the draw data put above the page area in the back buffer's frame
    // (band_above_hash), when known: a full redraw whose band hashes the same is drawn below it only.
    std::uint64_t above_hash_ = 0;
    bool above_known_ = false;
    int kept_above_ = 0;
    // The crossfade over the kept back buffer (page_turning).
    Layer screen_;                    // the incoming page over the paper, opaque
    bool fading_ = false;             // the running transition is this blend
    bool screen_layer_dirty_ = false; // screen_ must be composed (again) from the page layer
    float faded_ = 0;                 // the incoming page's weight in the frame on screen
    // The crossfade on the CPU (set_pixel_sink).
    PixelSink* sink_ = nullptr;
    bool cpu_fade_ = false;                    // the sink's image holds the page area as on screen
    AreaBuffer incoming_area_;                 // the incoming page's area over the paper, rows top-down
    std::vector<std::uint8_t> fade_spans_;     // pack_differing's: where a step changes anything
    GLint fade_box_[4] = {0, 0, 0, 0};         // the page area in GL pixels: x, y (bottom-left), w, h
    std::optional<Damage> presented_instead_;
    double last_now_ = 0;  // the latest time the loop passed in (a redraw draws the light and cloths as of then)
    bool cache_ok_ = false;
    bool full_pending_ = true;
    std::optional<ScreenRect> region_pending_;  // a redraw_page(only) not yet on screen
    // What the last composed frame showed, to tell what moved since.
    float drawn_flag_t_ = -1, drawn_background_t_ = -1, drawn_progress_ = -1;
};

}  // namespace campus::kiosk::motion
