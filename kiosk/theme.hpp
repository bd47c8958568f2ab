// Colours of the campus screens. High contrast first: body text on the page
// background is ≥ 7:1 (WCAG AAA), because parents read it from the hall door.
// The red is the flag's red; gold marks honours.
#pragma once

#include <imgui.h>

namespace campus::kiosk::theme {

constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255) {
    return IM_COL32(r, g, b, a);
}

// Page: a deep, warm near-black would glow on LCDs in dark corridors; the
// school's screens hang in lit halls, so we use a light page with dark ink.
inline constexpr ImU32 page_background = rgb(0xFA, 0xF7, 0xF0);   // warm paper
inline constexpr ImU32 ink = rgb(0x1A, 0x1A, 0x1A);               // 16.9:1 on paper
inline constexpr ImU32 ink_secondary = rgb(0x40, 0x40, 0x40);     // 9.6:1 on paper
inline constexpr ImU32 panel = rgb(0xFF, 0xFF, 0xFF);
inline constexpr ImU32 panel_border = rgb(0xD8, 0xD2, 0xC4);
inline constexpr ImU32 header_background = rgb(0xB7, 0x1C, 0x1C); // school red
inline constexpr ImU32 header_ink = rgb(0xFF, 0xFF, 0xFF);        // 6.6:1 on red: header type is large (≥ 4.5:1 rule for large text)
inline constexpr ImU32 flag_red = rgb(0xDE, 0x29, 0x10);
inline constexpr ImU32 flag_red_dark = rgb(0x9E, 0x1B, 0x0B);
inline constexpr ImU32 flag_star = rgb(0xFF, 0xDE, 0x00);
inline constexpr ImU32 pole = rgb(0x6B, 0x5B, 0x4B);
inline constexpr ImU32 gold = rgb(0xB8, 0x86, 0x0B);
inline constexpr ImU32 holder_row = rgb(0xFD, 0xEC, 0xEA);        // flag holders' rows
inline constexpr ImU32 own_row = rgb(0xFF, 0xF4, 0xC2);           // the classroom's own class
inline constexpr ImU32 progress_fill = rgb(0x1B, 0x6E, 0x3A);
inline constexpr ImU32 progress_track = rgb(0xE4, 0xE0, 0xD6);
inline constexpr ImU32 up = rgb(0x1B, 0x6E, 0x3A);
inline constexpr ImU32 down = rgb(0xA0, 0x2B, 0x2B);
inline constexpr ImU32 status_warn = rgb(0x8A, 0x4B, 0x00);

}  // namespace campus::kiosk::theme
