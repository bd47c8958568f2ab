#version 330 core
// The cloth's colour: the flag's red, lit from the upper left through the
// normal of the waving surface, so folds read as light and dark; plain red by
// default (a school's 流动红旗, no national flag's layout), with an optional
// small yellow star (u_star); edges anti-aliased in the shader (no MSAA under
// llvmpipe).

in vec2 v_uv;

uniform float u_time;
uniform float u_amplitude;
uniform vec3 u_red;          // theme::flag_red
uniform vec3 u_star_color;   // theme::flag_star
uniform float u_star;        // 1 = draw the star, 0 = plain cloth
uniform float u_opacity;  // 1 = as drawn; a page fading in during a crossfade fades its cloth with it
uniform vec2 u_cloth_px;     // the cloth's size in pixels (for the normal's aspect)

out vec4 frag_color;

const float PI = 3.14159265358979;
const float WAVES_ACROSS = 1.15;
const float OMEGA = 2.0 * PI / 1.6;

float cloth_depth(vec2 uv, float t) {
    float phase = 2.0 * PI * WAVES_ACROSS * uv.x - OMEGA * t + 0.9 * uv.y;
    return u_amplitude * uv.x * (sin(phase) + 0.25 * sin(2.0 * phase + 1.3));
}

// Signed distance to a five-pointed star of outer radius r (Inigo Quilez's
// construction), negative inside.
float star_distance(vec2 p, float r) {
    const vec2 k1 = vec2(0.809016994375, -0.587785252292);
    const vec2 k2 = vec2(-k1.x, k1.y);
    const float rf = 0.38;  // inner/outer radius of a regular star
    p.x = abs(p.x);
    p -= 2.0 * max(dot(k1, p), 0.0) * k1;
    p -= 2.0 * max(dot(k2, p), 0.0) * k2;
    p.x = abs(p.x);
    p.y -= r;
    vec2 ba = rf * vec2(-k1.y, k1.x) - vec2(0, 1);
    float h = clamp(dot(p, ba) / dot(ba, ba), 0.0, r);
    return length(p - ba * h) * sign(p.y * ba.x - p.x * ba.y);
}

void main() {
    vec2 uv = clamp(v_uv, 0.0, 1.0);
    // Anti-aliased border: coverage from the distance to the cloth's edge in pixels.
    vec2 px_per_uv = 1.0 / max(fwidth(v_uv), vec2(1e-6));
    vec2 inside = min(v_uv, 1.0 - v_uv) * px_per_uv;
    float coverage = clamp(min(inside.x, inside.y) + 0.5, 0.0, 1.0);
    if (coverage <= 0.0) discard;

    // Normal of the surface (x, y in the cloth's height units, z out of the screen).
    const float e = 0.004;
    float aspect = u_cloth_px.x / max(u_cloth_px.y, 1.0);
    float dzdu = (cloth_depth(uv + vec2(e, 0.0), u_time) - cloth_depth(uv - vec2(e, 0.0), u_time)) / (2.0 * e);
    float dzdv = (cloth_depth(uv + vec2(0.0, e), u_time) - cloth_depth(uv - vec2(0.0, e), u_time)) / (2.0 * e);
    vec3 normal = normalize(vec3(-dzdu / aspect, dzdv, 1.0));  // screen y grows downwards
    vec3 light = normalize(vec3(-0.45, 0.55, 0.7));             // from the upper left, in front
    float diffuse = max(dot(normal, light), 0.0);
    float facing = dot(vec3(0.0, 0.0, 1.0), light);
    // Relative to a flat cloth: a flat flag keeps exactly the theme's red.
    float shade = clamp(0.55 + 0.45 * diffuse / facing, 0.55, 1.18);
    vec3 half_vector = normalize(light + vec3(0.0, 0.0, 1.0));
    float sheen = 0.10 * pow(max(dot(normal, half_vector), 0.0), 24.0);

    vec3 color = u_red * shade;
    if (u_star > 0.5) {
        // The star sits in the middle of the cloth, upright, moving with it.
        vec2 p = (uv - vec2(0.5, 0.5)) * vec2(aspect, 1.0);
        float d = star_distance(vec2(p.x, -p.y), 0.11);
        float star = clamp(0.5 - d * u_cloth_px.y, 0.0, 1.0);
        color = mix(color, u_star_color * min(shade, 1.05), star);
    }
    color += vec3(sheen);
    frag_color = vec4(min(color, vec3(1.0)), coverage * u_opacity);
}
