// The frame around the pages: the header (always on screen), the notice line
// under it, and the thin footer with the rotation's dots.
//
//   ┌──────────────────────────────────────────────────────────────┐
//   │ 实验小学                                               10:00 │  header (school red)
//   │ 2026—2027学年第一学期 第12周              2026年11月18日 星期三 │
//   ├──────────────────────────────────────────────────────────────┤
//   │ 本学期已结束，显示最近数据          离线 · 数据更新于 11月6日 07:30 │  notice line (only when needed)
//   │                          page area                           │
//   │                          · ● · ·                             │  footer
//   └──────────────────────────────────────────────────────────────┘
//
// HeaderModel holds the words (pure, unit-testable); draw_* place them.
// Thread safety: header_model() anywhere; draw_* on the render thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kiosk/canvas.hpp"
#include "sync/civil_time.hpp"
#include "sync/feed.hpp"
#include "sync/calendar.hpp"
#include "sync/standings.hpp"
#include "sync/sync_state.hpp"

namespace campus::kiosk {

struct HeaderModel {
    std::string school;       // empty while waiting for the first feed
    std::string school_short; // used when the full name does not fit on one line; may be empty
    std::string term_line;    // "2026—2027学年第一学期 第12周" (no week outside the term)
    std::string date_line;    // "2026年11月18日 星期三"
    std::string time_line;    // "10:00"
    std::string status_mark;  // "离线 · 数据更新于 11月6日 07:30"; empty when fresh
    std::vector<std::string> notices;  // term phase, first round not started, sample data
    bool operator==(const HeaderModel&) const = default;
};

// `feed` may be null (waiting screen: date and time in Asia/Shanghai, the
// contract's default zone). `sample` marks the bundled sample feed.
HeaderModel header_model(const Feed* feed, const SyncState& sync, Instant now, bool sample);
// The same from facts already derived (ScreenModel): the school day and every
// competition's standings, feed order (`standings` may be empty without a feed).
HeaderModel header_model(const Feed* feed, const SyncState& sync, Instant now, bool sample, const SchoolDay* day,
                         const std::vector<CompetitionStandings>& standings);

// "11月6日 07:30": a stamp in the wall time of the office that made it.
std::string stamp_text(const ZonedStamp& stamp);

// Draws the header and, when there is anything to say, the notice line.
// Returns the area left below them. `bleed` extends the red band's fill that
// far beyond `screen` on the top, left and right (the burn-in safe area is
// inset from the real screen; the band must still reach its edges).
// `band`, when given, receives the red band's rectangle (bleed included):
// all a minute's tick changes on screen (the page cache redraws just that).
Rect draw_header(Canvas& canvas, const HeaderModel& model, const Rect& screen, float bleed = 0, Rect* band = nullptr);

// The footer's height: the same whether or not it has dots, so a page's area
// does not depend on how many pages there are.
float footer_height(const Canvas& canvas);
// Draws the footer into `footer`: one dot per rotation entry, the current one
// filled (or "3/12" when there are too many for dots); no dots with fewer than
// two entries. `events_line` ("校运动会 · 还有 8 天", next_events_line()) goes at
// its left when it fits whole beside the dots; otherwise it is left out (the
// events page has it).
void draw_footer(Canvas& canvas, const Rect& footer, std::size_t position, std::size_t count,
                 const std::string& events_line = {});

// The calm screen while no feed has arrived yet. `detail` is a second line
// ("" for none), e.g. that the server cannot be reached.
void draw_waiting(Canvas& canvas, const Rect& area, const std::string& detail);

// What the screen with nothing to show says, from the sync side's state: that
// it waits, that the server cannot be reached, or, when the school's answer
// was refused, why, in words a passer-by can act on ("数据签名不符，请联系学校
// 管理员"), with the technical reason for whoever fixes it in small type.
struct WaitingWords {
    std::string headline;   // title size
    std::string detail;     // caption; "" for none
    std::string technical;  // caption, secondary ink; "" for none (the sync side's last_error)
};
WaitingWords waiting_words(const SyncState& sync);
void draw_waiting(Canvas& canvas, const Rect& area, const WaitingWords& words);

}  // namespace campus::kiosk
