// Sections: [program] [checks] [page targets] [context health]
#include "kiosk/motion/gl_program.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

namespace campus::kiosk::motion {

// [SECTION] program ------------------------------------------------------------------
namespace {

const char* stage_name(GLenum stage) { return stage == GL_VERTEX_SHADER ? "vertex" : "fragment"; }

std::string shader_log(GLuint shader) {
    GLint length = 0;
    glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<std::size_t>(length > 0 ? length : 0), '\0');
    if (length > 0) glGetShaderInfoLog(shader, length, nullptr, log.data());
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log.empty() ? "(the driver gave no info log)" : log;
}

std::string program_log(GLuint program) {
    GLint length = 0;
    glGetProgramiv(program, GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<std::size_t>(length > 0 ? length : 0), '\0');
    if (length > 0) glGetProgramInfoLog(program, length, nullptr, log.data());
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log.empty() ? "(the driver gave no info log)" : log;
}

GLuint compile(std::string_view name, GLenum stage, std::string_view source) {
    const GLuint shader = glCreateShader(stage);
    if (shader == 0) {
        spdlog::error("motion: cannot create the {} shader of '{}' (glCreateShader returned 0; GL error 0x{:x}); "
                      "the effect is skipped",
                      stage_name(stage), name, glGetError());
        return 0;
    }
    const GLchar* text = source.data();
    const auto length = static_cast<GLint>(source.size());
    glShaderSource(shader, 1, &text, &length);
    glCompileShader(shader);
    GLint ok = GL_FALSE;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (ok != GL_TRUE) {
        spdlog::error("motion: the {} shader of '{}' does not compile; the effect is skipped. Info log:\n{}",
                      stage_name(stage), name, shader_log(shader));
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

#ifdef KIOSK_MOTION_TEST_HOOKS
// KIOSK_TEST_BREAK_SHADER=flag,transition: is `name` in the list?
bool break_requested(std::string_view name) {
    const char* value = std::getenv("KIOSK_TEST_BREAK_SHADER");
    if (value == nullptr) return false;
    std::string_view list(value);
    while (!list.empty()) {
        const auto comma = list.find(',');
        if (list.substr(0, comma) == name) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}
#endif

}  // namespace

bool test_hooks_compiled_in() {
#ifdef KIOSK_MOTION_TEST_HOOKS
    return true;
#else
    return false;
#endif
}

GlProgram GlProgram::build(std::string_view name, std::string_view vertex_source, std::string_view fragment_source) {
    std::string broken;
#ifdef KIOSK_MOTION_TEST_HOOKS
    if (break_requested(name)) {
        spdlog::warn("motion: KIOSK_TEST_BREAK_SHADER breaks the fragment shader of '{}' (test build)", name);
        broken = std::string(fragment_source) + "\nthis line is not GLSL;\n";
        fragment_source = broken;
    }
#endif
    GlProgram program;
    program.name_ = std::string(name);
    const GLuint vertex = compile(name, GL_VERTEX_SHADER, vertex_source);
    const GLuint fragment = vertex != 0 ? compile(name, GL_FRAGMENT_SHADER, fragment_source) : 0;
    if (vertex == 0 || fragment == 0) {
        if (vertex != 0) glDeleteShader(vertex);
        return program;
    }
    const GLuint id = glCreateProgram();
    if (id == 0) {
        spdlog::error("motion: cannot create the program '{}' (GL error 0x{:x}); the effect is skipped", name,
                      glGetError());
    } else {
        glAttachShader(id, vertex);
        glAttachShader(id, fragment);
        glLinkProgram(id);
        GLint ok = GL_FALSE;
        glGetProgramiv(id, GL_LINK_STATUS, &ok);
        if (ok == GL_TRUE) {
            glDetachShader(id, vertex);
            glDetachShader(id, fragment);
            program.id_ = id;
        } else {
            spdlog::error("motion: the program '{}' does not link; the effect is skipped. Info log:\n{}", name,
                          program_log(id));
            glDeleteProgram(id);
        }
    }
    glDeleteShader(vertex);
    glDeleteShader(fragment);
    return program;
}

GlProgram::~GlProgram() {
    if (id_ != 0) glDeleteProgram(id_);
}

GlProgram::GlProgram(GlProgram&& other) noexcept
    : id_(std::exchange(other.id_, 0)), name_(std::move(other.name_)) {}

GlProgram& GlProgram::operator=(GlProgram&& other) noexcept {
    if (this != &other) {
        if (id_ != 0) glDeleteProgram(id_);
        id_ = std::exchange(other.id_, 0);
        name_ = std::move(other.name_);
    }
    return *this;
}

GLint GlProgram::uniform(const char* uniform_name) const {
    return id_ != 0 ? glGetUniformLocation(id_, uniform_name) : -1;
}

// [SECTION] checks -----------------------------------------------------------------------
namespace {
const char* gl_error_name(GLenum error) {
    switch (error) {
        case GL_INVALID_ENUM: return "GL_INVALID_ENUM";
        case GL_INVALID_VALUE: return "GL_INVALID_VALUE";
        case GL_INVALID_OPERATION: return "GL_INVALID_OPERATION";
        case GL_INVALID_FRAMEBUFFER_OPERATION: return "GL_INVALID_FRAMEBUFFER_OPERATION";
        case GL_OUT_OF_MEMORY: return "GL_OUT_OF_MEMORY";
        case GL_CONTEXT_LOST: return "GL_CONTEXT_LOST";
        default: return "unknown GL error";
    }
}
}  // namespace

GLenum log_gl_errors(const char* what, const char* file, int line) {
    GLenum last = GL_NO_ERROR;
    // Bounded: a lost context may report GL_CONTEXT_LOST forever.
    for (int i = 0; i < 8; ++i) {
        const GLenum error = glGetError();
        if (error == GL_NO_ERROR) break;
        spdlog::error("GL error {} (0x{:x}) after {} at {}:{}", gl_error_name(error), error, what, file, line);
        last = error;
    }
    return last;
}

// [SECTION] page targets -----------------------------------------------------------------
void free_page_target(PageTarget& target) {
    if (target.framebuffer != 0) glDeleteFramebuffers(1, &target.framebuffer);
    if (target.texture != 0) glDeleteTextures(1, &target.texture);
    target = PageTarget{};
}

PageTargetResult make_page_target(int width, int height) {
    PageTargetResult result;
    if (width <= 0 || height <= 0) {
        result.problem = "an empty size (" + std::to_string(width) + "x" + std::to_string(height) + ")";
        return result;
    }
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    if (width > max_size || height > max_size) {
        result.problem = std::to_string(width) + "x" + std::to_string(height) + " exceeds this GL's limit (" +
                         std::to_string(max_size) + ")";
        return result;
    }
    while (glGetError() != GL_NO_ERROR) {
    }  // what follows must be ours
    PageTarget& t = result.target;
    glGenTextures(1, &t.texture);
    glBindTexture(GL_TEXTURE_2D, t.texture);
    // texelFetch reads exact pixels: no filtering, no mipmaps.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    const GLenum error = glGetError();
    glBindTexture(GL_TEXTURE_2D, 0);
    if (error != GL_NO_ERROR) {
        result.problem = std::to_string(width) + "x" + std::to_string(height) + ": GL error " + gl_error_name(error);
        result.out_of_memory = error == GL_OUT_OF_MEMORY;
        free_page_target(t);
        return result;
    }
    glGenFramebuffers(1, &t.framebuffer);
    glBindFramebuffer(GL_FRAMEBUFFER, t.framebuffer);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t.texture, 0);
    const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (status != GL_FRAMEBUFFER_COMPLETE) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%x", status);
        result.problem = "its framebuffer is incomplete (status " + std::string(hex) + ")";
        free_page_target(t);
        return result;
    }
    t.width = width;
    t.height = height;
    return result;
}

// [SECTION] context health ---------------------------------------------------------------
std::optional<ContextFailure> check_context_health() {
    // GL 4.5 core and KHR_robustness load glGetGraphicsResetStatus; the ARB
    // extension has its own suffix. Neither is in GL 3.3, so ask for whichever
    // the driver gave glad.
    GLenum status = GL_NO_ERROR;
    if (glad_glGetGraphicsResetStatus != nullptr)
        status = glGetGraphicsResetStatus();
    else if (glad_glGetGraphicsResetStatusARB != nullptr)
        status = glGetGraphicsResetStatusARB();
    switch (status) {
        case GL_NO_ERROR: break;
        case GL_GUILTY_CONTEXT_RESET:
            return ContextFailure{"the GL context was reset, caused by this program (GL_GUILTY_CONTEXT_RESET)"};
        case GL_INNOCENT_CONTEXT_RESET:
            return ContextFailure{"the GL context was reset by another program or the driver (GL_INNOCENT_CONTEXT_RESET)"};
        case GL_UNKNOWN_CONTEXT_RESET:
            return ContextFailure{"the GL context was reset, cause unknown (GL_UNKNOWN_CONTEXT_RESET)"};
        default:
            return ContextFailure{"the GL context reports reset status 0x" + fmt::format("{:x}", status)};
    }
    // glGetError drains one error per call: look at a few, keep the fatal ones.
    for (int i = 0; i < 8; ++i) {
        const GLenum error = glGetError();
        if (error == GL_NO_ERROR) break;
        if (error == GL_CONTEXT_LOST) return ContextFailure{"the GL context was lost (GL_CONTEXT_LOST)"};
        if (error == GL_OUT_OF_MEMORY)
            return ContextFailure{"the GL driver ran out of memory (GL_OUT_OF_MEMORY): its state is undefined now"};
        spdlog::warn("GL error 0x{:x} pending at the context health check (not fatal; a debug build says where)",
                     error);
    }
    return std::nullopt;
}

}  // namespace campus::kiosk::motion
