// Sections: [targets] [capture] [composite]
#include "kiosk/motion/page_transition.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace campus::kiosk::motion {

PageTransition::PageTransition(std::string_view vertex_source, std::string_view fragment_source)
    : program_(GlProgram::build("transition", vertex_source, fragment_source)) {
    if (!program_.valid()) return;
    KIOSK_GL_CHECK(glGenVertexArrays(1, &vertex_array_));
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
    if (target.framebuffer != 0) glDeleteFramebuffers(1, &target.framebuffer);
    if (target.texture != 0) glDeleteTextures(1, &target.texture);
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
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    if (width > max_size || height > max_size) {
        spdlog::warn("motion: a {}x{} page texture exceeds this GL's limit ({}); page changes are hard cuts", width,
                     height, max_size);
        return false;
    }
    while (glGetError() != GL_NO_ERROR) {
    }  // what follows must be ours
    glGenTextures(1, &target.texture);
    glBindTexture(GL_TEXTURE_2D, target.texture);
    // texelFetch reads exact pixels: no filtering, no mipmaps.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    const GLenum error = glGetError();
    glBindTexture(GL_TEXTURE_2D, 0);
    if (error != GL_NO_ERROR) {
        const std::string what = "cannot allocate the " + std::string(which) + " page texture (" +
                                 std::to_string(width) + "x" + std::to_string(height) + ", GL error 0x" +
                                 fmt::format("{:x}", error) + ")";
        spdlog::error("motion: {}; this page change is a hard cut", what);
        if (error == GL_OUT_OF_MEMORY) allocation_failure_ = what;
        free_target(target);
        return false;
    }
    glGenFramebuffers(1, &target.framebuffer);
    glBindFramebuffer(GL_FRAMEBUFFER, target.framebuffer);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, target.texture, 0);
    const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (status != GL_FRAMEBUFFER_COMPLETE) {
        spdlog::error("motion: the {} page framebuffer is incomplete (status 0x{:x}); page changes are hard cuts",
                      which, status);
        free_target(target);
        return false;
    }
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

    // The area in GL's framebuffer pixels (origin bottom-left), clamped to the screen.
    const ScreenRect a = area.value_or(ScreenRect{0, 0, static_cast<float>(width), static_cast<float>(height)});
    const float fw = static_cast<float>(width), fh = static_cast<float>(height);
    const float x0 = std::clamp(a.x0, 0.0f, fw), x1 = std::clamp(a.x1, 0.0f, fw);
    const float y0 = std::clamp(fh - a.y1, 0.0f, fh), y1 = std::clamp(fh - a.y0, 0.0f, fh);

    glViewport(0, 0, width, height);
    glDisable(GL_BLEND);  // the captures are opaque pages: replace, don't blend
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    KIOSK_GL_CHECK(glUseProgram(program_.id()));
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, outgoing_.texture);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, incoming_.texture);
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

}  // namespace campus::kiosk::motion
