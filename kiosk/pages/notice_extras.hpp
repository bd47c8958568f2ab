// A notice's photo and its link's QR code, beside its text: on the right on a
// landscape screen, under the text on a portrait one. The announcement page
// uses it; any page that shows one announcement or event may.
//
// Thread safety: render thread only (draws through Canvas).
#pragma once

#include <string>

#include "kiosk/canvas.hpp"
#include "kiosk/page.hpp"

namespace campus::kiosk::pages {

struct NoticeSplit {
    Rect text;  // what is left for the notice's own words
    Rect side;  // the photo and the QR code; empty (w or h 0) when there is neither
};

// Splits `content` when the notice has an `image` that can be shown or a `link`.
NoticeSplit split_for_extras(const PageContext& ctx, const Canvas& canvas, const Rect& content,
                             const std::string& image, const std::string& link);

// Draws the photo (fitted, never stretched) and the QR code with its label into `side`.
void draw_notice_extras(const PageContext& ctx, Canvas& canvas, const Rect& side, const std::string& image,
                        const std::string& link);

}  // namespace campus::kiosk::pages
