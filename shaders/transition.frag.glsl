#version 330 core
// A page transition: the outgoing page (u_from) gives way to the incoming
// page (u_to) inside u_area over progress 0 → 1, eased; outside u_area (the
// header, the footer) the incoming frame shows as it is, so the clock never
// jumps back. Pixels are fetched exactly (texelFetch): at rest, progress 0
// and 1 reproduce the two pages bit for bit.

uniform sampler2D u_from;
uniform sampler2D u_to;
uniform float u_progress;  // 0..1, linear in time; eased here
uniform int u_style;       // 0 = crossfade, 1 = slide (the new page pushes the old one to the left)
uniform vec4 u_area;       // x0, y0, x1, y1 in framebuffer pixels, GL's origin (bottom-left)

out vec4 frag_color;

float ease_in_out(float x) {  // cubic: gentle start and landing, no overshoot
    return x < 0.5 ? 4.0 * x * x * x : 1.0 - pow(-2.0 * x + 2.0, 3.0) / 2.0;
}

void main() {
    ivec2 pixel = ivec2(gl_FragCoord.xy);
    vec4 incoming = texelFetch(u_to, pixel, 0);
    bool in_area = gl_FragCoord.x >= u_area.x && gl_FragCoord.x < u_area.z &&
                   gl_FragCoord.y >= u_area.y && gl_FragCoord.y < u_area.w;
    if (!in_area) {
        frag_color = incoming;
        return;
    }
    float e = ease_in_out(clamp(u_progress, 0.0, 1.0));
    if (u_style == 1) {
        float width = u_area.z - u_area.x;
        int shift = int(floor(e * width + 0.5));
        int x = pixel.x + shift;  // where this pixel was on the outgoing page
        if (x < int(u_area.z))
            frag_color = texelFetch(u_from, ivec2(x, pixel.y), 0);
        else
            frag_color = texelFetch(u_to, ivec2(x - int(width), pixel.y), 0);
    } else {
        frag_color = mix(texelFetch(u_from, pixel, 0), incoming, e);
    }
}
