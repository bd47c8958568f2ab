// Words the announcement pages share (通知, the urgent banner, 紧急通知): finding
// a notice by id, and its dates and times as the school writes them, in the
// school's time zone.
//
// Thread safety: pure functions over an immutable Feed; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/canvas.hpp"
#include "sync/calendar.hpp"
#include "sync/feed.hpp"

namespace campus::kiosk::pages {

// The announcement with this id, or null when the feed no longer has it.
const Announcement* find_announcement(const Feed& feed, std::string_view id);

// "11月20日—11月27日", "11月20日起", "至11月27日", "" (no window). The year is
// written only when it is not `today`'s. `until` is exclusive: a window that
// ends at 00:00 ends with the day before.
std::string window_text(const Feed& feed, const Announcement& announcement, Date today);

// "今天 09:30", "昨天 18:00", "11月16日 07:00", "2025年11月16日 07:00".
std::string moment_text(const Feed& feed, Instant when, Date today);

// The same text in the same number of lines, re-wrapped at the narrowest
// width that keeps that number, so a headline never ends on a lone character
// ("暴雨红色预警：今天下午停 / 课" becomes two even lines). Render thread only.
TextBlock balance_lines(const Canvas& canvas, const TextBlock& block);

// A block holding lines [first, last) of `whole`, its text those lines: a long
// body shown over several screens, each recorded in the layout report as what
// that screen drew.
TextBlock slice_lines(const Canvas& canvas, const TextBlock& whole, std::size_t first, std::size_t last);

// A notice's body as the screen sets it: a run of blank lines (empty, or only
// spaces, tabs and U+3000) is one paragraph break, and blank lines before the
// first and after the last line of text are dropped. Offices paste from Word
// and WeChat, where a dozen empty lines are a habit, not a message; on a
// screen they would be whole empty pages.
std::string body_text(std::string_view body);
// True for a line with nothing to draw (empty, or only spaces).
bool is_blank_line(std::string_view line);

// `whole`'s lines cut into screens of at most `lines_per_screen` (≥ 1) lines,
// in order, each a slice_lines() block. A screen never starts or ends with a
// blank line, and a screen of blank lines only is never made, so a body never
// paginates into an empty page. A body with no text gives no screens.
std::vector<TextBlock> split_into_screens(const Canvas& canvas, const TextBlock& whole, std::size_t lines_per_screen);

}  // namespace campus::kiosk::pages
