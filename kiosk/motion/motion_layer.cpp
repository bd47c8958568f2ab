#include "kiosk/motion/motion_layer.hpp"

#include <imgui.h>
#include <spdlog/spdlog.h>

#include "kiosk/theme.hpp"

namespace campus::kiosk::motion {

MotionLayer::MotionLayer(MotionSettings settings)
    : clock_(settings),
      flags_(std::make_unique<FlagRenderer>()),
      transition_(std::make_unique<PageTransition>()),
      background_(std::make_unique<Background>()) {
    flags_->install();
    spdlog::info("motion: {}; flag {}, transitions {}, background {}, ≤ {} fps",
                 settings.calm ? "calm (nothing moves)" : "on", flags_->available() ? "shader" : "CPU (fallback)",
                 transition_->available() ? "blended" : "hard cuts (fallback)",
                 !settings.background || settings.calm ? "off"
                 : background_->available()            ? "on"
                                                       : "off (fallback)",
                 clock_.settings().max_fps);
}

MotionLayer::~MotionLayer() = default;

void MotionLayer::page_arrived(double now) {
    clock_.page_arrived(now, false);
    transition_captured_ = false;
}

void MotionLayer::page_changing(double now, int width, int height, const std::function<void()>& render_outgoing) {
    clock_.page_arrived(now, true);
    transition_captured_ = false;
    if (!clock_.transition_running(now) || !transition_->available()) return;  // a hard cut
    transition_captured_ = transition_->capture(PageTransition::Slot::outgoing, width, height, [&] {
        draw_underlay(now, width, height);
        render_outgoing();
    });
}

void MotionLayer::draw_underlay(double now, int width, int height) const {
    const MotionSettings& s = clock_.settings();
    if (s.background && !s.calm && background_->draw(width, height, clock_.background_time(now))) return;
    const ImVec4 paper = ImGui::ColorConvertU32ToFloat4(theme::page_background);
    glViewport(0, 0, width, height);
    glDisable(GL_SCISSOR_TEST);  // glClear honours the scissor box
    glClearColor(paper.x, paper.y, paper.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
}

void MotionLayer::render_frame(double now, int width, int height, const std::function<void()>& render_ui,
                               GLuint framebuffer) {
    bool blended = false;
    if (transition_captured_ && clock_.transition_running(now) &&
        clock_.settings().transition_style == TransitionStyle::crossfade) {
        // The cheap crossfade: the incoming page straight into the
        // framebuffer, the outgoing capture blended over it (no second
        // capture: under llvmpipe that is a full-screen pass saved a frame).
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
        draw_underlay(now, width, height);
        render_ui();
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);  // a flag callback cannot have moved it, but be sure
        if (!transition_->composite_over(width, height, clock_.transition_progress(now), page_area_))
            spdlog::debug("motion: no outgoing page for this transition size; a cut");
        blended = true;  // drawn either way
    } else if (transition_captured_ && clock_.transition_running(now)) {
        const bool incoming = transition_->capture(PageTransition::Slot::incoming, width, height, [&] {
            draw_underlay(now, width, height);
            render_ui();
        });
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
        blended = incoming && transition_->composite(width, height, clock_.transition_progress(now),
                                                     clock_.settings().transition_style, page_area_);
    } else if (transition_captured_) {
        // The transition is over: give its memory back until the next page change.
        transition_->release();
        transition_captured_ = false;
    }
    if (!blended) {
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
        draw_underlay(now, width, height);
        render_ui();
    }
    clock_.frame_drawn(now, flags_->flags_in_frame() > 0);

    if (!context_failure_) {
        if (transition_->allocation_failure())
            context_failure_ = ContextFailure{*transition_->allocation_failure()};
        else
            context_failure_ = check_context_health();
        if (context_failure_) spdlog::critical("motion: {}", context_failure_->reason);
    }
}

}  // namespace campus::kiosk::motion
