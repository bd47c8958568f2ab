#version 330 core
// The school's red flag (流动红旗) as a cloth: a grid generated from
// gl_VertexID (no vertex buffer), displaced by a travelling wave whose
// amplitude grows from the pole (u = 0, held) to the free edge (u = 1).
//
// The cloth's depth z(u, v, t) is what waves; on a flat screen we see it as a
// small vertical ripple of the edges, a fly end pulled towards the pole where
// the cloth folds, and light and dark from the normal (flag.frag).
// Keep cloth_depth() identical in flag.frag: the fragment shader recomputes
// the normal per pixel so the folds stay smooth on a coarse grid.

uniform vec4 u_cloth;        // x, y, w, h of the still cloth, in screen pixels
uniform vec4 u_display;      // ImGui's DisplayPos.xy, DisplaySize.xy
uniform float u_time;        // seconds; the pose repeats every wave period
uniform float u_amplitude;   // cloth depth at the free edge, in units of the cloth's height
uniform ivec2 u_grid;        // columns, rows
uniform float u_margin;      // extra cloth around the edges for anti-aliasing, in uv units

out vec2 v_uv;               // cloth coordinates: u from the pole, v from the top

const float PI = 3.14159265358979;
const float WAVES_ACROSS = 1.15;   // crests visible at once
const float OMEGA = 2.0 * PI / 1.6; // one wave period = 1.6 s (kFlagWavePeriod in flag_renderer.hpp)

float cloth_depth(vec2 uv, float t) {
    float phase = 2.0 * PI * WAVES_ACROSS * uv.x - OMEGA * t + 0.9 * uv.y;
    // Amplitude grows from the pole; a second, smaller harmonic breaks the
    // perfect sine so it reads as cloth, not as a signal.
    return u_amplitude * uv.x * (sin(phase) + 0.25 * sin(2.0 * phase + 1.3));
}

void main() {
    int quad = gl_VertexID / 6;
    int corner = gl_VertexID - quad * 6;
    int column = quad - (quad / u_grid.x) * u_grid.x;
    int row = quad / u_grid.x;
    // Two triangles per quad: (0,0) (1,0) (1,1) and (0,0) (1,1) (0,1).
    ivec2 offsets[6] = ivec2[6](ivec2(0, 0), ivec2(1, 0), ivec2(1, 1), ivec2(0, 0), ivec2(1, 1), ivec2(0, 1));
    vec2 cell = vec2(ivec2(column, row) + offsets[corner]) / vec2(u_grid);
    vec2 uv = mix(vec2(-u_margin), vec2(1.0 + u_margin), cell);
    v_uv = uv;

    vec2 held = clamp(uv, 0.0, 1.0);
    float z = cloth_depth(held, u_time);
    // Seen from the front the folds foreshorten the cloth: the fly end comes
    // in a little (more where the cloth is deep), the edges ripple vertically.
    float pull = 0.035 * u_amplitude / 0.12 * held.x * (1.0 - 0.5 * cos(2.0 * PI * WAVES_ACROSS * held.x - OMEGA * u_time));
    vec2 pixel = u_cloth.xy + vec2(uv.x - pull, uv.y) * u_cloth.zw + vec2(0.0, 0.45 * z * u_cloth.w);

    vec2 ndc = (pixel - u_display.xy) / u_display.zw * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
