// GLFW + OpenGL 3.3 core (glad) + Dear ImGui backends.
//
// Sections: [errors] [window] [frames] [offscreen] [png]
#include "kiosk/platform_glfw.hpp"
#include "kiosk/platform_glx.hpp"
#include "kiosk/platform_xshm.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

// glad first: it provides the GL declarations; GLFW must not include its own.
#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <spdlog/spdlog.h>
// The implementation is compiled into Debian's libstb (libstb-dev); defining
// STB_IMAGE_WRITE_IMPLEMENTATION here would duplicate its symbols.
#include <stb_image_write.h>

namespace campus::kiosk {

// [SECTION] errors ---------------------------------------------------------------
namespace {

// GLFW reports through this callback, from the thread that called it.
void log_glfw_error(int code, const char* description) {
    spdlog::error("GLFW error 0x{:x}: {}", code, description ? description : "(no description)");
}

// Which window was resized/exposed; there is one window per process.
bool g_redraw_requested = true;

void on_framebuffer_size(GLFWwindow*, int, int) { g_redraw_requested = true; }
void on_refresh(GLFWwindow*) { g_redraw_requested = true; }

// The viewer's input, queued by the callbacks (main thread, inside
// glfwWaitEvents) and taken by the loop between frames.
std::vector<Platform::Input> g_input;
GLFWkeyfun g_imgui_key = nullptr;            // ImGui's callbacks, chained
GLFWmousebuttonfun g_imgui_mouse = nullptr;

void on_key(GLFWwindow* window, int key, int scancode, int action, int mods) {
    if (g_imgui_key != nullptr) g_imgui_key(window, key, scancode, action, mods);
    if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
    switch (key) {
        case GLFW_KEY_PAGE_DOWN:
        case GLFW_KEY_RIGHT:
        case GLFW_KEY_SPACE: g_input.push_back(Platform::Input::next); break;
        case GLFW_KEY_PAGE_UP:
        case GLFW_KEY_LEFT: g_input.push_back(Platform::Input::previous); break;
        default: break;
    }
}

void on_mouse_button(GLFWwindow* window, int button, int action, int mods) {
    if (g_imgui_mouse != nullptr) g_imgui_mouse(window, button, action, mods);
    // A touchscreen's tap arrives as the left button; act on the press, so a
    // finger held on the board does not wait for its release.
    if (button != GLFW_MOUSE_BUTTON_LEFT || action != GLFW_PRESS) return;
    double x = 0, y = 0;
    int width = 0, height = 0;
    glfwGetCursorPos(window, &x, &y);
    glfwGetWindowSize(window, &width, &height);
    // The left edge goes back, like turning a page: 15 % is a hand's width on a whiteboard.
    g_input.push_back(width > 0 && x < width * 0.15 ? Platform::Input::previous : Platform::Input::next);
}

float channel(std::uint32_t rgba, int shift) {
    return static_cast<float>((rgba >> shift) & 0xFFu) / 255.0f;
}

// ImU32 is 0xAABBGGRR.
void clear_to(std::uint32_t color) {
    glClearColor(channel(color, 0), channel(color, 8), channel(color, 16), 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
}

}  // namespace

bool display_available() {
    auto set = [](const char* name) {
        const char* v = std::getenv(name);
        return v != nullptr && *v != '\0';
    };
    return set("DISPLAY") || set("WAYLAND_DISPLAY");
}

// [SECTION] window -----------------------------------------------------------------
struct Platform::Offscreen {
    GLuint framebuffer = 0;
    GLuint color = 0;
    ScreenSize size;
    ~Offscreen() {
        if (framebuffer != 0) glDeleteFramebuffers(1, &framebuffer);
        if (color != 0) glDeleteRenderbuffers(1, &color);
    }
};

Platform::Platform(const WindowConfig& config) {
    if (!display_available())
        throw PlatformError(
            "no display: neither $DISPLAY nor $WAYLAND_DISPLAY is set. Run the kiosk in a graphical session, "
            "or render screenshots without one: scripts/run-kiosk.sh (uses xvfb-run), or "
            "xvfb-run -a kiosk --dump DIR");
    glfwSetErrorCallback(log_glfw_error);
    if (glfwInit() != GLFW_TRUE)
        throw PlatformError("cannot initialise GLFW (is the display " +
                            std::string(std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "") +
                            " reachable? see the GLFW error above)");

    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_VISIBLE, config.visible ? GLFW_TRUE : GLFW_FALSE);
    // A driver reset must be reported (motion::check_context_health), not
    // leave a context that silently draws nothing: the kiosk then exits
    // non-zero and its supervisor restarts it. GLFW ignores the hint where
    // the driver has no robustness extension.
    glfwWindowHint(GLFW_CONTEXT_ROBUSTNESS, GLFW_LOSE_CONTEXT_ON_RESET);
    // A hallway screen must stay up when someone's touch or a popup takes the
    // focus: GLFW would otherwise iconify a full-screen window on focus loss.
    glfwWindowHint(GLFW_AUTO_ICONIFY, GLFW_FALSE);
    // A --windowed preview keeps its title bar so it can be moved and closed.
    glfwWindowHint(GLFW_DECORATED, config.fullscreen ? GLFW_FALSE : GLFW_TRUE);
    // Nothing is depth-tested or stenciled (ImGui, the page cache, the
    // motion): without these the driver keeps a depth-stencil buffer the
    // screen's size (8 MB at 1080p, 33 MB at 4K, in RAM under llvmpipe).
    glfwWindowHint(GLFW_DEPTH_BITS, 0);
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    // Software GL keeps textures in malloc'd memory: main() fixes glibc's mmap
    // threshold (256 KiB), so a page layer or an atlas is a mapping of its own,
    // returned to the system when freed.

