// Helpers the pages share: how the school writes numbers, months, grades,
// weekdays and dates; the page title bar; and the one pagination routine that
// both page_count() and draw() call, so the split they see is the same.
//
// Sections:
//   [words]      Chinese numerals, grade / month / weekday names, dates
//   [numbers]    numbers without a trailing ".0"
//   [flow]       splitting measured items into columns and pages
//   [title bar]  the page's own title, subtitle and "1/2" marker
//
// Thread safety: the pure functions may be called from any thread; the drawing
// helpers only on the render thread (they go through Canvas).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/canvas.hpp"
#include "sync/civil_time.hpp"

namespace campus::kiosk::pages {

// ---- [words] ---------------------------------------------------------------

// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (0..99; others as digits).
std::string chinese_numeral(int n);
// 3 → 三年级 (grades 1–12 as the school says them on its notices).
std::string grade_name(int grade);
// 11 → 十一月.
std::string month_name(int month);
// 0 (Monday) … 6 (Sunday) → 星期一 … 星期日.
std::string weekday_name(int iso_weekday_from_monday);
// 2026年11月
std::string year_month_text(int year, int month);
// 2026年11月18日
std::string date_text(const Date& date);
// 11月18日 星期三
std::string date_weekday_text(const Date& date);
// 09:05
std::string time_text(const TimeOfDay& time);

// ---- [numbers] -------------------------------------------------------------

// 3 → "3", 2.5 → "2.5", 98.25 → "98.25", 1/3 → "0.33", 0.0004 → "0.0004",
// 1e308 → "1e308": text::number_text (kiosk/text/number_text.hpp) has the rules.
std::string format_number(double value);
// "3 / 5 项", "80 / 100%" (a unit that is a symbol hugs the number).
std::string progress_text(double current, double target, std::string_view unit);

// ---- [flow] ----------------------------------------------------------------

// One item to place: its measured height, and whether it must stay in the same
// column as the item after it (a heading with its first row).
struct FlowItem {
    float height = 0;
    bool keep_with_next = false;
    // Extra height this item needs when it opens a column: room to repeat the
    // heading of the group it continues ("教学（续）"). 0 for none.
    float continuation = 0;
};

// A column holds items [first, last); a page holds consecutive columns.
struct FlowColumn {
    std::size_t first = 0;
    std::size_t last = 0;
    bool continued = false;  // opens with a continued group: draw its heading again
};
struct FlowPage {
    std::vector<FlowColumn> columns;
};

// Fills columns top to bottom, `columns_per_page` columns to a page, each
// column `column_height` tall with `gap` between items. An item taller than a
// whole column gets a column of its own (its block reports itself clipped, so
// the tests see it). Always returns at least one page when there are items.
std::vector<FlowPage> flow_into_pages(const std::vector<FlowItem>& items, float column_height, float gap,
                                      int columns_per_page);
// The same, but when everything fits on one page in several columns, the
// columns are evened out (12 + 12, not 22 + 2).
std::vector<FlowPage> flow_balanced(const std::vector<FlowItem>& items, float column_height, float gap,
                                    int columns_per_page);

// The same, but the items are spread evenly over the pages the full height
// needs: the shortest column height that needs no more pages, so a continued
// page is no stub (9 + 9 goals, not 16 + 2) and its second column is not left
// empty. On a single page the columns are evened out as flow_balanced() does.
std::vector<FlowPage> flow_even(const std::vector<FlowItem>& items, float column_height, float gap,
                                int columns_per_page);

// ---- [title bar] -----------------------------------------------------------

// The page's margins inside the area the app gives it (below its header).
Rect content_area(const Canvas& canvas, const Rect& area);

// The page's own title at TextStyle::title, an optional subtitle on the same
// band (right of the title when there is room, else beneath it), and the page
// marker "1/2" at the far right when there are several. Returns the area left
// below the band. measure_only = true computes the same geometry without
// drawing, so page_count() and draw() agree on the area that is left.
Rect title_bar(Canvas& canvas, const Rect& area, std::string_view title, std::string_view subtitle, int index,
               int count, bool measure_only);

// The marker's text: "1/2".
std::string page_marker(int index, int count);

// A short horizontal rule in the school's red under headings.
void accent_rule(Canvas& canvas, ImVec2 left, float width);

}  // namespace campus::kiosk::pages
