// The runner's decisions: what the kiosk's loop (App::run) does in each turn,
// as pure functions of its state and of what it observed, so every policy is
// unit-tested with a fake clock (tests/screen/runner_test.cpp) and the loop
// itself only gathers observations, acts, and sleeps.
//
//   per turn:  observe  →  due_redraws / due_turn  →  draw (page layer, screen)  →  next_wake → sleep
//
// Thread safety: pure; main thread in practice.
#pragma once

#include <chrono>
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include "kiosk/screen_model.hpp"
#include "sync/civil_time.hpp"

namespace campus::kiosk::runner {

using SteadyClock = std::chrono::steady_clock;

// A rectangle of the screen in pixels, top-left origin (motion::ScreenRect's
// shape; the runner stays free of GL).
struct ScreenBand {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool operator==(const ScreenBand&) const = default;
};

// The loop's own state between turns (hello_imgui keeps its runner's in one
// struct; so does the kiosk).
struct LoopState {
    SteadyClock::time_point next_page_at{};     // the entry on screen turns then
    SteadyClock::time_point font_wait_until{};  // until then a frame waits for the new atlas (past: not waiting)
    bool page_dirty = true;                     // the page must be drawn again
    // The next systemd watchdog ping (kiosk/service_notify.hpp), sent from the
    // loop's own turn so that a stuck loop sends none; nullopt: no watchdog.
    std::optional<SteadyClock::time_point> watchdog_at;
    // A page redrawn whole for a new atlas, going on screen a band a turn
    // (present_in_bands): the bands not yet presented, top first, and
    // whether the first one is up.
    std::vector<ScreenBand> bands_left;
    bool bands_begun = false;
    // Since when a new feed or atlas has waited for the screen to stand still
    // (hold_update); nullopt: none waits.
    std::optional<SteadyClock::time_point> update_held_since;
};

// What the loop saw this turn.
struct Observed {
    SteadyClock::time_point steady_now{};
    std::chrono::system_clock::time_point wall_now{};  // the wall clock (under --at: the frozen instant)
    bool live_clock = true;   // false under --at: no minute ticks, no schedule changes
    bool screen_on = true;    // inside the hours, or an emergency woke it
    bool emergency = false;   // an alert covers the screen
    bool assembly = false;    // the presenter turns the pages
    std::size_t entries = 0;  // rotation entries
    int emergency_parts = 0;  // sub-pages of a long alert
    bool fonts_pending = false;
    bool fonts_swapped = false;  // an atlas was swapped in this turn (its page is drawn in it)
    bool size_ok = true;      // false while minimised (0×0)
    std::optional<Instant> next_change;  // the schedule's next change (announcement window, hours, burn-in)
    // Motion, on its own clock (seconds).
    double motion_now = 0;
    bool motion_animating = false;
    double motion_next_due = std::numeric_limits<double>::infinity();
};

// After a new feed or size, how long a frame waits for the new atlas before
// drawing with the old one (glyphs it lacks would show as boxes).
inline constexpr std::chrono::seconds kFontWait{3};

bool waiting_for_fonts(const LoopState& state, const Observed& seen);

// A turn that comes due while a new atlas is awaited (waiting_for_fonts), in
// the loop turn that swaps it in, or while the page drawn with it is still
// going up in bands waits for them: it is not expired yet, and is taken in
// the first loop turn after. Turned meanwhile, the
// crossfade would start while no frame can be drawn (its first steps lost)
// and the new feed's page would be drawn in the transition, whose frames
// then carry the update whole instead of in bands.
bool turn_held(const LoopState& state, const Observed& seen);

// A new feed (or an atlas rasterised for it) is taken in while nothing on
// the page moves: the turn that takes it in draws the page again offscreen
// (at 1080p under llvmpipe 20-80 ms, an atlas upload with it), and run while
// a crossfade, the flags' wave or a background burst goes on it would hold
// their next frame back as long; at rest it holds back nothing. Motion comes
// in bursts of a few seconds after a page turn, so the wait is short, and it
// is bounded: after kUpdateHold the update goes in whatever moves (an
// emergency in it is late by that at most, against a poll every minute).
inline constexpr std::chrono::seconds kUpdateHold{4};

// Whether this turn keeps the feed and atlas it has (an update is waiting
// and `moving`: the page visible and something on it animating, for less
// than kUpdateHold so far); notes since when in state.update_held_since
// (cleared when nothing is held).
bool hold_update(LoopState& state, bool update_waiting, bool moving, SteadyClock::time_point now);

// The page turn's timer ran out (and the turn is not held): what moves. The
// loop restarts the timer whenever `expired`, whatever moved.
enum class Turn { none, next_page, next_emergency_part };
struct TurnDue {
    bool expired = false;
    Turn turn = Turn::none;
};
TurnDue due_turn(const LoopState& state, const Observed& seen);

// What must be drawn again, between the model the screen shows (`drawn`,
// null before the first frame) and the one derived now.
struct Redraws {
    bool page = false;    // compose the page and draw its layer again
    bool clock_only = false;  // with page: only the header's clock changed (the minute turned)
    bool screen = false;  // put what is cached on screen again (the window lost its contents)
};
Redraws due_redraws(const ScreenModel* drawn, const ScreenModel& current, bool fonts_swapped, bool exposed);

// A new feed (or atlas) redraws the whole page at once, and a frame that puts
// the whole screen up again (the paper's pass over every pixel, the page
// layer over it, a copy of the whole window to the X server) costs several
// motion frames under software GL: at 1080p under llvmpipe 35-70 ms against
// 10-25 ms for a frame of a crossfade. So the turn that swaps the atlas in
// and draws the page into its layer (finished there, glFinish) presents
// nothing, and the turns right after it put the page on screen in
// kPresentBands horizontal bands, one a turn, top to bottom, each with
// whatever else moved: no frame carries more than a band's share of the
// update. The new page comes in over four quick turns (about a tenth of a
// second) instead of at once; what ends on screen is the same.
inline constexpr int kPresentBands = 4;

// The bands of a `width`×`height` screen, top to bottom, whole pixel rows,
// covering it exactly and each the full width (fewer than `count` when the
// screen has fewer rows; none for an empty screen).
std::vector<ScreenBand> present_bands(int width, int height, int count = kPresentBands);

// What the loop knows of a page it has just redrawn whole.
struct WholeRedraw {
    bool fonts_swapped = false;       // for an atlas swapped in this turn (a new feed, a new plan)
    bool partial_present = false;     // the window keeps its back buffer: regions can be presented
    bool transition_running = false;  // a page transition is on (its crossfade puts up its own whole frame)
    bool same_size = false;           // the screen is the size of the frame last presented
};
// Whether that page goes on screen in bands over the next turns (true) or at
// once in this one: only after an atlas swap, where regions can be presented,
// outside a transition, and at the size of the frame on screen (after a
// resize the window holds nothing to keep).
bool present_in_bands(const WholeRedraw& redraw);

// How long one part of the emergency takeover stays (an alert's body, or a
// part of a long one) that puts `characters` before the reader: the page
// time, or as long as a reader standing back needs for that many characters
// (kReadingCharactersPerSecond), at most kLongestEmergencyPart.
inline constexpr double kReadingCharactersPerSecond = 5.0;
inline constexpr double kLongestEmergencyPart = 120.0;
double emergency_part_seconds(double page_seconds, std::size_t characters);

// Something moves on a visible page and its next frame is due.
bool motion_due(const Observed& seen);

// Whether this turn draws: a dirty page or a due motion frame, never while
// waiting for fonts or minimised.
bool needs_frame(bool page_dirty, bool motion_frame_due, bool waiting, bool size_ok);

// The watchdog's ping is due at `now` (its time came; never without a
// watchdog). The loop asks as soon as it wakes, before drawing: a slow frame
// then delays the ping after it, never the one before.
bool watchdog_due(const LoopState& state, SteadyClock::time_point now);

// Seconds to sleep until the next thing due: the page turn (while on, not held), the
// clock's minute (live clock, on), the font wait, the schedule's next change
// (an emergency's start wakes a dark screen), the next motion frame (visible
// page, not waiting, not minimised), the watchdog's ping (dark or not). A dark
// screen without a watchdog sleeps up to a day. ≥ 1 ms; 1 ms while bands of a
// redrawn page are left to present (not minimised), waiting for fonts or not;
// at most kHeldUpdateRecheck while an update is held (the motion's last frame
// may be its last wake-up).
inline constexpr double kHeldUpdateRecheck = 0.05;
double next_wake(const LoopState& state, const Observed& seen);

}  // namespace campus::kiosk::runner
