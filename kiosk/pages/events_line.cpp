// The soonest coming event in one line: see events_line.hpp.
#include "kiosk/pages/events_line.hpp"

#include "kiosk/pages/page_util.hpp"
#include "sync/calendar.hpp"

namespace campus::kiosk {

std::string next_events_line(const PageContext& ctx) {
    const std::vector<ComingEvent> events = coming_events(ctx.feed, ctx.now);
    if (events.empty()) return {};
    const ComingEvent& next = events.front();
    // append, not operator+ chains: GCC 12 warns falsely (-Wrestrict) on those.
    std::string line = next.event->title;
    line.append(" · ");
    if (next.days_left == 0) {
        line.append("今天");
        // Today, the hour is what people need (the countdown says nothing more).
        if (next.event->time) line.append(" ").append(pages::time_text(*next.event->time));
    } else if (next.days_left == 1) {
        line.append("明天");
    } else {
        line.append("还有 ").append(std::to_string(next.days_left)).append(" 天");
    }
    return line;
}

}  // namespace campus::kiosk
