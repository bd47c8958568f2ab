// The platform half of the kiosk: a GLFW window with an OpenGL 3.3 core
// context (loaded through glad), Dear ImGui's GLFW + OpenGL3 backends, and an
// offscreen target for --dump.
//
// Thread safety: main thread only, except post_empty_event(), which any thread
// may call (glfwPostEmptyEvent is thread-safe) to wake wait_events().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kiosk/motion/pixel_sink.hpp"
#include "kiosk/options.hpp"

struct GLFWwindow;
struct ImDrawData;

namespace campus::kiosk {

// No display, no GL 3.3, no window: what failed and what to do about it.
struct PlatformError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct WindowConfig {
    bool fullscreen = true;
    int monitor = 0;                 // index into glfwGetMonitors(), 0 = primary
    std::optional<ScreenSize> size;  // default: the monitor's current mode (windowed: 1280x720)
    bool visible = true;             // false for --dump: nothing shows, we render offscreen
    std::string title = "campus-kiosk";
};

// An RGB image read back from GL, top row first.
struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;
};

class Platform {
public:
    // Initialises GLFW, opens the window, loads GL, starts ImGui and its
    // backends (imgui.ini disabled). Throws PlatformError.
    explicit Platform(const WindowConfig& config);
    ~Platform();
    Platform(const Platform&) = delete;
    Platform& operator=(const Platform&) = delete;

    bool should_close() const;
    void request_close();
    ScreenSize framebuffer_size() const;

    // Blocks until an event arrives or `timeout_seconds` pass (≤ 0: poll).
    void wait_events(double timeout_seconds);
    static void post_empty_event();

    // True once after the window was resized or exposed (X11 lost its
    // contents): the app must draw a frame even if nothing else changed.
    bool take_redraw_request();

    // The viewer's requests since the last call, oldest first: a presentation
    // clicker's keys (PageDown, Right, Space → next; PageUp, Left → previous,
    // repeats included) and a click or touch (next; previous when it lands
    // in the left 15 % of the window). ImGui's own callbacks still run.
    enum class Input { next, previous };
    std::vector<Input> take_input();

    // Starts an ImGui frame for a screen of `size` pixels (the window's
    // framebuffer, or the dump target). Call ImGui::NewFrame() after.
    void new_frame(ScreenSize size);
    // Renders the finished ImGui frame into the window and presents it.
    void present(ImDrawData* draw_data, std::uint32_t clear_rgba);
    // The motion layer's path (kiosk/motion/motion_layer.hpp): it clears (or
    // draws the background) itself and calls render_ui() once or twice a
    // frame, into the window or a page texture; then swap() presents.
    // render_ui draws into the bound framebuffer, without clearing.
    void render_ui(ImDrawData* draw_data);
    void swap();
    // The page cache's present (kiosk/motion/motion_layer.hpp): puts the
    // rectangles of the back buffer that changed on the screen (screen
    // pixels, top-left origin), or all of it with `full`. With partial
    // presents (GLX_MESA_copy_sub_buffer) the back buffer is never swapped
    // and keeps the last frame, so a frame may draw only what moved;
    // without, every frame is a swap and must draw everything
    // (keeps_back_buffer() false).
    struct Region {
        float x0, y0, x1, y1;
    };
    void present(const std::vector<Region>& rects, bool full);
    bool keeps_back_buffer() const { return static_cast<bool>(copy_region_); }
    // Where the motion layer shows a crossfade blended on the CPU
    // (platform_xshm.hpp): with partial presents under X11 and MIT-SHM, else
    // null (the blend is drawn with GL). KIOSK_GL_CROSSFADE=1 forces GL.
    motion::PixelSink* pixel_sink() const { return pixel_sink_.get(); }
    // Waits until GL has finished every command (bench: a frame's real cost).
    void finish();
    // Renders the finished ImGui frame into an offscreen framebuffer of
    // exactly `size` and reads it back.
    Image render_offscreen(ImDrawData* draw_data, ScreenSize size, std::uint32_t clear_rgba);
    // The same target, filled by `draw(framebuffer)` (which binds it again if
    // it draws elsewhere in between), then read back.
    Image render_offscreen(ScreenSize size, const std::function<void(unsigned framebuffer)>& draw);
    // Frees that target (8 MB at 1080p): a running screen renders offscreen
    // only for a screenshot now and then, and need not keep it meanwhile.
    void release_offscreen();

    // The font atlas changed (FontSet swapped it): upload it again.
    void reload_font_texture();

private:
    struct Offscreen;
    void shutdown();
    GLFWwindow* window_ = nullptr;
    bool imgui_glfw_ = false;
    bool imgui_gl_ = false;
    std::unique_ptr<Offscreen> offscreen_;
    std::function<void(int, int, int, int)> copy_region_;  // glx_copy_sub_buffer(); empty: swap whole frames
    std::unique_ptr<motion::PixelSink> pixel_sink_;         // open_xshm_sink(); null: crossfades drawn with GL
};

// Writes an RGB image as PNG; throws std::runtime_error naming the path.
void write_png(const std::string& path, const Image& image);

// True when some display server is reachable in principle ($DISPLAY or
// $WAYLAND_DISPLAY set); GLFW's own error for a missing display is cryptic.
bool display_available();

}  // namespace campus::kiosk
