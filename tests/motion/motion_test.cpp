// The motion layer under Xvfb (Mesa llvmpipe): pixels read back from
// offscreen framebuffers. Screenshots of what was checked are written next to
// the test binary (motion-*.png) for a person to look at.
//
// Sections: [harness] [clock] [flag] [transition] [background] [fallback] [calm]
#include <gtest/gtest.h>

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/motion/background.hpp"
#include "kiosk/motion/flag_renderer.hpp"
#include "kiosk/motion/gl_program.hpp"
#include "kiosk/motion/motion_clock.hpp"
#include "kiosk/motion/motion_layer.hpp"
#include "kiosk/motion/page_transition.hpp"
#include "kiosk/motion/pixel_sink.hpp"
#include "kiosk/theme.hpp"

namespace motion = campus::kiosk::motion;
namespace theme = campus::kiosk::theme;

namespace {

// [SECTION] harness ----------------------------------------------------------------------
constexpr int kWidth = 640;
constexpr int kHeight = 360;

// A hidden window carries the GL 3.3 core context; ImGui with its OpenGL3
// backend draws (no GLFW backend: the tests set the display size themselves).
class GlEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        glfwSetErrorCallback([](int code, const char* text) { std::fprintf(stderr, "GLFW 0x%x: %s\n", code, text); });
        ASSERT_EQ(glfwInit(), GLFW_TRUE) << "no X display: run through xvfb-run -a";
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
        glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
        glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
        glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
        window_ = glfwCreateWindow(64, 64, "motion_tests", nullptr, nullptr);
        ASSERT_NE(window_, nullptr) << "no GL 3.3 core context";
        glfwMakeContextCurrent(window_);
        ASSERT_NE(gladLoadGL(glfwGetProcAddress), 0);
        std::printf("GL renderer: %s\n", reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
        ImGui::CreateContext();
        ImGui::GetIO().IniFilename = nullptr;
        ASSERT_TRUE(ImGui_ImplOpenGL3_Init("#version 330"));
    }
    void TearDown() override {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui::DestroyContext();
        glfwDestroyWindow(window_);
        glfwTerminate();
    }

private:
    GLFWwindow* window_ = nullptr;
};

struct Rgba {
    std::uint8_t r, g, b, a;
};

// The bound framebuffer's `width`×`height` pixels, top row first, like the screen.
std::vector<Rgba> read_bound(int width, int height) {
    std::vector<Rgba> gl_rows(static_cast<std::size_t>(width * height));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, gl_rows.data());
    std::vector<Rgba> image(gl_rows.size());
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image[static_cast<std::size_t>(y * width + x)] = gl_rows[static_cast<std::size_t>((height - 1 - y) * width + x)];
    return image;
}

// An RGBA8 framebuffer to draw into and read back (a hidden window's own
// framebuffer has no defined pixels to read).
class Offscreen {
public:
    Offscreen(int width, int height) : width_(width), height_(height) {
        glGenRenderbuffers(1, &color_);
        glBindRenderbuffer(GL_RENDERBUFFER, color_);
        glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
        glGenFramebuffers(1, &framebuffer_);
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color_);
        EXPECT_EQ(glCheckFramebufferStatus(GL_FRAMEBUFFER), static_cast<GLenum>(GL_FRAMEBUFFER_COMPLETE));
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
    }
    ~Offscreen() {
        glDeleteFramebuffers(1, &framebuffer_);
        glDeleteRenderbuffers(1, &color_);
    }
    GLuint id() const { return framebuffer_; }
    void bind() const {
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
        glViewport(0, 0, width_, height_);
    }
    // Top row first, like the screen.
    std::vector<Rgba> read() const {
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
        std::vector<Rgba> image = read_bound(width_, height_);
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        return image;
    }

private:
    int width_, height_;
    GLuint framebuffer_ = 0, color_ = 0;
};

void save_png(const std::string& name, const std::vector<Rgba>& image, int width, int height) {
    const std::string path = std::string(MOTION_TESTS_OUTPUT_DIR) + "/" + name;
    stbi_write_png(path.c_str(), width, height, 4, image.data(), width * 4);
}

void clear_to(ImU32 color) {
    const ImVec4 c = ImGui::ColorConvertU32ToFloat4(color);
    glDisable(GL_SCISSOR_TEST);
    glClearColor(c.x, c.y, c.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
}

// Builds one ImGui frame with `build` drawing into the background draw list.
void compose(const std::function<void(ImDrawList*)>& build) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(kWidth, kHeight);
    io.DeltaTime = 1.0f / 30.0f;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    build(ImGui::GetBackgroundDrawList());
    ImGui::Render();
}

void render_ui() { ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData()); }

// Draws a frame on paper into `target` and reads it back.
std::vector<Rgba> render(Offscreen& target, const std::function<void(ImDrawList*)>& build) {
    compose(build);
    target.bind();
    clear_to(theme::page_background);
    render_ui();
    return target.read();
}

Rgba at(const std::vector<Rgba>& image, int x, int y) { return image[static_cast<std::size_t>(y * kWidth + x)]; }

bool is_flag_red(Rgba p) {
    // Hue within ±25° of red, clearly saturated, not black: lit or shaded cloth.
    const int mx = std::max({p.r, p.g, p.b}), mn = std::min({p.r, p.g, p.b});
    if (mx < 70 || mx != p.r) return false;
    const double saturation = static_cast<double>(mx - mn) / mx;
    const double hue = 60.0 * (static_cast<double>(p.g) - p.b) / std::max(1, mx - mn);  // degrees from red
    return saturation > 0.6 && std::fabs(hue) < 25.0;
}

double share(const std::vector<Rgba>& image, ImVec2 min, ImVec2 max, const std::function<bool(Rgba)>& test) {
    int hits = 0, total = 0;
    for (int y = static_cast<int>(min.y); y < static_cast<int>(max.y); ++y)
        for (int x = static_cast<int>(min.x); x < static_cast<int>(max.x); ++x, ++total)
            if (test(at(image, x, y))) ++hits;
    return total > 0 ? static_cast<double>(hits) / total : 0;
}

int differing_pixels(const std::vector<Rgba>& a, const std::vector<Rgba>& b) {
    int n = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].r != b[i].r || a[i].g != b[i].g || a[i].b != b[i].b) ++n;
    return n;
}

bool same_rgb(Rgba a, Rgba b, int tolerance = 0) {
    return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance && std::abs(a.b - b.b) <= tolerance;
}

const ImVec2 kFlagMin(100, 60);
const ImVec2 kFlagMax(400, 300);

// [SECTION] clock -------------------------------------------------------------------------
TEST(MotionClock, StillUntilAPageArrives) {
    motion::MotionClock clock;
    EXPECT_FALSE(clock.animating(0));
    EXPECT_EQ(clock.next_frame_due(), motion::MotionClock::kNever);
}

