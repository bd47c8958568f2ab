// Sections: [immediate] the frame drawn whole; [cache] the page layers, damage, composition
#include "kiosk/motion/motion_layer.hpp"

#include <algorithm>
#include <cmath>
#include <new>

#include <malloc.h>  // malloc_trim

#include <imgui.h>
#include <spdlog/spdlog.h>

#include "kiosk/motion/draw_data.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk::motion {

MotionLayer::MotionLayer(MotionSettings settings)
    : clock_(settings),
      flags_(std::make_unique<FlagRenderer>()),
      transition_(std::make_unique<PageTransition>()),
      background_(std::make_unique<Background>()),
      // Named apart from "transition": a broken transition is a hard cut, not the end of the cache.
      page_program_(GlProgram::build("page", shaders::fullscreen_vert, shaders::crossfade_over_frag)) {
    flags_->install();
    if (page_program_.valid()) {
        u_page_ = page_program_.uniform("u_from");
        u_offset_ = page_program_.uniform("u_offset");
        KIOSK_GL_CHECK(glGenVertexArrays(1, &page_vertex_array_));
        cache_ok_ = true;
    }
    spdlog::info("motion: {}; flag {}, transitions {}, background {}, ≤ {} fps",
                 settings.calm ? "calm (nothing moves)" : "on", flags_->available() ? "shader" : "CPU (fallback)",
                 transition_->available() ? "blended" : "hard cuts (fallback)",
                 !settings.background || settings.calm ? "off"
                 : background_->available()            ? "on"
                                                       : "off (fallback)",
                 clock_.settings().max_fps);
}

MotionLayer::~MotionLayer() {
    free_layer(current_);
    free_layer(outgoing_);
    free_layer(screen_);
    free_backdrops();
    if (page_vertex_array_ != 0) glDeleteVertexArrays(1, &page_vertex_array_);
}

// [SECTION] immediate ---------------------------------------------------------------------
void MotionLayer::page_arrived(double now) {
    last_now_ = now;
    clock_.page_arrived(now, false);
    transition_captured_ = false;
}

void MotionLayer::page_changing(double now, int width, int height, const std::function<void()>& render_outgoing) {
    clock_.page_arrived(now, true);
    transition_captured_ = false;
    if (!clock_.transition_running(now) || !transition_->available()) return;  // a hard cut
    transition_captured_ = transition_->capture(PageTransition::Slot::outgoing, width, height, [&] {
        draw_underlay(now, width, height);
        render_outgoing();
    });
}

void MotionLayer::draw_underlay(double now, int width, int height) const {
    const MotionSettings& s = clock_.settings();
    if (s.background && !s.calm && background_->draw(width, height, clock_.background_time(now))) return;
    const ImVec4 paper = ImGui::ColorConvertU32ToFloat4(theme::page_background);
    glViewport(0, 0, width, height);
    glDisable(GL_SCISSOR_TEST);  // glClear honours the scissor box
    glClearColor(paper.x, paper.y, paper.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
}

void MotionLayer::render_frame(double now, int width, int height, const std::function<void()>& render_ui,
                               GLuint framebuffer) {
    bool blended = false;
    if (transition_captured_ && clock_.transition_running(now) &&
        clock_.settings().transition_style == TransitionStyle::crossfade) {
        // The cheap crossfade: the incoming page straight into the
        // framebuffer, the outgoing capture blended over it (no second
        // capture: under llvmpipe that is a full-screen pass saved a frame).
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
        draw_underlay(now, width, height);
        render_ui();
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);  // a flag callback cannot have moved it, but be sure
        if (!transition_->composite_over(width, height, clock_.transition_progress(now), page_area_))
            spdlog::debug("motion: no outgoing page for this transition size; a cut");
        blended = true;  // drawn either way
    } else if (transition_captured_ && clock_.transition_running(now)) {
        const bool incoming = transition_->capture(PageTransition::Slot::incoming, width, height, [&] {
            draw_underlay(now, width, height);
            render_ui();
        });
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
        blended = incoming && transition_->composite(width, height, clock_.transition_progress(now),
                                                     clock_.settings().transition_style, page_area_);
    } else if (transition_captured_) {
        // The transition is over: give its memory back until the next page change.
        transition_->release();
        transition_captured_ = false;
    }
    if (!blended) {
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
        draw_underlay(now, width, height);
        render_ui();
    }
    clock_.frame_drawn(now, flags_->flags_in_frame() > 0);
    check_health();
}

void MotionLayer::check_health() {
    if (context_failure_) return;
    if (transition_->allocation_failure())
        context_failure_ = ContextFailure{*transition_->allocation_failure()};
    else
        context_failure_ = check_context_health();
    if (context_failure_) spdlog::critical("motion: {}", context_failure_->reason);
}

