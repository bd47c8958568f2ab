// Background: the lobby's living background (shaders/background.frag), drawn
// into the bound framebuffer before ImGui, in place of the clear.
//
// Soft pools of light drift over theme::page_background; the paper's
// brightness changes by at most kStrength, so text keeps its contrast. It is
// off in calm mode and in classrooms (MotionSettings::background); when its
// program failed, draw() returns false and the caller clears to the plain
// paper colour as before.
//
// Thread safety: main (render) thread, GL context current.
#pragma once

#include <bitset>
#include <cstddef>
#include <string_view>

#include "kiosk/motion/gl_program.hpp"
#include "kiosk/motion/shaders.hpp"

struct ImDrawData;

namespace campus::kiosk::motion {

// The cells of the light's grid (background.vert: 32 × 18, numbered row by
// row from the bottom) that a page put ink in: text, rules, cards, photos,
// the flags' cloths. Where a page has no ink the paper shows; while the light
// stands still that paper is already right for the next page, so only these
// cells need it painted again (Background::draw_cells) before the next page
// is drawn over the last. At 4K the paper's pass is ≈ 30 ms of a turn; most
// turns the light stands still (MotionSettings::background_turns_per_step).
class PaperCells {
public:
    static constexpr int kColumns = 32;
    static constexpr int kRows = 18;

    void clear() { cells_.reset(); }
    // Forgets the cells whose every pixel lies at or below window row `top`
    // (top-left origin) of a `width`×`height` screen: a redraw of everything
    // below `top` marks its own ink there again; cells across the line keep theirs.
    void clear_below(float top, int width, int height);
    // Every cell a pixel of this rectangle lies in (window pixels, top-left
    // origin, of a `width`×`height` screen), and one pixel around it: the
    // rasteriser gives an edge pixel to the cell its centre is in.
    void mark(float x0, float y0, float x1, float y1, int width, int height);
    // Every pixel ImGui's draw data can touch: each triangle's bounds within
    // its command's clip rectangle (a callback's: the whole clip rectangle).
    void mark(const ImDrawData& data, int width, int height);
    // By background.vert's numbering: row 0 is the bottom row.
    bool marked(int column, int row_from_bottom) const {
        return cells_.test(static_cast<std::size_t>(row_from_bottom * kColumns + column));
    }
    std::size_t count() const { return cells_.count(); }

private:
    std::bitset<kColumns * kRows> cells_;
};

class Background {
public:
    // Peak change of the paper's brightness: 1.5 % is below what a reader
    // notices in a still frame (and ink on it stays ≥ 16:1).
    static constexpr float kStrength = 0.015f;

    explicit Background(std::string_view vertex_source = shaders::background_vert,
                        std::string_view fragment_source = shaders::background_frag,
                        std::string_view compose_source = shaders::compose_frag);
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    bool available() const { return program_.valid(); }

    // Fills `width`×`height` of the bound framebuffer at background time `t`
    // (MotionClock::background_time). False when unavailable: clear instead.
    // `scissored`: only inside the scissor box the caller enabled (a damaged
    // region of the page cache); otherwise the whole viewport.
    bool draw(int width, int height, float t, bool scissored = false) const;
    // The same paper, in the marked cells alone: each of their pixels exactly
    // as draw() gives it (a cell's pixels depend only on its own corners and
    // the fixed dither), the others untouched. False when unavailable.
    // `scissored`: only inside the scissor box the caller enabled.
    bool draw_cells(int width, int height, float t, const PaperCells& cells, bool scissored = false) const;

    // The page cache's one-pass composition (shaders/compose.frag over this
    // mesh): the paper — moving at `t` when `moving`, else still — with the
    // premultiplied page layer `page` over it, and inside `area` (GL's
    // framebuffer pixels, bottom-left origin) the layer `from` mixed in with
    // weight `fade` (a crossfade). Into the bound framebuffer, inside the
    // scissor box the caller enabled. False when unavailable: the caller
    // clears and blends the layer itself. `rows_of` (x, y, w, h in GL's
    // pixels, the scissor box): only the rows of the light's grid that cross
    // it are sent (a flag's rectangle needs a few of its 18 rows, not all
    // 3,456 vertices); null: the whole grid.
    bool compose(int width, int height, float t, bool moving, GLuint page, GLuint from, float fade,
                 const float area[4], const GLint* rows_of = nullptr) const;
    bool compose_available() const { return compose_program_.valid(); }

private:
    void use_program(int width, int height, float t) const;
    GlProgram compose_program_;
    GLint c_paper_ = -1, c_time_ = -1, c_resolution_ = -1, c_strength_ = -1, c_grid_ = -1, c_page_ = -1,
          c_from_ = -1, c_fade_ = -1, c_area_ = -1, c_moving_ = -1;
    GlProgram program_;
    GLuint vertex_array_ = 0;
    GLint u_paper_ = -1, u_time_ = -1, u_resolution_ = -1, u_strength_ = -1, u_grid_ = -1;
};

}  // namespace campus::kiosk::motion
