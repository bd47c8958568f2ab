// The kiosk's loop and --dump.
//
// Sections:
//   [feeds]     where the feed comes from: bundled sample, a file, FeedSync
//   [signals]   SIGINT/SIGTERM end the loop cleanly, SIGUSR1 asks for screen.png (a thread in sigwait)
//   [frame]     one frame: header, page, footer, into one ImGui window
//   [power]     the display switched off outside the hours (kiosk/power/)
//   [run]       the idle-friendly loop
//   [dump]      every page of the rotation to PNG + layout report
#include "kiosk/app.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <pthread.h>

#include <imgui.h>
#include <imgui_internal.h>  // ErrorCheckEndFrameRecover: unwinding after a page threw
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <glad/gl.h>

#include "kiosk/assets_embed.hpp"
#include "kiosk/fonts.hpp"
#include "kiosk/header.hpp"
#include "kiosk/layout_report.hpp"
#include "kiosk/motion/motion_layer.hpp"
#include "kiosk/picture_shelf.hpp"
#include "kiosk/platform_glfw.hpp"
#include "kiosk/pages/emergency_page.hpp"
#include "kiosk/power/display_power.hpp"
#include "kiosk/power/power_switch.hpp"
#include "kiosk/pages/events_line.hpp"
#include "kiosk/pages/urgent_banner.hpp"
#include "kiosk/rotation.hpp"
#include "kiosk/runner.hpp"
#include "kiosk/screen_model.hpp"
#include "kiosk/screen_state.hpp"
#include "kiosk/service_notify.hpp"
#include "kiosk/theme.hpp"
#include "sync/calendar.hpp"
#include "sync/feed_fetch.hpp"  // source_problem(): the same words for a bad --feed as the sync thread's
#include "sync/feed_parse.hpp"
#include "sync/feed_sync.hpp"
#include "sync/media_store.hpp"  // local_media_files(): a previewed feed file's pictures

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
    // A folder, an ftp:// URL, a missing file: said as FeedSync says it.
    if (const std::string why = source_problem(source); !why.empty()) throw std::runtime_error("--feed " + why);
    const std::string path = source.rfind("file://", 0) == 0 ? source.substr(7) : source;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("--feed " + path + ": cannot open the file");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return parse_or_throw(bytes.str(), "--feed " + path);
}

// A feed file with the pictures beside it (--dump FILE, --bench-frames FILE):
// those whose bytes match the feed's sha256, the others logged and left out.
std::shared_ptr<const FeedSnapshot> preview_snapshot(std::shared_ptr<const Feed> feed, const std::string& source) {
    auto snapshot = std::make_shared<FeedSnapshot>();
    std::vector<std::string> problems;
    snapshot->media = std::make_shared<const MediaFiles>(local_media_files(*feed, source, MediaLimits{}, &problems));
    for (const std::string& p : problems) spdlog::warn("--feed {}: picture {}", source, p);
    snapshot->feed = std::move(feed);
    return snapshot;
}

// [SECTION] signals -------------------------------------------------------------------
// Blocks SIGINT/SIGTERM/SIGHUP and SIGUSR1 in every thread (call before
// starting any) and waits for them on one thread: the first three ask the
// loop to stop, SIGUSR1 for a screenshot (screen.png beside the status file);
// either way the thread wakes the loop. glfwPostEmptyEvent is thread-safe but
// not async-signal-safe, hence a thread and not a handler.
class Signals {
public:
    Signals() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        sigaddset(&set_, SIGHUP);
        sigaddset(&set_, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
        thread_ = std::thread([this] {
            int signal = 0;
            while (sigwait(&set_, &signal) == 0) {
                if (finishing_) return;
                if (signal == SIGUSR1) {
                    screenshot_ = true;
                    Platform::post_empty_event();
                    continue;
                }
                spdlog::info("signal {}: stopping", signal);
                stop_ = true;
                Platform::post_empty_event();
                return;
            }
        });
    }
    ~Signals() {
        finishing_ = true;
        if (!stop_) pthread_kill(thread_.native_handle(), SIGTERM);  // blocked: sigwait takes it
        thread_.join();
    }
    bool stop_requested() const { return stop_; }
    // True once per SIGUSR1 (several before the loop looks: one screenshot).
    bool take_screenshot_request() { return screenshot_.exchange(false); }

private:
    sigset_t set_{};
    std::atomic<bool> stop_{false};
    std::atomic<bool> screenshot_{false};
    std::atomic<bool> finishing_{false};
    std::thread thread_;
};