// [SECTION] cache ---------------------------------------------------------------------------
namespace {

// transition.frag's ease_in_out, for what fades with the page (its cloths).
float eased(float x) {
    x = std::clamp(x, 0.0f, 1.0f);
    return x < 0.5f ? 4 * x * x * x : 1 - std::pow(-2 * x + 2, 3.0f) / 2;
}

// A screen rectangle (top-left origin) as GL's scissor box (bottom-left),
// grown to whole pixels and clamped to the screen. False when empty.
bool scissor_box(const ScreenRect& r, int width, int height, GLint box[4]) {
    const auto clamp_to = [](float v, int limit) { return std::clamp(v, 0.0f, static_cast<float>(limit)); };
    const GLint x0 = static_cast<GLint>(std::floor(clamp_to(r.x0, width)));
    const GLint x1 = static_cast<GLint>(std::ceil(clamp_to(r.x1, width)));
    const GLint y0 = static_cast<GLint>(std::floor(clamp_to(static_cast<float>(height) - r.y1, height)));
    const GLint y1 = static_cast<GLint>(std::ceil(clamp_to(static_cast<float>(height) - r.y0, height)));
    if (x1 <= x0 || y1 <= y0) return false;
    box[0] = x0;
    box[1] = y0;
    box[2] = x1 - x0;
    box[3] = y1 - y0;
    return true;
}

float area_of(const ScreenRect& r) { return std::max(0.0f, r.x1 - r.x0) * std::max(0.0f, r.y1 - r.y0); }

// What `data` draws above window row `top` (framebuffer pixels, top-left
// origin), as a hash: every triangle that reaches above it within its
// command's clip rectangle, in drawing order (blending makes the order part
// of the picture), with its vertices (position, UV, colour), its texture and
// the clip. Two frames with the same hash put the same pixels there over the
// same paper. False when a callback draws there (a cloth: it moves).
bool band_above_hash(const ImDrawData& data, float top, std::uint64_t& hash) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    const auto mix = [&h](const void* bytes, std::size_t n) {
        const auto* p = static_cast<const unsigned char*>(bytes);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    };
    mix(&top, sizeof top);
    const ImDrawCmd* mixed = nullptr;  // the command whose texture and clip are in the hash already
    const bool whole = for_each_drawn(
        data,
        [&](const ImDrawCmd&, float x0, float y0, float x1, float y1) { return x1 <= x0 || y1 <= y0 || y0 >= top; },
        [&](const DrawnTriangle& t) {
            // Clipped below the line, it draws nothing above it; else one pixel
            // of margin: an anti-aliased edge reaches past the triangle's bounds.
            if (t.clip_y0 >= top || t.y0 - 1.0f >= top || t.y1 <= t.y0 || t.x1 <= t.x0) return true;
            if (mixed != t.command) {
                const ImTextureID texture = t.command->TextureId;
                mix(&texture, sizeof texture);
                mix(&t.command->ClipRect, sizeof t.command->ClipRect);
                mixed = t.command;
            }
            for (const ImDrawVert* v : t.vertices) {
                mix(&v->pos, sizeof v->pos);
                mix(&v->uv, sizeof v->uv);
                mix(&v->col, sizeof v->col);
            }
            return true;
        });
    if (!whole) return false;  // a cloth draws there
    hash = h;
    return true;
}

// The framebuffer's pixels in `box` (GL's, bottom-left origin) into `pixels`
// as B, G, R, A rows top-down, `stride` bytes apart, as X shows them. Mesa
// reads them top-down itself where it has GL_MESA_pack_invert (llvmpipe
// does); else they are read bottom-up and turned over, a second pass over
// 33 MB at 4K.
void read_top_down(const GLint box[4], std::uint8_t* pixels, std::size_t stride) {
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glPixelStorei(GL_PACK_ROW_LENGTH, static_cast<GLint>(stride / 4));
    const bool inverted = GLAD_GL_MESA_pack_invert != 0;
    if (inverted) glPixelStorei(GL_PACK_INVERT_MESA, GL_TRUE);
    glReadPixels(box[0], box[1], box[2], box[3], GL_BGRA, GL_UNSIGNED_BYTE, pixels);
    if (inverted) glPixelStorei(GL_PACK_INVERT_MESA, GL_FALSE);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    if (!inverted) flip_rows(pixels, stride, static_cast<std::size_t>(box[2]) * 4, box[3]);
}

// Software GL keeps a layer in malloc'd memory; freed inside the heap it would
// stay in the process (glibc returns only the heap's top): 8 MB at 1080p,
// 33 MB at 4K for good. malloc_trim hands the free pages back (once a page turn).
void give_back_freed_memory() { malloc_trim(0); }

}  // namespace

void MotionLayer::free_layer(Layer& layer) { free_page_target(layer); }

bool MotionLayer::prepare_layer(Layer& layer, int width, int height) {
    if (width <= 0 || height <= 0) return false;
    if (layer.framebuffer != 0 && layer.width == width && layer.height == height) return true;
    free_layer(layer);
    PageTargetResult made = make_page_target(width, height);
    if (!made.ok()) {
        spdlog::error("motion: cannot allocate a page layer ({}); drawing every frame whole", made.problem);
        if (made.out_of_memory && !context_failure_)
            context_failure_ = ContextFailure{"out of GL memory for a page layer"};
        return false;
    }
    layer = made.target;
    spdlog::debug("motion: a {}x{} page layer allocated", width, height);
    return true;
}

bool MotionLayer::redraw_page(int width, int height, const std::function<void()>& render_ui,
                              std::optional<ScreenRect> only) {
    if (!cache_ok_) return false;
    if (fading_) screen_layer_dirty_ = true;  // the blend goes on towards the page as it is now
    if (direct_) return redraw_direct(width, height, render_ui, only);
    if (!prepare_layer(current_, width, height)) {
        cache_ok_ = false;
        return false;
    }
    if (only && (current_.width != width || current_.height != height)) only.reset();
    glBindFramebuffer(GL_FRAMEBUFFER, current_.framebuffer);
    glViewport(0, 0, width, height);
    GLint box[4] = {0, 0, width, height};
    if (only && !scissor_box(*only, width, height, box)) return true;  // nothing of it on screen
    if (only) {
        narrow_draw_data(*only);
        glEnable(GL_SCISSOR_TEST);
        glScissor(box[0], box[1], box[2], box[3]);
    } else {
        glDisable(GL_SCISSOR_TEST);
    }
    // Transparent: where the page draws nothing the underlay (the paper, the
    // moving background) shows. ImGui's blend (alpha: one, one − src alpha)
    // leaves the layer premultiplied, which the composition expects.
    glClearColor(0, 0, 0, 0);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
    render_ui();
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    note_redrawn(only);
    return true;
}

