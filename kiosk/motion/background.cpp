#include "kiosk/motion/background.hpp"

#include <algorithm>

#include <imgui.h>

#include "kiosk/theme.hpp"

namespace campus::kiosk::motion {

namespace {
// The light's grid (background.vert): 32 × 18 cells of ≈ 60 px at 1080p, far
// finer than the light's ≈ 600 px radius.
constexpr int kColumns = 32;
constexpr int kRows = 18;
}  // namespace

Background::Background(std::string_view vertex_source, std::string_view fragment_source,
                       std::string_view compose_source)
    // Named "background" too: KIOSK_TEST_BREAK_SHADER=background breaks both.
    : compose_program_(GlProgram::build("background", vertex_source, compose_source)),
      program_(GlProgram::build("background", vertex_source, fragment_source)) {
    if (compose_program_.valid()) {
        c_paper_ = compose_program_.uniform("u_paper");
        c_time_ = compose_program_.uniform("u_time");
        c_resolution_ = compose_program_.uniform("u_resolution");
        c_strength_ = compose_program_.uniform("u_strength");
        c_grid_ = compose_program_.uniform("u_grid");
        c_page_ = compose_program_.uniform("u_page");
        c_from_ = compose_program_.uniform("u_from");
        c_fade_ = compose_program_.uniform("u_fade");
        c_area_ = compose_program_.uniform("u_area");
        c_moving_ = compose_program_.uniform("u_moving");
    }
    if (program_.valid() || compose_program_.valid()) KIOSK_GL_CHECK(glGenVertexArrays(1, &vertex_array_));
    if (!program_.valid()) return;
    u_paper_ = program_.uniform("u_paper");
    u_time_ = program_.uniform("u_time");
    u_resolution_ = program_.uniform("u_resolution");
    u_strength_ = program_.uniform("u_strength");
    u_grid_ = program_.uniform("u_grid");
}

Background::~Background() {
    if (vertex_array_ != 0) glDeleteVertexArrays(1, &vertex_array_);
}

bool Background::draw(int width, int height, float t, bool scissored) const {
    if (!available() || width <= 0 || height <= 0) return false;
    glViewport(0, 0, width, height);
    glDisable(GL_BLEND);  // it replaces the clear: every pixel written, opaque
    if (!scissored) glDisable(GL_SCISSOR_TEST);
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

bool Background::compose(int width, int height, float t, bool moving, GLuint page, GLuint from, float fade,
                         const float area[4], const GLint* rows_of) const {
    if (!compose_available() || width <= 0 || height <= 0) return false;
    glViewport(0, 0, width, height);
    glDisable(GL_BLEND);  // opaque: every pixel of the scissor box written
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    KIOSK_GL_CHECK(glUseProgram(compose_program_.id()));
    const ImVec4 paper = ImGui::ColorConvertU32ToFloat4(theme::page_background);
    glUniform3f(c_paper_, paper.x, paper.y, paper.z);
    glUniform1f(c_time_, t);
    glUniform2f(c_resolution_, static_cast<float>(width), static_cast<float>(height));
    glUniform1f(c_strength_, kStrength);
    glUniform2i(c_grid_, kColumns, kRows);
    glUniform1i(c_moving_, moving ? 1 : 0);
    glUniform1f(c_fade_, from != 0 ? fade : 0.0f);
    glUniform4f(c_area_, area[0], area[1], area[2], area[3]);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, page);
    glUniform1i(c_page_, 0);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, from != 0 ? from : page);
    glUniform1i(c_from_, 1);
    // background.vert numbers the cells row by row from the bottom: a band of rows is one range of vertices.
    int first_row = 0, last_row = kRows;
    if (rows_of != nullptr) {
        first_row = std::clamp(rows_of[1] * kRows / height, 0, kRows);
        last_row = std::clamp((rows_of[1] + rows_of[3]) * kRows / height + 1, first_row, kRows);
    }
    KIOSK_GL_CHECK(glBindVertexArray(vertex_array_));
    KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, first_row * kColumns * 6, (last_row - first_row) * kColumns * 6));
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
    return true;
}

}  // namespace campus::kiosk::motion