TEST(MotionClock, FlagWavesOnceThePageHasLandedThenRestsInTheStillPose) {
    motion::MotionSettings settings;
    settings.background = false;
    motion::MotionClock clock(settings);
    clock.page_arrived(100.0);
    EXPECT_TRUE(clock.animating(100.0));
    EXPECT_TRUE(clock.transition_running(100.2));
    EXPECT_NEAR(clock.transition_progress(100.25), 0.5f, 1e-4);
    clock.frame_drawn(100.0, true);
    EXPECT_NEAR(clock.next_frame_due(), 100.0 + 1.0 / settings.transition_fps, 1e-9);  // the transition's pace
    EXPECT_LE(settings.transition_fps, settings.max_fps);
    // The page fades in with its flag at rest; the wave starts when it has landed.
    const double landed = 100.0 + settings.transition_seconds;
    EXPECT_EQ(clock.flag_time(100.3), 0.0f);
    clock.frame_drawn(landed - 0.01, true);
    EXPECT_NEAR(clock.next_frame_due(), landed, 1e-9);  // the landing frame is not a step late
    clock.frame_drawn(landed, true);
    EXPECT_NEAR(clock.next_frame_due(), landed + 1.0 / settings.flag_fps, 1e-9);  // the flag's own, lower pace
    EXPECT_LT(settings.flag_fps, settings.max_fps);
    const double wave_end = landed + settings.flag_wave_periods * static_cast<double>(motion::kFlagWavePeriod);
    ASSERT_GE(settings.flag_wave_periods, 1);
    EXPECT_GT(clock.flag_time(landed + 1.0), 0.9f);
    clock.frame_drawn(wave_end - 0.01, true);
    EXPECT_NEAR(clock.next_frame_due(), wave_end, 1e-9);  // the rest pose's frame is owed
    EXPECT_TRUE(clock.animating(wave_end + 5));
    EXPECT_EQ(clock.flag_time(wave_end), 0.0f);  // whole periods: rest = the t = 0 pose
    clock.frame_drawn(wave_end, true);
    EXPECT_FALSE(clock.animating(wave_end + 5));
    EXPECT_EQ(clock.next_frame_due(), motion::MotionClock::kNever);
}

TEST(MotionClock, APageWithoutAFlagOnlyRunsTheTransition) {
    motion::MotionSettings settings;
    settings.background = false;
    motion::MotionClock clock(settings);
    clock.page_arrived(10.0);
    clock.frame_drawn(10.0, false);
    clock.frame_drawn(10.6, false);  // past the 0.5 s transition
    EXPECT_FALSE(clock.animating(10.7));
}

TEST(MotionClock, BackgroundMovesInBurstsAtALowRateAndResumesWhereItStopped) {
    motion::MotionSettings settings;
    settings.flag_wave_periods = 0;
    settings.transition_seconds = 0;
    motion::MotionClock clock(settings);
    clock.page_arrived(0.0, false);
    clock.frame_drawn(0.0, false);
    EXPECT_NEAR(clock.next_frame_due(), 1.0 / settings.background_fps, 1e-9);
    EXPECT_LE(settings.background_fps, 10.0);  // slow motion, few frames
    const auto burst = static_cast<float>(settings.background_burst_seconds);
    ASSERT_GT(burst, 1.0f);
    EXPECT_NEAR(clock.background_time(burst - 1), burst - 1, 1e-5);
    EXPECT_NEAR(clock.background_time(9.0), burst, 1e-5);  // the burst is over: still
    clock.frame_drawn(burst, false);
    EXPECT_FALSE(clock.animating(9.0));
    clock.page_arrived(15.0);
    EXPECT_NEAR(clock.background_time(15.0), burst, 1e-5);  // no jump at the next page
    EXPECT_NEAR(clock.background_time(16.0), burst + 1, 1e-5);
}

TEST(MotionClock, PacedBackgroundTimeStepsAtTheBackgroundsOwnRate) {
    motion::MotionSettings settings;
    settings.background_fps = 2;
    motion::MotionClock clock(settings);
    clock.page_arrived(10.0, false);
    // Between two of its ticks the paper stays put, whatever else draws frames.
    EXPECT_FLOAT_EQ(clock.background_time_paced(10.0), clock.background_time(10.0));
    EXPECT_FLOAT_EQ(clock.background_time_paced(10.49), clock.background_time(10.0));
    EXPECT_FLOAT_EQ(clock.background_time_paced(10.5), clock.background_time(10.5));
    EXPECT_FLOAT_EQ(clock.background_time_paced(10.9), clock.background_time(10.5));
    EXPECT_GT(clock.background_time_paced(10.5), clock.background_time_paced(10.0));
    // After the burst: its end, as background_time() says.
    EXPECT_FLOAT_EQ(clock.background_time_paced(20.0), clock.background_time(20.0));
}

TEST(MotionClock, ABurstArrivingWithATransitionIsTakenAtItsStart) {
    motion::MotionSettings settings;  // 0.5 s transition, 3 s of light a page
    settings.flag_wave_periods = 0;
    settings.background_turns_per_step = 1;  // a step at every turn (the default's steps: the next test)
    motion::MotionClock clock(settings);
    clock.page_arrived(0.0, false);  // the first page: the burst at its own pace
    EXPECT_NEAR(clock.background_time(1.0), 1.0, 1e-5);
    clock.page_arrived(15.0, true);
    const auto burst = static_cast<float>(settings.background_burst_seconds);
    // The whole burst's light in one step under the transition, then still:
    // the transition blends two still pictures.
    EXPECT_NEAR(clock.background_time(15.0), 2 * burst, 1e-4);
    EXPECT_NEAR(clock.background_time_paced(15.2), 2 * burst, 1e-4);
    EXPECT_NEAR(clock.background_time(15.0 + settings.transition_seconds), 2 * burst, 1e-4);
    EXPECT_NEAR(clock.background_time(17.0), 2 * burst, 1e-4);
    clock.frame_drawn(15.0 + settings.transition_seconds, false);
    EXPECT_FALSE(clock.animating(16.0));  // no frames of its own after the transition
    settings.background_in_transition = false;
    motion::MotionClock apart(settings);
    apart.page_arrived(15.0, true);
    EXPECT_NEAR(apart.background_time(16.0), 1.0, 1e-5);
}

TEST(MotionClock, TheLightStepsOnlyAtEveryFewTurnsTakingTheirBurstsAtOnce) {
    motion::MotionSettings settings;  // default: four turns' bursts in one step
    settings.flag_wave_periods = 0;
    ASSERT_EQ(settings.background_turns_per_step, 4);
    motion::MotionClock clock(settings);
    clock.page_arrived(0.0, false);  // the first page: its burst at its own pace
    const auto burst = static_cast<float>(settings.background_burst_seconds);
    EXPECT_NEAR(clock.background_time(10.0), burst, 1e-4);
    // Turns 1 to 3: the light stands still (those turns blend only where ink differs).
    for (int turn = 1; turn <= 3; ++turn) {
        const double at = 15.0 * turn;
        clock.page_arrived(at, true);
        EXPECT_NEAR(clock.background_time(at), burst, 1e-4) << "turn " << turn;
        EXPECT_NEAR(clock.background_time(at + 10.0), burst, 1e-4) << "turn " << turn;
        clock.frame_drawn(at + settings.transition_seconds, false);
        EXPECT_FALSE(clock.animating(at + 1.0)) << "turn " << turn;
    }
    // Turn 4: the four banked bursts in one step, under its transition; none lost.
    clock.page_arrived(60.0, true);
    EXPECT_NEAR(clock.background_time(60.0), 5 * burst, 1e-4);
    EXPECT_NEAR(clock.background_time(70.0), 5 * burst, 1e-4);
    // And again four turns later, not before.
    for (int turn = 5; turn <= 7; ++turn) clock.page_arrived(15.0 * turn, true);
    EXPECT_NEAR(clock.background_time(105.0), 5 * burst, 1e-4);
    clock.page_arrived(120.0, true);
    EXPECT_NEAR(clock.background_time(120.0), 9 * burst, 1e-4);
    // A setting below one means a step at every turn, not never.
    settings.background_turns_per_step = 0;
    motion::MotionClock every(settings);
    every.page_arrived(0.0, false);
    every.page_arrived(15.0, true);
    EXPECT_NEAR(every.background_time(15.0), 2 * burst, 1e-4);
}

