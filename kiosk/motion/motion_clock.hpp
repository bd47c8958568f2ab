// MotionClock: the policy the loop asks "must I draw another frame, and when?"
//
// Motion costs frames, and under software GL (llvmpipe) a frame costs a core
// for several milliseconds. So something moves only for a short while after a
// page arrives, and the loop sleeps as before the rest of the time:
//   - the page transition: transition_seconds (0.5 s), at transition_fps (20);
//   - the red flag: waves for flag_wave_periods whole periods (2 × 1.6 s)
//     after a page with a flag has arrived (once its transition has landed:
//     the page fades in with its flags at rest), at flag_fps (15), then rests.
//     Whole periods so the rest pose is the t = 0 pose: the flag settles
//     without a jump;
//   - the lobby background: moves only during the first
//     background_burst_seconds (3 s) of each page, at background_fps (2), and
//     its time accumulates over the bursts so it resumes where it stopped;
//     with background_in_transition (the default) a page that arrives with a
//     transition takes its 3 s of light in one step, under the transition:
//     3 s of the light's drift changes no pixel of the paper by more than
//     about one 8-bit step (see background_fps), so the step is not seen, and
//     the transition's frames blend two still pictures (the cheapest frames);
//     and the light takes that step only at every background_turns_per_step-th
//     turn (four bursts at once), standing still at the others, so that most
//     turns blend only where the two pages' ink differs.
//     All rates are capped by max_fps.
//
// Trade-off of the background bursts (chosen over a continuous ≤ 2 fps): a
// continuous trickle keeps the CPU busy all day (2 fps × a full frame is
// 2–4 % of a core at 1080p under llvmpipe, forever); bursts cost ~40 frames a
// page, all at the page change, when the eye is drawn to the screen anyway,
// and exactly nothing while the page is read. A lobby with 15 s pages draws
// about 10 frames a page (the crossfade), 48 more on a page with flags, and 0
// between.
//
// `calm` (--calm, the classroom role) never animates: flag_time and
// background_time stay 0, transitions are hard cuts, and any two frames of the
// same content are identical.
//
// Times are seconds on one monotonic clock the caller picks (glfwGetTime(),
// steady_clock); the clock keeps no clock of its own, so tests drive it.
//
// Thread safety: the main thread only.
#pragma once

#include <limits>

namespace campus::kiosk::motion {

enum class TransitionStyle { crossfade, slide };

struct MotionSettings {
    bool calm = false;                 // --calm or the classroom role: nothing moves. Default off.
    bool background = true;            // the living background; the app turns it off for classrooms. Default on.
    double max_fps = 30;               // cap on every kind of motion frame (--max-fps). Default 30.
    double transition_fps = 20;        // frames a second of a page transition. Default 20: ten steps for a 0.5 s
                                       // crossfade, each step under 10 % of the opacity, which reads as a smooth
                                       // fade; every step is a pass over the page area, the costliest frame there is.
    double flag_fps = 15;              // frames a second of the waving flag. Default 15: 24 poses a 1.6 s wave, as
                                       // smooth as cloth needs (a film's cloth moves at 24); each frame is only
                                       // the cloths' own few thousand pixels, but 96 of them a page at 30 cost more
                                       // than the rest of the page's motion.
    double transition_seconds = 0.5;   // page transition length. Default 0.5 s; 0 = hard cuts.
    TransitionStyle transition_style = TransitionStyle::crossfade;  // crossfade reads calmer than a slide
    int flag_wave_periods = 2;         // waving after a page arrives, in wave periods (1.6 s). Default 2 (3.2 s): long enough
                                       // to be seen as a flag waving, short because every frame is a full llvmpipe frame; 0 = still.
    double background_burst_seconds = 3;  // background motion per page. Default 3 s; 0 = still paper.
    bool background_in_transition = true;  // a page that arrives with a transition takes its burst's worth of
                                       // light (background_burst_seconds) in one step at its start, under the
                                       // blend: the light costs no frame of its own. Default on; off: the burst
                                       // runs at its own pace after the page arrived.
    int background_turns_per_step = 4;  // with background_in_transition: the light takes the bursts of this many
                                       // turns in one step, at every this-many-th turn, and stands still at the
                                       // others. Default 4 (about a minute at 15 s pages). Why: a turn whose
                                       // paper is unchanged blends only where the two pages' ink differs
                                       // (pack_differing), a turn whose light steps blends the whole page
                                       // area; the light's whole range is ±1.5 % of the paper's brightness, so
                                       // even four bursts at once change no pixel by more than a few 8-bit
                                       // steps, under a crossfade. 1: a step at every turn.
    double background_fps = 2;         // frame rate of the background's own frames. Default 2: its soft pools
                                       // (radius ~0.7 of the screen's height, 1.5 % deep) drift at most ~60 px/s,
                                       // which changes no pixel by even half an 8-bit step within a second; and
                                       // every background frame is a full-screen pass (the paper is everywhere).
};

class MotionClock {
public:
    static constexpr double kNever = std::numeric_limits<double>::infinity();

    explicit MotionClock(MotionSettings settings = {});
    const MotionSettings& settings() const { return settings_; }

    // A new page is on screen from `now` (the rotation advanced, or the very
    // first page). `with_transition` false for the first page: nothing to
    // blend from. Starts the transition, the flag's waving and a background burst.
    void page_arrived(double now, bool with_transition = true);
    // The transition that started at the last page_arrived() starts again at
    // `now` (and the wave after it moves with it): the page cache prepared
    // the incoming page first, and the blend's first step must not be late.
    void restart_transition(double now);
    // A frame was drawn at `now`. `flag_on_screen`: it drew a flag through
    // add_flag (FlagRenderer::flags_in_frame() > 0); a page without one stops
    // the waving period at once so the loop goes back to sleep.
    void frame_drawn(double now, bool flag_on_screen);

    // Must the loop draw frames now (something moves, or one last frame is
    // owed to show the rest pose)?
    bool animating(double now) const;
    // When the next animation frame is due, on the caller's clock; kNever when
    // nothing moves. The loop sleeps until min(this, its other deadlines).
    double next_frame_due() const;

    // Inputs to the effects at `now`.
    float flag_time(double now) const;        // seconds into the wave; 0 = rest pose (and always in calm)
    float background_time(double now) const;  // seconds of background motion so far; constant between bursts
    // background_time() as of the background's last frame at its own pace
    // (background_fps ticks from the burst's start, and its end): the page
    // cache draws the paper at this time, so the frames a flag or a
    // transition needs in between leave the paper as it is and touch only
    // their own rectangles.
    float background_time_paced(double now) const;
    bool transition_running(double now) const;
    float transition_progress(double now) const;  // 0 → 1 over transition_seconds, linear (the shader eases)

private:
    double motion_end() const;  // when everything started so far has stopped moving
    bool transition_enabled() const;

    MotionSettings settings_;
    double transition_start_ = -kNever, transition_end_ = -kNever;
    double wave_start_ = -kNever, wave_end_ = -kNever;
    double burst_start_ = -kNever, burst_end_ = -kNever;
    double background_before_burst_ = 0;  // background seconds of the bursts before the current one
    double burst_speed_ = 1;              // background seconds per second of the current burst
    double background_banked_ = 0;        // bursts taken at turns whose light stood still, for the next step
    int turns_since_step_ = 0;            // turns since the light last stepped (background_turns_per_step)
    double last_frame_ = -kNever;
};

}  // namespace campus::kiosk::motion
