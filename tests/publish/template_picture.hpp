// The template's one example picture (照片/运动会.jpg, named on its 活动 and
// 校园风采 rows), made as a school would supply it: `kiosk-feed template`
// writes only the workbook, so a test that builds the template puts this
// beside it first (publish/workbook_template.cpp).
//
// Thread safety: writes a file; one call per test folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "picture/picture.hpp"

namespace campus::test_support {

inline constexpr const char* template_example_picture = "照片/运动会.jpg";

// A small real JPEG (a green field under a blue sky) at folder/照片/运动会.jpg.
inline void put_template_example_picture(const std::filesystem::path& folder) {
    picture::Image image;
    image.width = 320;
    image.height = 240;
    image.rgba.resize(static_cast<std::size_t>(image.width) * image.height * 4);
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) {
            std::uint8_t* p = &image.rgba[(static_cast<std::size_t>(y) * image.width + x) * 4];
            const bool sky = y < image.height / 3;
            p[0] = sky ? 90 : 40;
            p[1] = sky ? 150 : 160;
            p[2] = sky ? 230 : 60;
            p[3] = 255;
        }
    const std::filesystem::path path = folder / std::filesystem::u8path(template_example_picture);
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << *picture::encode_jpeg(image, 85).value;
}

}  // namespace campus::test_support