    GLFWmonitor* monitor = nullptr;
    int width = 1280, height = 720;
    if (config.fullscreen) {
        int count = 0;
        GLFWmonitor** monitors = glfwGetMonitors(&count);
        if (count == 0 || monitors == nullptr) {
            glfwTerminate();
            throw PlatformError("no monitor connected: cannot go full-screen (try --windowed)");
        }
        if (config.monitor >= count) {
            glfwTerminate();
            throw PlatformError("--monitor " + std::to_string(config.monitor) + ": only " + std::to_string(count) +
                                " monitor(s) connected (0 = primary)");
        }
        monitor = monitors[config.monitor];
        const GLFWvidmode* mode = glfwGetVideoMode(monitor);
        width = mode->width;
        height = mode->height;
        // Matching the current mode gives "windowed full-screen": no mode switch.
        glfwWindowHint(GLFW_RED_BITS, mode->redBits);
        glfwWindowHint(GLFW_GREEN_BITS, mode->greenBits);
        glfwWindowHint(GLFW_BLUE_BITS, mode->blueBits);
        glfwWindowHint(GLFW_REFRESH_RATE, mode->refreshRate);
    }
    if (config.size) {
        width = config.size->width;
        height = config.size->height;
    }
    if (!config.visible) {
        // --dump renders into its own framebuffer; the window only carries the context.
        monitor = nullptr;
        width = 64;
        height = 64;
    }
    window_ = glfwCreateWindow(width, height, config.title.c_str(), monitor, nullptr);
    if (window_ == nullptr) {
        glfwTerminate();
        throw PlatformError("cannot open a window with an OpenGL 3.3 core context (see the GLFW error above; "
                            "under Xvfb, Mesa's llvmpipe provides one)");
    }
    glfwMakeContextCurrent(window_);
    const int gl_version = gladLoadGL(glfwGetProcAddress);
    if (gl_version == 0) {
        glfwDestroyWindow(window_);
        glfwTerminate();
        throw PlatformError("cannot load the OpenGL functions (glad)");
    }
    spdlog::info("OpenGL {}.{}: {} ({})", GLAD_VERSION_MAJOR(gl_version), GLAD_VERSION_MINOR(gl_version),
                 reinterpret_cast<const char*>(glGetString(GL_RENDERER)),
                 reinterpret_cast<const char*>(glGetString(GL_VERSION)));
    // Swap on vblank: a redraw never tears, and there is no busy loop to cap anyway.
    glfwSwapInterval(1);
    if (config.fullscreen && config.visible) {
        glfwSetInputMode(window_, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
        // GLFW disables the X11 screensaver while a full-screen window is up
        // (it calls XSetScreenSaver on acquiring the monitor); DPMS is the
        // system's: the kiosk image turns it off (see docs).
    }
    // Partial presents for the page cache, where the driver has them (a
    // hidden --dump window needs none). KIOSK_FULL_PRESENT=1 turns them off
    // (a driver whose copy misbehaves; a test of the swap path).
    const char* full_present = std::getenv("KIOSK_FULL_PRESENT");
    if (config.visible && !(full_present != nullptr && std::string(full_present) == "1"))
        copy_region_ = glx_copy_sub_buffer(window_);
    spdlog::info("present: {}", copy_region_ ? "partial (GLX_MESA_copy_sub_buffer)" : "whole frames (swap)");
    const char* gl_crossfade = std::getenv("KIOSK_GL_CROSSFADE");
    if (copy_region_ && !(gl_crossfade != nullptr && std::string(gl_crossfade) == "1")) pixel_sink_ = open_xshm_sink(window_);
    if (copy_region_) spdlog::info("present: crossfades {}", pixel_sink_ ? "blended on the CPU, shown through MIT-SHM" : "blended with GL");
    glfwSetFramebufferSizeCallback(window_, on_framebuffer_size);
    glfwSetWindowRefreshCallback(window_, on_refresh);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing to remember between runs; a kiosk writes no files it does not need
    io.LogFilename = nullptr;
    // The cursor is hidden; ImGui must not set its own shapes over that.
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    ImGui::StyleColorsLight();
    // install_callbacks=true chains to the callbacks set above.
    imgui_glfw_ = ImGui_ImplGlfw_InitForOpenGL(window_, true);
    imgui_gl_ = ImGui_ImplOpenGL3_Init("#version 330");
    if (!imgui_glfw_ || !imgui_gl_) {
        shutdown();
        throw PlatformError("cannot start Dear ImGui's GLFW/OpenGL3 backends");
    }
    // Ours go in front of ImGui's and call them: ImGui keeps its view of the
    // keys and the mouse, the loop gets the viewer's next/previous.
    g_imgui_key = glfwSetKeyCallback(window_, on_key);
    g_imgui_mouse = glfwSetMouseButtonCallback(window_, on_mouse_button);
}

Platform::~Platform() { shutdown(); }

void Platform::shutdown() {
    if (window_ == nullptr) return;
    offscreen_.reset();  // needs the context
    pixel_sink_.reset();  // needs the window
    if (imgui_gl_) ImGui_ImplOpenGL3_Shutdown();
    if (imgui_glfw_) ImGui_ImplGlfw_Shutdown();
    imgui_gl_ = imgui_glfw_ = false;
    if (ImGui::GetCurrentContext() != nullptr) ImGui::DestroyContext();
    glfwDestroyWindow(window_);
    window_ = nullptr;
    glfwTerminate();
}

bool Platform::should_close() const { return glfwWindowShouldClose(window_) == GLFW_TRUE; }
void Platform::request_close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }

ScreenSize Platform::framebuffer_size() const {
    ScreenSize s;
    glfwGetFramebufferSize(window_, &s.width, &s.height);
    return s;
}

void Platform::wait_events(double timeout_seconds) {
    if (timeout_seconds <= 0)
        glfwPollEvents();
    else
        glfwWaitEventsTimeout(timeout_seconds);
}

void Platform::post_empty_event() { glfwPostEmptyEvent(); }

std::vector<Platform::Input> Platform::take_input() {
    std::vector<Input> taken;
    taken.swap(g_input);
    return taken;
}

bool Platform::take_redraw_request() {
    const bool requested = g_redraw_requested;
    g_redraw_requested = false;
    return requested;
}

// [SECTION] frames -------------------------------------------------------------------
void Platform::new_frame(ScreenSize size) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // The screen we draw may not be the window (--dump draws at --size).
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(size.width), static_cast<float>(size.height));
    io.DisplayFramebufferScale = ImVec2(1, 1);
    // Debian's libimgui.a is built with its asserts live (it links
    // __assert_fail), and NewFrame asserts DeltaTime > 0: two frames within
    // one tick of glfwGetTime (a --dump) must not abort the kiosk.
    if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1.0f / 1000.0f;
}

