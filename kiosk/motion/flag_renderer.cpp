// Sections: [layout] [renderer] [callback]
#include "kiosk/motion/flag_renderer.hpp"

#include <algorithm>

#include "kiosk/theme.hpp"

namespace campus::kiosk::motion {

namespace {

FlagRenderer* g_installed = nullptr;

// The cloth's depth at the free edge, in cloth heights. 0.12 reads as a
// breeze, not a storm: the ripple of the edges stays under 7 % of the height,
// so the flag never leaves the row it marks.
constexpr float kAmplitude = 0.12f;
constexpr int kColumns = 40;  // the wave's detail runs along the cloth
constexpr int kRows = 6;
constexpr float kAntialiasPixels = 2.0f;

void set_color(GLint location, ImU32 color) {
    const ImVec4 c = ImGui::ColorConvertU32ToFloat4(color);
    glUniform3f(location, c.x, c.y, c.z);
}

}  // namespace

// [SECTION] layout -------------------------------------------------------------------------
FlagLayout flag_layout(ImVec2 min, ImVec2 max) {
    // Kept in step with Canvas::red_flag (kiosk/canvas.cpp): a 3:2 cloth hung
    // from the top of a pole on the left, finial on top.
    const float w = max.x - min.x;
    const float h = max.y - min.y;
    const float pole_w = std::max(2.0f, w * 0.05f);
    const float finial = pole_w * 1.1f;
    const float top = min.y + finial * 1.6f;
    float cloth_w = w - pole_w * 1.5f;
    float cloth_h = cloth_w * 2.0f / 3.0f;
    if (cloth_h > (h - (top - min.y)) * 0.62f) {
        cloth_h = (h - (top - min.y)) * 0.62f;
        cloth_w = cloth_h * 1.5f;
    }
    FlagLayout layout;
    layout.pole_min = ImVec2(min.x, min.y + finial);
    layout.pole_max = ImVec2(min.x + pole_w, max.y);
    layout.finial_centre = ImVec2(min.x + pole_w * 0.5f, min.y + finial);
    layout.finial_radius = finial;
    layout.cloth_min = ImVec2(min.x + pole_w, top);
    layout.cloth_max = ImVec2(min.x + pole_w + cloth_w, top + cloth_h);
    return layout;
}

// [SECTION] renderer -----------------------------------------------------------------------
FlagRenderer::FlagRenderer(std::string_view vertex_source, std::string_view fragment_source)
    : program_(GlProgram::build("flag", vertex_source, fragment_source)) {
    if (!program_.valid()) return;
    KIOSK_GL_CHECK(glGenVertexArrays(1, &vertex_array_));
    u_cloth_ = program_.uniform("u_cloth");
    u_display_ = program_.uniform("u_display");
    u_time_ = program_.uniform("u_time");
    u_amplitude_ = program_.uniform("u_amplitude");
    u_grid_ = program_.uniform("u_grid");
    u_margin_ = program_.uniform("u_margin");
    u_red_ = program_.uniform("u_red");
    u_star_color_ = program_.uniform("u_star_color");
    u_star_ = program_.uniform("u_star");
    u_cloth_px_ = program_.uniform("u_cloth_px");
    u_opacity_ = program_.uniform("u_opacity");
}

FlagRenderer::~FlagRenderer() {
    if (g_installed == this) g_installed = nullptr;
    if (vertex_array_ != 0) glDeleteVertexArrays(1, &vertex_array_);
}

void FlagRenderer::install() { g_installed = this; }

void FlagRenderer::begin_layer() {
    layer_mode_ = true;
    layer_flags_.clear();
}

ImVec4 FlagRenderer::LayerFlag::bounds() const {
    // The vertex shader moves the cloth by at most 0.45 × 1.25 × kAmplitude
    // (under 7 %) of its height, pulls the fly end in, and draws a margin of
    // kAntialiasPixels around it: 10 % of the height and 4 px cover it all.
    const float h = cloth_max.y - cloth_min.y;
    const float pad = h * 0.10f + 4.0f;
    return ImVec4(std::max(clip.x, cloth_min.x - pad), std::max(clip.y, cloth_min.y - pad),
                  std::min(clip.z, cloth_max.x + pad), std::min(clip.w, cloth_max.y + pad));
}

void FlagRenderer::draw_layer_flags(float t, int width, int height, const ImVec4& scissor, float opacity) const {
    if (!available()) return;
    for (const LayerFlag& flag : layer_flags_) {
        const ImVec4 clip(std::max(flag.clip.x, scissor.x), std::max(flag.clip.y, scissor.y),
                          std::min(flag.clip.z, scissor.z), std::min(flag.clip.w, scissor.w));
        draw_cloth(flag.cloth_min, flag.cloth_max, t, flag.star, clip,
                   ImVec4(0, 0, static_cast<float>(width), static_cast<float>(height)), ImVec2(1, 1),
                   static_cast<float>(height), opacity);
    }
}

int FlagRenderer::flags_in_frame() const {
    return requests_frame_ == ImGui::GetFrameCount() ? static_cast<int>(requests_.size()) : 0;
}

bool FlagRenderer::add(ImDrawList* draw_list, ImVec2 min, ImVec2 max, float t, bool star) {
    if (!available() || draw_list == nullptr) return false;
    if (max.x - min.x < 4 || max.y - min.y < 4) return true;  // nothing visible to draw
    // A new ImGui frame: the previous frame's draw data (and its callbacks) is gone.
    if (requests_frame_ != ImGui::GetFrameCount()) {
        requests_.clear();
        requests_frame_ = ImGui::GetFrameCount();
    }
    const FlagLayout layout = flag_layout(min, max);
    draw_list->AddRectFilled(layout.pole_min, layout.pole_max, theme::pole, (layout.pole_max.x - layout.pole_min.x) * 0.3f);
    draw_list->AddCircleFilled(layout.finial_centre, layout.finial_radius, theme::gold, 20);
    if (layer_mode_) {
        const ImVec2 clip_min = draw_list->GetClipRectMin();
        const ImVec2 clip_max = draw_list->GetClipRectMax();
        layer_flags_.push_back(
            LayerFlag{layout.cloth_min, layout.cloth_max, ImVec4(clip_min.x, clip_min.y, clip_max.x, clip_max.y), star});
        return true;
    }
    requests_.push_back(Request{this, layout.cloth_min, layout.cloth_max, t, star});
    draw_list->AddCallback(&FlagRenderer::draw_callback, &requests_.back());
    draw_list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    return true;
}

bool add_flag(ImDrawList* draw_list, ImVec2 min, ImVec2 max, float t) {
    return g_installed != nullptr && g_installed->add(draw_list, min, max, t);
}

// [SECTION] callback -----------------------------------------------------------------------
void FlagRenderer::draw_callback(const ImDrawList*, const ImDrawCmd* command) {
    const auto* request = static_cast<const Request*>(command->UserCallbackData);
    request->renderer->draw(*request, command->ClipRect);
}

void FlagRenderer::draw(const Request& request, const ImVec4& clip_rect) const {
    // ImGui's backend set the viewport to the framebuffer; the draw data says
    // how ImGui's coordinates map onto it (DisplayPos, FramebufferScale).
    GLint viewport[4] = {0, 0, 0, 0};
    glGetIntegerv(GL_VIEWPORT, viewport);
    const ImDrawData* draw_data = ImGui::GetDrawData();
    const ImVec2 display_pos = draw_data ? draw_data->DisplayPos : ImVec2(0, 0);
    const ImVec2 display_size = draw_data ? draw_data->DisplaySize : ImGui::GetIO().DisplaySize;
    const ImVec2 scale = draw_data ? draw_data->FramebufferScale : ImVec2(1, 1);
    draw_cloth(request.cloth_min, request.cloth_max, request.t, request.star, clip_rect,
               ImVec4(display_pos.x, display_pos.y, display_size.x, display_size.y), scale,
               static_cast<float>(viewport[3]));
}

void FlagRenderer::draw_cloth(ImVec2 cloth_min, ImVec2 cloth_max, float t, bool star, const ImVec4& clip_rect,
                              const ImVec4& display, ImVec2 scale, float framebuffer_height, float opacity) const {
    const ImVec2 display_pos(display.x, display.y);
    const ImVec2 display_size(display.z, display.w);
    if (display_size.x <= 0 || display_size.y <= 0) return;

    // The clip rectangle (a page's area, a scrolling list, a damaged
    // region): clip as ImGui would clip the flag's own triangles.
    const float clip_x0 = (clip_rect.x - display_pos.x) * scale.x;
    const float clip_y0 = (clip_rect.y - display_pos.y) * scale.y;
    const float clip_x1 = (clip_rect.z - display_pos.x) * scale.x;
    const float clip_y1 = (clip_rect.w - display_pos.y) * scale.y;
    if (clip_x1 <= clip_x0 || clip_y1 <= clip_y0) return;
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>(clip_x0), static_cast<GLint>(framebuffer_height - clip_y1),
              static_cast<GLsizei>(clip_x1 - clip_x0), static_cast<GLsizei>(clip_y1 - clip_y0));
    // Straight alpha for the anti-aliased edge, as ImGui blends its own
    // triangles (into a page layer the same sum keeps it premultiplied).
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glDisable(GL_CULL_FACE);  // the folds may turn a triangle over
    glDisable(GL_DEPTH_TEST);

