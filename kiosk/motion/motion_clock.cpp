#include "kiosk/motion/motion_clock.hpp"

#include <algorithm>
#include <cmath>

#include "kiosk/motion/flag_renderer.hpp"

namespace campus::kiosk::motion {

MotionClock::MotionClock(MotionSettings settings) : settings_(settings) {
    // Nonsense from a config file must not make the loop spin or divide by zero.
    if (!(settings_.max_fps > 0)) settings_.max_fps = 30;
    if (!(settings_.background_fps > 0)) settings_.background_fps = 10;
    settings_.background_fps = std::min(settings_.background_fps, settings_.max_fps);
    if (!(settings_.transition_fps > 0)) settings_.transition_fps = 20;
    if (!(settings_.flag_fps > 0)) settings_.flag_fps = 15;
    settings_.transition_fps = std::min(settings_.transition_fps, settings_.max_fps);
    settings_.flag_fps = std::min(settings_.flag_fps, settings_.max_fps);
    settings_.transition_seconds = std::max(0.0, settings_.transition_seconds);
    settings_.background_burst_seconds = std::max(0.0, settings_.background_burst_seconds);
    settings_.flag_wave_periods = std::max(0, settings_.flag_wave_periods);
    settings_.background_turns_per_step = std::max(1, settings_.background_turns_per_step);
}

bool MotionClock::transition_enabled() const { return !settings_.calm && settings_.transition_seconds > 0; }

void MotionClock::page_arrived(double now, bool with_transition) {
    if (settings_.calm) return;
    const bool transition = with_transition && transition_enabled();
    if (transition) {
        transition_start_ = now;
        transition_end_ = now + settings_.transition_seconds;
    }
    // The flags wave once the page has landed: the transition blends two still pictures.
    wave_start_ = transition ? transition_end_ : now;
    wave_end_ = wave_start_ + settings_.flag_wave_periods * static_cast<double>(kFlagWavePeriod);
    if (settings_.background && settings_.background_burst_seconds > 0) {
        // Bank the previous burst (or the part of it that ran) so the light
        // resumes where it stopped instead of jumping.
        if (burst_start_ > -kNever)
            background_before_burst_ += (std::clamp(now, burst_start_, burst_end_) - burst_start_) * burst_speed_;
        // The shader takes float seconds, which lose milliseconds after a few
        // hours; a kiosk runs for months. Wrapping here, at a page change,
        // hides the jump in the transition.
        background_before_burst_ = std::fmod(background_before_burst_, 3600.0);
        burst_start_ = now;
        if (transition && settings_.background_in_transition) {
            // The whole burst at once, under the transition (see the header),
            // or banked for a later turn's step.
            background_banked_ += settings_.background_burst_seconds;
            if (++turns_since_step_ >= settings_.background_turns_per_step) {
                background_before_burst_ += background_banked_;
                background_banked_ = 0;
                turns_since_step_ = 0;
            }
            burst_end_ = now;
            burst_speed_ = 0;
        } else {
            burst_end_ = now + settings_.background_burst_seconds;
            burst_speed_ = 1;
        }
    }
}

void MotionClock::restart_transition(double now) {
    if (settings_.calm || !transition_running(now)) return;
    const double shift = now - transition_start_;
    if (wave_start_ == transition_end_) {
        wave_start_ += shift;
        wave_end_ += shift;
    }
    transition_start_ += shift;
    transition_end_ += shift;
}

void MotionClock::frame_drawn(double now, bool flag_on_screen) {
    last_frame_ = now;
    if (!flag_on_screen && now < wave_end_) wave_end_ = std::min(wave_end_, std::max(wave_start_, now));
}

double MotionClock::motion_end() const {
    return std::max({transition_end_, wave_end_, burst_end_});
}

bool MotionClock::animating(double now) const {
    if (settings_.calm) return false;
    const double end = motion_end();
    return now < end || last_frame_ < end;  // the second: the frame showing the rest pose is still owed
}

double MotionClock::next_frame_due() const {
    if (settings_.calm) return kNever;
    const double end = motion_end();
    if (last_frame_ >= end) return kNever;
    const double fps = last_frame_ < transition_end_ ? settings_.transition_fps
                       : last_frame_ < wave_end_      ? settings_.flag_fps
                                                      : settings_.background_fps;
    // The first frame of a wave that starts when a transition lands is due then, not a step later.
    double due = last_frame_ + 1.0 / fps;
    if (last_frame_ < wave_start_ && wave_start_ < wave_end_) due = std::min(due, std::max(wave_start_, last_frame_));
    return std::min(due, end);
}

float MotionClock::flag_time(double now) const {
    if (settings_.calm || now < wave_start_ || now >= wave_end_) return 0.0f;
    return static_cast<float>(now - wave_start_);
}

float MotionClock::background_time(double now) const {
    if (settings_.calm || burst_start_ == -kNever) return static_cast<float>(background_before_burst_);
    const double in_burst = (std::clamp(now, burst_start_, burst_end_) - burst_start_) * burst_speed_;
    return static_cast<float>(background_before_burst_ + in_burst);
}

float MotionClock::background_time_paced(double now) const {
    // A burst inside a transition follows every frame: they are all drawn whole.
    if (settings_.calm || burst_start_ == -kNever || now <= burst_start_ || now >= burst_end_)
        return background_time(now);
    const double ticks = std::floor((now - burst_start_) * settings_.background_fps);
    return background_time(burst_start_ + ticks / settings_.background_fps);
}

bool MotionClock::transition_running(double now) const {
    return !settings_.calm && now >= transition_start_ && now < transition_end_;
}

float MotionClock::transition_progress(double now) const {
    if (!transition_running(now)) return 1.0f;
    return static_cast<float>(std::clamp((now - transition_start_) / settings_.transition_seconds, 0.0, 1.0));
}

}  // namespace campus::kiosk::motion
