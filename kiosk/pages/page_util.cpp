// Shared page helpers: see page_util.hpp for the index of sections.
#include "kiosk/pages/page_util.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "kiosk/text/number_text.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk::pages {

// ---- [words] ---------------------------------------------------------------

namespace {
constexpr std::array<const char*, 10> kDigits = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
}

std::string chinese_numeral(int n) {
    if (n < 0 || n > 99) return std::to_string(n);
    if (n < 10) return kDigits[static_cast<std::size_t>(n)];
    const int tens = n / 10;
    const int ones = n % 10;
    std::string out;
    // 十二, not 一十二: the tens digit 1 is silent in everyday speech.
    if (tens > 1) out += kDigits[static_cast<std::size_t>(tens)];
    out += "十";
    if (ones != 0) out += kDigits[static_cast<std::size_t>(ones)];
    return out;
}

std::string grade_name(int grade) { return chinese_numeral(grade) + "年级"; }

std::string month_name(int month) { return chinese_numeral(month) + "月"; }

std::string weekday_name(int iso_weekday_from_monday) {
    static constexpr std::array<const char*, 7> kNames = {"星期一", "星期二", "星期三", "星期四",
                                                          "星期五", "星期六", "星期日"};
    const int i = ((iso_weekday_from_monday % 7) + 7) % 7;
    return kNames[static_cast<std::size_t>(i)];
}

std::string year_month_text(int year, int month) {
    return std::to_string(year) + "年" + std::to_string(month) + "月";
}

std::string date_text(const Date& date) {
    return year_month_text(date.year, date.month) + std::to_string(date.day) + "日";
}

std::string date_weekday_text(const Date& date) {
    return std::to_string(date.month) + "月" + std::to_string(date.day) + "日 " + weekday_name(date.weekday());
}

std::string time_text(const TimeOfDay& time) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d:%02d", time.hour % 100, time.minute % 100);
    return buffer;
}

// ---- [numbers] -------------------------------------------------------------

// One formatter for every number from the feed (kiosk/text/number_text.hpp).
std::string format_number(double value) { return text::number_text(value); }

std::string progress_text(double current, double target, std::string_view unit) {
    std::string text = format_number(current) + " / " + format_number(target);
    if (unit.empty()) return text;
    // A symbol (%, ‰) hugs its number; a word unit (所, 项, 人次) gets a space.
    const bool symbol = unit == "%" || unit == "％" || unit == "‰";
    if (!symbol) text += ' ';
    text.append(unit);
    return text;
}

// ---- [flow] ----------------------------------------------------------------

std::vector<FlowPage> flow_into_pages(const std::vector<FlowItem>& items, float column_height, float gap,
                                      int columns_per_page) {
    std::vector<FlowPage> pages;
    if (items.empty()) return pages;
    columns_per_page = std::max(1, columns_per_page);

    // First cut the items into columns, then group the columns into pages.
    std::vector<FlowColumn> columns;
    std::size_t i = 0;
    while (i < items.size()) {
        FlowColumn column{i, i, items[i].continuation > 0};
        float used = column.continued ? items[i].continuation : 0;
        while (i < items.size()) {
            // An item that keeps with the next one is placed only together with
            // the whole chain that follows it (a heading and its first row).
            std::size_t chain_end = i;
            float chain_height = items[i].height;
            while (items[chain_end].keep_with_next && chain_end + 1 < items.size()) {
                ++chain_end;
                chain_height += gap + items[chain_end].height;
            }
            const float needed = (column.last == column.first ? 0 : gap) + chain_height;
            if (used + needed <= column_height + 0.5f) {
                used += needed;
                i = chain_end + 1;
                column.last = i;
                continue;
            }
            if (column.last == column.first) {
                // Not even the chain fits an empty column: place its first item
                // alone, so no column is ever empty and the loop always advances.
                used += items[i].height;
                ++i;
                column.last = i;
                continue;
            }
            break;
        }
        columns.push_back(column);
    }
    for (std::size_t c = 0; c < columns.size(); c += static_cast<std::size_t>(columns_per_page)) {
        FlowPage page;
        const std::size_t end = std::min(columns.size(), c + static_cast<std::size_t>(columns_per_page));
        page.columns.assign(columns.begin() + static_cast<std::ptrdiff_t>(c),
                            columns.begin() + static_cast<std::ptrdiff_t>(end));
        pages.push_back(std::move(page));
    }
    return pages;
}

std::vector<FlowPage> flow_balanced(const std::vector<FlowItem>& items, float column_height, float gap,
                                    int columns_per_page) {
    std::vector<FlowPage> pages = flow_into_pages(items, column_height, gap, columns_per_page);
    if (pages.size() != 1 || pages[0].columns.size() < 2) return pages;
    float total = 0, tallest = 0;
    for (const FlowItem& item : items) {
        total += item.height + gap;
        tallest = std::max(tallest, item.height);
    }
    // Shorten the columns step by step from the even share upwards; the first
    // height that still fits one page with no more columns is the most even.
    const std::size_t used = pages[0].columns.size();
    const float step = std::max(1.0f, tallest / 4);
    for (float h = std::max(tallest, total / float(used)); h < column_height; h += step) {
        std::vector<FlowPage> balanced = flow_into_pages(items, h, gap, columns_per_page);
        if (balanced.size() == 1 && balanced[0].columns.size() <= used) return balanced;
    }
    return pages;
}

