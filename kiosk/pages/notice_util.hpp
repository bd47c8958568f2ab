// Words the announcement pages share (通知, the urgent banner, 紧急通知): finding
// a notice by id, and its dates and times as the school writes them, in the
// school's time zone.
//
// Thread safety: pure functions over an immutable Feed; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

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

}  // namespace campus::kiosk::pages