bool MotionLayer::redraw_direct(int width, int height, const std::function<void()>& render_ui,
                                std::optional<ScreenRect> only) {
    const bool same_screen = direct_drawn_ && direct_width_ == width && direct_height_ == height;
    if (!same_screen) only.reset();  // nothing to keep
    const MotionSettings& s = clock_.settings();
    // The paper: still when calm; the lobby's light as it stands now (it moves only when a page is drawn).
    const bool light = moving_direct() && s.background && background_->available();
    const float light_t = light ? clock_.background_time_paced(last_now_) : 0.0f;
    // The band above the page area (the header, an urgent banner), as this
    // frame draws it; composed whole, so hashed before any narrowing.
    // Whole rows: the backend's scissor of each command is whole pixels.
    const float above = page_area_ ? std::floor(std::clamp(page_area_->y0, 0.0f, static_cast<float>(height))) : 0.0f;
    std::uint64_t above_hash = 0;
    const ImDrawData* composed = ImGui::GetDrawData();
    bool above_hashed = above >= 1.0f && composed != nullptr && band_above_hash(*composed, above, above_hash);
    for (const auto& flag : flags_->layer_flags())
        if (flag.bounds().y < above + 1.0f) above_hashed = false;  // a cloth there moves on its own
    // A whole-page redraw whose band above is what the back buffer shows
    // there, over paper that has not moved since: drawn below the band only.
    // (The paper is the same when it is the plain clear, or the light at the
    // time it was painted everywhere outside the last page's ink.)
    const bool paper_same = !light || (paper_known_ && light_t == paper_light_t_);
    const bool keep_above = !only && same_screen && above_hashed && above_known_ && above_hash == above_hash_ &&
                            paper_same;
    if (keep_above) {
        only = ScreenRect{0, above, static_cast<float>(width), static_cast<float>(height)};
        ++kept_above_;
        spdlog::debug("motion: the page is drawn below its header's band ({} rows kept)", static_cast<int>(above));
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glViewport(0, 0, width, height);
    GLint box[4] = {0, 0, width, height};
    if (only && !scissor_box(*only, width, height, box)) return true;
    if (only) {
        narrow_draw_data(*only);
        glEnable(GL_SCISSOR_TEST);
        glScissor(box[0], box[1], box[2], box[3]);
    } else {
        glDisable(GL_SCISSOR_TEST);
    }
    bool painted = false;
    if (light && (!only || keep_above) && paper_known_ && light_t == paper_light_t_ && same_screen) {
        // The light has not moved since the paper in the back buffer was
        // painted: it is right wherever the last page left it bare, and is
        // painted again only where that page put ink (below the band kept).
        painted = background_->draw_cells(width, height, light_t, ink_, keep_above);
    } else if (light) {
        painted = background_->draw(width, height, light_t, only.has_value());
    }
    if (!painted) {
        const ImVec4 paper = ImGui::ColorConvertU32ToFloat4(theme::page_background);
        glClearColor(paper.x, paper.y, paper.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
    }
    // What the paper outside the ink now is: the light at one time everywhere, or unknown.
    if (!painted)
        paper_known_ = false;
    else if (!only)
        paper_known_ = true, paper_light_t_ = light_t;
    else if (light_t != paper_light_t_)
        paper_known_ = false;
    glDisable(GL_SCISSOR_TEST);
    render_ui();
    // The band above as the back buffer now shows it (a region's redraw, the
    // header's clock, changes it as this frame draws it).
    above_known_ = above_hashed;
    above_hash_ = above_hash;
    // Where this page put ink (a region's redraw adds its own to the rest's;
    // below a kept band the last page's ink is forgotten, the band's stays).
    if (!only)
        ink_.clear();
    else if (keep_above)
        ink_.clear_below(above, width, height);
    if (const ImDrawData* data = ImGui::GetDrawData()) ink_.mark(*data, width, height);
    if (!flags_->layer_flags().empty()) {
        // The page under its cloths, kept for the flag frames; then the cloths
        // (calm: the rest pose; moving: where the wave is now). Below a kept
        // band the cloths are the new page's: their backdrops are made anew.
        capture_backdrops(width, height, keep_above ? std::nullopt : only);
        // Every pixel a cloth can cover, at any pose of its wave.
        for (const Backdrop& d : backdrops_)
            ink_.mark(static_cast<float>(d.box[0]), static_cast<float>(height - (d.box[1] + d.box[3])),
                      static_cast<float>(d.box[0] + d.box[2]), static_cast<float>(height - d.box[1]), width, height);
        for (const auto& flag : flags_->layer_flags()) {
            const ImVec4 b = flag.bounds();
            ink_.mark(b.x, b.y, b.z, b.w, width, height);
        }
        const ScreenRect clip = only.value_or(ScreenRect{0, 0, static_cast<float>(width), static_cast<float>(height)});
        flags_->draw_layer_flags(moving_direct() ? clock_.flag_time(last_now_) : 0.0f, width, height,
                                 ImVec4(clip.x0, clip.y0, clip.x1, clip.y1));
        drawn_flag_t_ = moving_direct() ? clock_.flag_time(last_now_) : 0.0f;
    } else if (!only || keep_above) {
        free_backdrops();
    }
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    // A crossfade is running towards this page: its page area as now drawn is what the blend goes to.
    if (fading_ && cpu_fade_ && !read_incoming_area()) {
        end_cpu_fade();
        fading_ = false;
    }
    direct_drawn_ = true;
    direct_width_ = width;
    direct_height_ = height;
    // A page redrawn whole goes up whole; below a band kept as it was on
    // screen, only what was drawn (the band on screen is the same pixels).
    note_redrawn(only);
    return true;
}

void MotionLayer::note_redrawn(const std::optional<ScreenRect>& only) {
    if (!only) {
        full_pending_ = true;
        return;
    }
    if (region_pending_) {
        region_pending_->x0 = std::min(region_pending_->x0, only->x0);
        region_pending_->y0 = std::min(region_pending_->y0, only->y0);
        region_pending_->x1 = std::max(region_pending_->x1, only->x1);
        region_pending_->y1 = std::max(region_pending_->y1, only->y1);
    } else {
        region_pending_ = only;
    }
}

void MotionLayer::narrow_draw_data(const ScreenRect& only) {
    // ImGui's backend sets a scissor per command: narrow every command's
    // clip rectangle to the region, so nothing outside it is touched and
    // the rasteriser skips what lies outside (the header's clock costs
    // its own few thousand pixels, not the page's two million).
    if (ImDrawData* data = ImGui::GetDrawData()) {
        for (int i = 0; i < data->CmdListsCount; ++i) {
            for (ImDrawCmd& cmd : data->CmdLists[i]->CmdBuffer) {
                cmd.ClipRect.x = std::max(cmd.ClipRect.x, only.x0);
                cmd.ClipRect.y = std::max(cmd.ClipRect.y, only.y0);
                cmd.ClipRect.z = std::min(cmd.ClipRect.z, only.x1);
                cmd.ClipRect.w = std::min(cmd.ClipRect.w, only.y1);
            }
        }
    }
}

void MotionLayer::page_turning(double now, int width, int height) {
    const float outgoing_flag_t = clock_.flag_time(now);
    last_now_ = now;
    clock_.page_arrived(now, true);
    outgoing_ready_ = false;
    fading_ = false;
    if (direct_) {
        // Straight into the back buffer: calm cuts; a moving screen blends on
        // the CPU from the page area as it is on screen, taken now, before
        // the next page is drawn over it (redraw_page reads that one).
        const bool fade = moving_direct() && cache_ok_ && clock_.transition_running(now) &&
                          clock_.settings().transition_style == TransitionStyle::crossfade && direct_drawn_ &&
                          direct_width_ == width && direct_height_ == height;
        if (fade && take_on_screen_area(width, height)) {
            // What goes up around the blend is what the incoming page's
            // redraw marks (redraw_direct): all of it, or below a header
            // kept as it is on screen.
            fading_ = true;
            screen_layer_dirty_ = true;
            faded_ = 0;
            return;
        }
        full_pending_ = true;
        end_cpu_fade();
        return;
    }
    full_pending_ = true;
    if (!cache_ok_ || !clock_.transition_running(now) || !transition_->available() || current_.texture == 0 ||
        current_.width != width || current_.height != height) {
        end_cpu_fade();
        return;  // a hard cut
    }
    if (back_buffer_kept_ && clock_.settings().transition_style == TransitionStyle::crossfade) {
        // The back buffer shows the page being left: the blend starts from it (see the header).
        free_layer(outgoing_);
        fading_ = true;
        screen_layer_dirty_ = true;
        faded_ = 0;
        return;
    }
    end_cpu_fade();
    std::swap(current_, outgoing_);
    // The cloths of the page being left, as they are now, into its layer: it
    // fades out whole. (The layer on screen never holds its cloths.)
    if (!flags_->layer_flags().empty()) {
        glBindFramebuffer(GL_FRAMEBUFFER, outgoing_.framebuffer);
        glViewport(0, 0, width, height);
        flags_->draw_layer_flags(outgoing_flag_t, width, height,
                                 ImVec4(0, 0, static_cast<float>(width), static_cast<float>(height)));
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
    }
    outgoing_ready_ = true;
}

MotionLayer::Damage MotionLayer::damage(double now, int width, int height) const {
    Damage d;
    const ScreenRect screen{0, 0, static_cast<float>(width), static_cast<float>(height)};
    if (fading_) {
        // The blend's frames: nothing while the screen layer is to be made
        // (compose_screen makes it, in a turn of its own), the whole screen
        // when the blend (re)starts, else the page area while the weight moves.
        if (screen_layer_dirty_)
            return d;
        if (full_pending_)
            d.full = true;
        else if (region_pending_)
            d.rects.push_back(*region_pending_);  // a page drawn below its kept band: that and the blend
        else if (eased(clock_.transition_progress(now)) != faded_)
            d.rects.push_back(page_area_.value_or(screen));
        return d;
    }
    if (full_pending_) {
        d.full = true;
        return d;
    }
    const MotionSettings& s = clock_.settings();
    if (!direct_ && s.background && !s.calm && background_->available() &&
        clock_.background_time_paced(now) != drawn_background_t_) {
        d.full = true;  // the paper under everything moves
        return d;
    }
    if (outgoing_ready_ && clock_.transition_progress(now) != drawn_progress_) d.rects.push_back(page_area_.value_or(screen));
    if (!flags_->layer_flags().empty() && clock_.flag_time(now) != drawn_flag_t_) {
        for (const auto& flag : flags_->layer_flags()) {
            const ImVec4 b = flag.bounds();
            if (b.z > b.x && b.w > b.y) d.rects.push_back(ScreenRect{b.x, b.y, b.z, b.w});
        }
    }
    if (region_pending_) d.rects.push_back(*region_pending_);
    // Many small rectangles cost more in passes than one whole frame saves.
    float total = 0;
    for (const ScreenRect& r : d.rects) total += area_of(r);
    if (total > 0.9f * area_of(screen)) {
        d.full = true;
        d.rects.clear();
        return d;
    }
    // Close rectangles (a standings table's column of flags) as one: every
    // rectangle is a pass and a present (a flush and a round trip to the X
    // server), which costs more than the few pixels between them.
    if (d.rects.size() > 1) {
        ScreenRect box = d.rects.front();
        for (const ScreenRect& r : d.rects) {
            box.x0 = std::min(box.x0, r.x0);
            box.y0 = std::min(box.y0, r.y0);
            box.x1 = std::max(box.x1, r.x1);
            box.y1 = std::max(box.y1, r.y1);
        }
        if (area_of(box) <= 2 * total + 16384) d.rects.assign(1, box);
    }
    return d;
}

void MotionLayer::draw_page_layers(double now, int width, int height) {
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);  // the layers are premultiplied
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    if (outgoing_ready_ && clock_.transition_running(now) &&
        transition_->blend(outgoing_.texture, current_.texture, width, height, clock_.transition_progress(now),
                           clock_.settings().transition_style, page_area_))
        return;
    KIOSK_GL_CHECK(glUseProgram(page_program_.id()));
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, current_.texture);
    glUniform1i(u_page_, 0);
    KIOSK_GL_CHECK(glBindVertexArray(page_vertex_array_));
    KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, 3));
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
}