std::vector<FlowPage> flow_even(const std::vector<FlowItem>& items, float column_height, float gap,
                                int columns_per_page) {
    std::vector<FlowPage> pages = flow_into_pages(items, column_height, gap, columns_per_page);
    if (pages.size() <= 1) return flow_balanced(items, column_height, gap, columns_per_page);
    // Fewer items a column means more columns, never fewer: search the
    // shortest column that keeps the page count, to a pixel. The greedy fill
    // is monotone in the height for all practical inputs; the search keeps
    // only heights it has seen work, so it never returns more pages.
    float tallest = 0;
    for (const FlowItem& item : items) tallest = std::max(tallest, item.height + item.continuation);
    float lo = std::min(tallest, column_height), hi = column_height;
    for (int step = 0; step < 24 && hi - lo > 1.0f; ++step) {
        const float mid = (lo + hi) / 2;
        if (flow_into_pages(items, mid, gap, columns_per_page).size() <= pages.size())
            hi = mid;
        else
            lo = mid;
    }
    return flow_into_pages(items, hi, gap, columns_per_page);
}

// ---- [title bar] -----------------------------------------------------------

Rect content_area(const Canvas& canvas, const Rect& area) {
    const float u = canvas.metrics().unit();
    return Rect{area.x + 3 * u, area.y + 2.5f * u, area.w - 6 * u, area.h - 5 * u};
}

std::string page_marker(int index, int count) {
    return std::to_string(index + 1) + "/" + std::to_string(count);
}

void accent_rule(Canvas& canvas, ImVec2 left, float width) {
    const float u = canvas.metrics().unit();
    canvas.fill(Rect{left.x, left.y, width, std::max(2.0f, 0.5f * u)}, theme::flag_red, 0.25f * u);
}

Rect title_bar(Canvas& canvas, const Rect& area, std::string_view title, std::string_view subtitle, int index,
               int count, bool measure_only) {
    const float u = canvas.metrics().unit();
    const float gap = 2.5f * u;

    // The marker first: the title wraps in what is left beside it.
    // The marker's room is kept even on a single page, so the band's geometry
    // does not depend on the page count (page_count() measures it first).
    TextBlock marker;
    if (count > 1) marker = canvas.layout(page_marker(index, count), TextStyle::subtitle, area.w);
    const float marker_w = std::max(marker.width, canvas.layout("10/10", TextStyle::subtitle, area.w).width) + gap;
    const TextBlock title_block = canvas.layout(title, TextStyle::title, std::max(1.0f, area.w - marker_w));
    float band_h = title_block.height;

    // The subtitle sits right of the title when it fits on one line there, so
    // the page keeps its height for content; otherwise it goes beneath.
    TextBlock sub_block;
    bool sub_beside = false;
    if (!subtitle.empty()) {
        const float beside_w = area.w - marker_w - title_block.width - gap;
        const TextBlock one_line = canvas.layout(subtitle, TextStyle::subtitle, 1e6f);
        if (title_block.lines.size() == 1 && beside_w > 0 && one_line.width <= beside_w) {
            sub_block = one_line;
            sub_beside = true;
        } else {
            sub_block = canvas.layout(subtitle, TextStyle::subtitle, std::max(1.0f, area.w - marker_w));
            band_h += 0.5f * u + sub_block.height;
        }
    }
    const float rule_gap = 1.2f * u;
    const float band_bottom = area.y + band_h + rule_gap;

    if (!measure_only) {
        canvas.draw(title_block, {area.x, area.y}, theme::ink);
        if (!sub_block.text.empty()) {
            if (sub_beside) {
                // Bottom-align with the title's last line: the eye reads one band.
                const float y = area.y + title_block.height - sub_block.height;
                canvas.draw(sub_block, {area.x + title_block.width + gap, y}, theme::ink_secondary);
            } else {
                canvas.draw(sub_block, {area.x, area.y + title_block.height + 0.5f * u}, theme::ink_secondary);
            }
        }
        if (count > 1) {
            const float y = area.y + (title_block.lines.size() == 1 ? title_block.height - marker.height : 0);
            canvas.draw(marker, {area.right() - marker.width, y}, theme::ink_secondary);
        }
        canvas.fill(Rect{area.x, band_bottom, area.w, std::max(1.0f, 0.15f * u)}, theme::panel_border);
        accent_rule(canvas, {area.x, band_bottom - 0.25f * u}, std::min(area.w, 10.0f * u));
    }
    const float top = band_bottom + gap;
    return Rect{area.x, top, area.w, std::max(0.0f, area.bottom() - top)};
}

}  // namespace campus::kiosk::pages