// The kiosk's "now": frozen under --at; under --clock-from the system clock
// moved by a fixed offset (the schedule's changes come within seconds).
std::chrono::system_clock::duration clock_offset_of(const Options& options) {
    if (!options.clock_from) return {};
    return *options.clock_from - std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::chrono::system_clock::time_point wall_clock(const Options& options, std::chrono::system_clock::duration offset) {
    if (options.at) return std::chrono::system_clock::time_point(*options.at);
    return std::chrono::system_clock::now() + offset;
}

Instant current_time(const Options& options, std::chrono::system_clock::duration offset = {}) {
    if (options.at) return *options.at;
    return std::chrono::floor<std::chrono::seconds>(wall_clock(options, offset));
}

const char* showing_name(Showing showing) {
    switch (showing) {
        case Showing::waiting: return "waiting";
        case Showing::page: return "page";
        case Showing::dark: return "dark";
        case Showing::emergency: return "emergency";
    }
    return "page";
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
    std::unique_ptr<PictureShelf> pictures;       // the feed's pictures as textures (after the GL context)
    std::unique_ptr<FeedSync> sync;               // with --feed (not for a --dump of a file)
    std::shared_ptr<const FeedSnapshot> fixed;    // the bundled sample, or a --dump file
    bool sample = false;
    Rotation rotation;
    // What the rotation is subject to: display hours, announcements, burn-in.
    ScreenSchedule schedule;
    ScreenSetup setup;
    std::unique_ptr<EmergencyTakeover> emergency_page;  // while an emergency is on
    std::vector<std::string> emergency_ids;       // the alerts emergency_page shows, newest first
    int emergency_index = 0;                      // its part: an alert's body, or a part of a long one
    int emergency_count = 0;
    ScreenState state;                            // as of the last composed frame
    Showing shown = Showing::waiting;             // what the last frame showed, for --state-file
    std::shared_ptr<const ScreenModel> model;     // derived once per change (model_for)
    Rect header_band;                             // the header's band in the last composed frame

    // The screen's model for `snap` at `now` and `size`: the one derived
    // before while none of those changed (and `now` is before its
    // valid_until), else derived again. Never per frame.
    const ScreenModel& model_for(const std::shared_ptr<const FeedSnapshot>& snap, Instant now, ScreenSize size) {
        if (!model || model->snapshot != snap || model->size.width != size.width ||
            model->size.height != size.height || now >= model->valid_until || now < model->now)
            model = std::make_shared<const ScreenModel>(derive(snap, now, schedule, setup, options, size, sample));
        return *model;
    }

    explicit Impl(Options o) : options(std::move(o)), schedule(options) {
        setup.role = options.role;
        setup.identity = schedule.identity();
        setup.enabled = options.pages;
    }
    ~Impl() {
        sync.reset();  // its thread posts to GLFW: stop it while GLFW is up
        power_switch.reset();  // so does the power switch's
        motion.reset();  // its programs and textures need the GL context
        if (pictures && platform) pictures->release_gl();
        pictures.reset();
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
        config.screen_id = options.screen_id;        // in the User-Agent: the feed server's log is the fleet's heartbeat
        config.metrics_file = options.metrics_file;
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
    bool compose(ScreenSize size, const std::shared_ptr<const FeedSnapshot>& snapshot, Instant now,
                 LayoutReport* report, std::optional<std::size_t> position = std::nullopt) {
        const ScreenModel& m = model_for(snapshot, now, size);
        const FeedSnapshot& snap = *snapshot;
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
            state = m.state;
            // Burn-in: everything is laid out in a safe area inset by the
            // largest shift and moved by this step's shift, so it never
            // leaves the screen; the header's red band bleeds to the edges.
            const float inset = static_cast<float>(state.max_shift);
            const Rect safe{inset + static_cast<float>(state.shift.dx), inset + static_cast<float>(state.shift.dy),
                            screen.w - 2 * inset, screen.h - 2 * inset};
            // Dark hours and an emergency hide the frame: it is still laid
            // out (the rotation keeps its place and a dump its page names),
            // but none of it is recorded as shown.
            const bool covered = !state.on || state.emergency != nullptr;

            // The header is drawn before we know the page's name; its texts go
            // to a report of their own and are copied into the page's below.
            LayoutReport header_report;
            header_report.set_part("header");  // the urgent banner too: it belongs to every page alike
            Canvas header_canvas(metrics, *fonts, report && !covered ? &header_report : nullptr);
            header_canvas.set_clip(screen);
            Rect below_header = draw_header(header_canvas, m.header, safe, 2 * inset, &header_band);

            Canvas canvas(metrics, *fonts, covered ? nullptr : report);
            std::string page_name = "waiting";
            std::optional<PageContext> ctx;
            if (feed == nullptr) {
                if (report) report->reset(page_name, size.width, size.height);
                where = "the waiting screen";
                if (!covered)
                    draw_waiting(canvas, below_header, waiting_words(snap.state));
            } else {
                ctx.emplace(PageContext{*feed, snap.state, now, *m.day, options.role, options.class_id,
                                        m.grade, flag_time, options.calm || options.role == Role::classroom, &m});
                const float footer_h = footer_height(canvas);
                if (pictures) {
                    // Pictures are decoded to fit the largest box a page draws one
                    // in (without an urgent banner), rounded up so that a title a
                    // pixel taller or shorter does not decode them all again.
                    const Rect most = largest_picture_box(
                        *ctx, canvas, Rect{below_header.x, below_header.y, below_header.w, below_header.h - footer_h});
                    const auto up = [](float v) { return (static_cast<int>(std::ceil(v)) + 15) / 16 * 16; };
                    pictures->set_media(snap.media, up(most.w), up(most.h));
                }
                ctx->pictures = pictures.get();
                // Urgent notices: a banner between the header and every page.
                if (!state.urgent.empty()) {
                    where = "the urgent banner";
                    const float banner_h = urgent_banner_height(canvas, below_header.w, state.urgent);
                    const Rect banner = below_header.take_top(banner_h);
                    below_header = below_header.below(banner_h);
                    // Through the header's canvas: its texts reach the report, which
                    // the page's name resets below.
                    if (!covered) draw_urgent_banner(*ctx, header_canvas, banner, state.urgent);
                }
                const Rect area{below_header.x, below_header.y, below_header.w, below_header.h - footer_h};
                const Rect footer{below_header.x, area.bottom(), below_header.w, footer_h};
                // Only the page moves in a transition: the header's clock and the footer stay put.
                if (motion) motion->set_page_area(motion::ScreenRect{area.x, area.y, area.right(), area.bottom()});
                rotation.set_pages(m.pages, m.fallback);
                where = "the rotation";
                rotation.expand(*ctx, canvas, area);
                if (position) rotation.go_to(*position);
                const RotationEntry* entry = rotation.current();
                if (entry != nullptr) page_name = entry->name();
                if (report) {
                    report->reset(page_name, size.width, size.height);
                    report->set_page_area(area);
                }
                if (entry != nullptr && !covered) {
                    where = "page " + page_name;
                    canvas.set_clip(area);
                    ImGui::PushClipRect(area.min(), area.max(), true);
                    entry->page->draw(*ctx, canvas, area, entry->index);
                    ImGui::PopClipRect();
                }
                if (pictures) keep_pictures(*ctx);
                canvas.set_clip(screen);
                if (report) report->set_part("footer");
                if (!covered) {
                    // The assembly's presenter moves by hand: no dots counting down its steps.
                    const bool dots = options.role != Role::assembly;
                    // The next event, except under the events page, which shows the events itself.
                    const bool events_page = entry != nullptr && entry->kind == "events";
                    draw_footer(canvas, footer, rotation.position(), dots ? rotation.entries().size() : 0,
                                events_page ? std::string() : next_events_line(*ctx));
                }
            }
            shown = feed != nullptr ? Showing::page : Showing::waiting;

            Canvas cover(metrics, *fonts, report);
            cover.set_clip(screen);
            if (!state.on) {
                where = "the dark screen";
                cover.fill(screen, IM_COL32(0, 0, 0, 255));
                shown = Showing::dark;
            } else if (state.emergency != nullptr && ctx) {
                where = "the emergency " + state.emergency->id;
                std::vector<std::string> ids;
                for (const Announcement* a : state.emergencies) ids.push_back(a->id);
                if (ids != emergency_ids || !emergency_page) {
                    // Another alert came or went: start again with the newest.
                    emergency_page = make_emergency_takeover(ids);
                    emergency_ids = std::move(ids);
                    emergency_index = 0;
                }
                // Its own margins are far wider than the shift: its red covers
                // the whole screen whichever way the step moves it.
                const Rect whole{static_cast<float>(state.shift.dx) - inset, static_cast<float>(state.shift.dy) - inset,
                                 screen.w + 2 * inset, screen.h + 2 * inset};
                emergency_count = emergency_page->page_count(*ctx, cover, whole);
                if (report) {
                    // What the screen shows is the takeover, not the page beneath it.
                    report->reset(emergency_count > 1 ? "emergency-" + std::to_string(emergency_index % emergency_count + 1)
                                                      : std::string("emergency"),
                                  size.width, size.height);
                    report->set_page_area(whole);
                }
                if (emergency_count > 0) {
                    ImGui::PushClipRect(screen.min(), screen.max(), false);
                    emergency_page->draw(*ctx, cover, whole, emergency_index % emergency_count);
                    ImGui::PopClipRect();
                }
                cover.set_clip(screen);
                shown = Showing::emergency;
            } else {
                emergency_page.reset();
                emergency_ids.clear();
                emergency_count = 0;
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

    // Textures only for the pictures of the entry on screen and the next one
    // (decoded ahead, so it shows whole when it turns); the rest are freed.
    void keep_pictures(const PageContext& ctx) {
        std::set<std::string> ids;
        const auto& entries = rotation.entries();
        if (!entries.empty()) {
            const std::size_t at = rotation.position();
            for (const std::size_t i : {at % entries.size(), (at + 1) % entries.size()}) {
                const RotationEntry& e = entries[i];
                if (e.page)
                    for (std::string& id : e.page->pictures(ctx, e.index)) ids.insert(std::move(id));
            }
        }
        pictures->keep_only(ids);
    }

    // --state-file: what the screen shows, rewritten when that changes. The
    // temporary file renamed over it means a reader never sees half of it.
    std::string written_state;
    void write_state_file() {
        if (options.state_file.empty()) return;
        nlohmann::json state_json = {
            // The entry's name; "waiting" while there is none to show; nothing under a dark screen or an alert.
            {"page", shown == Showing::page || shown == Showing::waiting ? std::string("waiting") : std::string()},
            {"showing", showing_name(shown)},
            {"position", rotation.position()},
            {"count", rotation.entries().size()},
            {"role", role_name(options.role)},
            {"emergency", state.emergency != nullptr ? state.emergency->id : std::string()},
            {"emergencies", emergency_ids},  // every alert sharing the takeover, newest first
            {"screen_on", state.on},
        };
        if (const RotationEntry* entry = rotation.current()) state_json["page"] = entry->name();
        std::string text = state_json.dump() + "\n";
        if (text == written_state) return;
        const std::string temporary = options.state_file + ".tmp";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out << text;
            if (!out) {
                spdlog::error("--state-file {}: cannot write {}", options.state_file, temporary);
                return;
            }
        }
        std::error_code ec;
        fs::rename(temporary, options.state_file, ec);
        if (ec) {
            spdlog::error("--state-file {}: cannot replace it: {}", options.state_file, ec.message());
            return;
        }
        written_state = std::move(text);
        spdlog::debug("showing {}", state_json.dump());
    }

    // SIGUSR1: what the screen shows now, as screen.png beside the status
    // file, so the IT teacher can see a screen from their desk (scp). The
    // frame on screen is composed again into an offscreen target and read
    // back, as --dump does: with the cache, the page layer over the paper and
    // the cloths at this instant; without it, ImGui's last frame (composed
    // again first when that is not the one on screen). Written under a
    // temporary name and renamed over the last one: a copy never gets half a
    // PNG. On the main thread, once per signal (about 0.1–0.3 s at 1080p
    // under llvmpipe); a failure is logged and the screen goes on.
    void write_screenshot(ScreenSize size, const std::shared_ptr<const FeedSnapshot>& snap, Instant now, double t) {
        if (options.status_file.empty()) {
            spdlog::error("SIGUSR1: no status_file is set, and screen.png goes beside it: no screenshot");
            return;
        }
        if (size.width <= 0 || size.height <= 0) {
            spdlog::error("SIGUSR1: the window is minimised ({}x{}): no screenshot", size.width, size.height);
            return;
        }
        const fs::path png = fs::path(options.status_file).parent_path() / "screen.png";
        const std::string temporary = png.string() + ".tmp";
        try {
            // With a page layer it is read from there; else (no cache, or calm
            // drawing straight into the back buffer, whose last draw data may
            // be the clock's band alone) ImGui's frame is composed again.
            const bool layered = cached() && !motion->draws_direct();
            if (!layered && (cached() || !frame_on_screen) && !compose(size, snap, now, nullptr))
                throw std::runtime_error("the frame could not be composed (see above)");
            const Image image = render_offscreen(size, t);
            platform->release_offscreen();
            // Composing took what was pending as drawn (a region not yet
            // presented, the paper's light): the next frame draws it all.
            if (cached()) motion->invalidate();
            write_png(temporary, image);
            fs::rename(temporary, png);
            spdlog::info("SIGUSR1: {} ({}x{})", png.string(), image.width, image.height);
        } catch (const std::exception& e) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            spdlog::error("SIGUSR1: {} not written: {}", png.string(), e.what());
        }
    }

    // [SECTION] power ---------------------------------------------------------------
    // The display switched off outside the hours and on when they begin or an
    // emergency wakes the screen (kiosk/power/): the decision here, once a
    // turn; the switch on PowerSwitch's thread, never in the loop's way. A
    // failed switch is logged once, counted and named in the status file; the
    // dark screen is black anyway, so a panel left lit shows nothing.
    power::DisplayPower display_power{power::Backend::none};
    std::unique_ptr<power::PowerSwitch> power_switch;

    void start_power() {
        display_power = power::DisplayPower(options.power.backend);
        if (options.power.backend == power::Backend::none) return;
        power_switch = std::make_unique<power::PowerSwitch>(options.power, [] { Platform::post_empty_event(); });
        spdlog::info("display power: {} (off outside the hours)", power::backend_name(options.power.backend));
    }

    void update_power(bool wanted) {
        if (power_switch) {
            if (auto done = power_switch->take_finished()) {
                display_power.finished(done->which, done->problem);
                if (done->problem.empty()) {
                    spdlog::info("display power: switched {}", power::switch_name(done->which));
                } else {
                    if (sync) sync->screen_counters().power_error();
                    if (display_power.take_new_problem())
                        spdlog::error("display power: switching {} failed: {}; the screen shows black instead",
                                      power::switch_name(done->which), done->problem);
                }
                if (sync) sync->screen_counters().power_problem(display_power.problem());
            }
            if (const power::Switch due = display_power.decide(wanted); due != power::Switch::none) {
                spdlog::info("display power: switching {} ({})", power::switch_name(due),
                             power::backend_name(options.power.backend));
                power_switch->request(due);
            }
        } else {
            display_power.decide(wanted);
        }
        if (sync) sync->screen_counters().display(display_power.lit());  // the metrics' campus_kiosk_display_on
    }

    // -- motion (kiosk/motion/motion_layer.hpp) --
    // The waving flag, page transitions and the lobby's background. Created
    // after the GL context, destroyed before it. Its times are seconds on the
    // steady clock since `motion_epoch`.
    std::unique_ptr<motion::MotionLayer> motion;
    float flag_time = 0;  // PageContext::motion of the frame being composed; 0 = the still flag
    bool frame_on_screen = false;  // ImGui's draw data is the frame on screen (composed, drawn, not replaced)
    bool presented = false;        // a frame has been put on screen (systemd's READY=1 waits for it)
    SteadyClock::time_point motion_epoch = SteadyClock::now();

    double motion_time(SteadyClock::time_point at) const {
        return std::chrono::duration<double>(at - motion_epoch).count();
    }

    // --calm and classrooms: nothing moves; the background only in the lobby.
    motion::MotionSettings motion_settings() const {
        motion::MotionSettings settings;
        settings.calm = options.calm || options.role == Role::classroom;
        settings.background = options.role == Role::lobby;
        settings.max_fps = options.max_fps;
        return settings;
    }

    // Draws the composed frame (ImGui's draw data) through the motion layer
    // into `framebuffer` (0: the window): background or clear, the page, the
    // transition's blend. The caller swaps.
    void render_frame(ScreenSize size, double t, unsigned framebuffer = 0) {
        motion->render_frame(t, size.width, size.height, [this] { platform->render_ui(ImGui::GetDrawData()); },
                             framebuffer);
    }

    Image render_offscreen(ScreenSize size, double t) {
        if (cached() && !motion->draws_direct()) {
            return platform->render_offscreen(size, [&](unsigned framebuffer) {
                motion::MotionLayer::Damage all;
                all.full = true;
                motion->compose_screen(t, size.width, size.height, all, framebuffer);
            });
        }
        return platform->render_offscreen(size, [&](unsigned framebuffer) { render_frame(size, t, framebuffer); });
    }

    // -- the page cache (kiosk/motion/motion_layer.hpp) --
    // True while pages are drawn once into their layer and motion frames only
    // composite; false after the cache failed (logged): every frame is then
    // composed and drawn whole, as render_frame() does.
    bool cached() const { return motion && motion->cache_available(); }

    // What the page shows changed: the ImGui frame is composed (the cloths
    // recorded, not drawn) and rendered into the page layer; the next
    // compose_screen() puts it on screen. False when drawing failed (the
    // layer keeps the last good page) or the cache just failed.
    // With `clock_only`, only the header's band is drawn again (the minute
    // turned and nothing else changed): the frame is composed whole, as ImGui
    // must, but rasterised and presented in that band alone.
    bool redraw_page(ScreenSize size, const std::shared_ptr<const FeedSnapshot>& snap, Instant now, LayoutReport* report,
                     std::optional<std::size_t> position = std::nullopt, bool clock_only = false) {
        const Rect band_before = header_band;
        motion->begin_page();
        const bool ok = compose(size, snap, now, report, position);
        motion->end_page();
        if (!ok) return false;
        std::optional<motion::ScreenRect> only;
        if (clock_only && band_before.x == header_band.x && band_before.y == header_band.y &&
            band_before.w == header_band.w && band_before.h == header_band.h)
            only = motion::ScreenRect{header_band.x, header_band.y, header_band.right(), header_band.bottom()};
        return motion->redraw_page(size.width, size.height, [this] { platform->render_ui(ImGui::GetDrawData()); }, only);
    }

    // The rotation is about to move: with the cache, the layer on screen
    // becomes the outgoing one (no drawing at all); else page_changing().
    void turn_page(ScreenSize size, const std::shared_ptr<const FeedSnapshot>& snap, Instant now, double t) {
        if (size.width <= 0 || size.height <= 0) return;
        if (cached())
            motion->page_turning(t, size.width, size.height);
        else
            page_changing(size, snap, now, t);
    }

    // Puts what changed since the last frame on screen at motion time `t`:
    // the damage of the page cache, presented partially where the platform can.
    void present_cached(ScreenSize size, double t) { present_damage(size, t, motion->damage(t, size.width, size.height)); }

    // The next band of a page redrawn whole (runner::present_in_bands) and
    // whatever else moved. The whole screen in the damage of the first band's
    // turn is that redraw's, which the bands cover; in a later turn it is
    // something else's (the background's step, a redraw for another reason),
    // and a transition puts up frames of its own: then the damage is
    // presented as it is and no band is left.
    void present_band(ScreenSize size, double t, runner::LoopState& loop) {
        motion::MotionLayer::Damage damage = motion->damage(t, size.width, size.height);
        const runner::ScreenBand band = loop.bands_left.front();
        const bool same_size = band.x1 == static_cast<float>(size.width) &&
                               loop.bands_left.back().y1 == static_cast<float>(size.height);
        if ((damage.full && loop.bands_begun) || !same_size || motion->clock().transition_running(t)) {
            loop.bands_left.clear();
            present_damage(size, t, std::move(damage));
            return;
        }
        loop.bands_left.erase(loop.bands_left.begin());
        loop.bands_begun = true;
        if (damage.full) damage = motion::MotionLayer::Damage{};
        damage.rects.push_back(motion::ScreenRect{band.x0, band.y0, band.x1, band.y1});
        present_damage(size, t, std::move(damage));
    }

    ScreenSize on_screen{};  // the size of the frame last presented from the page cache

    void present_damage(ScreenSize size, double t, motion::MotionLayer::Damage damage) {
        if (!platform->keeps_back_buffer() && !damage.empty()) damage.full = true;  // a swap shows the whole buffer
        timespec c0{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        motion->compose_screen(t, size.width, size.height, damage);
        if (damage.empty()) return;
        // A crossfade step blended on the CPU: the sink has shown the page area; what is left comes from the back buffer.
        if (std::optional<motion::MotionLayer::Damage> instead = motion->take_presented_instead()) damage = std::move(*instead);
        if (spdlog::should_log(spdlog::level::trace)) {
            glFinish();
            float area = 0;
            for (const auto& r : damage.rects) area += (r.x1 - r.x0) * (r.y1 - r.y0);
            timespec c1{};
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
            spdlog::trace("frame {} {} rects {:.0f} px {:.2f} ms cpu", damage.full ? "full" : "part", damage.rects.size(), area,
                          static_cast<double>(c1.tv_sec - c0.tv_sec) * 1e3 + static_cast<double>(c1.tv_nsec - c0.tv_nsec) / 1e6);
        }
        std::vector<Platform::Region> regions;
        regions.reserve(damage.rects.size());
        for (const auto& r : damage.rects) regions.push_back(Platform::Region{r.x0, r.y0, r.x1, r.y1});
        if (!damage.empty()) platform->present(regions, damage.full);
        presented = true;
        on_screen = size;
        if (sync) sync->screen_counters().frame();  // for the metrics file (the display's state: update_power)
    }

    // The rotation is about to move: the page on screen is drawn once more,
    // as it is now, into the transition's outgoing texture (not at all when
    // the change is a hard cut: calm, or the transition's shader failed).
    // ImGui keeps the last frame's draw data until the next NewFrame: when it
    // is the frame on screen, it is drawn again as it is (no second compose:
    // the capture frame is the slowest of a transition under llvmpipe).
    void page_changing(ScreenSize size, const std::shared_ptr<const FeedSnapshot>& snap, Instant now, double t) {
        const ImDrawData* last = ImGui::GetDrawData();
        const bool reuse = frame_on_screen && last != nullptr && last->Valid &&
                           static_cast<int>(last->DisplaySize.x) == size.width &&
                           static_cast<int>(last->DisplaySize.y) == size.height;
        const float outgoing_flag = motion->flag_time(t);
        motion->page_changing(t, size.width, size.height, [&] {
            if (!reuse) {
                flag_time = outgoing_flag;
                if (!compose(size, snap, now, nullptr)) return;
            }
            platform->render_ui(ImGui::GetDrawData());
        });
    }

    // --dump-transition: the transition from the rotation's first entry to
    // its second, halfway (progress 0.5), as DIR/transition-50.png, for the
    // render tests (tests/motion/check_kiosk_motion.py). The layer's clock is
    // driven by hand, so the file is the same on every run.
    bool dump_transition(ScreenSize size, const std::shared_ptr<const FeedSnapshot>& snap, Instant now, const fs::path& dir) {
        if (rotation.entries().size() < 2) {
            spdlog::error("--dump-transition: the rotation has {} entr{}; a transition needs two",
                          rotation.entries().size(), rotation.entries().size() == 1 ? "y" : "ies");
            return false;
        }
        constexpr double kStart = 100;  // any time after the first page arrived at 0
        motion->page_arrived(0);
        flag_time = 0;
        if (cached()) {
            if (!redraw_page(size, snap, now, nullptr, 0)) return false;
            motion->page_turning(kStart, size.width, size.height);
            if (!redraw_page(size, snap, now, nullptr, 1)) return false;
        } else {
            motion->page_changing(kStart, size.width, size.height, [&] {
                if (compose(size, snap, now, nullptr, 0)) platform->render_ui(ImGui::GetDrawData());
            });
            if (!compose(size, snap, now, nullptr, 1)) return false;
        }
        const double halfway = kStart + motion->clock().settings().transition_seconds / 2;
        const fs::path png = dir / "transition-50.png";
        write_png(png.string(), render_offscreen(size, halfway));
        spdlog::info("--dump: {} ({} → {}{})", png.string(), rotation.entries()[0].name(), rotation.entries()[1].name(),
                     motion->transition().available() ? "" : "; the transition is unavailable: a hard cut");
        return true;
    }

    // --bench-frames N (bench/run; see tests/motion/README.md): N frames of
    // the most motion a screen shows, timed from composing to the swap
    // finished. Every frame is inside a page transition (the incoming page
    // into its texture, the blend; the outgoing page captured once per
    // change), the lobby background moves and standings pages wave their
    // flags. Simulated clock: frames 1/transition_fps apart, a new page change as
    // soon as a transition ends. Prints on stdout, "name value unit":
    //   frame_ms_p50_<1080p|4k|WxH>, frame_ms_p95_<…>, frame_ms_max_<…>, frames_<…>
    int bench() {
        open_window(false);
        fixed = fixed_snapshot(options.feed.empty() ? parse_or_throw(assets::sample_feed, "the bundled sample feed")
                                                    : read_feed_file(options.feed));
        sample = options.feed.empty();
        const ScreenSize size = platform->framebuffer_size();
        const Instant now = current_time(options);
        fonts->build_now(metrics_of(size), glyph_plan_for(fixed->feed.get(), options.role));
        fonts->attach_gl();
        // The role's motion (the lobby's, the most work, by default); with
        // --calm the same frames still, hard cuts: the cost of motion is the difference.
        motion = std::make_unique<motion::MotionLayer>(motion_settings());
        motion->set_back_buffer_kept(platform->keeps_back_buffer());
        motion->set_pixel_sink(platform->pixel_sink());
        double t = 0;
        motion->page_arrived(t);
        if (!compose(size, fixed, now, nullptr)) return 1;  // expands the rotation
        if (cached() && !redraw_page(size, fixed, now, nullptr)) return 1;
        constexpr int kWarmUp = 5;  // shader compiles, first texture allocations
        const motion::MotionSettings& settings = motion->clock().settings();
        const int frames_per_change =
            std::max(1, static_cast<int>(std::ceil(settings.transition_seconds * settings.transition_fps - 1e-6)));
        std::vector<double> frame_ms;
        for (int i = 0; i < options.bench_frames + kWarmUp; ++i) {
            t += 1.0 / settings.transition_fps;
            const auto started = SteadyClock::now();
            if (i % frames_per_change == 0) {  // calm: a cut as often
                turn_page(size, fixed, now, t);
                rotation.advance();
                // The page cache draws the page once, at its turn; the frames
                // after it only composite. The immediate path composes every frame.
                if (cached() && !redraw_page(size, fixed, now, nullptr)) return 1;
            }
            flag_time = motion->flag_time(t);
            if (cached()) {
                present_cached(size, t);
            } else {
                if (!compose(size, fixed, now, nullptr)) return 1;
                render_frame(size, t);
                frame_on_screen = true;
                platform->swap();
            }
            platform->finish();
            if (i >= kWarmUp)
                frame_ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count());
            platform->wait_events(0);  // keep the X connection serviced
            if (motion->context_failure()) return 3;
        }
        std::sort(frame_ms.begin(), frame_ms.end());
        const auto rank = [&](double p) {  // nearest rank
            const auto n = static_cast<double>(frame_ms.size());
            return frame_ms[static_cast<std::size_t>(std::max(0.0, std::ceil(p * n) - 1))];
        };
        const std::string label = size.width == 1920 && size.height == 1080   ? "1080p"
                                  : size.width == 3840 && size.height == 2160 ? "4k"
                                  : std::to_string(size.width) + "x" + std::to_string(size.height);
        std::printf("frame_ms_p50_%s %.2f ms\n", label.c_str(), rank(0.50));
        std::printf("frame_ms_p95_%s %.2f ms\n", label.c_str(), rank(0.95));
        std::printf("frame_ms_max_%s %.2f ms\n", label.c_str(), frame_ms.back());
        std::printf("frames_%s %zu frames\n", label.c_str(), frame_ms.size());
        std::fflush(stdout);
        return 0;
    }
};

App::App(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
App::~App() = default;

// [SECTION] run ---------------------------------------------------------------------------
int App::run() {
    Impl& app = *impl_;
    const Options& options = app.options;
    if (options.bench_frames > 0) return app.bench();
    Signals signals;  // before any thread starts, so they all inherit the mask

    app.open_window(false);
    if (options.feed.empty()) {
        app.fixed = fixed_snapshot(parse_or_throw(assets::sample_feed, "the bundled sample feed"));
        app.sample = true;
        spdlog::info("no --feed given: showing the bundled sample feed");
    } else {
        app.sync = std::make_unique<FeedSync>(app.sync_config());
        app.sync->start([] { Platform::post_empty_event(); });  // any thread; wakes the loop
    }
    app.start_power();
    const auto clock_offset = clock_offset_of(options);  // --clock-from

    ScreenSize size = app.platform->framebuffer_size();
    auto snap = app.snapshot();
    std::shared_ptr<const Feed> planned_feed = snap->feed;
    app.fonts->build_now(metrics_of(size), glyph_plan_for(planned_feed.get(), app.options.role));
    app.fonts->attach_gl();
    app.fonts->set_on_ready([] { Platform::post_empty_event(); });
    app.motion = std::make_unique<motion::MotionLayer>(app.motion_settings());
    app.motion->set_back_buffer_kept(app.platform->keeps_back_buffer());
    app.motion->set_pixel_sink(app.platform->pixel_sink());
    app.motion->page_arrived(app.motion_time(SteadyClock::now()));
    app.pictures = std::make_unique<PictureShelf>(false, [] { Platform::post_empty_event(); });

    // How long the entry now on screen stays: its kind's time (config
    // "page_seconds"); a part of the emergency takeover the default's, or
    // longer when it says more than that lets anyone read; the assembly's
    // presenter moves by hand, so its pages never time out.
    const auto page_turn = [&app, &options]() -> SteadyClock::duration {
        const RotationEntry* entry = app.rotation.current();
        double seconds = options.page_seconds;
        if (app.state.emergency != nullptr) {
            if (app.emergency_page && app.emergency_count > 0)
                seconds = runner::emergency_part_seconds(
                    options.page_seconds, app.emergency_page->part_characters(app.emergency_index % app.emergency_count));
        } else {
            if (options.role == Role::assembly) return std::chrono::hours(24);
            if (entry != nullptr) seconds = options.seconds_for(config_kind(entry->kind));
        }
        return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
    };
    runner::LoopState loop;
    loop.next_page_at = SteadyClock::now() + page_turn();
    // Under systemd: READY=1 after the first frame, WATCHDOG=1 from every turn
    // that comes due, STATUS= when it changes. Outside it, inert.
    ServiceNotify service;
    const auto loop_started = SteadyClock::now();
    if (service.watchdog_every()) loop.watchdog_at = loop_started;  // the first turn pings
    const std::optional<double> hang_after = test_hang_after_seconds();
    std::shared_ptr<const ScreenModel> drawn_model;  // what the page layer (or the last frame) shows
    bool clock_only = false;  // the pending redraw is the clock's alone
    std::vector<std::string> timed_emergencies;  // the takeover whose part the page timer is timing

    while (!app.platform->should_close() && !signals.stop_requested()) {
        if (hang_after && std::chrono::duration<double>(SteadyClock::now() - loop_started).count() >= *hang_after) {
            spdlog::warn("KIOSK_TEST_HANG_AFTER_S: the render loop hangs here for good, as one stuck in a GL call would");
            for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
        }
        // -- alive: this turn came (before its frames: a slow one delays the next ping, not this) --
        if (const auto woke = SteadyClock::now(); runner::watchdog_due(loop, woke)) {
            service.watchdog();
            loop.watchdog_at = woke + *service.watchdog_every();
        }
        // -- between frames: everything that may change what is on screen --
        const bool exposed = app.platform->take_redraw_request();
        // A new feed, or the atlas made for it, waits while the page moves
        // (runner::hold_update): its offscreen redraw would hold the motion's
        // next frame back. Not while frames wait for that atlas (then nothing
        // is drawn, so nothing would stop moving), and not the first feed of
        // a screen still waiting for one: content first.
        const auto woke_at = SteadyClock::now();
        auto fresh = app.snapshot();
        const bool moving = app.model != nullptr && app.model->state.on && app.model->state.emergency == nullptr &&
                            app.motion->animating(app.motion_time(woke_at));
        const bool update_waiting = (snap->feed != nullptr && fresh->feed != snap->feed) ||
                                    (app.fonts->ready() && woke_at >= loop.font_wait_until);
        const auto held_since = loop.update_held_since;
        const bool hold = runner::hold_update(loop, update_waiting, moving, woke_at);
        if (hold && !held_since)
            spdlog::debug("update held while the page moves");
        else if (!hold && held_since)
            spdlog::debug("update taken in {} after {:.0f} ms held", moving ? "while the page moves" : "at rest",
                          std::chrono::duration<double, std::milli>(woke_at - *held_since).count());
        const bool fonts_swapped = !hold && app.fonts->apply_pending();
        if (fonts_swapped) {
            loop.font_wait_until = {};
            app.motion->forget_band_above();
        }
        const ScreenSize now_size = app.platform->framebuffer_size();
        if (!hold) snap = std::move(fresh);
        if (now_size.width != size.width || now_size.height != size.height || snap->feed != planned_feed) {
            size = now_size;
            planned_feed = snap->feed;
            if (size.width > 0 && size.height > 0) {
                app.fonts->request_rebuild(metrics_of(size), glyph_plan_for(planned_feed.get(), app.options.role));
                loop.font_wait_until = SteadyClock::now() + runner::kFontWait;
            }
        }
        const Instant now = current_time(options, clock_offset);
        // A decoded picture arrived (or failed): the page showing it is drawn again.
        if (app.pictures->upload_ready()) {
            loop.page_dirty = true;
            clock_only = false;
        }
        app.model_for(snap, now, size);  // derived again only when something it depends on changed
        const std::shared_ptr<const ScreenModel> model = app.model;
        // Before anything is drawn: a display that wakes is switched on first.
        app.update_power(model->state.on);
        const runner::Redraws due = runner::due_redraws(drawn_model.get(), *model, fonts_swapped, exposed);
        if (due.page || (due.screen && !app.cached())) {
            // A minute's tick alone redraws the header's band, anything more the page.
            clock_only = (!loop.page_dirty || clock_only) && due.page && due.clock_only;
            loop.page_dirty = true;
        }
        if (due.screen && app.cached()) app.motion->invalidate();  // the layer still holds the page

        const auto steady_now = SteadyClock::now();
        const auto observe = [&] {
            runner::Observed seen;
            seen.steady_now = SteadyClock::now();
            seen.wall_now = wall_clock(options, clock_offset);
            seen.live_clock = !options.at;
            seen.screen_on = model->state.on;
            seen.emergency = model->state.emergency != nullptr;
            seen.assembly = options.role == Role::assembly;
            seen.entries = app.rotation.entries().size();
            seen.emergency_parts = app.emergency_count;
            seen.fonts_pending = app.fonts->pending();
            seen.fonts_swapped = fonts_swapped;
            seen.size_ok = size.width > 0 && size.height > 0;
            seen.next_change = options.at ? std::nullopt : app.schedule.next_change(model->feed(), now);
            seen.motion_now = app.motion_time(seen.steady_now);
            seen.motion_animating = app.motion->animating(seen.motion_now);
            seen.motion_next_due = app.motion->next_frame_due();
            return seen;
        };
        // The viewer's clicker, touch or click: the next or previous page, and
        // a full turn on it. An alert or a dark screen is not clicked away.
        for (const Platform::Input input : app.platform->take_input()) {
            if (model->state.emergency != nullptr || !model->state.on) continue;
            const bool wrap = options.role != Role::assembly;  // the presenter stops at the ends
            // The page on screen into the transition's texture, before it moves
            // (at the presenter's last page the "transition" blends a page with itself).
            app.turn_page(size, snap, now, app.motion_time(steady_now));
            if (input == Platform::Input::next ? app.rotation.advance(wrap) : app.rotation.back(wrap)) {
                loop.page_dirty = true;
                clock_only = false;
                loop.next_page_at = steady_now + page_turn();
            }
        }
        const runner::TurnDue turn = runner::due_turn(loop, observe());
        if (turn.turn == runner::Turn::next_emergency_part) {
            ++app.emergency_index;
            loop.page_dirty = true;
            clock_only = false;
        } else if (turn.turn == runner::Turn::next_page) {
            app.turn_page(size, snap, now, app.motion_time(steady_now));
            app.rotation.advance();
            loop.page_dirty = true;
            clock_only = false;
        }
        if (turn.expired) loop.next_page_at = steady_now + page_turn();

        // Before this turn's frames: the screenshot composes the screen
        // offscreen, and the frame below then puts the whole screen up again.
        if (signals.take_screenshot_request())
            app.write_screenshot(size, snap, now, app.motion_time(SteadyClock::now()));

        runner::Observed seen = observe();
        const bool waiting = runner::waiting_for_fonts(loop, seen);
        // Something moves (flag, transition, background) and its next frame is due.
        // A dark screen and an emergency cover the page: nothing of it moves then.
        const bool motion_due = runner::motion_due(seen);
        if (motion_due && !app.cached()) {  // the immediate path composes every motion frame
            loop.page_dirty = true;
            clock_only = false;
        }
        bool bands_held = false;  // this turn drew a new feed's page: its bands go up from the next
        if (runner::needs_frame(loop.page_dirty, false, waiting, seen.size_ok)) {
            const auto started = SteadyClock::now();
            const double motion_now = app.motion_time(started);
            app.flag_time = app.motion->flag_time(motion_now);
            app.frame_on_screen = false;
            if (app.cached()) {
                // Into the page layer; present_cached() below puts it on screen.
                if (!app.redraw_page(size, snap, now, nullptr, std::nullopt, clock_only)) {
                    app.motion->clock().frame_drawn(motion_now, false);
                    if (!app.cached()) spdlog::warn("the page cache is off: every frame is drawn whole from now on");
                } else if (runner::present_in_bands(runner::WholeRedraw{
                               fonts_swapped, app.platform->keeps_back_buffer(),
                               app.motion->clock().transition_running(motion_now),
                               size.width == app.on_screen.width && size.height == app.on_screen.height})) {
                    // A new feed's page: rasterised in this turn, which presents
                    // nothing; the turns after it put it up a band at a time.
                    app.platform->finish();
                    loop.bands_left = runner::present_bands(size.width, size.height);
                    loop.bands_begun = false;
                    bands_held = true;
                }
                spdlog::debug("page redrawn: {} at {}x{} in {:.1f} ms",
                              app.rotation.current() ? app.rotation.current()->name() : std::string("waiting"),
                              size.width, size.height,
                              std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count());
            } else if (app.compose(size, snap, now, nullptr)) {
                app.render_frame(size, motion_now);
                app.frame_on_screen = true;
                app.platform->swap();
                app.presented = true;
                const RotationEntry* entry = app.rotation.current();
                spdlog::debug("frame: {} at {}x{} in {:.1f} ms", entry ? entry->name() : std::string("waiting"),
                              size.width, size.height,
                              std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count());
            } else {
                app.motion->clock().frame_drawn(motion_now, false);  // nor is it animated in a loop
            }
            // A failed frame is not retried in a loop: the next thing due retries it.
            if (const auto& failure = app.motion->context_failure()) {
                spdlog::critical("{}: exiting (code 3) so that the supervisor starts a fresh kiosk", failure->reason);
                return 3;
            }
            loop.page_dirty = false;
            clock_only = false;
            drawn_model = model;
            // An alert came or went: the takeover starts again with the newest,
            // whose part gets its whole time from now.
            if (app.emergency_ids != timed_emergencies) {
                timed_emergencies = app.emergency_ids;
                if (!timed_emergencies.empty()) loop.next_page_at = SteadyClock::now() + page_turn();
            }
            app.write_state_file();
        }
        // The page cache's frame: a redrawn page, or what moves, due at the
        // motion's pace; only the damaged rectangles are drawn and presented.
        if (bands_held || !app.cached()) {
            // nothing presented from the cache this turn
        } else if (!loop.bands_left.empty() && seen.size_ok) {
            app.present_band(size, app.motion_time(SteadyClock::now()), loop);  // waiting for fonts or not: the page is drawn
            if (const auto& failure = app.motion->context_failure()) {
                spdlog::critical("{}: exiting (code 3) so that the supervisor starts a fresh kiosk", failure->reason);
                return 3;
            }
        } else if (runner::needs_frame(app.motion->redraw_pending(), motion_due, waiting, seen.size_ok)) {
            app.present_cached(size, app.motion_time(SteadyClock::now()));
            if (const auto& failure = app.motion->context_failure()) {
                spdlog::critical("{}: exiting (code 3) so that the supervisor starts a fresh kiosk", failure->reason);
                return 3;
            }
        }

        // -- tell systemd: up (once a frame is on screen) and what it shows --
        const runner::Observed before_sleep = observe();
        if (app.presented) service.ready();
        if (service.active()) {
            StatusFacts facts;
            facts.feed_version = snap->feed ? snap->feed->version : 0;
            facts.sample = app.sample;
            facts.sync = snap->state;
            facts.screen_on = model->state.on;
            facts.emergency = model->state.emergency != nullptr;
            service.status(status_words(facts));
        }

        // -- sleep until the next thing is due --
        app.platform->wait_events(runner::next_wake(loop, before_sleep));
    }
    service.stopping();
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
        snap = preview_snapshot(read_feed_file(options.feed), options.feed);
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
            return s->state.last_attempt.has_value() && !s->media_pending;  // its pictures too
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
    app.fonts->build_now(metrics_of(size), glyph_plan_for(snap->feed.get(), app.options.role));
    app.fonts->attach_gl();
    // Dumps are still frames, the same on every run: the still flag (t = 0),
    // plain paper, no transition (--dump-transition draws one on purpose).
    motion::MotionSettings still;
    still.calm = !options.dump_transition;
    still.background = false;
    still.flag_wave_periods = 0;
    still.background_burst_seconds = 0;
    app.motion = std::make_unique<motion::MotionLayer>(still);
    app.pictures = std::make_unique<PictureShelf>(true, nullptr);  // a dump waits for every picture

    const fs::path dir(options.dump_dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("--dump " + dir.string() + ": cannot create the directory: " + ec.message());

    // A first frame expands the rotation at this size.
    if (!app.compose(size, snap, now, nullptr, 0)) throw std::runtime_error("--dump: the first frame failed (see above)");
    // An emergency covers the rotation: what the screen shows, in turn, are
    // the takeover's parts, one file each.
    const bool takeover = app.state.on && app.state.emergency != nullptr && app.emergency_count > 0;
    const std::size_t count = takeover ? static_cast<std::size_t>(app.emergency_count)
                              : snap->feed ? app.rotation.entries().size() : 1;
    if (count == 0) throw std::runtime_error("--dump: the screen has no page to show (see the log)");
    int failures = 0;
    for (std::size_t i = 0; i < count; ++i) {
        LayoutReport report;
        const std::size_t position = takeover ? 0 : i;
        if (takeover) app.emergency_index = static_cast<int>(i);
        const bool ok = app.cached() ? app.redraw_page(size, snap, now, &report, position)
                                     : app.compose(size, snap, now, &report, position);
        const RotationEntry* entry = app.rotation.current();
        const std::string stem = takeover ? dump_stem(i, report.page())
                                 : entry  ? dump_stem(i, *entry)
                                          : dump_stem(0, "waiting");
        if (!ok) {
            spdlog::error("--dump: {} failed; no files written for it", stem);
            ++failures;
            continue;
        }
        Image image = app.render_offscreen(size, 0);
        write_png((dir / (stem + ".png")).string(), image);
        report.write(dir / (stem + ".json"));
        spdlog::info("--dump: {}", (dir / (stem + ".png")).string());
    }
    if (options.dump_transition && snap->feed && !app.dump_transition(size, snap, now, dir)) ++failures;
    if (!no_feed.empty()) {
        spdlog::error("{}", no_feed);
        return 1;
    }
    return failures == 0 ? 0 : 1;
}

}  // namespace campus::kiosk