TEST(MotionClock, CalmNeverAnimates) {
    motion::MotionSettings settings;
    settings.calm = true;
    motion::MotionClock clock(settings);
    clock.page_arrived(1.0);
    clock.frame_drawn(1.0, true);
    EXPECT_FALSE(clock.animating(1.1));
    EXPECT_FALSE(clock.transition_running(1.1));
    EXPECT_EQ(clock.next_frame_due(), motion::MotionClock::kNever);
    EXPECT_EQ(clock.flag_time(2.0), 0.0f);
    EXPECT_EQ(clock.background_time(2.0), 0.0f);
}

// [SECTION] flag --------------------------------------------------------------------------
TEST(Flag, IsRedWavesAndRepeatsItselfAtTheSameTime) {
    motion::FlagRenderer flags;
    ASSERT_TRUE(flags.available());
    Offscreen target(kWidth, kHeight);
    const auto draw_at = [&](float t) {
        return render(target, [&](ImDrawList* dl) { ASSERT_TRUE(flags.add(dl, kFlagMin, kFlagMax, t)); });
    };
    const auto still = draw_at(0.0f);
    const auto again = draw_at(0.0f);
    const auto later = draw_at(0.5f);
    save_png("motion-flag-t0.png", still, kWidth, kHeight);
    save_png("motion-flag-t0.5.png", later, kWidth, kHeight);

    // The cloth, less the band its wave may move through, is red.
    const motion::FlagLayout layout = motion::flag_layout(kFlagMin, kFlagMax);
    const float h = layout.cloth_max.y - layout.cloth_min.y;
    const ImVec2 inner_min(layout.cloth_min.x + 4, layout.cloth_min.y + 0.1f * h);
    const ImVec2 inner_max(layout.cloth_max.x - 0.08f * h, layout.cloth_max.y - 0.1f * h);
    for (const auto* image : {&still, &later}) {
        EXPECT_GT(share(*image, inner_min, inner_max, is_flag_red), 0.9);
    }
    // Folds read as light and dark: the cloth is not one flat colour.
    int darkest = 255, lightest = 0;
    for (int x = static_cast<int>(inner_min.x); x < static_cast<int>(inner_max.x); ++x) {
        const Rgba p = at(later, x, static_cast<int>((inner_min.y + inner_max.y) / 2 - 0.3f * h));
        darkest = std::min<int>(darkest, p.r);
        lightest = std::max<int>(lightest, p.r);
    }
    EXPECT_GT(lightest - darkest, 40) << "no shading across the cloth";
    // The pole is there, the page around it untouched.
    EXPECT_TRUE(same_rgb(at(still, static_cast<int>(layout.pole_min.x) + 2, static_cast<int>(kFlagMax.y) - 5),
                         Rgba{0x6B, 0x5B, 0x4B, 255}, 2));
    EXPECT_TRUE(same_rgb(at(still, 20, 20), Rgba{0xFA, 0xF7, 0xF0, 255}));
    EXPECT_TRUE(same_rgb(at(still, static_cast<int>(kFlagMax.x) + 20, 150), Rgba{0xFA, 0xF7, 0xF0, 255}));

    EXPECT_EQ(differing_pixels(still, again), 0) << "the same t must give the same frame";
    const int moved = differing_pixels(still, later);
    EXPECT_GT(moved, static_cast<int>(0.05 * (layout.cloth_max.x - layout.cloth_min.x) * h)) << "the flag does not wave";
    // One full period later the pose is the rest pose again (the clock relies on it).
    const auto full_period = draw_at(motion::kFlagWavePeriod);
    EXPECT_LT(differing_pixels(still, full_period), 50);
}

TEST(Flag, SitsInItsPlaceAmongTheUi) {
    motion::FlagRenderer flags;
    ASSERT_TRUE(flags.available());
    Offscreen target(kWidth, kHeight);
    const float middle = (kFlagMin.x + kFlagMax.x) / 2;
    const auto image = render(target, [&](ImDrawList* dl) {
        dl->AddRectFilled(ImVec2(0, 0), ImVec2(kWidth, kHeight), theme::panel);  // under the flag
        ASSERT_TRUE(flags.add(dl, kFlagMin, kFlagMax, 0.3f));
        dl->AddRectFilled(ImVec2(middle, 0), ImVec2(kWidth, kHeight), theme::holder_row);  // over it
        // A clipped flag: only its left 40 px may show.
        dl->PushClipRect(ImVec2(450, 0), ImVec2(490, kHeight));
        ASSERT_TRUE(flags.add(dl, ImVec2(450, 60), ImVec2(600, 200), 0.3f));
        dl->PopClipRect();
    });
    save_png("motion-flag-order.png", image, kWidth, kHeight);
    const motion::FlagLayout layout = motion::flag_layout(kFlagMin, kFlagMax);
    const float cy = (layout.cloth_min.y + layout.cloth_max.y) / 2;
    EXPECT_TRUE(is_flag_red(at(image, static_cast<int>(middle) - 30, static_cast<int>(cy))));
    EXPECT_TRUE(same_rgb(at(image, static_cast<int>(middle) + 30, static_cast<int>(cy)), Rgba{0xFD, 0xEC, 0xEA, 255}));
    EXPECT_TRUE(is_flag_red(at(image, 480, 120)));
    EXPECT_TRUE(same_rgb(at(image, 520, 120), Rgba{0xFD, 0xEC, 0xEA, 255})) << "the clip rectangle was not honoured";
    EXPECT_EQ(flags.flags_in_frame(), 2);
}

TEST(Flag, PlainRedByDefaultWithAnOptionalStar) {
    motion::FlagRenderer flags;
    ASSERT_TRUE(flags.available());
    Offscreen target(kWidth, kHeight);
    const motion::FlagLayout layout = motion::flag_layout(kFlagMin, kFlagMax);
    const int cx = static_cast<int>((layout.cloth_min.x + layout.cloth_max.x) / 2);
    const int cy = static_cast<int>((layout.cloth_min.y + layout.cloth_max.y) / 2);
    const auto yellow = [](Rgba p) { return p.r > 180 && p.g > 150 && p.b < 90; };
    const auto plain = render(target, [&](ImDrawList* dl) { ASSERT_TRUE(flags.add(dl, kFlagMin, kFlagMax, 0)); });
    EXPECT_TRUE(is_flag_red(at(plain, cx, cy)));
    const auto starred = render(target, [&](ImDrawList* dl) { ASSERT_TRUE(flags.add(dl, kFlagMin, kFlagMax, 0, true)); });
    save_png("motion-flag-star.png", starred, kWidth, kHeight);
    EXPECT_TRUE(yellow(at(starred, cx, cy)));
}

