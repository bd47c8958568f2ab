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
// Thread safety: main (render) thread, GL context current.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "kiosk/motion/background.hpp"
#include "kiosk/motion/flag_renderer.hpp"
#include "kiosk/motion/gl_program.hpp"
#include "kiosk/motion/motion_clock.hpp"
#include "kiosk/motion/page_transition.hpp"

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
};

}  // namespace campus::kiosk::motion
