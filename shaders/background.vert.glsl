#version 330 core
// The lobby background's light, computed per vertex of a coarse grid (no
// vertex buffer: corners from gl_VertexID) and interpolated across it.
//
// Why not per pixel: under llvmpipe every fragment instruction is paid by the
// CPU 2–8 million times a frame; the pools of light are so wide (radius ≈ 60 %
// of the screen's height) that a 32×18 grid reproduces them within a fraction
// of an 8-bit step, and the fragment shader (background.frag) is left with a
// dither. Measured: about the cost of a plain clear.

uniform vec3 u_paper;       // theme::page_background, 0..1
uniform float u_time;       // seconds of background motion so far (advances only in bursts)
uniform vec2 u_resolution;  // framebuffer size in pixels
uniform float u_strength;   // peak change of the paper's brightness (0.015)
uniform ivec2 u_grid;       // columns, rows

out vec3 v_color;

float pool(vec2 p, vec2 centre, float radius) {
    vec2 d = (p - centre) / radius;
    return exp(-dot(d, d));
}

void main() {
    int quad = gl_VertexID / 6;
    int corner = gl_VertexID - quad * 6;
    int column = quad - (quad / u_grid.x) * u_grid.x;
    int row = quad / u_grid.x;
    ivec2 offsets[6] = ivec2[6](ivec2(0, 0), ivec2(1, 0), ivec2(1, 1), ivec2(0, 0), ivec2(1, 1), ivec2(0, 1));
    vec2 uv = vec2(ivec2(column, row) + offsets[corner]) / vec2(u_grid);

    float aspect = u_resolution.x / max(u_resolution.y, 1.0);
    vec2 p = vec2(uv.x * aspect, uv.y);
    // Lissajous paths with incommensurate periods (≈ 70 s and 110 s): the
    // pattern never visibly repeats, and moves a few pixels a second.
    vec2 a = vec2(aspect * (0.5 + 0.35 * sin(u_time * 0.090)), 0.55 + 0.30 * sin(u_time * 0.061 + 1.0));
    vec2 b = vec2(aspect * (0.5 + 0.40 * cos(u_time * 0.057 + 2.0)), 0.45 + 0.30 * cos(u_time * 0.077));
    float light = 0.6 * pool(p, a, 0.75) + 0.4 * pool(p, b, 0.6);  // 0..~1
    // Light warms and brightens the paper; away from it the paper is a touch
    // deeper. Centred near 0 so the average stays the theme's colour.
    vec3 warm = vec3(1.0, 0.96, 0.85);
    v_color = u_paper * (1.0 + u_strength * (light - 0.45)) + u_strength * 0.3 * (light - 0.45) * (warm - u_paper);
    gl_Position = vec4(uv * 2.0 - 1.0, 0.0, 1.0);
}