void Platform::present(ImDrawData* draw_data, std::uint32_t clear_rgba) {
    const ScreenSize fb = framebuffer_size();
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glViewport(0, 0, fb.width, fb.height);
    clear_to(clear_rgba);
    ImGui_ImplOpenGL3_RenderDrawData(draw_data);
    glfwSwapBuffers(window_);
}

void Platform::render_ui(ImDrawData* draw_data) { ImGui_ImplOpenGL3_RenderDrawData(draw_data); }

void Platform::swap() { glfwSwapBuffers(window_); }

void Platform::present(const std::vector<Region>& rects, bool full) {
    if (!copy_region_) {
        glfwSwapBuffers(window_);
        return;
    }
    const ScreenSize fb = framebuffer_size();
    if (full) {
        copy_region_(0, 0, fb.width, fb.height);
        return;
    }
    for (const Region& r : rects) {
        // Whole pixels that cover the rectangle, in GL's bottom-left origin.
        const int x0 = std::clamp(static_cast<int>(std::floor(r.x0)), 0, fb.width);
        const int x1 = std::clamp(static_cast<int>(std::ceil(r.x1)), 0, fb.width);
        const int y0 = std::clamp(fb.height - static_cast<int>(std::ceil(r.y1)), 0, fb.height);
        const int y1 = std::clamp(fb.height - static_cast<int>(std::floor(r.y0)), 0, fb.height);
        if (x1 > x0 && y1 > y0) copy_region_(x0, y0, x1 - x0, y1 - y0);
    }
}

