#version 330 core
// The cheap crossfade (PageTransition::composite_over): the incoming page is
// already in the framebuffer, drawn straight to the screen; this pass lays
// the outgoing page over it with a constant alpha (glBlendColor, 1 − eased
// progress, computed once on the CPU) inside a scissor box (the page area).
// One exact texel read per pixel and nothing else: under llvmpipe every
// fragment instruction is paid by the CPU about two million times a frame at
// 1080p, and this is the whole cost of a transition frame beyond the page.
// The blend is the same picture as transition.frag's crossfade within a
// rounding step.

uniform sampler2D u_from;
// Where the texture's first texel lies in the framebuffer: 0 for the
// screen-sized layers; a flag's backdrop (MotionLayer::draw_flag_frame) is
// the few pixels under one cloth.
uniform ivec2 u_offset;

out vec4 frag_color;

void main() {
    frag_color = texelFetch(u_from, ivec2(gl_FragCoord.xy) - u_offset, 0);
}