TEST(Flag, AddFlagUsesTheInstalledRendererOnly) {
    compose([](ImDrawList* dl) { EXPECT_FALSE(motion::add_flag(dl, kFlagMin, kFlagMax, 0)); });
    {
        motion::FlagRenderer flags;
        flags.install();
        compose([](ImDrawList* dl) { EXPECT_TRUE(motion::add_flag(dl, kFlagMin, kFlagMax, 0)); });
    }
    // Destroyed: uninstalled, back to the CPU flag.
    compose([](ImDrawList* dl) { EXPECT_FALSE(motion::add_flag(dl, kFlagMin, kFlagMax, 0)); });
}

// [SECTION] transition --------------------------------------------------------------------
// Two page images: the outgoing one red with a white band, the incoming one
// blue with a black band elsewhere.
void paint_outgoing() {
    clear_to(IM_COL32(200, 30, 30, 255));
    glEnable(GL_SCISSOR_TEST);
    glScissor(0, 100, kWidth, 60);
    glClearColor(1, 1, 1, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
}
void paint_incoming() {
    clear_to(IM_COL32(20, 60, 210, 255));
    glEnable(GL_SCISSOR_TEST);
    glScissor(300, 0, 80, kHeight);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
}

TEST(Transition, MidwayDiffersFromBothPagesAndTheEndsAreExact) {
    motion::PageTransition transition;
    ASSERT_TRUE(transition.available());
    Offscreen target(kWidth, kHeight);
    target.bind();
    paint_outgoing();
    const auto outgoing = target.read();
    target.bind();
    paint_incoming();
    const auto incoming = target.read();
    ASSERT_TRUE(transition.capture(motion::PageTransition::Slot::outgoing, kWidth, kHeight, paint_outgoing));
    ASSERT_TRUE(transition.capture(motion::PageTransition::Slot::incoming, kWidth, kHeight, paint_incoming));

    for (const auto style : {motion::TransitionStyle::crossfade, motion::TransitionStyle::slide}) {
        const auto frame_at = [&](float progress) {
            target.bind();
            EXPECT_TRUE(transition.composite(kWidth, kHeight, progress, style));
            return target.read();
        };
        const auto start = frame_at(0.0f);
        const auto middle = frame_at(0.5f);
        const auto end = frame_at(1.0f);
        const char* name = style == motion::TransitionStyle::slide ? "slide" : "crossfade";
        save_png(std::string("motion-transition-") + name + "-0.5.png", middle, kWidth, kHeight);
        EXPECT_EQ(differing_pixels(start, outgoing), 0) << name;
        EXPECT_EQ(differing_pixels(end, incoming), 0) << name;
        const int total = kWidth * kHeight;
        EXPECT_GT(differing_pixels(middle, outgoing), total / 3) << name;
        EXPECT_GT(differing_pixels(middle, incoming), total / 3) << name;
        if (style == motion::TransitionStyle::crossfade) {
            const Rgba p = at(middle, 10, 10);  // half red, half blue
            EXPECT_NEAR(p.r, (200 + 20) / 2, 3);
            EXPECT_NEAR(p.b, (30 + 210) / 2, 3);
        } else {
            // Halfway (eased 0.5 = 0.5): the outgoing page's right half on the left, the incoming's left half on the right.
            EXPECT_TRUE(same_rgb(at(middle, 10, 10), at(outgoing, 10 + kWidth / 2, 10)));
            EXPECT_TRUE(same_rgb(at(middle, kWidth / 2 + 10, 10), at(incoming, 10, 10)));
        }
    }
    // Only the page area moves: outside it the incoming frame shows as it is.
    target.bind();
    ASSERT_TRUE(transition.composite(kWidth, kHeight, 0.5f, motion::TransitionStyle::crossfade,
                                     motion::ScreenRect{0, 50, static_cast<float>(kWidth), static_cast<float>(kHeight)}));
    const auto with_header = target.read();
    EXPECT_TRUE(same_rgb(at(with_header, 10, 10), at(incoming, 10, 10)));
    EXPECT_FALSE(same_rgb(at(with_header, 10, 80), at(incoming, 10, 80)));

    // Resized mid-transition: the captures no longer match, a hard cut instead.
    ASSERT_TRUE(transition.capture(motion::PageTransition::Slot::incoming, kWidth / 2, kHeight, paint_incoming));
    EXPECT_FALSE(transition.composite(kWidth, kHeight, 0.5f, motion::TransitionStyle::crossfade));
    transition.release();
    EXPECT_FALSE(transition.composite(kWidth, kHeight, 0.5f, motion::TransitionStyle::crossfade));
}

// [SECTION] background --------------------------------------------------------------------
TEST(Background, IsSubtleWarmPaperThatMovesSlowly) {
    motion::Background background;
    ASSERT_TRUE(background.available());
    Offscreen target(kWidth, kHeight);
    target.bind();
    ASSERT_TRUE(background.draw(kWidth, kHeight, 0.0f));
    const auto first = target.read();
    target.bind();
    ASSERT_TRUE(background.draw(kWidth, kHeight, 20.0f));
    const auto later = target.read();
    save_png("motion-background.png", first, kWidth, kHeight);
    const Rgba paper{0xFA, 0xF7, 0xF0, 255};
    // Never more than a few 8-bit steps from the paper: ink keeps its contrast.
    int worst = 0;
    for (const Rgba p : first)
        worst = std::max({worst, std::abs(p.r - paper.r), std::abs(p.g - paper.g), std::abs(p.b - paper.b)});
    EXPECT_LE(worst, 6);
    EXPECT_GT(differing_pixels(first, later), kWidth * kHeight / 10) << "the light does not move";
    // The same time gives the same frame (a still lobby screen stays still).
    target.bind();
    ASSERT_TRUE(background.draw(kWidth, kHeight, 0.0f));
    EXPECT_EQ(differing_pixels(first, target.read()), 0);
}

// The next page over the last one, the paper painted again only in the cells
// the last page put ink in (the light standing still): pixel for pixel the
// page drawn over freshly painted paper.
TEST(Background, APageOverTheLastWithThePaperRepaintedUnderItsInkIsTheFreshPage) {
    motion::Background background;
    ASSERT_TRUE(background.available());
    Offscreen target(kWidth, kHeight);
    const float light = 7.5f;
    const auto page_one = [](ImDrawList* list) {
        list->AddRectFilled(ImVec2(40, 30), ImVec2(300, 90), IM_COL32(0x1A, 0x1A, 0x1A, 255));
        list->AddText(ImVec2(60, 200), IM_COL32(0xC8, 0x10, 0x2E, 255), "page one: goals of the term");
        list->AddCircleFilled(ImVec2(520, 300), 30.5f, IM_COL32(0x20, 0x40, 0x90, 200));  // anti-aliased edges
        list->PushClipRect(ImVec2(400, 40), ImVec2(420, 60));
        list->AddRectFilled(ImVec2(0, 0), ImVec2(640, 360), IM_COL32(0, 0x80, 0, 255));  // clipped to 20×20
        list->PopClipRect();
    };
    const auto page_two = [](ImDrawList* list) {
        list->AddText(ImVec2(330, 120), IM_COL32(0x1A, 0x1A, 0x1A, 255), "page two: the habit of the month");
        list->AddRectFilled(ImVec2(35, 250), ImVec2(200, 340), IM_COL32(0xC8, 0x10, 0x2E, 128));
    };
    // The last page on the paper, and where it put ink.
    compose(page_one);
    target.bind();
    ASSERT_TRUE(background.draw(kWidth, kHeight, light));
    render_ui();
    motion::PaperCells ink;
    ink.mark(*ImGui::GetDrawData(), kWidth, kHeight);
    EXPECT_GT(ink.count(), 4u);
    EXPECT_LT(ink.count(), static_cast<std::size_t>(motion::PaperCells::kColumns * motion::PaperCells::kRows / 3))
        << "a few shapes mark a few cells, not the page";
    // The clipped rectangle marks the cells of its 20×20 clip alone: the top-right corner's cell stays bare.
    EXPECT_FALSE(ink.marked(motion::PaperCells::kColumns - 1, motion::PaperCells::kRows - 1));
    const auto before = target.read();
    // The next page: the paper again under the last page's ink only, then the page.
    compose(page_two);
    target.bind();
    ASSERT_TRUE(background.draw_cells(kWidth, kHeight, light, ink));
    render_ui();
    const auto over_the_last = target.read();
    // The same page on paper painted whole.
    target.bind();
    ASSERT_TRUE(background.draw(kWidth, kHeight, light));
    render_ui();
    const auto fresh = target.read();
    save_png("motion-paper-cells.png", over_the_last, kWidth, kHeight);
    EXPECT_GT(differing_pixels(before, fresh), 1000) << "the two pages differ";
    EXPECT_EQ(differing_pixels(over_the_last, fresh), 0) << "the last page shows through where the paper was not painted";
    // Nothing marked: nothing painted.
    target.bind();
    clear_to(IM_COL32(0, 0, 0, 255));
    ASSERT_TRUE(background.draw_cells(kWidth, kHeight, light, motion::PaperCells{}));
    const auto untouched = target.read();
    EXPECT_EQ(at(untouched, kWidth / 2, kHeight / 2).r, 0);
}

TEST(Background, EveryPixelOfAMarkedRectangleIsInAMarkedCell) {
    // Sizes whose cells are not whole pixels, and the screen's edges.
    for (const auto& [w, h] : {std::pair{640, 360}, std::pair{1023, 767}, std::pair{1080, 1920}, std::pair{3840, 2160}}) {
        const float fw = static_cast<float>(w), fh = static_cast<float>(h);
        for (const auto& r : {ImVec4(0, 0, 1, 1), ImVec4(fw - 1.0f, fh - 1.0f, fw + 5.0f, fh + 5.0f),
                              ImVec4(118.6f, 59.2f, 121.4f, 61.9f), ImVec4(fw * 0.5f, fh * 0.25f, fw * 0.5f + 0.3f, fh * 0.75f)}) {
            motion::PaperCells cells;
            cells.mark(r.x, r.y, r.z, r.w, w, h);
            for (int y = std::max(0, static_cast<int>(r.y)); y < std::min(h, static_cast<int>(std::ceil(r.w))); ++y)
                for (int x = std::max(0, static_cast<int>(r.x)); x < std::min(w, static_cast<int>(std::ceil(r.z))); ++x) {
                    const int column = static_cast<int>((x + 0.5) * motion::PaperCells::kColumns / w);
                    const int row = static_cast<int>((h - 1 - y + 0.5) * motion::PaperCells::kRows / h);
                    ASSERT_TRUE(cells.marked(column, row)) << w << "x" << h << " pixel " << x << "," << y;
                }
            // And not much more: the rectangle's cells, and one pixel around it.
            const double columns = std::ceil((r.z - r.x + 2) * motion::PaperCells::kColumns / fw) + 1;
            const double rows = std::ceil((r.w - r.y + 2) * motion::PaperCells::kRows / fh) + 1;
            EXPECT_LE(static_cast<double>(cells.count()), columns * rows) << w << "x" << h;
        }
        motion::PaperCells none;
        none.mark(10, 10, 10, 20, w, h);  // empty: no pixel
        EXPECT_EQ(none.count(), 0u);
    }
}

// [SECTION] fallback ----------------------------------------------------------------------
constexpr const char* kBrokenFragment = "#version 330 core\nout vec4 c;\nvoid main() { c = undefined_thing; }\n";

TEST(Fallback, BrokenShadersLeaveEveryEffectSkippedWithoutACrash) {
    motion::FlagRenderer flags(motion::shaders::flag_vert, kBrokenFragment);
    EXPECT_FALSE(flags.available());
    compose([&](ImDrawList* dl) {
        const int commands = dl->CmdBuffer.Size;
        const int vertices = dl->VtxBuffer.Size;
        EXPECT_FALSE(flags.add(dl, kFlagMin, kFlagMax, 0.5f)) << "the caller must draw its CPU flag";
        EXPECT_EQ(dl->CmdBuffer.Size, commands);
        EXPECT_EQ(dl->VtxBuffer.Size, vertices);
    });

    motion::PageTransition transition(motion::shaders::fullscreen_vert, kBrokenFragment);
    EXPECT_FALSE(transition.available());
    bool drawn = false;
    EXPECT_FALSE(transition.capture(motion::PageTransition::Slot::outgoing, kWidth, kHeight, [&] { drawn = true; }));
    EXPECT_FALSE(drawn);
    EXPECT_FALSE(transition.composite(kWidth, kHeight, 0.5f, motion::TransitionStyle::crossfade));

    motion::Background background(motion::shaders::background_vert, kBrokenFragment);
    EXPECT_FALSE(background.available());
    EXPECT_FALSE(background.draw(kWidth, kHeight, 1.0f));

    const motion::GlProgram bad_vertex = motion::GlProgram::build("test", "#version 330 core\nvoid main() { nope }",
                                                                  motion::shaders::flag_frag);
    EXPECT_FALSE(bad_vertex.valid());
    EXPECT_EQ(bad_vertex.uniform("u_time"), -1);
}

// A whole MotionLayer with every shader broken through the test build's
// KIOSK_TEST_BREAK_SHADER: the page still shows, page changes are hard cuts.
TEST(Fallback, AMotionLayerWithBrokenShadersStillShowsThePage) {
    ASSERT_TRUE(motion::test_hooks_compiled_in()) << "motion_tests must link the KIOSK_MOTION_TEST_HOOKS build";
    ::setenv("KIOSK_TEST_BREAK_SHADER", "flag,transition,background", 1);
    motion::MotionLayer layer;
    ::unsetenv("KIOSK_TEST_BREAK_SHADER");
    EXPECT_FALSE(layer.flags().available());
    EXPECT_FALSE(layer.transition().available());
    EXPECT_FALSE(layer.background().available());

    Offscreen target(kWidth, kHeight);
    layer.page_arrived(0.0);
    bool outgoing_drawn = false;
    layer.page_changing(15.0, kWidth, kHeight, [&] { outgoing_drawn = true; });
    EXPECT_FALSE(outgoing_drawn) << "a hard cut needs no outgoing page";
    bool cpu_flag = false;
    compose([&](ImDrawList* dl) {
        if (!motion::add_flag(dl, kFlagMin, kFlagMax, layer.flag_time(15.1))) {
            cpu_flag = true;  // what Canvas::red_flag does: the CPU flag
            dl->AddRectFilled(kFlagMin, kFlagMax, theme::flag_red);
        }
    });
    EXPECT_TRUE(cpu_flag);
    layer.render_frame(15.1, kWidth, kHeight, render_ui, target.id());
    const auto image = target.read();
    save_png("motion-fallback.png", image, kWidth, kHeight);
    EXPECT_TRUE(same_rgb(at(image, 20, 20), Rgba{0xFA, 0xF7, 0xF0, 255})) << "not the page: a black screen?";
    EXPECT_TRUE(is_flag_red(at(image, 200, 150)));
    EXPECT_FALSE(layer.context_failure().has_value());
}

// [SECTION] the crossfade on the CPU -------------------------------------------------------
// The two loops behind the window's crossfade (pixel_sink.hpp); the window
// itself is checked through the real kiosk (check_window_crossfade.py).
// The blend as the kiosk runs it: the incoming page packed once against the
// page on screen at the turn (pack_differing, in bands of 32 rows), then each
// step blended from the packed spans (blend_toward_packed).
struct CpuFade {
    std::vector<std::uint8_t> spans, packed;
    std::size_t used = 0;
    CpuFade(const std::uint8_t* on_screen, std::size_t on_screen_stride, const std::uint8_t* incoming,
            std::size_t incoming_stride, int w, int h)
        : packed(static_cast<std::size_t>(w) * 4 * static_cast<std::size_t>(h)) {
        for (int top = 0; top < h; top += 32) {
            const int rows = std::min(32, h - top);
            used += motion::pack_differing(on_screen + static_cast<std::size_t>(top) * on_screen_stride, on_screen_stride,
                                           incoming + static_cast<std::size_t>(top) * incoming_stride, incoming_stride, w,
                                           rows, spans, packed.data() + used);
        }
    }
    void step(std::uint8_t* on_screen, std::size_t stride, int w, int h, float keep) const {
        motion::blend_toward_packed(on_screen, stride, packed.data(), w, h, keep, spans);
    }
};

// What one step must give, byte by byte: dst × k + src × (1 − k), k in 1/256.
void blend_reference(std::uint8_t* dst, std::size_t dst_stride, const std::uint8_t* src, std::size_t src_stride, int w,
                     int h, float keep) {
    const unsigned k = static_cast<unsigned>(std::lround(std::clamp(keep, 0.0f, 1.0f) * 256.0f));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w * 4; ++x) {
            std::uint8_t& d = dst[static_cast<std::size_t>(y) * dst_stride + static_cast<std::size_t>(x)];
            const std::uint8_t s = src[static_cast<std::size_t>(y) * src_stride + static_cast<std::size_t>(x)];
            d = static_cast<std::uint8_t>((d * k + s * (256 - k) + 128u) >> 8);
        }
}

