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

private:
    struct Request {
        FlagRenderer* renderer;
        ImVec2 cloth_min, cloth_max;
        float t;
        bool star;
    };
    static void draw_callback(const ImDrawList* parent, const ImDrawCmd* command);
    void draw(const Request& request, const ImVec4& clip_rect) const;

    GlProgram program_;
    GLuint vertex_array_ = 0;  // core profile draws need one bound, even without attributes
    GLint u_cloth_ = -1, u_display_ = -1, u_time_ = -1, u_amplitude_ = -1, u_grid_ = -1, u_margin_ = -1,
          u_red_ = -1, u_star_color_ = -1, u_star_ = -1, u_cloth_px_ = -1;
    // Requests live until their frame's draw data was rendered: ImGui 1.86
    // keeps only a pointer per callback. A deque never moves its elements.
    std::deque<Request> requests_;
    int requests_frame_ = -1;  // ImGui::GetFrameCount() the requests belong to
};

// The installed renderer's add(); false when none is installed or it is
// unavailable: draw the CPU flag instead.
bool add_flag(ImDrawList* draw_list, ImVec2 min, ImVec2 max, float t);

}  // namespace campus::kiosk::motion
