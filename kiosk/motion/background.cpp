#include "kiosk/motion/background.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <imgui.h>

#include "kiosk/motion/draw_data.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk::motion {

namespace {
// The light's grid (background.vert): 32 × 18 cells of ≈ 60 px at 1080p, far
// finer than the light's ≈ 600 px radius.
constexpr int kColumns = PaperCells::kColumns;
constexpr int kRows = PaperCells::kRows;
}  // namespace

// [SECTION] the cells a page put ink in ----------------------------------------------------
void PaperCells::mark(float x0, float y0, float x1, float y1, int width, int height) {
    if (width <= 0 || height <= 0 || !(x1 > x0) || !(y1 > y0)) return;
    // The pixels touched, one more on each side, in GL's rows (from the bottom).
    const int px0 = std::clamp(static_cast<int>(std::floor(x0)) - 1, 0, width - 1);
    const int px1 = std::clamp(static_cast<int>(std::ceil(x1)), 0, width - 1);
    const int top = std::clamp(static_cast<int>(std::floor(y0)) - 1, 0, height - 1);
    const int bottom = std::clamp(static_cast<int>(std::ceil(y1)), 0, height - 1);
    const int gy0 = height - 1 - bottom, gy1 = height - 1 - top;
    // A pixel belongs to the cell its centre lies in.
    const auto column_of = [&](int px) { return std::clamp(static_cast<int>((px + 0.5) * kColumns / width), 0, kColumns - 1); };
    const auto row_of = [&](int py) { return std::clamp(static_cast<int>((py + 0.5) * kRows / height), 0, kRows - 1); };
    const int c0 = column_of(px0), c1 = column_of(px1), r0 = row_of(gy0), r1 = row_of(gy1);
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) cells_.set(static_cast<std::size_t>(r * kColumns + c));
}

void PaperCells::clear_below(float top, int width, int height) {
    if (width <= 0 || height <= 0) return;
    // Row r (from the bottom) holds the GL rows whose centre lies in it; its
    // highest such row is its topmost pixel on screen.
    for (int r = 0; r < kRows; ++r) {
        const int highest_gl_row =
            std::min(height - 1, static_cast<int>(std::ceil(static_cast<double>(r + 1) * height / kRows - 0.5)) - 1);
        const int topmost_screen_row = height - 1 - highest_gl_row;
        if (static_cast<float>(topmost_screen_row) < top) continue;
        for (int c = 0; c < kColumns; ++c) cells_.reset(static_cast<std::size_t>(r * kColumns + c));
    }
}

void PaperCells::mark(const ImDrawData& data, int width, int height) {
    for_each_drawn(
        data,
        [&](const ImDrawCmd&, float x0, float y0, float x1, float y1) {
            // A callback draws with GL itself (a flag in the frame): anywhere in its clip rectangle.
            mark(x0, y0, x1, y1, width, height);
            return true;
        },
        [&](const DrawnTriangle& t) {
            mark(t.x0, t.y0, t.x1, t.y1, width, height);
            return true;
        });
}

// [SECTION] the paper ---------------------------------------------------------------------

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

void Background::use_program(int width, int height, float t) const {
    glViewport(0, 0, width, height);
    glDisable(GL_BLEND);  // it replaces the clear: every pixel written, opaque
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
}

bool Background::draw(int width, int height, float t, bool scissored) const {
    if (!available() || width <= 0 || height <= 0) return false;
    if (!scissored) glDisable(GL_SCISSOR_TEST);
    use_program(width, height, t);
    KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, kColumns * kRows * 6));
    glBindVertexArray(0);
    glUseProgram(0);
    return true;
}

bool Background::draw_cells(int width, int height, float t, const PaperCells& cells, bool scissored) const {
    if (!available() || width <= 0 || height <= 0) return false;
    if (cells.count() == 0) return true;
    // Runs of marked cells in background.vert's order (row by row from the bottom), one draw each.
    std::vector<GLint> firsts;
    std::vector<GLsizei> counts;
    for (int quad = 0; quad < kColumns * kRows;) {
        if (!cells.marked(quad % kColumns, quad / kColumns)) {
            ++quad;
            continue;
        }
        const int first = quad;
        while (quad < kColumns * kRows && cells.marked(quad % kColumns, quad / kColumns)) ++quad;
        firsts.push_back(first * 6);
        counts.push_back((quad - first) * 6);
    }
    if (!scissored) glDisable(GL_SCISSOR_TEST);
    use_program(width, height, t);
    KIOSK_GL_CHECK(glMultiDrawArrays(GL_TRIANGLES, firsts.data(), counts.data(), static_cast<GLsizei>(firsts.size())));
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