bool MotionLayer::compose_screen_layer(double now, int width, int height) {
    if (!prepare_layer(screen_, width, height)) return false;
    const MotionSettings& s = clock_.settings();
    const bool moving_paper = s.background && !s.calm && background_->available();
    const ScreenRect screen{0, 0, static_cast<float>(width), static_cast<float>(height)};
    const ScreenRect a = page_area_.value_or(screen);
    const float area[4] = {a.x0, static_cast<float>(height) - a.y1, a.x1, static_cast<float>(height) - a.y0};
    KIOSK_GL_CHECK(glBindFramebuffer(GL_FRAMEBUFFER, screen_.framebuffer));
    glViewport(0, 0, width, height);
    glDisable(GL_SCISSOR_TEST);
    if (!background_->compose(width, height, clock_.background_time_paced(now), moving_paper, current_.texture, 0, 0,
                              area)) {
        if (!moving_paper || !background_->draw(width, height, clock_.background_time_paced(now))) {
            const ImVec4 paper = ImGui::ColorConvertU32ToFloat4(theme::page_background);
            glClearColor(paper.x, paper.y, paper.z, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
        }
        draw_page_layers(now, width, height);
    }
    if (!flags_->layer_flags().empty())
        flags_->draw_layer_flags(clock_.flag_time(now), width, height,
                                 ImVec4(0, 0, static_cast<float>(width), static_cast<float>(height)));
    glDisable(GL_BLEND);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    return true;
}

bool MotionLayer::compose_fade(double now, int width, int height, bool whole) {
    // Resized mid-blend: the back buffer no longer holds the frame before; the rest of the change is a cut.
    const bool resized = screen_.framebuffer != 0 && (screen_.width != width || screen_.height != height);
    if (screen_layer_dirty_ || resized) {
        if (!compose_screen_layer(now, width, height)) return false;
        screen_layer_dirty_ = false;
        whole = true;
    }
    const bool landed = resized || !clock_.transition_running(now);
    const float f = landed ? 1.0f : eased(clock_.transition_progress(now));
    // The weight of the frame on screen in the next: (1 − f) of the old page is left of (1 − faded_).
    const float keep = landed || faded_ >= 1.0f ? 0.0f : std::clamp((1.0f - f) / (1.0f - faded_), 0.0f, 1.0f);
    const ScreenRect screen{0, 0, static_cast<float>(width), static_cast<float>(height)};
    const ScreenRect a = page_area_.value_or(screen);

    KIOSK_GL_CHECK(glBindFramebuffer(GL_FRAMEBUFFER, 0));
    glViewport(0, 0, width, height);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    KIOSK_GL_CHECK(glUseProgram(page_program_.id()));
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, screen_.texture);
    glUniform1i(u_page_, 0);
    KIOSK_GL_CHECK(glBindVertexArray(page_vertex_array_));
    glEnable(GL_SCISSOR_TEST);
    GLint box[4];
    if (whole) {
        // Outside the page area (the header, the footer) the new page as it is: the four bands around the area.
        glDisable(GL_BLEND);
        const ScreenRect bands[4] = {{0, 0, screen.x1, a.y0},
                                     {0, a.y1, screen.x1, screen.y1},
                                     {0, a.y0, a.x0, a.y1},
                                     {a.x1, a.y0, screen.x1, a.y1}};
        for (const ScreenRect& band : bands) {
            if (!scissor_box(band, width, height, box)) continue;
            glScissor(box[0], box[1], box[2], box[3]);
            KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, 3));
        }
    }
    if (scissor_box(a, width, height, box)) {
        glScissor(box[0], box[1], box[2], box[3]);
        if (keep > 0) {
            // new × (1 − keep) + on screen × keep; the window's alpha stays opaque.
            glEnable(GL_BLEND);
            glBlendEquation(GL_FUNC_ADD);
            glBlendColor(0, 0, 0, keep);
            glBlendFuncSeparate(GL_ONE_MINUS_CONSTANT_ALPHA, GL_CONSTANT_ALPHA, GL_ONE, GL_ZERO);
        } else {
            glDisable(GL_BLEND);
        }
        KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, 3));
    }
    glDisable(GL_BLEND);
    glDisable(GL_SCISSOR_TEST);
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
    faded_ = f;
    if (landed) {
        // On screen now: the new page exactly, as compose_screen would draw it; the screen layer's memory goes back.
        fading_ = false;
        free_layer(screen_);
        spdlog::debug("motion: the crossfade has landed; its screen layer is freed");
        // Mesa keeps the framebuffer it last drew into off-screen (the screen
        // layer's) until another off-screen framebuffer is drawn into, so
        // the screen layer's memory would stay in the process until the next
        // page turn. One pixel of the page layer drawn as it is (blend: none
        // of the new, all of what is there) passes that on now.
        glBindFramebuffer(GL_FRAMEBUFFER, current_.framebuffer);
        glEnable(GL_SCISSOR_TEST);
        glScissor(0, 0, 1, 1);
        glEnable(GL_BLEND);
        glBlendFunc(GL_ZERO, GL_ONE);
        glUseProgram(page_program_.id());
        glBindTexture(GL_TEXTURE_2D, 0);
        glBindVertexArray(page_vertex_array_);
        glDrawArrays(GL_TRIANGLES, 0, 3);
        glBindVertexArray(0);
        glUseProgram(0);
        glDisable(GL_BLEND);
        glDisable(GL_SCISSOR_TEST);
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        glFlush();
        give_back_freed_memory();
    }
    return true;
}

