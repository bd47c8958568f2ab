// The urgent banner (紧急): a strip the app places between the header and the
// page while any `urgent` announcement targets this screen. It shows every
// urgent title, whole and wrapped, on every page; the strip grows to hold
// them rather than clip one.
//
//   ┌──────┬───────────────────────────────────────────────────────┐
//   │ 紧急 │ 秋冬季传染病高发，请落实晨检测温制度                    │
//   │      │ 本周五开展防火、防地震应急疏散演练                      │
//   └──────┴───────────────────────────────────────────────────────┘
//
// urgent_banner_height() and draw_urgent_banner() plan the strip the same
// way, so the height the app reserves is the height drawn.
//
// Thread safety: main (render) thread only (they measure through Canvas).
#pragma once

#include <vector>

#include "kiosk/canvas.hpp"
#include "kiosk/page.hpp"
#include "sync/feed.hpp"

namespace campus::kiosk {

// The strip's height at this width for these announcements (0 when there are
// none). Type steps down from subtitle to body to caption only when many
// titles would take more than a third of the screen; at the floor it is
// as tall as the titles need.
float urgent_banner_height(Canvas& canvas, float width, const std::vector<const Announcement*>& urgent);

// Draws the strip into `area` (its height from urgent_banner_height()).
void draw_urgent_banner(const PageContext& ctx, Canvas& canvas, const Rect& area,
                        const std::vector<const Announcement*>& urgent);

}  // namespace campus::kiosk