TEST(CpuBlend, StepsTowardTheNewPageAndTheLastStepIsItExactly) {
    constexpr int w = 37, h = 5;  // an odd width: no lane of a SIMD loop left over unchecked
    const std::size_t stride_on_screen = w * 4 + 12, stride_incoming = w * 4;
    std::vector<std::uint8_t> on_screen(stride_on_screen * h, 0), incoming(stride_incoming * h);
    for (std::size_t i = 0; i < incoming.size(); ++i) incoming[i] = static_cast<std::uint8_t>((i * 37 + 11) % 256);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w * 4; ++x) on_screen[y * stride_on_screen + x] = static_cast<std::uint8_t>(255 - (x + y) % 256);
    const std::vector<std::uint8_t> old_page = on_screen;
    const CpuFade fade(on_screen.data(), stride_on_screen, incoming.data(), stride_incoming, w, h);
    // Halfway: every byte the mean of the two, within a rounding step.
    fade.step(on_screen.data(), stride_on_screen, w, h, 0.5f);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w * 4; ++x) {
            const int mean = (old_page[y * stride_on_screen + x] + incoming[y * stride_incoming + x]) / 2;
            EXPECT_NEAR(on_screen[y * stride_on_screen + x], mean, 1) << x << "," << y;
        }
    // The padding past each row is not the image's: untouched.
    for (int y = 0; y < h; ++y)
        for (std::size_t x = w * 4; x < stride_on_screen; ++x) EXPECT_EQ(on_screen[y * stride_on_screen + x], 0);
    // keep 1: nothing moves; keep 0: the new page exactly.
    const std::vector<std::uint8_t> halfway = on_screen;
    fade.step(on_screen.data(), stride_on_screen, w, h, 1.0f);
    EXPECT_EQ(on_screen, halfway);
    fade.step(on_screen.data(), stride_on_screen, w, h, 0.0f);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w * 4; ++x) EXPECT_EQ(on_screen[y * stride_on_screen + x], incoming[y * stride_incoming + x]);
}

