// PageTransition: the outgoing and incoming pages rendered to textures and
// blended by shaders/transition.frag (crossfade or slide, eased).
//
// Two colour textures (A: outgoing, B: incoming) at the framebuffer's size,
// each with its framebuffer object. The app renders the outgoing page into A
// once, when the transition starts, and the incoming page into B every frame
// of the transition (it may move: a waving flag), then composite() draws the
// blend into the framebuffer bound at the time (the window's). The crossfade
// (the default) takes the cheaper road, composite_over(): the incoming page
// is drawn straight to the screen and only the outgoing capture is blended
// over it, so a transition frame costs one light full-screen pass more than
// a still frame (MotionLayer::render_frame).
//
// Fallback: when the program did not compile, a target cannot be allocated
// (driver out of memory, incomplete framebuffer) or the two captures differ in
// size (the window was resized mid-transition), capture()/composite() return
// false and the app shows the incoming page at once: a hard cut.
//
// The textures are freed by release() (MotionLayer does it when a transition
// ends): at 4K they are 2 × 33 MB a weak mini-PC can use better between page
// changes, and allocating them again costs less than a frame.
//
// Thread safety: main (render) thread, GL context current.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/motion/gl_program.hpp"
#include "kiosk/motion/motion_clock.hpp"
#include "kiosk/motion/shaders.hpp"

namespace campus::kiosk::motion {

// A rectangle in screen pixels, top-left origin (ImGui's convention).
struct ScreenRect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

class PageTransition {
public:
    enum class Slot { outgoing, incoming };

    explicit PageTransition(std::string_view vertex_source = shaders::fullscreen_vert,
                            std::string_view fragment_source = shaders::transition_frag,
                            std::string_view over_fragment_source = shaders::crossfade_over_frag);
    ~PageTransition();
    PageTransition(const PageTransition&) = delete;
    PageTransition& operator=(const PageTransition&) = delete;

    bool available() const { return program_.valid(); }

    // Binds the slot's framebuffer at `width`×`height` (allocating or
    // resizing its texture), sets the viewport, runs `draw` (which clears and
    // renders a page), and binds framebuffer 0 again. False, without calling
    // `draw`, when the program or the target is unavailable.
    bool capture(Slot slot, int width, int height, const std::function<void()>& draw);

    // Draws the blend at `progress` (0 = outgoing, 1 = incoming) into the
    // framebuffer bound now, over `width`×`height`. Only `area` (default: the
    // whole screen) moves; outside it the incoming frame shows as it is.
    // False when either capture is missing or their sizes differ from
    // width×height: show the incoming page instead (hard cut).
    bool composite(int width, int height, float progress, TransitionStyle style,
                   std::optional<ScreenRect> area = std::nullopt);

    // The cheaper crossfade: the incoming page is already drawn in the bound
    // framebuffer (straight to the screen, no capture); the outgoing capture
    // is blended over it with alpha 1 − eased progress inside `area`. The
    // same picture as composite(crossfade) within a rounding step, for one
    // full-screen capture less and a pass of one texel read per pixel
    // (the frame budget under llvmpipe: at 1080p the full blend cost
    // ~70 ms a frame on a loaded 2-core machine, this pass a fraction). False
    // when its program failed, or the outgoing capture is missing or its size
    // differs: the incoming page stays as drawn (a cut).
    bool composite_over(int width, int height, float progress, std::optional<ScreenRect> area = std::nullopt);

    // The page cache's transition (MotionLayer): the same blend as
    // composite(), of two textures the caller owns (premultiplied page
    // layers), into the bound framebuffer with the blend and scissor state
    // the caller set. False when the program is unavailable.
    bool blend(GLuint from, GLuint to, int width, int height, float progress, TransitionStyle style,
               std::optional<ScreenRect> area = std::nullopt);

    // Frees both targets (see above).
    void release();

    // Set when allocating a target failed with GL_OUT_OF_MEMORY: the context
    // may be unusable; MotionLayer reports it as a context failure.
    const std::optional<std::string>& allocation_failure() const { return allocation_failure_; }

private:
    struct Target {
        GLuint framebuffer = 0;
        GLuint texture = 0;
        int width = 0, height = 0;
        bool captured = false;
    };
    bool prepare(Target& target, int width, int height, const char* which);
    static void free_target(Target& target);

    GlProgram program_;
    GLuint vertex_array_ = 0;
    GLint u_from_ = -1, u_to_ = -1, u_progress_ = -1, u_style_ = -1, u_area_ = -1;
    GlProgram over_program_;  // shaders/crossfade_over.frag: composite_over()
    GLint u_over_from_ = -1;
    Target outgoing_, incoming_;
    std::optional<std::string> allocation_failure_;
};

}  // namespace campus::kiosk::motion
