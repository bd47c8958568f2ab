// What a clerk's cell means: numbers, dates, times, lists and class names read
// the way the workbook contract (shared/workbook-contract.md) allows them to be
// written, whether the cell is a typed Excel value or text typed by hand.
//
// Each reader returns the value or a message in Chinese that says what is wrong
// with the cell and how to write it; the caller adds the cell's place.
//
// Thread safety: pure functions, reentrant.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "publish/workbook.hpp"
#include "sync/civil_time.hpp"

namespace campus::publish {

// A value, or what is wrong with the cell (Chinese, without the cell's place).
template <typename T>
struct CellValue {
    std::optional<T> value;
    std::string error;  // set when value is empty and the cell is not usable
    explicit operator bool() const { return value.has_value(); }
    const T& operator*() const { return *value; }
    const T* operator->() const { return &*value; }
};

// Names as the contract compares them: surrounding spaces (ASCII and U+3000)
// trimmed, full-width brackets and colons folded to ASCII, ASCII letters lower
// case (for the English aliases). "  班级（名称）：" → "班级(名称):".
std::string fold_name(std::string_view name);

// Full-width digits, point, signs, colon, slash and space folded to ASCII, and
// surrounding spaces trimmed: what a clerk typing with a Chinese input method
// means by "２０．５" is 20.5.
std::string fold_width(std::string_view text);

// Trims ASCII whitespace and U+3000 at both ends.
std::string_view trim(std::string_view text);

// The shortest text that reads back as the same number: 20, 17.5.
std::string format_number(double value);

// A cell as text: text cells as typed (trimmed), whole numbers without ".0"
// (a 编号 typed as 301), booleans as TRUE/FALSE. Empty for empty cells.
std::string cell_text(const Cell& cell);

// The problem with a cell whose value cannot be used at all, or "" when none:
// a formula saved without its result, an error value such as #DIV/0!.
std::string unusable_cell(const Cell& cell);

// A number cell, or text holding a number (full-width digits too).
CellValue<double> cell_number(const Cell& cell);

// A date: a date cell (an Excel serial in the workbook's date system), or text
// 2023-09-01, 2023/9/1, 2023.9.1, 2023年9月1日. A time after the date is
// allowed and dropped.
CellValue<Date> cell_date(const Cell& cell, bool date1904);

// A date with an optional time of day: the text forms of cell_date followed by
// " 07:30" or "7:30" (seconds allowed), or a date-time cell.
struct DateAndTime {
    Date date;
    std::optional<TimeOfDay> time;
};
CellValue<DateAndTime> cell_date_time(const Cell& cell, bool date1904);

// A time of day: a time cell (a serial's fraction), or text 7:30, 07:30:00.
CellValue<TimeOfDay> cell_time(const Cell& cell, bool date1904);

// A list inside one cell: one item per line, or separated by 、 ， , ； ;.
// Items are trimmed; empty items are dropped. `lines_first`: a cell with
// line breaks is split at them only, so sentences (a habit's tips) keep their
// commas; `lines`: the same for a cell known to hold a line break that
// trimming took away (one tip and a final break: "穿校服、佩戴红领巾⏎" is one
// tip); `any`: every separator splits (names: targets, criteria).
enum class ListSplit { lines_first, lines, any };
std::vector<std::string> split_list(std::string_view text, ListSplit split = ListSplit::lines_first);

// A small number written in Han numerals as people say them (一, 十, 十四,
// 二十, 九十九: 1..99) or in digits (ASCII or full-width, up to 999).
std::optional<int> small_number(std::string_view text);

// A class as people name it: 三年级二班, 初一（3）班, 一年级1班, 3年级2班, 三（2）班,
// 高二5班, 七年级(1)班. Grades: 一…十二年级, 初一–初三 = 7–9, 高一–高三 = 10–12.
struct ClassName {
    int grade = 0;   // 1..12
    int number = 0;  // 1..999
};
std::optional<ClassName> parse_class_name(std::string_view name);

// A grade as people name it: 三年级, 3年级, 初一, 高二, 七年级 → 1..12.
std::optional<int> parse_grade_name(std::string_view name);

// A month: 2023-09, 2023/9, 2023年9月, a date cell or date text (its month).
// When the cell gives only a month (九月, 9月, 9), `term_start`..`term_end`
// decide the year: the one month of that number inside the term.
CellValue<YearMonth> cell_month(const Cell& cell, bool date1904, Date term_start, Date term_end);

}  // namespace campus::publish
