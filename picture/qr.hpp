// QR codes for a notice's `link` (扫码查看详情), through libqrencode: the
// modules only; the screen draws them as crisp squares (kiosk/pages/qr_block).
//
// Level M (15 % of the code may be lost: a glare on the glass, a smudge) in
// 8-bit mode, the smallest version that holds the URL; a 2,000-character
// link still fits (version 40 holds 2,331 bytes at M).
//
// Thread safety: encode_qr is reentrant (libqrencode is, without its
// deprecated global state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "picture/picture.hpp"

namespace campus::picture {

struct QrCode {
    int size = 0;                 // modules per side, without the quiet zone
    std::vector<std::uint8_t> dark;  // size × size, row by row: 1 = dark module
    bool is_dark(int x, int y) const { return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x)] != 0; }
};

// The standard's quiet zone: 4 light modules on every side.
constexpr int kQrQuietModules = 4;

Result<QrCode> encode_qr(std::string_view text);

}  // namespace campus::picture
