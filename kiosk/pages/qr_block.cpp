// A link as a QR code with its label. See qr_block.hpp.
#include "kiosk/pages/qr_block.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "kiosk/theme.hpp"
#include "picture/qr.hpp"

namespace campus::kiosk::pages {

namespace {
constexpr const char* kLabel = "扫码查看详情";
}

float qr_block_side(const Canvas& canvas) { return std::ceil(canvas.metrics().short_side() * 0.24f); }

float qr_block_height(const Canvas& canvas) {
    return qr_block_side(canvas) + canvas.metrics().unit() + canvas.line_height(TextStyle::body);
}

Rect draw_qr_block(Canvas& canvas, const Rect& box, const std::string& link) {
    const auto code = picture::encode_qr(link);
    if (!code.ok()) {
        spdlog::warn("QR code for {}: {}; not shown", link, code.error);
        return Rect{box.x, box.y, 0, 0};
    }
    const float side = std::min(qr_block_side(canvas), box.w);
    const Rect square{box.x + (box.w - side) * 0.5f, box.y, side, side};
    const Rect drawn = canvas.qr_code(code.value->dark, code.value->size, picture::kQrQuietModules, square, link);
    const TextBlock label = canvas.layout(kLabel, TextStyle::body, box.w);
    const Rect label_rect = canvas.draw(label, ImVec2(box.x, drawn.bottom() + canvas.metrics().unit()),
                                        theme::ink_secondary, Align::center, box.w);
    return Rect{box.x, box.y, box.w, label_rect.bottom() - box.y};
}

}  // namespace campus::kiosk::pages
