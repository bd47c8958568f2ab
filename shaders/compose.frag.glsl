#version 330 core
// The page cache's composition (MotionLayer::compose_screen): one pass per
// damaged rectangle that lays the cached page layer over the paper, in place
// of a clear, a background pass and a blended page pass (three full-screen
// passes under llvmpipe, where every pass over a pixel costs the CPU).
//
// The paper is background.vert's moving light (v_color, dithered as
// background.frag does) or the still theme colour. The page layer is
// premultiplied (transparent where the paper shows); during a crossfade the
// outgoing layer is mixed in inside u_area with weight u_fade. The result is
// opaque, so nothing needs blending.

in vec3 v_color;

uniform sampler2D u_page;
uniform sampler2D u_from;
uniform float u_fade;    // weight of u_from inside u_area; 0 = the page alone
uniform vec4 u_area;     // x0, y0, x1, y1 in framebuffer pixels, GL's origin (bottom-left)
uniform int u_moving;    // 1: the moving light (v_color); 0: u_paper
uniform vec3 u_paper;

out vec4 frag_color;

void main() {
    ivec2 pixel = ivec2(gl_FragCoord.xy);
    vec4 page = texelFetch(u_page, pixel, 0);
    if (u_fade > 0.0 && gl_FragCoord.x >= u_area.x && gl_FragCoord.x < u_area.z &&
        gl_FragCoord.y >= u_area.y && gl_FragCoord.y < u_area.w)
        page = mix(page, texelFetch(u_from, pixel, 0), u_fade);
    vec3 paper = u_paper;
    if (u_moving == 1) {
        // background.frag's interleaved gradient noise, ±0.5 of an 8-bit step.
        float noise = fract(52.9829189 * fract(dot(gl_FragCoord.xy, vec2(0.06711056, 0.00583715))));
        paper = clamp(v_color + (noise - 0.5) / 255.0, 0.0, 1.0);
    }
    frag_color = vec4(page.rgb + paper * (1.0 - page.a), 1.0);
}