// [SECTION] waving cloths over a direct page -------------------------------------------------
void MotionLayer::free_backdrops() {
    for (Backdrop& b : backdrops_)
        if (b.texture != 0) glDeleteTextures(1, &b.texture);
    backdrops_.clear();
}

void MotionLayer::capture_backdrops(int width, int height, const std::optional<ScreenRect>& only) {
    if (!moving_direct()) return;
    GLint within[4] = {0, 0, width, height};
    if (only && !scissor_box(*only, width, height, within)) return;
    const auto inside = [&](const GLint* box) {
        return box[0] >= within[0] && box[1] >= within[1] && box[0] + box[2] <= within[0] + within[2] &&
               box[1] + box[3] <= within[1] + within[3];
    };
    if (!only) {
        free_backdrops();
        for (const auto& flag : flags_->layer_flags()) {
            const ImVec4 b = flag.bounds();
            Backdrop d;
            if (!scissor_box(ScreenRect{b.x, b.y, b.z, b.w}, width, height, d.box)) continue;
            glGenTextures(1, &d.texture);
            glBindTexture(GL_TEXTURE_2D, d.texture);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, d.box[2], d.box[3], 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
            backdrops_.push_back(d);
        }
    }
    // From the back buffer as just drawn, without its cloths: only what the redraw covered.
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    for (const Backdrop& d : backdrops_) {
        if (only && !inside(d.box)) continue;
        glBindTexture(GL_TEXTURE_2D, d.texture);
        glCopyTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, d.box[0], d.box[1], d.box[2], d.box[3]);
    }
    glBindTexture(GL_TEXTURE_2D, 0);
}