void Platform::finish() { glFinish(); }

// [SECTION] offscreen ----------------------------------------------------------------
Image Platform::render_offscreen(ImDrawData* draw_data, ScreenSize size, std::uint32_t clear_rgba) {
    return render_offscreen(size, [&](unsigned) {
        clear_to(clear_rgba);
        ImGui_ImplOpenGL3_RenderDrawData(draw_data);
    });
}

Image Platform::render_offscreen(ScreenSize size, const std::function<void(unsigned framebuffer)>& draw) {
    if (!offscreen_ || offscreen_->size.width != size.width || offscreen_->size.height != size.height) {
        offscreen_.reset();
        auto target = std::make_unique<Offscreen>();
        target->size = size;
        GLint max_size = 0;
        glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max_size);
        if (size.width > max_size || size.height > max_size)
            throw PlatformError("--size " + std::to_string(size.width) + "x" + std::to_string(size.height) +
                                ": larger than this GL's largest renderbuffer (" + std::to_string(max_size) + ")");
        glGenRenderbuffers(1, &target->color);
        glBindRenderbuffer(GL_RENDERBUFFER, target->color);
        glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, size.width, size.height);
        glGenFramebuffers(1, &target->framebuffer);
        glBindFramebuffer(GL_FRAMEBUFFER, target->framebuffer);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, target->color);
        const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
        if (status != GL_FRAMEBUFFER_COMPLETE)
            throw PlatformError("offscreen framebuffer incomplete (status 0x" + std::to_string(status) + ")");
        offscreen_ = std::move(target);
    }
    glBindFramebuffer(GL_FRAMEBUFFER, offscreen_->framebuffer);
    glViewport(0, 0, size.width, size.height);
    draw(offscreen_->framebuffer);
    glBindFramebuffer(GL_FRAMEBUFFER, offscreen_->framebuffer);

    Image image;
    image.width = size.width;
    image.height = size.height;
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(size.width) * static_cast<std::size_t>(size.height) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, size.width, size.height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    // GL's rows start at the bottom; PNG's at the top. Alpha is dropped: the
    // screen is opaque.
    image.rgb.resize(static_cast<std::size_t>(size.width) * static_cast<std::size_t>(size.height) * 3);
    const auto w = static_cast<std::size_t>(size.width);
    for (std::size_t y = 0; y < static_cast<std::size_t>(size.height); ++y) {
        const std::uint8_t* src = rgba.data() + (static_cast<std::size_t>(size.height) - 1 - y) * w * 4;
        std::uint8_t* dst = image.rgb.data() + y * w * 3;
        for (std::size_t x = 0; x < w; ++x) {
            dst[x * 3 + 0] = src[x * 4 + 0];
            dst[x * 3 + 1] = src[x * 4 + 1];
            dst[x * 3 + 2] = src[x * 4 + 2];
        }
    }
    return image;
}

void Platform::reload_font_texture() {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    if (!ImGui_ImplOpenGL3_CreateFontsTexture())
        spdlog::error("cannot upload the font atlas texture; keeping the previous frame");
}

// [SECTION] png ------------------------------------------------------------------------
void Platform::release_offscreen() { offscreen_.reset(); }

void write_png(const std::string& path, const Image& image) {
    if (stbi_write_png(path.c_str(), image.width, image.height, 3, image.rgb.data(), image.width * 3) == 0)
        throw std::runtime_error(path + ": cannot write the PNG");
}

}  // namespace campus::kiosk
