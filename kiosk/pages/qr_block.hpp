// A notice's link as a QR code with its label (扫码查看详情), for the pages
// that show an announcement or an event. Sized to scan from 1.5 m: at least
// 24 % of the short side (≈ 260 px, 17 cm on a 55-inch 1080p screen; a phone
// reads a code from about ten times its width), whole pixels per module.
//
// Thread safety: render thread only (draws through Canvas).
#pragma once

#include <string>

#include "kiosk/canvas.hpp"

namespace campus::kiosk::pages {

// The block's width and height for `link` at this screen (the code and the label under it).
float qr_block_side(const Canvas& canvas);
float qr_block_height(const Canvas& canvas);

// Draws the code centred at the top of `box` and the label under it; returns
// the rectangle used. A link that cannot be encoded is logged and drawn as nothing.
Rect draw_qr_block(Canvas& canvas, const Rect& box, const std::string& link);

}  // namespace campus::kiosk::pages