void MotionLayer::draw_flag_frame(double now, int width, int height) {
    KIOSK_GL_CHECK(glBindFramebuffer(GL_FRAMEBUFFER, 0));
    glViewport(0, 0, width, height);
    glDisable(GL_BLEND);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    glEnable(GL_SCISSOR_TEST);
    KIOSK_GL_CHECK(glUseProgram(page_program_.id()));
    glActiveTexture(GL_TEXTURE0);
    glUniform1i(u_page_, 0);
    KIOSK_GL_CHECK(glBindVertexArray(page_vertex_array_));
    float x0 = static_cast<float>(width), y0 = static_cast<float>(height), x1 = 0, y1 = 0;
    for (const Backdrop& d : backdrops_) {
        // The page under this flag, as drawn: every pixel its cloth can cover at any time.
        glScissor(d.box[0], d.box[1], d.box[2], d.box[3]);
        glBindTexture(GL_TEXTURE_2D, d.texture);
        glUniform2i(u_offset_, d.box[0], d.box[1]);
        KIOSK_GL_CHECK(glDrawArrays(GL_TRIANGLES, 0, 3));
        x0 = std::min(x0, static_cast<float>(d.box[0]));
        x1 = std::max(x1, static_cast<float>(d.box[0] + d.box[2]));
        y0 = std::min(y0, static_cast<float>(height - (d.box[1] + d.box[3])));
        y1 = std::max(y1, static_cast<float>(height - d.box[1]));
    }
    glUniform2i(u_offset_, 0, 0);
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
    glDisable(GL_SCISSOR_TEST);
    // Every cloth at the wave's new time; each lies inside its own backdrop.
    if (x1 > x0 && y1 > y0) flags_->draw_layer_flags(clock_.flag_time(now), width, height, ImVec4(x0, y0, x1, y1));
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    drawn_flag_t_ = clock_.flag_time(now);
}

// [SECTION] the crossfade on the CPU (set_pixel_sink) ---------------------------------------
bool MotionLayer::take_on_screen_area(int width, int height) {
    const ScreenRect screen{0, 0, static_cast<float>(width), static_cast<float>(height)};
    GLint box[4];
    if (!scissor_box(page_area_.value_or(screen), width, height, box)) return false;
    if (cpu_fade_ && !std::equal(box, box + 4, fade_box_)) {
        // Resized mid-blend: what the sink holds no longer lines up.
        end_cpu_fade();
        return false;
    }
    std::size_t stride = 0;
    std::uint8_t* on_screen = sink_->image(box[2], box[3], stride);
    if (on_screen == nullptr) {
        end_cpu_fade();
        return false;
    }
    if (cpu_fade_) return true;  // a blend runs: the sink's image is what is on screen, and stays
    // The page area as it is on screen (the back buffer holds the frame
    // presented last), before the incoming page is drawn over it.
    sink_->prepare(box[0], height - (box[1] + box[3]));  // this turn presents nothing: the blend's first step is on time
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    read_top_down(box, on_screen, stride);
    std::copy(box, box + 4, fade_box_);
    cpu_fade_ = true;
    return true;
}

