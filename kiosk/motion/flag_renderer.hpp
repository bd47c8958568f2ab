// FlagRenderer: the waving red flag (流动红旗), drawn by a shader from inside
// an ImGui draw list, so it sits in its place among the UI (what is drawn
// before it is under it, what is drawn after it covers it).
//
// Pages and the Canvas call add_flag() where they would draw the CPU flag:
//
//     if (!motion::add_flag(dl, r.min(), r.max(), ctx.motion)) draw_cpu_flag(...);
//
// add_flag() draws the pole with ImDrawList primitives and the cloth with an
// ImDrawList::AddCallback (followed by ImDrawCallback_ResetRenderState, which
// gives ImGui its GL state back). It returns false, drawing nothing, when no
// renderer is installed (a headless test, --dump before the GL context) or its
// program failed to compile: the caller's CPU flag is then the fallback.
//
// The still flag (calm mode, the flag at rest) is t = 0: a cloth with soft
// folds, identical in every frame. The pose repeats every kFlagWavePeriod
// seconds, so a wave of whole periods ends exactly in the rest pose.
//
// Thread safety: main (render) thread only. add() between NewFrame and
// Render; the callbacks run inside ImGui_ImplOpenGL3_RenderDrawData.
#pragma once

#include <deque>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "kiosk/motion/gl_program.hpp"
#include "kiosk/motion/shaders.hpp"

namespace campus::kiosk::motion {

// One full wave, in seconds (OMEGA in shaders/flag.vert.glsl and flag.frag.glsl).
inline constexpr float kFlagWavePeriod = 1.6f;

// Where the parts of a flag go in a rectangle: the same geometry as
// Canvas::red_flag, so the shader flag and the CPU flag are interchangeable.
struct FlagLayout {
    ImVec2 pole_min, pole_max;
    ImVec2 finial_centre;
    float finial_radius = 0;
    ImVec2 cloth_min, cloth_max;  // the still cloth; the wave moves it by up to ~7 % of its height
};
FlagLayout flag_layout(ImVec2 min, ImVec2 max);

class FlagRenderer {
public:
    // Compiles the flag's program (GL context current). The sources are the
    // embedded shaders; a test passes broken ones to see the fallback.
    explicit FlagRenderer(std::string_view vertex_source = shaders::flag_vert,
                          std::string_view fragment_source = shaders::flag_frag);
    ~FlagRenderer();
    FlagRenderer(const FlagRenderer&) = delete;
    FlagRenderer& operator=(const FlagRenderer&) = delete;

    // The program compiled: add() draws. False: add() returns false at once.
    bool available() const { return program_.valid(); }

    // Queues a flag in `min`–`max` (screen pixels, pole included) at wave
    // time `t` seconds. False when unavailable (nothing was added).
    // `star`: one small yellow star in the middle of the cloth. Off by default
    // and by design: a single yellow star centred on red is Vietnam's national
    // flag, and the school's 流动红旗 is plain red: clearly red, never a
    // national flag's layout.
    bool add(ImDrawList* draw_list, ImVec2 min, ImVec2 max, float t, bool star = false);

    // Flags added in the current ImGui frame (MotionClock::frame_drawn wants to know).
    int flags_in_frame() const;

    // Makes this the renderer motion::add_flag() uses; the destructor undoes it.
    void install();

    // Layer mode (the page cache, kiosk/motion/motion_layer.hpp): between
    // begin_layer() and end_layer(), add() draws the pole into the page as
    // before but only records the cloth (with the clip rectangle in force),
    // so the page can be cached still and its cloths drawn over it each
    // motion frame by draw_layer_flags(). begin_layer() forgets the flags of
    // the previous page.
    void begin_layer();
    void end_layer() { layer_mode_ = false; }
    struct LayerFlag {
        ImVec2 cloth_min, cloth_max;
        ImVec4 clip;  // x0, y0, x1, y1 in screen pixels
        bool star = false;
        // Every pixel the cloth can cover at any time of its wave (the
        // damage of a flag frame), clipped like the cloth.
        ImVec4 bounds() const;
    };
    const std::vector<LayerFlag>& layer_flags() const { return layer_flags_; }
    // Draws the recorded cloths at wave time `t` into the bound framebuffer,
    // whose viewport is the whole `width`×`height` screen, inside `scissor`
    // (screen pixels, top-left origin) as well as each flag's own clip.
    // `opacity` < 1 while the page fades in (a crossfade).
    void draw_layer_flags(float t, int width, int height, const ImVec4& scissor, float opacity = 1.0f) const;

private:
    struct Request {
        FlagRenderer* renderer;
        ImVec2 cloth_min, cloth_max;
        float t;
        bool star;
    };
    static void draw_callback(const ImDrawList* parent, const ImDrawCmd* command);
    void draw(const Request& request, const ImVec4& clip_rect) const;
    // The cloth into the bound framebuffer: `display` maps screen pixels onto
    // it (x, y, w, h), `scale` screen pixels to framebuffer pixels, `clip` in
    // screen pixels, `framebuffer_height` for GL's bottom-left scissor.
    void draw_cloth(ImVec2 cloth_min, ImVec2 cloth_max, float t, bool star, const ImVec4& clip, const ImVec4& display,
                    ImVec2 scale, float framebuffer_height, float opacity = 1.0f) const;

    bool layer_mode_ = false;
    std::vector<LayerFlag> layer_flags_;

    GlProgram program_;
    GLuint vertex_array_ = 0;  // core profile draws need one bound, even without attributes
    GLint u_cloth_ = -1, u_display_ = -1, u_time_ = -1, u_amplitude_ = -1, u_grid_ = -1, u_margin_ = -1,
          u_red_ = -1, u_star_color_ = -1, u_star_ = -1, u_cloth_px_ = -1, u_opacity_ = -1;
    // Requests live until their frame's draw data was rendered: ImGui 1.86
    // keeps only a pointer per callback. A deque never moves its elements.
    std::deque<Request> requests_;
    int requests_frame_ = -1;  // ImGui::GetFrameCount() the requests belong to
};

// The installed renderer's add(); false when none is installed or it is
// unavailable: draw the CPU flag instead.
bool add_flag(ImDrawList* draw_list, ImVec2 min, ImVec2 max, float t);

}  // namespace campus::kiosk::motion
