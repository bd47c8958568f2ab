// How a number from the feed reads on the screen: a score, a total, a gap to
// the flag, a goal's progress. One function, so every page prints 98.25 the
// same way and none of them prints "inf", "0" for 0.0004, or a total cut off
// at a buffer's edge.
//
// Thread safety: pure; call it from any thread.
#pragma once

#include <string>

namespace campus::kiosk::text {

// The rules, from the everyday case outwards:
//  - 1 ≤ |v| < 10^15: the whole number part in full and at most two decimals,
//    rounded, never a trailing zero ("3", "2.5", "98.25", "1234567.89"):
//    "95.0" reads as a different number from across a hallway, and a third
//    decimal of a weighted total is noise;
//  - 10^-6 ≤ |v| < 1: two significant digits, so a small value never shows
//    as "0" ("0.33", "0.05", "0.0004", "0.00045");
//  - 0 (and -0) is "0";
//  - anything larger or smaller: six significant digits and a power of ten,
//    "1e308", "1.79769e308", "1.5e-7" (honest, and short enough for a cell);
//  - not a number or infinite (the feed reader refuses both; a computed value
//    might not be): "–".
std::string number_text(double value);

}  // namespace campus::kiosk::text