bool MotionLayer::read_incoming_area() {
    const std::size_t row = static_cast<std::size_t>(fade_box_[2]) * 4;
    const std::size_t bytes = row * static_cast<std::size_t>(fade_box_[3]);
    std::size_t stride = 0;
    const std::uint8_t* on_screen = sink_->image(fade_box_[2], fade_box_[3], stride);
    if (on_screen == nullptr) return false;
    if (incoming_area_.size() != bytes && !incoming_area_.allocate(bytes)) {
        spdlog::error("motion: no memory for the crossfade's incoming page ({} MB); the change is a cut",
                      bytes >> 20);
        return false;
    }
    // The page area read back a band at a time into one small buffer, and
    // kept only where it differs from the page on screen: where the two are
    // alike (much of the paper) no step of the blend changes anything, so
    // those spans are marked once and skipped, and never stored.
    constexpr int kBandRows = 32;
    std::vector<std::uint8_t> band(row * kBandRows);
    fade_spans_.clear();
    fade_spans_.reserve(((static_cast<std::size_t>(fade_box_[2]) + kBlendSpan - 1) / kBlendSpan) *
                        static_cast<std::size_t>(fade_box_[3]));
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    std::size_t packed = 0;
    for (int top = 0; top < fade_box_[3]; top += kBandRows) {
        const int rows = std::min(kBandRows, fade_box_[3] - top);
        const GLint box[4] = {fade_box_[0], fade_box_[1] + fade_box_[3] - top - rows, fade_box_[2], rows};
        read_top_down(box, band.data(), row);
        packed += pack_differing(on_screen + static_cast<std::size_t>(top) * stride, stride, band.data(), row,
                                 fade_box_[2], rows, fade_spans_, incoming_area_.data() + packed);
    }
    if (spdlog::should_log(spdlog::level::debug)) {
        const auto differ = std::count(fade_spans_.begin(), fade_spans_.end(), std::uint8_t{1});
        spdlog::debug("motion: the crossfade blends {} of {} spans ({:.0f} %, {} MB kept)", differ, fade_spans_.size(),
                      100.0 * static_cast<double>(differ) / static_cast<double>(std::max<std::size_t>(1, fade_spans_.size())),
                      packed >> 20);
    }
    return true;
}

bool MotionLayer::compose_cpu_fade(double now, int height, const std::optional<ScreenRect>& around) {
    std::size_t stride = 0;
    std::uint8_t* on_screen = sink_->image(fade_box_[2], fade_box_[3], stride);
    if (on_screen == nullptr || incoming_area_.empty()) {
        end_cpu_fade();
        return false;
    }
    const bool landed = !clock_.transition_running(now);
    const float f = landed ? 1.0f : eased(clock_.transition_progress(now));
    // The weight of the frame on screen in the next: (1 − f) of the old page is left of (1 − faded_).
    const float keep = landed || faded_ >= 1.0f ? 0.0f : std::clamp((1.0f - f) / (1.0f - faded_), 0.0f, 1.0f);
    blend_toward_packed(on_screen, stride, incoming_area_.data(), fade_box_[2], fade_box_[3], keep, fade_spans_);
    const int top = height - (fade_box_[1] + fade_box_[3]);
    if (!sink_->show(fade_box_[0], top)) {
        end_cpu_fade();
        return false;
    }
    faded_ = f;
    Damage instead;
    if (around) {
        // The header and footer of the new page, from the back buffer: the
        // four bands around the area, inside what must go up (below a header
        // kept as it was, the footer and sides only: at 1080p that is a third
        // of the pixels the step copies to the X server).
        const ScreenRect& r = *around;
        const float x0 = static_cast<float>(fade_box_[0]), x1 = static_cast<float>(fade_box_[0] + fade_box_[2]);
        const float y0 = static_cast<float>(top), y1 = static_cast<float>(top + fade_box_[3]);
        const float my0 = std::max(y0, r.y0), my1 = std::min(y1, r.y1);
        for (const ScreenRect& band : {ScreenRect{r.x0, r.y0, r.x1, std::min(y0, r.y1)},
                                       ScreenRect{r.x0, std::max(y1, r.y0), r.x1, r.y1},
                                       ScreenRect{r.x0, my0, std::min(x0, r.x1), my1},
                                       ScreenRect{std::max(x1, r.x0), my0, r.x1, my1}})
            if (band.x1 > band.x0 && band.y1 > band.y0) instead.rects.push_back(band);
    }
    presented_instead_ = std::move(instead);
    if (landed) {
        // On screen now: the new page exactly, as the back buffer holds it.
        fading_ = false;
        cpu_fade_ = false;
        sink_->release();
        incoming_area_.release();
        std::vector<std::uint8_t>().swap(fade_spans_);
        give_back_freed_memory();
        spdlog::debug("motion: the crossfade has landed");
    }
    return true;
}

void MotionLayer::end_cpu_fade() {
    if (cpu_fade_ || !incoming_area_.empty()) full_pending_ = true;  // the back buffer is what must be on screen
    cpu_fade_ = false;
    if (sink_ != nullptr) sink_->release();
    incoming_area_.release();
    std::vector<std::uint8_t>().swap(fade_spans_);
}