TEST(CpuBlend, TheWeightsOfAFadeComposeToTheBlendOfTheTwoPages) {
    // Frame k shows (1 − f) × old + f × new through keep = (1 − f) / (1 − f_before), as MotionLayer steps it.
    std::vector<std::uint8_t> on_screen(4, 200), incoming(4, 40);
    const CpuFade fade(on_screen.data(), 4, incoming.data(), 4, 1, 1);
    float before = 0;
    for (const float f : {0.1f, 0.3f, 0.6f, 0.85f, 0.97f}) {
        const float keep = (1 - f) / (1 - before);
        fade.step(on_screen.data(), 4, 1, 1, keep);
        EXPECT_NEAR(on_screen[0], 200 * (1 - f) + 40 * f, 2.0) << "f " << f;
        before = f;
    }
}

TEST(CpuBlend, TheIncomingPageKeptOnlyWhereItDiffersBlendsAsTheWholeOne) {
    // A page area packed against the page on screen in bands of 32 rows (as
    // the kiosk reads it back): only the differing spans' pixels kept, and
    // every step of the blend from them the step over the whole area.
    constexpr int w = 300, h = 70;  // five spans a row, the last one short; bands of 32, 32 and 6 rows
    const std::size_t stride = w * 4;
    std::vector<std::uint8_t> on_screen(stride * h), incoming(stride * h);
    std::uint32_t state = 12345;
    for (std::size_t i = 0; i < on_screen.size(); ++i) {
        state ^= state << 13, state ^= state >> 17, state ^= state << 5;
        on_screen[i] = static_cast<std::uint8_t>(state);
        // The paper alike; the ink (a third of the rows, a few columns) differs.
        const std::size_t y = i / stride, x = (i % stride) / 4;
        incoming[i] = (y % 3 == 0 && (x < 40 || (x > 150 && x < 170) || x == 299)) ? static_cast<std::uint8_t>(~state) : on_screen[i];
    }
    const CpuFade fade(on_screen.data(), stride, incoming.data(), stride, w, h);
    const std::size_t per_row = (w + motion::kBlendSpan - 1) / motion::kBlendSpan;
    ASSERT_EQ(fade.spans.size(), per_row * h);
    for (int y = 0; y < h; ++y)
        for (std::size_t span = 0; span < per_row; ++span) {
            // Spans 0 (x < 40), 2 (150–170) and 4 (x = 299) of every third row.
            const bool want = y % 3 == 0 && (span == 0 || span == 2 || span == 4);
            EXPECT_EQ(fade.spans[y * per_row + span], want ? 1 : 0) << "row " << y << " span " << span;
        }
    const auto differing = static_cast<std::size_t>(std::count(fade.spans.begin(), fade.spans.end(), 1));
    EXPECT_LT(fade.used, stride * h / 2) << "only the differing spans are kept";
    EXPECT_EQ(fade.used, (differing - static_cast<std::size_t>((h + 2) / 3)) * motion::kBlendSpan * 4 +
                             static_cast<std::size_t>((h + 2) / 3) * (w - 4 * motion::kBlendSpan) * 4)
        << "the short last span keeps its own pixels only";
    std::vector<std::uint8_t> whole = on_screen, from_packed = on_screen;
    for (const float keep : {0.9f, 0.6f, 0.3f, 0.0f}) {
        blend_reference(whole.data(), stride, incoming.data(), stride, w, h, keep);
        fade.step(from_packed.data(), stride, w, h, keep);
        ASSERT_EQ(whole, from_packed) << "keep " << keep;
    }
    EXPECT_EQ(from_packed, incoming) << "the last step is the new page exactly";
}

