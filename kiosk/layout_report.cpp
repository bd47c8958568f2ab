// LayoutReport: the JSON that `--dump` writes beside each screenshot.
#include "kiosk/layout_report.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace campus::kiosk {

void LayoutReport::reset(std::string page, int width, int height) {
    page_ = std::move(page);
    width_ = width;
    height_ = height;
    part_ = "page";
    has_page_area_ = false;
    entries_.clear();
    pictures_.clear();
}

nlohmann::json LayoutReport::to_json() const {
    nlohmann::json texts = nlohmann::json::array();
    for (const LayoutEntry& e : entries_) {
        nlohmann::json entry = {
            {"text", e.text},
            {"lines", e.lines},
            {"rect", {e.rect.x, e.rect.y, e.rect.w, e.rect.h}},
            {"px", e.px},
            {"clipped", e.clipped},
            {"part", e.part},
            {"missing", e.missing},
        };
        // Empty `drawn` means "as given", unless nothing at all was drawn of a text.
        if (!e.drawn.empty() || (e.lines.empty() && !e.text.empty())) entry["drawn"] = e.drawn;
        texts.push_back(std::move(entry));
    }
    nlohmann::json area = nullptr;
    if (has_page_area_) area = {page_area_.x, page_area_.y, page_area_.w, page_area_.h};
    nlohmann::json pictures = nlohmann::json::array();
    for (const PictureEntry& p : pictures_) {
        pictures.push_back({
            {"kind", p.kind},
            {"name", p.name},
            {"rect", {p.rect.x, p.rect.y, p.rect.w, p.rect.h}},
            {"pixels", {p.pixels_w, p.pixels_h}},
            {"drawn", p.drawn},
        });
    }
    return {{"page", page_},
            {"size", {width_, height_}},
            {"page_area", std::move(area)},
            {"texts", std::move(texts)},
            {"pictures", std::move(pictures)}};
}

void LayoutReport::write(const std::filesystem::path& path) const {
    // Feed text reaching here has been through the text layer, but a cached
    // feed may still hold ill-formed UTF-8: replace rather than throw mid-dump.
    const std::string body = to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write layout report " + path.string() + ": " + std::strerror(errno));
    out << body << '\n';
    out.flush();
    if (!out) throw std::runtime_error("cannot write layout report " + path.string() + ": write failed");
}

}  // namespace campus::kiosk
