// What an ImGui frame's draw data touches, in framebuffer pixels (top-left
// origin): each command's clip rectangle and each triangle's bounds within
// it, in drawing order. The paper's ink cells (PaperCells::mark) and the band
// above the page area (MotionLayer's redraw) both read a frame this way.
//
// Thread safety: a pure function of its arguments.
#pragma once

#include <algorithm>

#include <imgui.h>

namespace campus::kiosk::motion {

struct DrawnTriangle {
    const ImDrawCmd* command = nullptr;
    const ImDrawVert* vertices[3] = {nullptr, nullptr, nullptr};
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // the triangle's bounds within its clip (may be empty)
    float clip_y0 = 0;                      // the top of its command's clip rectangle: nothing is drawn above it
};

// Calls on_callback(command, x0, y0, x1, y1) for each callback command (its
// clip rectangle; ImGui's reset of its render state is not one) and
// on_triangle(const DrawnTriangle&) for each triangle. Either returning false
// stops the walk; then so does this, returning false.
template <typename OnCallback, typename OnTriangle>
bool for_each_drawn(const ImDrawData& data, OnCallback&& on_callback, OnTriangle&& on_triangle) {
    const ImVec2 origin = data.DisplayPos, scale = data.FramebufferScale;
    for (int n = 0; n < data.CmdListsCount; ++n) {
        const ImDrawList* list = data.CmdLists[n];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            const float cx0 = (cmd.ClipRect.x - origin.x) * scale.x, cy0 = (cmd.ClipRect.y - origin.y) * scale.y;
            const float cx1 = (cmd.ClipRect.z - origin.x) * scale.x, cy1 = (cmd.ClipRect.w - origin.y) * scale.y;
            if (cmd.UserCallback != nullptr) {
                if (cmd.UserCallback != ImDrawCallback_ResetRenderState && !on_callback(cmd, cx0, cy0, cx1, cy1))
                    return false;
                continue;
            }
            const ImDrawVert* vertices = list->VtxBuffer.Data + cmd.VtxOffset;
            const ImDrawIdx* indices = list->IdxBuffer.Data + cmd.IdxOffset;
            for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
                DrawnTriangle t;
                t.command = &cmd;
                t.clip_y0 = cy0;
                t.vertices[0] = &vertices[indices[i]];
                t.vertices[1] = &vertices[indices[i + 1]];
                t.vertices[2] = &vertices[indices[i + 2]];
                const ImVec2 a = t.vertices[0]->pos, b = t.vertices[1]->pos, c = t.vertices[2]->pos;
                t.x0 = std::max((std::min({a.x, b.x, c.x}) - origin.x) * scale.x, cx0);
                t.x1 = std::min((std::max({a.x, b.x, c.x}) - origin.x) * scale.x, cx1);
                t.y0 = std::max((std::min({a.y, b.y, c.y}) - origin.y) * scale.y, cy0);
                t.y1 = std::min((std::max({a.y, b.y, c.y}) - origin.y) * scale.y, cy1);
                if (!on_triangle(t)) return false;
            }
        }
    }
    return true;
}

}  // namespace campus::kiosk::motion
