#version 330 core
// One triangle that covers the whole viewport: cheaper than a quad (no
// diagonal seam where two triangles would both shade a row of pixels), and it
// needs no vertex buffer: the corners come from gl_VertexID. Draw with
// glDrawArrays(GL_TRIANGLES, 0, 3) and any vertex array object bound.
out vec2 v_uv;  // 0..1 across the viewport, origin bottom-left (GL's)

void main() {
    vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));  // (0,0) (2,0) (0,2)
    v_uv = corner;
    gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
