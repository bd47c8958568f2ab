// The runner's decisions (see kiosk/runner.hpp).
#include "kiosk/runner.hpp"

#include <algorithm>

namespace campus::kiosk::runner {

bool waiting_for_fonts(const LoopState& state, const Observed& seen) {
    return seen.fonts_pending && seen.steady_now < state.font_wait_until;
}

bool turn_held(const LoopState& state, const Observed& seen) {
    return waiting_for_fonts(state, seen) || seen.fonts_swapped || !state.bands_left.empty();
}

bool hold_update(LoopState& state, bool update_waiting, bool moving, SteadyClock::time_point now) {
    const bool hold = update_waiting && moving &&
                      (!state.update_held_since || now - *state.update_held_since < kUpdateHold);
    if (!hold)
        state.update_held_since.reset();
    else if (!state.update_held_since)
        state.update_held_since = now;
    return hold;
}

TurnDue due_turn(const LoopState& state, const Observed& seen) {
    TurnDue due;
    if (seen.steady_now < state.next_page_at || turn_held(state, seen)) return due;
    due.expired = true;
    if (seen.emergency) {
        if (seen.emergency_parts > 1) due.turn = Turn::next_emergency_part;  // a long alert shows its parts in turn
    } else if (seen.screen_on && !seen.assembly && seen.entries > 1) {
        due.turn = Turn::next_page;
    }
    return due;
}

Redraws due_redraws(const ScreenModel* drawn, const ScreenModel& current, bool fonts_swapped, bool exposed) {
    Redraws r;
    r.page = drawn == nullptr || fonts_swapped || shows_differently(*drawn, current);
    r.clock_only = r.page && drawn != nullptr && !fonts_swapped && only_the_clock_differs(*drawn, current);
    r.screen = exposed;
    return r;
}

std::vector<ScreenBand> present_bands(int width, int height, int count) {
    std::vector<ScreenBand> bands;
    if (width <= 0 || height <= 0 || count <= 0) return bands;
    count = std::min(count, height);
    bands.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        // Row boundaries i·h/n: whole rows, the last band ending at the bottom edge.
        const int top = static_cast<int>(static_cast<long long>(height) * i / count);
        const int bottom = static_cast<int>(static_cast<long long>(height) * (i + 1) / count);
        bands.push_back(ScreenBand{0, static_cast<float>(top), static_cast<float>(width), static_cast<float>(bottom)});
    }
    return bands;
}

bool present_in_bands(const WholeRedraw& redraw) {
    return redraw.fonts_swapped && redraw.partial_present && !redraw.transition_running && redraw.same_size;
}

double emergency_part_seconds(double page_seconds, std::size_t characters) {
    // Two seconds to find where the text starts, then its characters.
    const double reading = 2.0 + static_cast<double>(characters) / kReadingCharactersPerSecond;
    return std::max(page_seconds, std::min(reading, kLongestEmergencyPart));
}

bool motion_due(const Observed& seen) {
    const bool page_visible = seen.screen_on && !seen.emergency;
    return page_visible && seen.motion_animating && seen.motion_now >= seen.motion_next_due;
}

bool needs_frame(bool page_dirty, bool motion_frame_due, bool waiting, bool size_ok) {
    return (page_dirty || motion_frame_due) && !waiting && size_ok;
}

bool watchdog_due(const LoopState& state, SteadyClock::time_point now) {
    return state.watchdog_at && now >= *state.watchdog_at;
}

double next_wake(const LoopState& state, const Observed& seen) {
    using Seconds = std::chrono::duration<double>;
    if (!state.bands_left.empty() && seen.size_ok) return 0.001;  // the next band of a redrawn page, at once
    // A turn held for the atlas is taken once the worker's wake-up or the end of the wait comes.
    double timeout = seen.screen_on && !waiting_for_fonts(state, seen)
                         ? Seconds(state.next_page_at - seen.steady_now).count()
                         : 86400.0;
    if (seen.live_clock && seen.screen_on) {
        const auto next_minute = std::chrono::floor<std::chrono::minutes>(seen.wall_now) + std::chrono::minutes(1);
        timeout = std::min(timeout, Seconds(next_minute - seen.wall_now).count() + 0.02);
    }
    const bool waiting = waiting_for_fonts(state, seen);
    if (waiting) timeout = std::min(timeout, Seconds(state.font_wait_until - seen.steady_now).count());
    if (seen.live_clock && seen.next_change)
        timeout = std::min(timeout, Seconds(*seen.next_change - seen.wall_now).count() + 0.02);
    // Never a motion wake-up that could not draw (fonts pending, minimised): it would spin.
    const bool page_visible = seen.screen_on && !seen.emergency;
    if (page_visible && !waiting && seen.size_ok && seen.motion_animating)
        timeout = std::min(timeout, seen.motion_next_due - seen.motion_now);
    // Resting, dark or waiting for fonts: systemd hears from the loop all the same.
    if (state.watchdog_at) timeout = std::min(timeout, Seconds(*state.watchdog_at - seen.steady_now).count());
    if (state.update_held_since) timeout = std::min(timeout, kHeldUpdateRecheck);
    return std::max(timeout, 0.001);
}

}  // namespace campus::kiosk::runner
