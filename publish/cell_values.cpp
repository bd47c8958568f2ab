// What a clerk's cell means (see cell_values.hpp).
//
// [SECTION] Text: width folding, trimming, names
// [SECTION] Numbers
// [SECTION] Dates, times, months
// [SECTION] Lists, Han numerals, class and grade names
#include "publish/cell_values.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <span>

namespace campus::publish {

//-----------------------------------------------------------------------------
// [SECTION] Text: width folding, trimming, names
//-----------------------------------------------------------------------------

namespace {

// Decodes the UTF-8 sequence at text[i]; returns its length (1 for a stray byte).
std::size_t decode(std::string_view text, std::size_t i, char32_t& cp) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    auto cont = [&](std::size_t k) {
        return i + k < text.size() && (static_cast<unsigned char>(text[i + k]) & 0xC0u) == 0x80u;
    };
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    if ((b0 & 0xE0u) == 0xC0u && cont(1)) {
        cp = (char32_t(b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
        return 2;
    }
    if ((b0 & 0xF0u) == 0xE0u && cont(1) && cont(2)) {
        cp = (char32_t(b0 & 0x0Fu) << 12) | (char32_t(static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
             (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
        return 3;
    }
    if ((b0 & 0xF8u) == 0xF0u && cont(1) && cont(2) && cont(3)) {
        cp = (char32_t(b0 & 0x07u) << 18) | (char32_t(static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 12) |
             (char32_t(static_cast<unsigned char>(text[i + 2]) & 0x3Fu) << 6) |
             (static_cast<unsigned char>(text[i + 3]) & 0x3Fu);
        return 4;
    }
    cp = 0xFFFD;
    return 1;
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

}  // namespace

std::string_view trim(std::string_view text) {
    for (bool again = true; again && !text.empty();) {
        again = false;
        if (is_ascii_space(text.front())) {
            text.remove_prefix(1);
            again = true;
        } else if (text.substr(0, 3) == "\u3000" || text.substr(0, 3) == "\uFEFF") {
            text.remove_prefix(3);
            again = true;
        }
    }
    for (bool again = true; again && !text.empty();) {
        again = false;
        if (is_ascii_space(text.back())) {
            text.remove_suffix(1);
            again = true;
        } else if (text.size() >= 3 && text.substr(text.size() - 3) == "\u3000") {
            text.remove_suffix(3);
            again = true;
        }
    }
    return text;
}

std::string fold_width(std::string_view text) {
    text = trim(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        if (b0 < 0x80) {  // the common case, byte by byte
            out += text[i++];
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = decode(text, i, cp);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            out += static_cast<char>(cp - 0xFEE0);  // the full-width forms of ASCII '!'..'~'
        } else if (cp == 0x3000) {
            out += ' ';
        } else if (cp == 0x3010 || cp == 0x3014) {  // 【 〔
            out += '[';
        } else if (cp == 0x3011 || cp == 0x3015) {  // 】 〕
            out += ']';
        } else {
            out.append(text.substr(i, len));
        }
        i += len;
    }
    return out;
}

std::string fold_name(std::string_view name) {
    std::string out = fold_width(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    // Spaces inside a name ("每周 名额") are as meaningless as around it.
    std::string compact;
    compact.reserve(out.size());
    for (char c : out)
        if (!is_ascii_space(c)) compact += c;
    return compact;
}

std::string format_number(double value) {
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc()) return std::to_string(value);
    return std::string(buffer, end);
}

std::string cell_text(const Cell& cell) {
    switch (cell.kind) {
        case Cell::Kind::empty: return {};
        case Cell::Kind::text:
        case Cell::Kind::error: return std::string(trim(cell.text));
        case Cell::Kind::boolean: return cell.number != 0 ? "TRUE" : "FALSE";
        case Cell::Kind::number: break;
    }
    if (cell.is_date) {
        if (auto d = serial_to_datetime(cell.number, false)) {
            // Only reached for text columns holding a date cell; the 1900
            // system is what every Chinese office suite writes.
            return Date{d->year, d->month, d->day}.to_string();
        }
    }
    return format_number(cell.number);
}

std::string unusable_cell(const Cell& cell) {
    if (cell.formula_without_value) {
        return "这个公式没有保存计算结果：请用 Excel 或 WPS 打开本文件，保存后再试";
    }
    if (cell.kind == Cell::Kind::error) {
        return "单元格是错误值 " + std::string(trim(cell.text)) + "：请改正公式，或直接填写内容";
    }
    return {};
}

//-----------------------------------------------------------------------------
// [SECTION] Numbers
//-----------------------------------------------------------------------------

namespace {

std::optional<double> parse_plain_number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    if (s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    // Only decimal notation a clerk types: digits, one point, a leading minus.
    bool digit = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9') {
            digit = true;
        } else if (!(c == '.' || (c == '-' && i == 0))) {
            return std::nullopt;
        }
    }
    if (!digit) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::string quote_cn(std::string_view text) { return "“" + std::string(text) + "”"; }

}  // namespace

CellValue<double> cell_number(const Cell& cell) {
    CellValue<double> out;
    if (std::string why = unusable_cell(cell); !why.empty()) {
        out.error = std::move(why);
        return out;
    }
    switch (cell.kind) {
        case Cell::Kind::number:
            if (cell.is_date) {
                out.error = "这是一个日期，不是数字：请把单元格格式改为“常规”或“数值”";
            } else {
                out.value = cell.number;
            }
            return out;
        case Cell::Kind::boolean: out.error = "这里要填数字，不是 TRUE/FALSE"; return out;
        case Cell::Kind::empty: out.error = "这里要填数字"; return out;
        default: break;
    }
    const std::string folded = fold_width(cell.text);
    if (auto v = parse_plain_number(folded)) {
        out.value = *v;
    } else {
        out.error = quote_cn(trim(cell.text)) + " 不是数字";
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] Dates, times, months
//-----------------------------------------------------------------------------

namespace {

// A cursor over folded text for the hand-written date forms.
struct Scanner {
    std::string_view s;
    std::size_t i = 0;

    bool done() const { return i >= s.size(); }
    void skip_spaces() {
        while (i < s.size() && is_ascii_space(s[i])) ++i;
    }
    std::optional<int> digits(std::size_t max_len) {
        const std::size_t begin = i;
        int value = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - begin < max_len) value = value * 10 + (s[i++] - '0');
        if (i == begin) return std::nullopt;
        return value;
    }
    bool literal(std::string_view word) {
        if (s.substr(i, word.size()) != word) return false;
        i += word.size();
        return true;
    }
};

bool valid_date(int y, int m, int d) { return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m); }

// "07:30", "7:30:00" at the scanner; nullopt (cursor unchanged) if absent or malformed.
std::optional<TimeOfDay> scan_time(Scanner& in) {
    const std::size_t start = in.i;
    auto h = in.digits(2);
    if (h && in.literal(":")) {
        if (auto m = in.digits(2); m && in.i - start >= 3) {
            int sec = 0;
            bool ok = true;
            if (in.literal(":")) {
                auto s = in.digits(2);
                ok = s.has_value();
                sec = s.value_or(0);
            }
            if (ok && *h < 24 && *m < 60 && sec < 60) return TimeOfDay{*h, *m, sec};
        }
    }
    in.i = start;
    return std::nullopt;
}

struct ScannedDate {
    int year = 0, month = 0, day = 0;
    bool shaped = false;  // it looks like a date (so an impossible one is named as such)
};

// 2023-09-01, 2023/9/1, 2023.9.1, 2023年9月1日 (日 or 号 optional after 年/月).
ScannedDate scan_date(Scanner& in) {
    ScannedDate out;
    auto y = in.digits(4);
    if (!y) return out;
    const bool han = in.literal("年");
    char sep = 0;
    if (!han) {
        if (in.done() || !(in.s[in.i] == '-' || in.s[in.i] == '/' || in.s[in.i] == '.')) return out;
        sep = in.s[in.i++];
    }
    auto m = in.digits(2);
    if (!m) return out;
    if (han) {
        if (!in.literal("月")) return out;
    } else if (in.done() || in.s[in.i] != sep) {
        return out;
    } else {
        ++in.i;
    }
    auto d = in.digits(2);
    if (!d) return out;
    if (han && !in.literal("日")) in.literal("号");
    out = {*y, *m, *d, true};
    return out;
}

std::optional<SerialDateTime> serial(const Cell& cell, bool date1904) {
    return serial_to_datetime(cell.number, date1904);
}

const char* kDateHelp = "请写成 2023-09-01、2023/9/1 或 2023年9月1日";

}  // namespace

CellValue<DateAndTime> cell_date_time(const Cell& cell, bool date1904) {
    CellValue<DateAndTime> out;
    if (std::string why = unusable_cell(cell); !why.empty()) {
        out.error = std::move(why);
        return out;
    }
    if (cell.kind == Cell::Kind::number) {
        if (!cell.is_date) {
            out.error = format_number(cell.number) + " 不是日期：" + kDateHelp + "，或把单元格格式设为日期";
            return out;
        }
        const auto dt = serial(cell, date1904);
        if (!dt || cell.number < 1) {
            out.error = "这个单元格不是有效的日期：" + std::string(kDateHelp);
            return out;
        }
        DateAndTime v{Date{dt->year, dt->month, dt->day}, std::nullopt};
        if (dt->hour || dt->minute || dt->second) v.time = TimeOfDay{dt->hour, dt->minute, dt->second};
        out.value = v;
        return out;
    }
    if (cell.kind != Cell::Kind::text) {
        out.error = std::string("这里要填日期：") + kDateHelp;
        return out;
    }
    const std::string folded = fold_width(cell.text);
    Scanner in{folded};
    const ScannedDate d = scan_date(in);
    std::optional<TimeOfDay> time;
    bool ok = d.shaped;
    if (ok && !in.done()) {
        in.skip_spaces();
        time = scan_time(in);
        in.skip_spaces();
        ok = time.has_value() && in.done();
    }
    if (!ok) {
        out.error = quote_cn(trim(cell.text)) + " 不是日期：" + kDateHelp + "（要写时间就加上 07:30）";
        return out;
    }
    if (!valid_date(d.year, d.month, d.day)) {
        out.error = quote_cn(trim(cell.text)) + " 这一天不存在：请检查月和日";
        return out;
    }
    out.value = DateAndTime{Date{d.year, d.month, d.day}, time};
    return out;
}

CellValue<Date> cell_date(const Cell& cell, bool date1904) {
    CellValue<Date> out;
    auto dt = cell_date_time(cell, date1904);
    if (dt) {
        out.value = dt->date;
    } else {
        out.error = std::move(dt.error);
    }
    return out;
}

CellValue<TimeOfDay> cell_time(const Cell& cell, bool date1904) {
    CellValue<TimeOfDay> out;
    if (std::string why = unusable_cell(cell); !why.empty()) {
        out.error = std::move(why);
        return out;
    }
    if (cell.kind == Cell::Kind::number) {
        // A time cell is a fraction of a day; a date-time cell's date is not asked for here.
        const auto dt = cell.is_date || (cell.number >= 0 && cell.number < 1) ? serial(cell, date1904) : std::nullopt;
        if (!dt) {
            out.error = format_number(cell.number) + " 不是时间：请写成 08:30";
            return out;
        }
        out.value = TimeOfDay{dt->hour, dt->minute, dt->second};
        return out;
    }
    const std::string folded = fold_width(cell_text(cell));
    Scanner in{folded};
    auto t = scan_time(in);
    if (!t || !in.done()) {
        out.error = quote_cn(trim(cell.text)) + " 不是时间：请写成 08:30";
        return out;
    }
    out.value = *t;
    return out;
}

CellValue<YearMonth> cell_month(const Cell& cell, bool date1904, Date term_start, Date term_end) {
    CellValue<YearMonth> out;
    if (std::string why = unusable_cell(cell); !why.empty()) {
        out.error = std::move(why);
        return out;
    }
    const char* help = "请写成 2023-09、2023年9月，或本学期内的“九月”“9月”";
    std::optional<int> month_only;
    if (cell.kind == Cell::Kind::number) {
        if (cell.is_date) {
            if (const auto dt = serial(cell, date1904); dt && cell.number >= 1) {
                out.value = YearMonth{dt->year, dt->month};
                return out;
            }
        } else if (std::trunc(cell.number) == cell.number && cell.number >= 1 && cell.number <= 12) {
            month_only = static_cast<int>(cell.number);
        }
        if (!month_only) {
            out.error = cell_text(cell) + " 不是月份：" + help;
            return out;
        }
    } else {
        const std::string folded = fold_width(cell_text(cell));
        Scanner in{folded};
        // 2023-09, 2023/9, 2023.9, 2023年9月 (a whole date also names its month).
        if (auto y = in.digits(4); y && in.i == 4 && !in.done()) {
            const bool han = in.literal("年");
            if (han || in.s[in.i] == '-' || in.s[in.i] == '/' || in.s[in.i] == '.') {
                if (!han) ++in.i;
                auto m = in.digits(2);
                const bool closed = !han || in.literal("月");
                in.literal("份");
                if (m && closed && in.done() && *m >= 1 && *m <= 12) {
                    out.value = YearMonth{*y, *m};
                    return out;
                }
            }
        }
        if (auto dt = cell_date(cell, date1904)) {
            out.value = YearMonth{dt->year, dt->month};
            return out;
        }
        // 九月, 9月, 十一月份, 9.
        std::string_view s = folded;
        if (s.size() >= 3 && s.substr(s.size() - 3) == "份") s.remove_suffix(3);
        if (s.size() >= 3 && s.substr(s.size() - 3) == "月") s.remove_suffix(3);
        if (auto m = small_number(s); m && *m >= 1 && *m <= 12) month_only = *m;
        if (!month_only) {
            out.error = quote_cn(trim(cell.text)) + " 不是月份：" + help;
            return out;
        }
    }
    // The month of that number inside the term.
    std::optional<YearMonth> found;
    int matches = 0;
    for (YearMonth ym{term_start.year, term_start.month};
         ym <= YearMonth{term_end.year, term_end.month} && matches < 2;
         ym = ym.month == 12 ? YearMonth{ym.year + 1, 1} : YearMonth{ym.year, ym.month + 1}) {
        if (ym.month == *month_only) {
            found = ym;
            ++matches;
        }
    }
    if (matches == 1) {
        out.value = *found;
    } else {
        out.error = std::to_string(*month_only) + "月不在本学期（" + term_start.to_string() + " 至 " +
                    term_end.to_string() + "）里：请写上年份，如 " + std::to_string(term_start.year) + "年" +
                    std::to_string(*month_only) + "月";
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] Lists, Han numerals, class and grade names
//-----------------------------------------------------------------------------

std::vector<std::string> split_list(std::string_view text, ListSplit split) {
    static constexpr std::string_view all_separators[] = {"\n", "\r", "、", "，", ",", "；", ";"};
    static constexpr std::string_view line_separators[] = {"\n", "\r"};
    // One item per line, or separated by punctuation: a cell that uses lines
    // keeps the commas inside its items ("不乱丢乱扔乱放，爱护校园卫生").
    const bool by_lines = split == ListSplit::lines ||
                          (split == ListSplit::lines_first && text.find('\n') != std::string_view::npos);
    const std::span<const std::string_view> separators =
        by_lines ? std::span<const std::string_view>(line_separators) : std::span<const std::string_view>(all_separators);
    std::vector<std::string> items;
    std::size_t begin = 0;
    auto take = [&](std::size_t end) {
        const std::string_view item = trim(text.substr(begin, end - begin));
        if (!item.empty()) items.emplace_back(item);
    };
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = 0;
        for (std::string_view sep : separators) {
            if (text.substr(i, sep.size()) == sep) {
                len = sep.size();
                break;
            }
        }
        if (len == 0) {
            ++i;
            continue;
        }
        take(i);
        i += len;
        begin = i;
    }
    take(text.size());
    return items;
}

namespace {

int han_digit(char32_t cp) {
    switch (cp) {
        case U'〇':
        case U'零': return 0;
        case U'一': return 1;
        case U'二':
        case U'两': return 2;
        case U'三': return 3;
        case U'四': return 4;
        case U'五': return 5;
        case U'六': return 6;
        case U'七': return 7;
        case U'八': return 8;
        case U'九': return 9;
        case U'十': return 10;
        default: return -1;
    }
}

bool is_han_numeral_at(std::string_view s, std::size_t i, std::size_t& len) {
    char32_t cp = 0;
    len = decode(s, i, cp);
    return han_digit(cp) >= 0;
}

// The longest run at s[i..] of one script: ASCII digits, or Han numerals.
std::string_view number_run(std::string_view s, std::size_t i) {
    std::size_t j = i;
    if (j < s.size() && s[j] >= '0' && s[j] <= '9') {
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    } else {
        std::size_t len = 0;
        while (j < s.size() && is_han_numeral_at(s, j, len)) j += len;
    }
    return s.substr(i, j - i);
}

}  // namespace

std::optional<int> small_number(std::string_view text) {
    const std::string folded = fold_width(text);
    std::string_view s = folded;
    if (s.empty()) return std::nullopt;
    if (s[0] >= '0' && s[0] <= '9') {
        if (s.size() > 3) return std::nullopt;  // a large school's 一年级101班
        int v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return std::nullopt;
            v = v * 10 + (c - '0');
        }
        return v;
    }
    // 一 … 九, 十, 十N, N十, N十M.
    std::vector<int> d;
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        i += decode(s, i, cp);
        const int v = han_digit(cp);
        if (v < 0) return std::nullopt;
        d.push_back(v);
    }
    auto unit = [](int v) { return v >= 1 && v <= 9; };
    if (d.size() == 1) return d[0] >= 1 ? std::optional<int>(d[0]) : std::nullopt;
    if (d.size() == 2 && d[0] == 10 && unit(d[1])) return 10 + d[1];
    if (d.size() == 2 && unit(d[0]) && d[1] == 10) return d[0] * 10;
    if (d.size() == 3 && unit(d[0]) && d[1] == 10 && unit(d[2])) return d[0] * 10 + d[2];
    return std::nullopt;
}

namespace {

// The grade part at the start of `s` (already width-folded): returns the grade
// and advances `i`, or nullopt. `had_marker` tells whether 年级 or 初/高 fixed
// where the grade ends (so a class number in the same script may follow).
std::optional<int> scan_grade(std::string_view s, std::size_t& i, bool& had_marker) {
    int base = 0;
    had_marker = false;
    if (s.substr(i, 3) == "初") {
        base = 6;
        i += 3;
        had_marker = true;
    } else if (s.substr(i, 3) == "高") {
        base = 9;
        i += 3;
        had_marker = true;
    }
    std::string_view run = number_run(s, i);
    // 初一 … with a class number in Han numerals right after (初一二班) would
    // merge into one run; with a prefix the grade is one numeral.
    if (base != 0 && run.size() > 3 && !(run[0] >= '0' && run[0] <= '9')) run = run.substr(0, 3);
    if (base != 0 && run.size() > 1 && run[0] >= '0' && run[0] <= '9') run = run.substr(0, 1);
    const auto n = small_number(run);
    if (!n) return std::nullopt;
    i += run.size();
    if (s.substr(i, 6) == "年级") {
        i += 6;
        had_marker = true;
    }
    if (base != 0) {
        if (*n < 1 || *n > 3) return std::nullopt;
        return base + *n;
    }
    if (*n < 1 || *n > 12) return std::nullopt;
    return *n;
}

}  // namespace

std::optional<ClassName> parse_class_name(std::string_view name) {
    const std::string folded = fold_name(name);
    const std::string_view s = folded;
    std::size_t i = 0;
    bool marker = false;
    const auto grade = scan_grade(s, i, marker);
    if (!grade) return std::nullopt;
    const bool bracket = i < s.size() && s[i] == '(';
    if (bracket) ++i;
    // Without 年级, 初/高 or a bracket the grade's run of numerals ends only
    // where the script changes (三2班); 三二班 is one run and fails above.
    (void)marker;
    const std::string_view run = number_run(s, i);
    const auto number = small_number(run);
    if (!number || *number < 1) return std::nullopt;
    i += run.size();
    if (bracket) {
        if (i >= s.size() || s[i] != ')') return std::nullopt;
        ++i;
    }
    if (s.substr(i) != "班") return std::nullopt;
    return ClassName{*grade, *number};
}

std::optional<int> parse_grade_name(std::string_view name) {
    const std::string folded = fold_name(name);
    const std::string_view s = folded;
    std::size_t i = 0;
    bool marker = false;
    const auto grade = scan_grade(s, i, marker);
    if (!grade || i != s.size() || !marker) return std::nullopt;
    return grade;
}

}  // namespace campus::publish
