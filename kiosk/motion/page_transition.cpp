// Sections: [targets] [capture] [composite]
#include "kiosk/motion/page_transition.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

namespace campus::kiosk::motion {

PageTransition::PageTransition(std::string_view vertex_source, std::string_view fragment_source,
                               std::string_view over_fragment_source)
    : program_(GlProgram::build("transition", vertex_source, fragment_source)),
      // Named "transition" too: KIOSK_TEST_BREAK_SHADER=transition breaks both passes.
      over_program_(GlProgram::build("transition", vertex_source, over_fragment_source)) {
    u_over_from_ = over_program_.uniform("u_from");
    if (program_.valid() || over_program_.valid()) KIOSK_GL_CHECK(glGenVertexArrays(1, &vertex_array_));
    if (!program_.valid()) return;
    u_from_ = program_.uniform("u_from");
    u_to_ = program_.uniform("u_to");
    u_progress_ = program_.uniform("u_progress");
    u_style_ = program_.uniform("u_style");
    u_area_ = program_.uniform("u_area");
}

PageTransition::~PageTransition() {
    release();
    if (vertex_array_ != 0) glDeleteVertexArrays(1, &vertex_array_);
}

// [SECTION] targets ------------------------------------------------------------------------
void PageTransition::free_target(Target& target) {
    PageTarget owned{target.framebuffer, target.texture, target.width, target.height};
    free_page_target(owned);
    target = Target{};
}

void PageTransition::release() {
    free_target(outgoing_);
    free_target(incoming_);
}

bool PageTransition::prepare(Target& target, int width, int height, const char* which) {
    if (width <= 0 || height <= 0) return false;
    if (target.framebuffer != 0 && target.width == width && target.height == height) return true;
    free_target(target);
    PageTargetResult made = make_page_target(width, height);
    if (!made.ok()) {
        const std::string what = "cannot allocate the " + std::string(which) + " page texture (" + made.problem + ")";
        spdlog::error("motion: {}; page changes are hard cuts", what);
        if (made.out_of_memory) allocation_failure_ = what;
        return false;
    }
    target.framebuffer = made.target.framebuffer;
    target.texture = made.target.texture;
    target.width = width;
    target.height = height;
    return true;
}

// [SECTION] capture ------------------------------------------------------------------------
bool PageTransition::capture(Slot slot, int width, int height, const std::function<void()>& draw) {
    if (!available()) return false;
    Target& target = slot == Slot::outgoing ? outgoing_ : incoming_;
    target.captured = false;
    if (!prepare(target, width, height, slot == Slot::outgoing ? "outgoing" : "incoming")) return false;
    KIOSK_GL_CHECK(glBindFramebuffer(GL_FRAMEBUFFER, target.framebuffer));
    glViewport(0, 0, width, height);
    draw();
    KIOSK_GL_CHECK(glBindFramebuffer(GL_FRAMEBUFFER, 0));
    target.captured = true;
    return true;
}

// [SECTION] composite ----------------------------------------------------------------------
bool PageTransition::composite(int width, int height, float progress, TransitionStyle style,
                               std::optional<ScreenRect> area) {
    const auto ready = [&](const Target& t) { return t.captured && t.width == width && t.height == height; };
    if (!available() || !ready(outgoing_) || !ready(incoming_)) return false;
    glViewport(0, 0, width, height);
    glDisable(GL_BLEND);  // the captures are opaque pages: replace, don't blend
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    return blend(outgoing_.texture, incoming_.texture, width, height, progress, style, area);
}

bool PageTransition::blend(GLuint from, GLuint to, int width, int height, float progress, TransitionStyle style,
                           std::optional<ScreenRect> area) {
    if (!available()) return false;
    // The area in GL's framebuffer pixels (origin bottom-left), clamped to the screen.
    const ScreenRect a = area.value_or(ScreenRect{0, 0, static_cast<float>(width), static_cast<float>(height)});
    const float fw = static_cast<float>(width), fh = static_cast<float>(height);
    const float x0 = std::clamp(a.x0, 0.0f, fw), x1 = std::clamp(a.x1, 0.0f, fw);
    const float y0 = std::clamp(fh - a.y1, 0.0f, fh), y1 = std::clamp(fh - a.y0, 0.0f, fh);
    KIOSK_GL_CHECK(glUseProgram(program_.id()));
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, from);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, to);
    glUniform1i(u_from_, 0);
    glUniform1i(u_to_, 1);
    glUniform1f(u_progress_, std::clamp(progress, 0.0f, 1.0f));
    glUniform1i(u_style_, style == TransitionStyle::slide ? 1 : 0);
    glUniform4f(u_area_, x0, y0, x1, y1);
    KIOSK_GL_CHECK(glBindVertexArray(vertex_array_));
    KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, 3));
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
    return true;
}

bool PageTransition::composite_over(int width, int height, float progress, std::optional<ScreenRect> area) {
    if (!over_program_.valid() || !outgoing_.captured || outgoing_.width != width || outgoing_.height != height)
        return false;
    const ScreenRect a = area.value_or(ScreenRect{0, 0, static_cast<float>(width), static_cast<float>(height)});
    const float fw = static_cast<float>(width), fh = static_cast<float>(height);
    // The area in whole framebuffer pixels (GL's origin bottom-left), as the
    // shader's in_area test of composite() rounds it: pixel centres inside.
    const auto px = [](float v, float limit) { return static_cast<GLint>(std::ceil(std::clamp(v, 0.0f, limit) - 0.5f)); };
    const GLint x0 = px(a.x0, fw), x1 = px(a.x1, fw), y0 = px(fh - a.y1, fh), y1 = px(fh - a.y0, fh);
    if (x1 <= x0 || y1 <= y0) return true;  // nothing of the page area on screen: nothing to fade
    // transition.frag's ease_in_out, once per frame instead of per pixel.
    const float x = std::clamp(progress, 0.0f, 1.0f);
    const float eased = x < 0.5f ? 4 * x * x * x : 1 - std::pow(-2 * x + 2, 3.0f) / 2;

    glViewport(0, 0, width, height);
    glEnable(GL_SCISSOR_TEST);
    glScissor(x0, y0, x1 - x0, y1 - y0);
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    // colour = old × (1 − eased) + new × eased; the framebuffer's alpha stays as it is.
    glBlendColor(0, 0, 0, 1 - eased);
    glBlendFuncSeparate(GL_CONSTANT_ALPHA, GL_ONE_MINUS_CONSTANT_ALPHA, GL_ZERO, GL_ONE);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    KIOSK_GL_CHECK(glUseProgram(over_program_.id()));
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, outgoing_.texture);
    glUniform1i(u_over_from_, 0);
    KIOSK_GL_CHECK(glBindVertexArray(vertex_array_));
    KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, 3));
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
    glDisable(GL_BLEND);
    glDisable(GL_SCISSOR_TEST);
    return true;
}

}  // namespace campus::kiosk::motion
