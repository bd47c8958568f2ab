// One line about the soonest coming event, for the header or footer when
// there is room: "秋季田径运动会 · 还有 8 天". The events page has the full list.
//
// Thread safety: pure function over the context's immutable feed; any thread.
#pragma once

#include <string>

#include "kiosk/page.hpp"

namespace campus::kiosk {

// "校运动会 · 还有 12 天", "校运动会 · 明天", "校运动会 · 今天 08:00";
// "" when nothing is coming.
std::string next_events_line(const PageContext& ctx);

}  // namespace campus::kiosk