TEST(CpuBlend, PagesAlikeButForAFewPixelsKeepTwoSpans) {
    // Two pages alike but for a few pixels (a word, the paper between): two
    // spans kept, and the blend over them is the blend over everything.
    constexpr int w = 200, h = 6;  // spans of 64: four a row, the last one short
    const std::size_t stride = w * 4;
    std::vector<std::uint8_t> old_page(stride * h, 230), incoming = old_page;
    incoming[2 * stride + 70 * 4] = 10;       // row 2, span 1
    incoming[5 * stride + 199 * 4 + 2] = 40;  // row 5, the short last span
    const CpuFade fade(old_page.data(), stride, incoming.data(), stride, w, h);
    ASSERT_EQ(fade.spans.size(), 4u * h);
    EXPECT_EQ(std::count(fade.spans.begin(), fade.spans.end(), 1), 2);
    EXPECT_EQ(fade.spans[2 * 4 + 1], 1);
    EXPECT_EQ(fade.spans[5 * 4 + 3], 1);
    EXPECT_EQ(fade.used, (64u + 8u) * 4u);
    std::vector<std::uint8_t> all = old_page, some = old_page;
    for (const float keep : {0.8f, 0.5f, 0.0f}) {
        blend_reference(all.data(), stride, incoming.data(), stride, w, h, keep);
        fade.step(some.data(), stride, w, h, keep);
        EXPECT_EQ(all, some) << "keep " << keep;
    }
    EXPECT_EQ(some, incoming);
}

TEST(CpuBlend, FlipRowsTurnsTheImageUpsideDown) {
    std::vector<std::uint8_t> rows = {1, 1, 9, 2, 2, 9, 3, 3, 9};  // 3 rows of 2 bytes, stride 3
    motion::flip_rows(rows.data(), 3, 2, 3);
    EXPECT_EQ(rows, (std::vector<std::uint8_t>{3, 3, 9, 2, 2, 9, 1, 1, 9}));
    motion::flip_rows(rows.data(), 3, 2, 1);  // one row: as it is
    EXPECT_EQ(rows[0], 3);
}

// [SECTION] calm --------------------------------------------------------------------------
// Frames of a lobby page with a flag at several moments after a page change.
std::vector<std::vector<Rgba>> frames_over_time(bool calm) {
    motion::MotionSettings settings;
    settings.calm = calm;
    settings.background = true;
    motion::MotionLayer layer(settings);
    EXPECT_TRUE(layer.flags().available());
    Offscreen target(kWidth, kHeight);
    const auto page = [&](double now, ImU32 panel) {
        compose([&](ImDrawList* dl) {
            dl->AddRectFilled(ImVec2(420, 40), ImVec2(620, 320), panel);
            EXPECT_TRUE(motion::add_flag(dl, kFlagMin, kFlagMax, layer.flag_time(now)));
        });
    };
    layer.page_arrived(0.0);
    std::vector<std::vector<Rgba>> frames;
    for (const double now : {0.0, 0.7, 1.3, 2.9}) {
        page(now, theme::panel);
        layer.render_frame(now, kWidth, kHeight, render_ui, target.id());
        frames.push_back(target.read());
    }
    // A page change: calm cuts, otherwise the transition blends.
    layer.page_changing(15.0, kWidth, kHeight, [&] { page(15.0, theme::panel); render_ui(); });
    page(15.25, theme::own_row);
    layer.render_frame(15.25, kWidth, kHeight, render_ui, target.id());
    frames.push_back(target.read());
    EXPECT_EQ(layer.animating(20.0), !calm);
    EXPECT_FALSE(layer.context_failure().has_value());
    return frames;
}

TEST(Calm, FramesAreIdenticalOverTime) {
    const auto calm = frames_over_time(true);
    save_png("motion-calm.png", calm.front(), kWidth, kHeight);
    for (std::size_t i = 1; i + 1 < calm.size(); ++i) EXPECT_EQ(differing_pixels(calm.front(), calm[i]), 0) << i;
    // The page change is a hard cut: the new page exactly, no blend.
    EXPECT_TRUE(same_rgb(at(calm.back(), 500, 200), Rgba{0xFF, 0xF4, 0xC2, 255}));

    // The same scene with motion: the frames do differ (so the check above can fail).
    const auto moving = frames_over_time(false);
    save_png("motion-moving-transition.png", moving.back(), kWidth, kHeight);
    EXPECT_GT(differing_pixels(moving[0], moving[1]), 1000);
    EXPECT_GT(differing_pixels(moving[1], moving[2]), 1000);
    const Rgba mid = at(moving.back(), 500, 200);  // between white and the own-row yellow
    EXPECT_FALSE(same_rgb(mid, Rgba{0xFF, 0xF4, 0xC2, 255}, 1));
    EXPECT_FALSE(same_rgb(mid, Rgba{0xFF, 0xFF, 0xFF, 255}, 1));
}

// [SECTION] direct: pages straight into the kept back buffer ------------------------------
// What the kiosk does under X11: pages drawn straight into the window's back
// buffer (kept between frames), the crossfade blended on the CPU into a pixel
// sink. Here the sink is memory and the back buffer is read back after each
// page is drawn.
class MemorySink : public motion::PixelSink {
public:
    std::uint8_t* image(int width, int height, std::size_t& stride) override {
        stride = static_cast<std::size_t>(width) * 4;
        pixels_.resize(stride * static_cast<std::size_t>(height));
        return pixels_.data();
    }
    bool show(int, int) override { return true; }
    void release() override { std::vector<std::uint8_t>().swap(pixels_); }

private:
    std::vector<std::uint8_t> pixels_;
};

// A window of the test's size whose back buffer is drawn into and read back.
class TestWindow {
public:
    TestWindow() {
        previous_ = glfwGetCurrentContext();
        glfwWindowHint(GLFW_VISIBLE, GLFW_TRUE);
        window_ = glfwCreateWindow(kWidth, kHeight, "motion_tests direct", nullptr, previous_);
        glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
        if (window_ != nullptr) glfwMakeContextCurrent(window_);
    }
    ~TestWindow() {
        glfwMakeContextCurrent(previous_);
        if (window_ != nullptr) glfwDestroyWindow(window_);
    }
    bool ok() const { return window_ != nullptr; }
    void make_current() const { glfwMakeContextCurrent(window_); }
    std::vector<Rgba> read_back() const {
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        glReadBuffer(GL_BACK);
        return read_bound(kWidth, kHeight);
    }

private:
    GLFWwindow* previous_ = nullptr;
    GLFWwindow* window_ = nullptr;
};

