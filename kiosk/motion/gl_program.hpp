// GL programs for the motion layer, and the checks that keep a broken driver
// or shader from ever blanking the screen.
//
// A program that fails to compile or link is logged with its info log
// (spdlog) and comes back empty; the effect that needed it is then skipped and
// the screen draws without it: a missing effect, never a black screen. Nothing here
// throws.
//
// Sections: [program] [checks] [page targets] [context health]
//
// Thread safety: the thread that owns the GL context (the main thread), with
// the context current.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <glad/gl.h>

namespace campus::kiosk::motion {

// [SECTION] program ------------------------------------------------------------------
class GlProgram {
public:
    GlProgram() = default;  // empty: valid() is false
    ~GlProgram();
    GlProgram(GlProgram&& other) noexcept;
    GlProgram& operator=(GlProgram&& other) noexcept;
    GlProgram(const GlProgram&) = delete;
    GlProgram& operator=(const GlProgram&) = delete;

    // Compiles and links. `name` says which effect in the log ("flag",
    // "transition", …). On failure logs each stage's info log and returns an
    // empty program.
    //
    // Test builds (-DKIOSK_MOTION_TEST_HOOKS=ON) also honour
    // KIOSK_TEST_BREAK_SHADER=<name>[,<name>…]: the named programs get a
    // syntax error injected into their fragment shader, so a render test can
    // show the fallback of a running kiosk. Release kiosks ignore the variable.
    static GlProgram build(std::string_view name, std::string_view vertex_source, std::string_view fragment_source);

    bool valid() const { return id_ != 0; }
    GLuint id() const { return id_; }
    const std::string& name() const { return name_; }
    // -1 when the uniform does not exist or was optimised away (glUniform* ignores -1).
    GLint uniform(const char* uniform_name) const;

private:
    GLuint id_ = 0;
    std::string name_;
};

// True when this build honours KIOSK_TEST_BREAK_SHADER.
bool test_hooks_compiled_in();

// [SECTION] checks -----------------------------------------------------------------------
// Logs every pending glGetError with the call and place that preceded it;
// returns the last error (GL_NO_ERROR when none). Used through KIOSK_GL_CHECK.
GLenum log_gl_errors(const char* what, const char* file, int line);

// KIOSK_GL_CHECK(glBindTexture(GL_TEXTURE_2D, id));
// Debug builds check glGetError after the call and log what failed where;
// Release builds (NDEBUG) compile the check out: glGetError stalls a
// pipelined driver, and a release kiosk learns about a dead context from
// check_context_health() once per frame instead.
#ifdef NDEBUG
#define KIOSK_GL_CHECK(call) call
#else
#define KIOSK_GL_CHECK(call)                                           \
    do {                                                               \
        call;                                                          \
        ::campus::kiosk::motion::log_gl_errors(#call, __FILE__, __LINE__); \
    } while (0)
#endif

// [SECTION] page targets -----------------------------------------------------------------
// A screen-sized picture of a page to draw into and read back by texelFetch:
// an RGBA8 texture (nearest, no mipmaps) with its framebuffer. The page
// cache's layers and the transition's captures are all of this kind.
struct PageTarget {
    GLuint framebuffer = 0, texture = 0;
    int width = 0, height = 0;
};
struct PageTargetResult {
    PageTarget target;    // all zero unless ok()
    std::string problem;  // why not: over the GL's size limit, a GL error, an incomplete framebuffer
    bool out_of_memory = false;  // the driver said GL_OUT_OF_MEMORY: the context may be unusable
    bool ok() const { return target.framebuffer != 0; }
};
// Allocates one (its pixels undefined), leaving framebuffer 0 and no texture
// bound. The caller logs `problem` in its own words.
PageTargetResult make_page_target(int width, int height);
// Deletes what `target` holds and zeroes it (safe on an empty one).
void free_page_target(PageTarget& target);

// [SECTION] context health ---------------------------------------------------------------
// What went wrong with the GL context, for the log and the exit code.
struct ContextFailure {
    std::string reason;
};

// Asks the driver whether the context is still usable: the robustness reset
// status (GL 4.5, KHR_robustness or ARB_robustness, when the driver has one;
// it only reports resets when the context was created with
// GLFW_CONTEXT_ROBUSTNESS = GLFW_LOSE_CONTEXT_ON_RESET) and pending
// GL_CONTEXT_LOST / GL_OUT_OF_MEMORY errors. Returns the failure, or nullopt
// when the context is fine. Cheap enough for once a frame.
//
// A kiosk whose context is gone cannot draw again: the app logs the reason
// and exits non-zero so its supervisor (systemd Restart=on-failure) starts a
// fresh one.
std::optional<ContextFailure> check_context_health();

}  // namespace campus::kiosk::motion
