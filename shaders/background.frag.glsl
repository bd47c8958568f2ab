#version 330 core
// The lobby's living background: two very soft pools of light drift across
// the warm paper colour (theme::page_background), so the screen looks alive
// without anything to read in it. Barely perceptible by design: the light
// changes the paper by at most u_strength (≈ 1.5 %), which keeps body text at
// ≥ 16:1 on it (ink 0x1A1A1A). The light itself is computed per vertex
// (background.vert: cheap under llvmpipe); here a fixed dither keeps the
// shallow gradient from banding on 8-bit panels. The dither does not move: a
// still frame (calm mode, the app at rest) is identical from frame to frame.

in vec3 v_color;

out vec4 frag_color;

void main() {
    // Interleaved gradient noise (Jimenez 2014), ±0.5 of an 8-bit step.
    float noise = fract(52.9829189 * fract(dot(gl_FragCoord.xy, vec2(0.06711056, 0.00583715))));
    frag_color = vec4(clamp(v_color + (noise - 0.5) / 255.0, 0.0, 1.0), 1.0);
}
