// The kiosk's loop and --dump.
//
// Sections:
//   [feeds]     where the feed comes from: bundled sample, a file, FeedSync
//   [signals]   SIGINT/SIGTERM end the loop cleanly (a thread in sigwait)
//   [frame]     one frame: header, page, footer, into one ImGui window
//   [run]       the idle-friendly loop
//   [dump]      every page of the rotation to PNG + layout report
#include "kiosk/app.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <pthread.h>

#include <imgui.h>
#include <imgui_internal.h>  // ErrorCheckEndFrameRecover: unwinding after a page threw
#include <spdlog/spdlog.h>

#include "kiosk/assets_embed.hpp"
#include "kiosk/fonts.hpp"
#include "kiosk/header.hpp"
#include "kiosk/layout_report.hpp"
#include "kiosk/platform_glfw.hpp"
#include "kiosk/rotation.hpp"
#include "kiosk/theme.hpp"
#include "sync/calendar.hpp"
#include "sync/feed_parse.hpp"
#include "sync/feed_sync.hpp"

namespace campus::kiosk {

namespace {

using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// [SECTION] feeds --------------------------------------------------------------------
bool is_remote(const std::string& source) {
    return source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0;
}

std::shared_ptr<const Feed> parse_or_throw(std::string_view bytes, const std::string& where) {
    ParseResult result = parse_feed(bytes);
    if (!result.ok()) {
        std::string message = where + ": the feed was rejected:";
        for (const auto& problem : result.problems) message += "\n  " + to_string(problem);
        throw std::runtime_error(message);
    }
    return result.feed;
}

std::shared_ptr<const FeedSnapshot> fixed_snapshot(std::shared_ptr<const Feed> feed) {
    auto snapshot = std::make_shared<FeedSnapshot>();
    snapshot->feed = std::move(feed);
    return snapshot;
}

// A file given to --dump is a preview: read and parse it directly, so a
// preview never touches the screen's cache or its rollback guard.
std::shared_ptr<const Feed> read_feed_file(const std::string& source) {
    const std::string path = source.rfind("file://", 0) == 0 ? source.substr(7) : source;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("--feed " + path + ": cannot open the file");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return parse_or_throw(bytes.str(), "--feed " + path);
}

// [SECTION] signals -------------------------------------------------------------------
// Blocks SIGINT/SIGTERM/SIGHUP in every thread (call before starting any) and
// waits for them on one thread, which asks the loop to stop and wakes it.
// glfwPostEmptyEvent is thread-safe but not async-signal-safe, hence a thread
// and not a handler.
class StopSignals {
public:
    StopSignals() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        sigaddset(&set_, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
        thread_ = std::thread([this] {
            int signal = 0;
            while (sigwait(&set_, &signal) == 0) {
                if (finishing_) return;
                spdlog::info("signal {}: stopping", signal);
                stop_ = true;
                Platform::post_empty_event();
                return;
            }
        });
    }
    ~StopSignals() {
        finishing_ = true;
        if (!stop_) pthread_kill(thread_.native_handle(), SIGTERM);  // blocked: sigwait takes it
        thread_.join();
    }
    bool stop_requested() const { return stop_; }

private:
    sigset_t set_{};
    std::atomic<bool> stop_{false};
    std::atomic<bool> finishing_{false};
    std::thread thread_;
};

Instant current_time(const Options& options) {
    if (options.at) return *options.at;
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

ScreenMetrics metrics_of(ScreenSize size) { return ScreenMetrics{size.width, size.height}; }

void log_recovery(void*, const char* fmt, ...) {
    char message[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    spdlog::error("ImGui state recovered after a failed frame: {}", message);
}

}  // namespace

// [SECTION] frame -------------------------------------------------------------------------
struct App::Impl {
    Options options;
    std::unique_ptr<Platform> platform;
    std::unique_ptr<FontSet> fonts;
    std::unique_ptr<FeedSync> sync;               // with --feed (not for a --dump of a file)
    std::shared_ptr<const FeedSnapshot> fixed;    // the bundled sample, or a --dump file
    bool sample = false;
    Rotation rotation;

    explicit Impl(Options o) : options(std::move(o)) {}
    ~Impl() {
        sync.reset();  // its thread posts to GLFW: stop it while GLFW is up
        if (fonts && platform) fonts->release_gl();
        fonts.reset();
        platform.reset();
    }

    std::shared_ptr<const FeedSnapshot> snapshot() const { return sync ? sync->snapshot() : fixed; }

    FeedSyncConfig sync_config() const {
        FeedSyncConfig config;
        config.source = options.feed;
        config.trusted_keys = options.trusted_keys;
        config.cache_dir = options.cache_dir;
        config.status_file = options.status_file;
        config.poll = std::chrono::seconds(options.poll_seconds);
        return config;
    }

    void open_window(bool for_dump) {
        WindowConfig config;
        config.fullscreen = !options.windowed && !for_dump;
        config.monitor = options.monitor;
        config.size = options.size;
        config.visible = !for_dump;
        platform = std::make_unique<Platform>(config);
        fonts = std::make_unique<FontSet>();
    }

    // Builds the ImGui frame for `snap` at `size`. With `report`, records
    // every text (header included) under the entry's name. With `position`,
    // shows that rotation entry. Returns false when drawing failed (logged):
    // the caller then keeps what is on screen.
    bool compose(ScreenSize size, const FeedSnapshot& snap, Instant now, LayoutReport* report,
                 std::optional<std::size_t> position = std::nullopt) {
        platform->new_frame(size);
        ImGui::NewFrame();
        const ImGuiIO& io = ImGui::GetIO();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(io.DisplaySize);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
        constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground |
                                           ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav |
                                           ImGuiWindowFlags_NoInputs;
        ImGui::Begin("##screen", nullptr, flags);
        ImGui::PopStyleVar(3);

        bool ok = true;
        std::string where = "the header";
        try {
            const ScreenMetrics metrics = metrics_of(size);
            const Rect screen{0, 0, static_cast<float>(size.width), static_cast<float>(size.height)};
            const Feed* feed = snap.feed.get();

            // The header is drawn before we know the page's name; its texts go
            // to a report of their own and are copied into the page's below.
            LayoutReport header_report;
            Canvas header_canvas(metrics, *fonts, report ? &header_report : nullptr);
            header_canvas.set_clip(screen);
            const Rect below_header = draw_header(header_canvas, header_model(feed, snap.state, now, sample), screen);

            Canvas canvas(metrics, *fonts, report);
            std::string page_name = "waiting";
            if (feed == nullptr) {
                if (report) report->reset(page_name, size.width, size.height);
                where = "the waiting screen";
                draw_waiting(canvas, below_header,
                             snap.state.offline ? "暂时无法连接学校的服务器，稍后自动重试" : std::string());
            } else {
                const float footer_h = footer_height(canvas);
                const Rect area{below_header.x, below_header.y, below_header.w, below_header.h - footer_h};
                const Rect footer{below_header.x, area.bottom(), below_header.w, footer_h};
                PageContext ctx{*feed, snap.state, now, school_day(*feed, now), options.role, options.class_id,
                                options.grade, 0.0f, options.calm};
                rotation.set_pages(pages_for_role(*feed, options.role));
                where = "the rotation";
                rotation.expand(ctx, canvas, area);
                if (position) rotation.go_to(*position);
                const RotationEntry* entry = rotation.current();
                if (entry != nullptr) page_name = entry->name();
                if (report) report->reset(page_name, size.width, size.height);
                if (entry != nullptr) {
                    where = "page " + page_name;
                    canvas.set_clip(area);
                    ImGui::PushClipRect(area.min(), area.max(), true);
                    entry->page->draw(ctx, canvas, area, entry->index);
                    ImGui::PopClipRect();
                }
                canvas.set_clip(screen);
                draw_footer(canvas, footer, rotation.position(), rotation.entries().size());
            }
            if (report) {
                for (const auto& text : header_report.entries()) report->add(text);
            }
        } catch (const std::exception& e) {
            spdlog::error("drawing {} failed: {}; keeping the last good frame", where, e.what());
            ok = false;
        }
        if (ok) {
            ImGui::End();
        } else {
            ImGui::ErrorCheckEndFrameRecover(log_recovery);  // ends our window and whatever a page left open
        }
        ImGui::Render();
        return ok;
    }
};

App::App(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
App::~App() = default;

// [SECTION] run ---------------------------------------------------------------------------
int App::run() {
    Impl& app = *impl_;
    const Options& options = app.options;
    StopSignals signals;  // before any thread starts, so they all inherit the mask

    app.open_window(false);
    if (options.feed.empty()) {
        app.fixed = fixed_snapshot(parse_or_throw(assets::sample_feed, "the bundled sample feed"));
        app.sample = true;
        spdlog::info("no --feed given: showing the bundled sample feed");
    } else {
        app.sync = std::make_unique<FeedSync>(app.sync_config());
        app.sync->start([] { Platform::post_empty_event(); });  // any thread; wakes the loop
    }

    ScreenSize size = app.platform->framebuffer_size();
    auto snap = app.snapshot();
    std::shared_ptr<const Feed> planned_feed = snap->feed;
    app.fonts->build_now(metrics_of(size), glyph_plan_for(planned_feed.get()));
    app.fonts->attach_gl();
    app.fonts->set_on_ready([] { Platform::post_empty_event(); });

    const auto page_duration = std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double>(options.page_seconds));
    auto next_page_at = SteadyClock::now() + page_duration;
    // After a new feed or size, wait this long for the new atlas before
    // drawing with the old one (glyphs it lacks would show as boxes).
    constexpr auto kFontWait = std::chrono::seconds(3);
    SteadyClock::time_point font_wait_until{};  // past: not waiting
    std::shared_ptr<const FeedSnapshot> drawn_snapshot;
    std::optional<std::chrono::sys_time<std::chrono::minutes>> drawn_minute;
    bool redraw = true;

    while (!app.platform->should_close() && !signals.stop_requested()) {
        // -- between frames: everything that may change what is on screen --
        if (app.platform->take_redraw_request()) redraw = true;
        if (app.fonts->apply_pending()) {
            redraw = true;
            font_wait_until = {};
        }
        const ScreenSize now_size = app.platform->framebuffer_size();
        snap = app.snapshot();
        const bool resized = now_size.width != size.width || now_size.height != size.height;
        if (resized || snap->feed != planned_feed) {
            size = now_size;
            planned_feed = snap->feed;
            if (size.width > 0 && size.height > 0) {
                app.fonts->request_rebuild(metrics_of(size), glyph_plan_for(planned_feed.get()));
                font_wait_until = SteadyClock::now() + kFontWait;
            }
            redraw = true;
        }
        if (snap != drawn_snapshot) redraw = true;  // also a new sync state (offline, stale)
        const Instant now = current_time(options);
        const auto minute = std::chrono::floor<std::chrono::minutes>(now);
        if (minute != drawn_minute) redraw = true;
        const auto steady_now = SteadyClock::now();
        if (steady_now >= next_page_at) {
            if (app.rotation.entries().size() > 1) {
                app.rotation.advance();
                redraw = true;
            }
            next_page_at = steady_now + page_duration;
        }

        const bool waiting_for_fonts = app.fonts->pending() && steady_now < font_wait_until;
        if (redraw && !waiting_for_fonts && size.width > 0 && size.height > 0) {  // 0×0: minimised
            if (app.compose(size, *snap, now, nullptr)) app.platform->present(ImGui::GetDrawData(), theme::page_background);
            // A failed frame is not retried in a loop: the next thing due retries it.
            redraw = false;
            drawn_snapshot = snap;
            drawn_minute = minute;
        }

        // -- sleep until the next thing is due --
        double timeout = std::chrono::duration<double>(next_page_at - steady_now).count();
        if (!options.at) {
            const auto next_minute = std::chrono::ceil<std::chrono::minutes>(std::chrono::system_clock::now());
            const double to_minute =
                std::chrono::duration<double>(next_minute - std::chrono::system_clock::now()).count() + 0.02;
            timeout = std::min(timeout, to_minute);
        }
        if (waiting_for_fonts) timeout = std::min(timeout, std::chrono::duration<double>(font_wait_until - steady_now).count());
        app.platform->wait_events(std::max(timeout, 0.001));
    }
    spdlog::info("stopping");
    return 0;
}

// [SECTION] dump --------------------------------------------------------------------------
int App::dump() {
    Impl& app = *impl_;
    const Options& options = app.options;
    const ScreenSize size = options.size.value_or(ScreenSize{1920, 1080});
    const Instant now = current_time(options);

    std::shared_ptr<const FeedSnapshot> snap;
    std::string no_feed;
    if (options.feed.empty()) {
        snap = fixed_snapshot(parse_or_throw(assets::sample_feed, "the bundled sample feed"));
        app.sample = true;
    } else if (!is_remote(options.feed)) {
        snap = fixed_snapshot(read_feed_file(options.feed));
    } else {
        // A URL: the real sync path (signature, cache), waiting for its first answer.
        app.sync = std::make_unique<FeedSync>(app.sync_config());
        std::mutex mutex;
        std::condition_variable answered;
        app.sync->start([&] {
            std::lock_guard lock(mutex);
            answered.notify_all();
        });
        std::unique_lock lock(mutex);
        const bool got = answered.wait_for(lock, std::chrono::seconds(60), [&] {
            auto s = app.sync->snapshot();
            return s->state.last_attempt.has_value();
        });
        snap = app.sync->snapshot();
        lock.unlock();
        app.sync->stop();  // its callback refers to this scope's mutex: no polls after we leave it
        if (!got || !snap->feed)
            // Still dumps the screen it would show (the waiting screen), then fails.
            no_feed = "--feed " + options.feed + ": no feed to dump (" +
                      (snap->state.last_error.empty() ? std::string("no answer within 60 s") : snap->state.last_error) +
                      "); wrote the waiting screen only";
        else if (snap->state.offline)
            spdlog::warn("--feed {}: server unreachable ({}), dumping the cached feed", options.feed,
                         snap->state.last_error);
    }

    app.open_window(true);
    app.fonts->build_now(metrics_of(size), glyph_plan_for(snap->feed.get()));
    app.fonts->attach_gl();

    const fs::path dir(options.dump_dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("--dump " + dir.string() + ": cannot create the directory: " + ec.message());

    // A first frame expands the rotation at this size.
    if (!app.compose(size, *snap, now, nullptr, 0)) throw std::runtime_error("--dump: the first frame failed (see above)");
    const std::size_t count = snap->feed ? app.rotation.entries().size() : 1;
    int failures = 0;
    for (std::size_t i = 0; i < count; ++i) {
        LayoutReport report;
        const bool ok = app.compose(size, *snap, now, &report, i);
        const RotationEntry* entry = app.rotation.current();
        const std::string stem = entry ? dump_stem(i, *entry) : std::string("01-waiting");
        if (!ok) {
            spdlog::error("--dump: {} failed; no files written for it", stem);
            ++failures;
            continue;
        }
        Image image = app.platform->render_offscreen(ImGui::GetDrawData(), size, theme::page_background);
        write_png((dir / (stem + ".png")).string(), image);
        report.write(dir / (stem + ".json"));
        spdlog::info("--dump: {}", (dir / (stem + ".png")).string());
    }
    if (!no_feed.empty()) {
        spdlog::error("{}", no_feed);
        return 1;
    }
    return failures == 0 ? 0 : 1;
}

}  // namespace campus::kiosk