void MotionLayer::compose_screen(double now, int width, int height, const Damage& damage, GLuint framebuffer) {
    if (direct_ && framebuffer == 0) {
        last_now_ = now;
        if (fading_ && cpu_fade_ && screen_layer_dirty_) {
            // The new page was drawn and its area read (redraw_page): this
            // turn presents nothing, and the blend's clock starts now, so its
            // first step does not carry the page's passes. (The loop's only
            // glFinish, once a turn.)
            screen_layer_dirty_ = false;
            glFinish();
            if (faded_ == 0) clock_.restart_transition(now);
            clock_.frame_drawn(now, !flags_->layer_flags().empty());
            check_health();
            return;
        }
        if (fading_ && cpu_fade_) {
            std::optional<ScreenRect> around;
            if (damage.full)
                around = ScreenRect{0, 0, static_cast<float>(width), static_cast<float>(height)};
            else if (region_pending_)
                around = region_pending_;
            if (!compose_cpu_fade(now, height, around)) {
                fading_ = false;  // the sink failed: the back buffer (the new page) goes on screen whole
                full_pending_ = true;
                presented_instead_.reset();
                clock_.frame_drawn(now, !flags_->layer_flags().empty());
                return;
            }
        } else if (fading_) {
            fading_ = false;  // nothing to blend from: the change was a cut
        } else if (!damage.empty() && !backdrops_.empty() && clock_.flag_time(now) != drawn_flag_t_) {
            draw_flag_frame(now, width, height);
        }
        // Otherwise the page is in the back buffer already: nothing to compose, only to present.
        full_pending_ = false;
        region_pending_.reset();
        clock_.frame_drawn(now, !flags_->layer_flags().empty());
        check_health();
        return;
    }
    if (fading_ && framebuffer == 0 && screen_layer_dirty_ && current_.texture != 0) {
        // The incoming page over the paper, made in a loop turn of its own
        // that presents nothing: no frame of the blend carries this pass (nor
        // the page's ImGui pass before it), and the blend starts once it is
        // ready (its first step is then on time).
        if (compose_screen_layer(now, width, height)) {
            screen_layer_dirty_ = false;
            // Software GL draws when flushed, on its own threads: finished
            // here, in this turn that presents nothing, the page's pass and
            // this one are not left to slow the blend's first step. (The
            // only glFinish of the loop, once a page turn.)
            glFinish();
            if (faded_ == 0) clock_.restart_transition(now);
            clock_.frame_drawn(now, !flags_->layer_flags().empty());
            check_health();
            return;
        }
        fading_ = false;  // no memory for it: the change is a cut
        free_layer(screen_);
        Damage all;
        all.full = true;
        compose_screen(now, width, height, all, framebuffer);
        return;
    }
    if (damage.empty() || current_.texture == 0) {
        clock_.frame_drawn(now, !flags_->layer_flags().empty());
        return;
    }
    if (fading_ && framebuffer == 0) {
        if (compose_fade(now, width, height, damage.full)) {
            drawn_flag_t_ = clock_.flag_time(now);
            drawn_background_t_ = clock_.background_time_paced(now);
            drawn_progress_ = -1;
            full_pending_ = false;
            region_pending_.reset();
            clock_.frame_drawn(now, !flags_->layer_flags().empty());
            check_health();
            return;
        }
        // No memory for the screen layer: the rest of the transition is a cut.
        fading_ = false;
        free_layer(screen_);
        if (!damage.full) {
            Damage all;
            all.full = true;
            compose_screen(now, width, height, all, framebuffer);
            return;
        }
    }
    // Drawn elsewhere than the window (a test's framebuffer, a screenshot)
    // while the window blends: the new page; the blend stops, and the window
    // gets the whole new page at its next frame.
    const bool window_blend_stopped = fading_;
    if (fading_) {
        fading_ = false;
        free_layer(screen_);
        end_cpu_fade();
    }
    if (outgoing_ready_ && (outgoing_.width != width || outgoing_.height != height)) {
        // Resized mid-transition: the outgoing layer no longer lines up; the rest of the change is a cut.
        free_layer(outgoing_);
        outgoing_ready_ = false;
    }
    const ScreenRect screen{0, 0, static_cast<float>(width), static_cast<float>(height)};
    const std::vector<ScreenRect> whole{screen};
    const std::vector<ScreenRect>& rects = damage.full ? whole : damage.rects;
    const MotionSettings& s = clock_.settings();
    const bool moving_paper = s.background && !s.calm && background_->available();
    const ImVec4 paper = ImGui::ColorConvertU32ToFloat4(theme::page_background);
    const bool transition = outgoing_ready_ && clock_.transition_running(now);
    // A page fading in brings its cloths with it; a sliding one shows them once it has landed.
    const float flag_opacity = !transition ? 1.0f
                               : s.transition_style == TransitionStyle::crossfade
                                   ? eased(clock_.transition_progress(now))
                                   : 0.0f;
    const float flag_t = clock_.flag_time(now);
    // One pass per rectangle (paper and layers together) unless a slide runs,
    // which only the transition's own program draws.
    const bool crossfade = transition && s.transition_style == TransitionStyle::crossfade;
    const bool one_pass = background_->compose_available() && (!transition || crossfade);
    const float fade = crossfade ? 1.0f - eased(clock_.transition_progress(now)) : 0.0f;
    const ScreenRect a = page_area_.value_or(screen);
    const float area[4] = {a.x0, static_cast<float>(height) - a.y1, a.x1, static_cast<float>(height) - a.y0};

    KIOSK_GL_CHECK(glBindFramebuffer(GL_FRAMEBUFFER, framebuffer));
    glViewport(0, 0, width, height);
    for (const ScreenRect& r : rects) {
        GLint box[4];
        if (!scissor_box(r, width, height, box)) continue;
        glEnable(GL_SCISSOR_TEST);
        glScissor(box[0], box[1], box[2], box[3]);
        if (one_pass) {
            background_->compose(width, height, clock_.background_time_paced(now), moving_paper, current_.texture,
                                 crossfade ? outgoing_.texture : 0, fade, area, damage.full ? nullptr : box);
        } else {
            // Without the one-pass program (its shader failed): the paper, then the layers blended over it.
            if (!moving_paper || !background_->draw(width, height, clock_.background_time_paced(now), true)) {
                glClearColor(paper.x, paper.y, paper.z, 1.0f);
                glClear(GL_COLOR_BUFFER_BIT);
            }
            glEnable(GL_SCISSOR_TEST);
            glScissor(box[0], box[1], box[2], box[3]);
            draw_page_layers(now, width, height);
        }
        if (flag_opacity > 0)
            flags_->draw_layer_flags(flag_t, width, height, ImVec4(r.x0, r.y0, r.x1, r.y1), flag_opacity);
    }
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);

    drawn_flag_t_ = flag_t;
    drawn_background_t_ = clock_.background_time_paced(now);
    drawn_progress_ = outgoing_ready_ ? clock_.transition_progress(now) : -1;
    full_pending_ = window_blend_stopped;
    region_pending_.reset();
    if (outgoing_ready_ && !clock_.transition_running(now)) {
        // The transition has landed: its outgoing layer's memory goes back until the next page turn.
        free_layer(outgoing_);
        outgoing_ready_ = false;
        give_back_freed_memory();
    }
    clock_.frame_drawn(now, !flags_->layer_flags().empty());
    check_health();
}

}  // namespace campus::kiosk::motion