TEST(Direct, ATurnUnderTheSameHeaderKeepsItsBandAndIsTheFreshPage) {
    TestWindow window;
    ASSERT_TRUE(window.ok());
    motion::MotionLayer layer;  // the lobby's defaults: the light, the crossfade
    ASSERT_TRUE(layer.cache_available());
    ASSERT_TRUE(layer.background().available());
    MemorySink sink;
    layer.set_back_buffer_kept(true);
    layer.set_pixel_sink(&sink);
    ASSERT_TRUE(layer.draws_direct());
    // The header above y = 80, the page area below it, as the kiosk lays them out.
    layer.set_page_area(motion::ScreenRect{0, 80.4f, kWidth, kHeight - 30});
    const auto header = [](ImDrawList* dl, const char* clock) {
        dl->AddRectFilled(ImVec2(0, 0), ImVec2(kWidth, 64), IM_COL32(0xB5, 0x1A, 0x1F, 255));
        dl->AddText(ImVec2(20, 20), IM_COL32_WHITE, "Gangcheng Experimental Primary School");
        dl->AddText(ImVec2(560, 20), IM_COL32_WHITE, clock);
        dl->AddText(ImVec2(20, 66), IM_COL32(0x1A, 0x1A, 0x1A, 255), "urgent: take temperatures at the gate");
    };
    const std::vector<std::function<void(ImDrawList*)>> pages = {
        [](ImDrawList* dl) {
            dl->AddText(ImVec2(40, 120), IM_COL32(0x1A, 0x1A, 0x1A, 255), "goals of the term");
            dl->AddRectFilled(ImVec2(40, 160), ImVec2(600, 300), IM_COL32(0xFF, 0xF4, 0xC2, 255), 8.0f);
        },
        [](ImDrawList* dl) {
            dl->AddText(ImVec2(300, 200), IM_COL32(0x1A, 0x1A, 0x1A, 255), "habit of the month");
            dl->AddCircleFilled(ImVec2(120, 240), 40.5f, IM_COL32(0xC8, 0x10, 0x2E, 200));
        },
        [](ImDrawList* dl) {
            dl->AddText(ImVec2(60, 300), IM_COL32(0x1A, 0x1A, 0x1A, 255), "red flag standings");
            // A rule across the band's edge: this page reaches into the band, so the band is drawn again.
            dl->AddLine(ImVec2(320, 70), ImVec2(320, 140), IM_COL32(0xC8, 0x10, 0x2E, 255), 3.0f);
        },
    };
    const auto draw = [&](double now, int page, const char* clock) {
        layer.begin_page();
        compose([&](ImDrawList* dl) {
            header(dl, clock);
            pages[static_cast<std::size_t>(page)](dl);
        });
        layer.end_page();
        ASSERT_TRUE(layer.redraw_page(kWidth, kHeight, render_ui));
        layer.compose_screen(now, kWidth, kHeight, layer.damage(now, kWidth, kHeight));
    };
    // The page as a fresh screen shows it: the whole paper at the light's
    // time, then the page, into the back buffer of a window like the first
    // (the same pixel format rounds the paper's dither the same way).
    TestWindow fresh_window;
    ASSERT_TRUE(fresh_window.ok());
    auto fresh_paper = std::make_unique<motion::Background>();  // its vertex array belongs to this window's context
    window.make_current();
    const auto fresh = [&](double now, int page, const char* clock) {
        const float light_t = layer.clock().background_time_paced(now);
        fresh_window.make_current();
        compose([&](ImDrawList* dl) {
            header(dl, clock);
            pages[static_cast<std::size_t>(page)](dl);
        });
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        EXPECT_TRUE(fresh_paper->draw(kWidth, kHeight, light_t));
        render_ui();
        auto image = fresh_window.read_back();
        window.make_current();
        return image;
    };

    layer.page_arrived(0.0);
    draw(0.0, 0, "10:00");
    EXPECT_EQ(layer.redraws_keeping_the_band_above(), 0) << "nothing on screen yet to keep";
    std::vector<Rgba> last = window.read_back();
    int kept = 0;
    // Eight turns: the band is kept where the header is the same and the
    // light stood still (it steps at some turns); drawn whole into page 2
    // and out of it (its rule reaches into the band), and when the minute
    // changes in the header (turn 6).
    const int sequence[] = {0, 1, 0, 1, 2, 0, 1, 0, 1};
    for (int turn = 1; turn <= 8; ++turn) {
        const double now = 15.0 * turn;
        const int page = sequence[turn];
        const char* clock = turn >= 6 ? "10:01" : "10:00";
        layer.page_turning(now, kWidth, kHeight);
        const int before = layer.redraws_keeping_the_band_above();
        draw(now, page, clock);
        const bool band_kept = layer.redraws_keeping_the_band_above() > before;
        kept += band_kept;
        if (turn == 4 || turn == 5) {
            EXPECT_FALSE(band_kept) << "turn " << turn << ": the band differs (page 2's rule)";
        }
        if (turn == 6) {
            EXPECT_FALSE(band_kept) << "the header's clock changed";
        }
        const auto shown = window.read_back();
        const auto want = fresh(now, page, clock);
        EXPECT_GT(differing_pixels(last, shown), 500) << "turn " << turn << ": another page";
        EXPECT_EQ(differing_pixels(shown, want), 0) << "turn " << turn << (band_kept ? " (band kept)" : " (drawn whole)")
                                                    << ": the back buffer is not the fresh page";
        if (turn == 7) save_png("motion-direct-band-kept.png", shown, kWidth, kHeight);

        last = shown;
    }
    EXPECT_GE(kept, 3) << "the light stands still at most turns: the band above is kept then";
    EXPECT_LE(kept, 5);
    EXPECT_FALSE(layer.context_failure().has_value());
    layer.set_pixel_sink(nullptr);
    fresh_window.make_current();
    fresh_paper.reset();
    window.make_current();
}

TEST(Background, ClearingBelowALineForgetsOnlyTheCellsWhollyBelowIt) {
    for (const auto& [w, h] : {std::pair{640, 360}, std::pair{1023, 767}, std::pair{3840, 2160}}) {
        motion::PaperCells cells;
        cells.mark(0, 0, static_cast<float>(w), static_cast<float>(h), w, h);
        const float line = std::floor(static_cast<float>(h) * 0.31f);
        cells.clear_below(line, w, h);
        for (int row = 0; row < motion::PaperCells::kRows; ++row) {
            // The cell's pixels, by the rule mark() uses: a GL row belongs to the cell its centre is in.
            int topmost = h;
            for (int gy = 0; gy < h; ++gy)
                if (static_cast<int>((gy + 0.5) * motion::PaperCells::kRows / h) == row) topmost = std::min(topmost, h - 1 - gy);
            const bool wholly_below = static_cast<float>(topmost) >= line;
            EXPECT_EQ(cells.marked(3, row), !wholly_below) << w << "x" << h << " row " << row;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new GlEnvironment);
    return RUN_ALL_TESTS();
}
