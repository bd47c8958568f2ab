#include "kiosk/motion/background.hpp"

#include <imgui.h>

#include "kiosk/theme.hpp"

namespace campus::kiosk::motion {

namespace {
// The light's grid (background.vert): 32 × 18 cells of ≈ 60 px at 1080p, far
// finer than the light's ≈ 600 px radius.
constexpr int kColumns = 32;
constexpr int kRows = 18;
}  // namespace

Background::Background(std::string_view vertex_source, std::string_view fragment_source)
    : program_(GlProgram::build("background", vertex_source, fragment_source)) {
    if (!program_.valid()) return;
    KIOSK_GL_CHECK(glGenVertexArrays(1, &vertex_array_));
    u_paper_ = program_.uniform("u_paper");
    u_time_ = program_.uniform("u_time");
    u_resolution_ = program_.uniform("u_resolution");
    u_strength_ = program_.uniform("u_strength");
    u_grid_ = program_.uniform("u_grid");
}

Background::~Background() {
    if (vertex_array_ != 0) glDeleteVertexArrays(1, &vertex_array_);
}

bool Background::draw(int width, int height, float t) const {
    if (!available() || width <= 0 || height <= 0) return false;
    glViewport(0, 0, width, height);
    glDisable(GL_BLEND);  // it replaces the clear: every pixel written, opaque
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    KIOSK_GL_CHECK(glUseProgram(program_.id()));
    const ImVec4 paper = ImGui::ColorConvertU32ToFloat4(theme::page_background);
    glUniform3f(u_paper_, paper.x, paper.y, paper.z);
    glUniform1f(u_time_, t);
    glUniform2f(u_resolution_, static_cast<float>(width), static_cast<float>(height));
    glUniform1f(u_strength_, kStrength);
    glUniform2i(u_grid_, kColumns, kRows);
    KIOSK_GL_CHECK(glBindVertexArray(vertex_array_));
    KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, kColumns * kRows * 6));
    glBindVertexArray(0);
    glUseProgram(0);
    return true;
}

}  // namespace campus::kiosk::motion