    const float cloth_w = cloth_max.x - cloth_min.x;
    const float cloth_h = cloth_max.y - cloth_min.y;
    KIOSK_GL_CHECK(glUseProgram(program_.id()));
    glUniform4f(u_cloth_, cloth_min.x, cloth_min.y, cloth_w, cloth_h);
    glUniform4f(u_display_, display_pos.x, display_pos.y, display_size.x, display_size.y);
    glUniform1f(u_time_, t);
    glUniform1f(u_amplitude_, kAmplitude);
    glUniform2i(u_grid_, kColumns, kRows);
    // The mesh reaches a little beyond the cloth so its edge can fade out smoothly.
    glUniform1f(u_margin_, kAntialiasPixels / std::max(1.0f, std::min(cloth_w, cloth_h)));
    set_color(u_red_, theme::flag_red);
    set_color(u_star_color_, theme::flag_star);
    glUniform1f(u_star_, star ? 1.0f : 0.0f);
    glUniform2f(u_cloth_px_, cloth_w * scale.x, cloth_h * scale.y);
    glUniform1f(u_opacity_, opacity);
    KIOSK_GL_CHECK(glBindVertexArray(vertex_array_));
    KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, kColumns * kRows * 6));
    // ImDrawCallback_ResetRenderState follows: ImGui rebinds its program,
    // vertex array, blend and scissor state itself.
}

}  // namespace campus::kiosk::motion
