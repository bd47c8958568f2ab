// The workbook → the feed (see workbook_feed.hpp; shared/workbook-contract.md
// is the authority for every rule here).
//
// [SECTION] Tables: finding sheets, the header row
// [SECTION] Reading cells of a table
// [SECTION] 学校: school and term
// [SECTION] 工作目标, 每月习惯
// [SECTION] 班级
// [SECTION] The screens' check, mapped back to cells
// [SECTION] build_feed, format_problem
//
// The rest of the builder: workbook_competitions.cpp (评比, 评比项目, score
// sheets, deduction logs), workbook_notices.cpp (通知, 活动), feed_text.cpp;
// the shared types are in workbook_build.hpp.
//
// One pass per sheet builds the JSON and, beside it, a map from every JSON
// pointer written to the cell it came from. The screens' own check
// (campus::parse_feed) then runs over the exact bytes a screen would get, and
// each problem it finds is reported at the cell its pointer came from. Our own
// checks come first and say it in the clerk's words; the screens' check is the
// backstop that keeps "builds" and "every screen accepts" the same thing.
//
// A value that cannot be read is reported once: the item it belongs to is left
// out of the JSON (a score row naming no known class), or a placeholder is
// written and its pointer marked, so the screens' check does not report the
// same mistake again in other words.
#include "publish/workbook_feed.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "publish/cell_values.hpp"
#include "publish/workbook_build.hpp"
#include "sync/calendar.hpp"
#include "sync/civil_time.hpp"
#include "sync/feed_parse.hpp"

namespace campus::publish {

namespace workbook_build {

//-----------------------------------------------------------------------------
// [SECTION] Tables: finding sheets, the header row
//-----------------------------------------------------------------------------

const Sheet* Builder::find_sheet(std::initializer_list<std::string_view> names) const {
    for (std::string_view name : names) {
        const std::string wanted = fold_name(name);
        for (const Sheet& sheet : book_.sheets) {
            if (fold_name(sheet.name) == wanted) {
                sheets_read_.insert(&sheet);
                return &sheet;
            }
        }
    }
    return nullptr;
}

std::optional<Table> Builder::open_table(const Sheet& sheet, std::vector<ColumnSpec> specs) {
    std::unordered_map<std::string, std::size_t> by_name;
    std::size_t required = 0;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        for (const std::string& n : specs[i].names) by_name.emplace(fold_name(n), i);
        if (specs[i].required) ++required;
    }
    // The first row holding every required column is the header; rows above
    // it (a merged title) are ignored. With none, the row that comes closest
    // says which columns are missing.
    int best_row = -1;
    std::size_t best_count = 0;
    std::vector<int> found(specs.size(), -1);
    for (int r = 0; r < sheet.row_count(); ++r) {
        const auto& cells = sheet.rows[static_cast<std::size_t>(r)];
        if (cells.empty()) continue;
        std::fill(found.begin(), found.end(), -1);
        std::size_t count = 0;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (cells[c].kind != Cell::Kind::text) continue;
            const auto it = by_name.find(fold_name(cells[c].text));
            if (it == by_name.end() || found[it->second] >= 0) continue;
            found[it->second] = static_cast<int>(c);
            if (specs[it->second].required) ++count;
        }
        if (count > best_count || best_row < 0) {
            if (count > best_count) best_count = count;
            if (count > 0 || best_row < 0) best_row = r;
        }
        if (count == required) {
            Table t{&sheet, r, found, std::move(specs)};
            // A column written twice leaves it open which one counts.
            for (std::size_t c = 0; c < cells.size(); ++c) {
                if (cells[c].kind != Cell::Kind::text) continue;
                const auto it = by_name.find(fold_name(cells[c].text));
                if (it != by_name.end() && t.col[it->second] != static_cast<int>(c)) {
                    problem(sheet, r, static_cast<int>(c),
                            quote_cn(t.specs[it->second].names[0]) + "列出现了两次（另一列在 " +
                                CellRef{r, t.col[it->second]}.to_a1() + "）：请删去或改名其中一列");
                }
            }
            return t;
        }
    }
    // Which required columns the closest row lacks.
    std::vector<bool> have(specs.size(), false);
    if (best_row >= 0 && best_count > 0) {
        const auto& cells = sheet.rows[static_cast<std::size_t>(best_row)];
        for (const Cell& cell : cells) {
            if (cell.kind != Cell::Kind::text) continue;
            const auto it = by_name.find(fold_name(cell.text));
            if (it != by_name.end()) have[it->second] = true;
        }
    }
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].required && !have[i]) sheet_problem(sheet, "缺少" + quote_cn(specs[i].names[0]) + "列");
    }
    return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] Reading cells of a table
//-----------------------------------------------------------------------------

constexpr std::size_t kMaxTextChars = 2000;  // the screens' FeedLimits::max_string_chars

std::optional<std::string> Builder::text(const Table& t, int row, std::size_t spec, bool& bad) {
    bad = false;
    const Cell& cell = t.cell(row, spec);
    if (cell.is_empty()) return std::nullopt;
    if (std::string why = unusable_cell(cell); !why.empty()) {
        problem(t, row, spec, std::move(why));
        bad = true;
        return std::nullopt;
    }
    std::string s = cell_text(cell);
    if (cell.kind == Cell::Kind::number && cell.is_date) {
        if (auto d = cell_date(cell, book_.date1904)) s = d->to_string();
    }
    if (s.empty()) return std::nullopt;
    if (const std::size_t n = code_points(s); n > kMaxTextChars) {
        problem(t, row, spec,
                "这里有 " + std::to_string(n) + " 个字，超过屏幕的上限 " + std::to_string(kMaxTextChars) +
                    " 个字：请删短一些");
        bad = true;
        return std::nullopt;
    }
    return s;
}

std::optional<double> Builder::number(const Table& t, int row, std::size_t spec, bool& bad) {
    bad = false;
    const Cell& cell = t.cell(row, spec);
    if (cell.is_empty() || (cell.kind == Cell::Kind::text && trim(cell.text).empty())) return std::nullopt;
    auto v = cell_number(cell);
    if (!v) {
        problem(t, row, spec, quote_cn(t.specs[spec].names[0]) + "：" + v.error);
        bad = true;
        return std::nullopt;
    }
    return *v;
}

std::optional<DateAndTime> Builder::date_time(const Table& t, int row, std::size_t spec, bool& bad) {
    bad = false;
    const Cell& cell = t.cell(row, spec);
    if (cell.is_empty() || (cell.kind == Cell::Kind::text && trim(cell.text).empty())) return std::nullopt;
    auto v = cell_date_time(cell, book_.date1904);
    if (!v) {
        problem(t, row, spec, v.error);
        bad = true;
        return std::nullopt;
    }
    return *v;
}

std::optional<Date> Builder::date(const Table& t, int row, std::size_t spec, bool& bad) {
    auto v = date_time(t, row, spec, bad);
    if (!v) return std::nullopt;
    return v->date;
}

// An instant written in the school's zone, with the zone's offset at it.
// `end_of_day`: a 结束 given as a bare date means "through that day".
std::string Builder::stamp(const DateAndTime& at, bool end_of_day) const {
    Date d = at.date;
    TimeOfDay time = at.time.value_or(TimeOfDay{});
    if (!at.time && end_of_day) d = d.plus_days(1);
    const Instant instant = zone_->from_local(d, time);
    return format_rfc3339(instant, zone_->offset_at(instant));
}

std::optional<std::size_t> Builder::find_class(std::string_view text) const {
    // Most cells hold the name exactly as the 班级 sheet does: no folding needed.
    if (auto it = class_by_exact_.find(text); it != class_by_exact_.end()) return it->second;
    const std::string key = fold_name(text);
    if (auto it = class_by_name_.find(key); it != class_by_name_.end()) return it->second;
    if (auto it = class_by_id_.find(key); it != class_by_id_.end()) return it->second;
    return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] 学校: school and term
//-----------------------------------------------------------------------------

void Builder::read_school() {
    const Sheet* sheet = find_sheet({words::sheet_school, "school"});
    // Until the sheet says otherwise: the contract's default zone.
    zone_ = TimeZone::load("Asia/Shanghai");
    if (!zone_) zone_ = TimeZone::fixed("Asia/Shanghai", 8 * 3600);
    if (!sheet) {
        add_problem("", "缺少“学校”表：请加一张名为“学校”的工作表，写上学校名称、发布编号、学期名称、开学日期和结束日期");
        return;
    }
    auto table = open_table(*sheet, {{{words::col_key, "key", "item"}, true}, {{words::col_value, "value"}, true}});
    if (!table) return;
    const Table& t = *table;

    enum Field { name, short_name, motto, timezone, feed_id, term_name, start, end, theme, field_count };
    struct Key {
        Field field;
        std::vector<std::string_view> names;
        bool required;
    };
    static const Key keys[] = {
        {name, {words::key_school_name, "校名", "name", "school", "schoolname", "school_name"}, true},
        {short_name, {words::key_short_name, "学校简称", "short_name", "shortname"}, false},
        {motto, {words::key_motto, "motto"}, false},
        {timezone, {words::key_timezone, "timezone", "time_zone"}, false},
        {feed_id, {words::key_feed_id, "feed_id", "feedid"}, true},
        {term_name, {words::key_term_name, "学期", "term", "termname", "term_name"}, true},
        {start, {words::key_term_start, "开学", "start", "termstart", "term_start"}, true},
        {end, {words::key_term_end, "结束", "end", "termend", "term_end"}, true},
        {theme, {words::key_term_theme, "主题", "theme"}, false},
    };
    std::unordered_map<std::string, Field> by_key;
    for (const Key& k : keys)
        for (std::string_view n : k.names) by_key.emplace(fold_name(n), k.field);

    int row_of[field_count];
    std::fill(std::begin(row_of), std::end(row_of), -1);
    for (int r : t.data_rows()) {
        bool bad = false;
        const auto key = text(t, r, 0, bad);
        if (!key) continue;  // a value without a key: a note beside the table
        const auto it = by_key.find(fold_name(*key));
        if (it == by_key.end()) continue;  // rows the contract does not name are notes
        if (row_of[it->second] >= 0) {
            problem(t, r, 0, quote_cn(*key) + "写了两次（另见 " + CellRef{row_of[it->second], t.col[0]}.to_a1() +
                                 "）：请只留一行");
            continue;
        }
        row_of[it->second] = r;
    }
    for (const Key& k : keys) {
        if (k.required && row_of[k.field] < 0) {
            sheet_problem(*sheet, "缺少" + quote_cn(k.names[0]) + "这一行：在“项目”列写“" + std::string(k.names[0]) +
                                      "”，在“内容”列写它的值");
        }
    }

    auto text_field = [&](Field f, const char* key, bool required, const std::string& pointer, Json& into) {
        const int r = row_of[f];
        if (r < 0) {
            if (required) {
                into[key] = "?";
                taint(pointer);
            }
            return std::string();
        }
        bool bad = false;
        auto v = text(t, r, 1, bad);
        record(pointer, t, r, 1);
        if (!v) {
            if (required) {
                if (!bad) problem(t, r, 1, "缺少" + quote_cn(keys[f].names[0]) + "的内容");
                into[key] = "?";
                taint(pointer);
            }
            return std::string();
        }
        into[key] = *v;
        return *v;
    };

    // school, in the contract's key order.
    text_field(name, "name", true, "/school/name", school_);
    text_field(short_name, "short_name", false, "/school/short_name", school_);
    text_field(motto, "motto", false, "/school/motto", school_);
    std::string zone_name = "Asia/Shanghai";
    if (row_of[timezone] >= 0) {
        bool bad = false;
        if (auto v = text(t, row_of[timezone], 1, bad)) zone_name = *v;
        record("/school/timezone", t, row_of[timezone], 1);
    }
    if (auto zone = TimeZone::load(zone_name)) {
        zone_ = std::move(zone);
        school_["timezone"] = zone_name;
    } else if (row_of[timezone] >= 0) {
        problem(t, row_of[timezone], 1,
                quote_cn(zone_name) + " 不是已知的时区：请写 IANA 时区名，如 Asia/Shanghai（北京时间）");
        school_["timezone"] = "Asia/Shanghai";
        taint("/school/timezone");
    } else {
        // The default zone itself is missing: this machine lacks tzdata.
        sheet_problem(*sheet, "这台电脑上找不到时区 Asia/Shanghai 的数据：请安装 tzdata");
        school_["timezone"] = "Asia/Shanghai";
        taint("/school/timezone");
    }

    // feed_id
    if (row_of[feed_id] >= 0) {
        bool bad = false;
        const int r = row_of[feed_id];
        record("/feed_id", t, r, 1);
        if (auto v = text(t, r, 1, bad)) {
            if (valid_feed_id(*v)) {
                feed_id_ = *v;
            } else {
                problem(t, r, 1,
                        quote_cn(*v) + " 不能作发布编号：只能用小写英文字母 a-z、数字和“-”，最多 64 个，如 shiyan-primary");
            }
        } else if (!bad) {
            problem(t, r, 1, "缺少发布编号（如 shiyan-primary）");
        }
    }
    if (feed_id_.empty()) {
        feed_id_ = "unknown";
        taint("/feed_id");
    }

    // term
    text_field(term_name, "name", true, "/term/name", term_);
    std::optional<Date> start_date, end_date;
    for (auto [field, key, out] : {std::tuple{start, "start", &start_date}, std::tuple{end, "end", &end_date}}) {
        const int r = row_of[field];
        if (r < 0) continue;
        bool bad = false;
        *out = date(t, r, 1, bad);
        record(std::string("/term/") + key, t, r, 1);
        if (!*out && !bad) problem(t, r, 1, "缺少" + quote_cn(keys[field].names[0]) + "的日期");
    }
    if (start_date && end_date && *end_date < *start_date) {
        problem(t, row_of[end], 1,
                "结束日期 " + end_date->to_string() + " 在开学日期 " + start_date->to_string() + " 之前");
        end_date.reset();
    }
    term_known_ = start_date && end_date;
    term_start_ = start_date.value_or(Date{2000, 1, 3});
    term_end_ = end_date.value_or(term_start_);
    first_monday_ = term_start_.plus_days(-term_start_.weekday());
    term_["start"] = term_start_.to_string();
    term_["end"] = term_end_.to_string();
    if (!term_known_) {
        taint("/term/start");
        taint("/term/end");
    }
    text_field(theme, "theme", false, "/term/theme", term_);
}

//-----------------------------------------------------------------------------
// [SECTION] 工作目标, 每月习惯
//-----------------------------------------------------------------------------

void Builder::read_goals() {
    Json goals = Json::array();
    const Sheet* sheet = find_sheet({words::sheet_goals, "goals", "目标"});
    if (sheet) record_sheet("/term/goals", *sheet);
    std::optional<Table> table;
    if (sheet) {
        table = open_table(*sheet, {{{words::col_goal_category, "category"}},
                                    {{words::col_goal_title, "title", "goal"}, true},
                                    {{words::col_goal_detail, "detail"}},
                                    {{words::col_goal_current, "current"}},
                                    {{words::col_goal_target, "target"}},
                                    {{words::col_goal_unit, "unit"}},
                                    {{"编号", "id"}}});
    }
    if (table) {
        const Table& t = *table;
        enum { category, title, detail, current, target, unit, id };
        std::unordered_map<std::string, int> ids;  // id → row
        std::size_t n = 0;
        for (int r : t.data_rows()) {
            ++n;
            const std::string at = child("/term/goals", goals.size());
            record(at, t, r, title);
            bool bad = false;
            Json goal = Json::object();
            auto given_id = text(t, r, id, bad);
            const std::string goal_id = given_id ? *given_id : numbered_id('g', n);
            if (auto [it, fresh] = ids.try_emplace(goal_id, r); !fresh) {
                problem(t, r, given_id ? id : title,
                        "编号" + quote_cn(goal_id) + "重复：第 " + std::to_string(it->second + 1) +
                            " 行的目标已用这个编号");
            }
            goal["id"] = goal_id;
            record(child(at, "id"), t, r, given_id ? id : title);
            auto title_text = text(t, r, title, bad);
            require(t, r, title, title_text.has_value(), bad);
            if (auto c = text(t, r, category, bad)) goal["category"] = *c, record(child(at, "category"), t, r, category);
            goal["title"] = title_text.value_or("?");
            if (!title_text) taint(child(at, "title"));
            record(child(at, "title"), t, r, title);
            if (auto d = text(t, r, detail, bad)) goal["detail"] = *d, record(child(at, "detail"), t, r, detail);
            bool bad_target = false, bad_current = false;
            const auto target_value = number(t, r, target, bad_target);
            const auto current_value = number(t, r, current, bad_current);
            if (target_value) {
                Json progress = Json::object();
                const std::string p = child(at, "progress");
                record(p, t, r, target);
                if (current_value && *current_value < 0) {
                    problem(t, r, current, "“当前”不能小于 0，现在是 " + format_number(*current_value));
                    taint(child(p, "current"));
                }
                if (*target_value <= 0) {
                    problem(t, r, target, "“目标值”要大于 0，现在是 " + format_number(*target_value));
                    taint(child(p, "target"));
                }
                progress["current"] = number_json(std::max(0.0, current_value.value_or(0)));
                record(child(p, "current"), t, r, current);
                progress["target"] = number_json(*target_value > 0 ? *target_value : 1);
                record(child(p, "target"), t, r, target);
                if (auto u = text(t, r, unit, bad)) progress["unit"] = *u, record(child(p, "unit"), t, r, unit);
                goal["progress"] = std::move(progress);
            }
            goals.push_back(std::move(goal));
        }
    }
    term_["goals"] = std::move(goals);
}

void Builder::read_habits() {
    const Sheet* sheet = find_sheet({words::sheet_habits, "habits", "习惯"});
    if (!sheet) return;
    record_sheet("/habits", *sheet);
    auto table = open_table(*sheet, {{{words::col_habit_month, "month"}, true},
                                     {{words::col_habit_title, "title", "habit"}, true},
                                     {{words::col_habit_detail, "detail"}},
                                     {{words::col_habit_tips, "tips"}}});
    if (!table) return;
    const Table& t = *table;
    enum { month, title, detail, tips };
    std::map<YearMonth, int> months;  // → row
    for (int r : t.data_rows()) {
        const std::string at = child("/habits", habits_.size());
        record(at, t, r, title);
        Json habit = Json::object();
        bool bad = false;
        const Cell& month_cell = t.cell(r, month);
        std::optional<YearMonth> ym;
        if (month_cell.is_empty()) {
            problem(t, r, month, "缺少“月份”：请写成 2023-09 或 2023年9月");
        } else if (auto m = cell_month(month_cell, book_.date1904, term_start_, term_end_)) {
            ym = *m;
        } else if (term_known_ || m.error.find("学期") == std::string::npos) {
            problem(t, r, month, m.error);
        }
        if (ym) {
            if (auto [it, fresh] = months.try_emplace(*ym, r); !fresh) {
                problem(t, r, month,
                        ym->to_string() + " 已经有一个习惯（第 " + std::to_string(it->second + 1) +
                            " 行）：屏幕每月只显示一个，请合并成一行");
            }
        }
        habit["month"] = ym ? ym->to_string() : "2000-01";
        if (!ym) taint(child(at, "month"));
        record(child(at, "month"), t, r, month);
        auto title_text = text(t, r, title, bad);
        require(t, r, title, title_text.has_value(), bad);
        habit["title"] = title_text.value_or("?");
        if (!title_text) taint(child(at, "title"));
        record(child(at, "title"), t, r, title);
        if (auto d = text(t, r, detail, bad)) habit["detail"] = *d, record(child(at, "detail"), t, r, detail);
        if (auto list = text(t, r, tips, bad)) {
            Json items = Json::array();
            // Line breaks are looked for before the cell was trimmed: a single
            // tip that holds 、 is written with a final break to stay whole.
            const bool has_break = t.cell(r, tips).text.find_first_of("\r\n") != std::string::npos;
            for (std::string& item : split_list(*list, has_break ? ListSplit::lines : ListSplit::lines_first))
                items.push_back(std::move(item));
            habit["tips"] = std::move(items);
            record(child(at, "tips"), t, r, tips);
        }
        habits_.push_back(std::move(habit));
    }
}

//-----------------------------------------------------------------------------
// [SECTION] 班级
//-----------------------------------------------------------------------------

void Builder::read_classes() {
    const Sheet* sheet = find_sheet({words::sheet_classes, "classes", "class"});
    if (!sheet) {
        add_problem("", "缺少“班级”表：请加一张名为“班级”的工作表，每行一个班（如 三年级二班）");
        return;
    }
    record_sheet("/classes", *sheet);
    auto table = open_table(*sheet, {{{words::col_class_name, "class", "name"}, true},
                                     {{words::col_class_id, "id"}},
                                     {{words::col_class_grade, "grade"}},
                                     {{words::col_class_teacher, "teacher"}}});
    if (!table) return;
    const Table& t = *table;
    enum { name, id, grade, teacher };
    for (int r : t.data_rows()) {
        bool bad = false;
        auto class_name = text(t, r, name, bad);
        if (!class_name) {
            require(t, r, name, false, bad);
            continue;
        }
        const auto parsed = parse_class_name(*class_name);

        // 编号: given, or derived from the name.
        std::string class_id;
        const Cell& id_cell = t.cell(r, id);
        if (id_cell.kind == Cell::Kind::number && id_cell.is_date) {
            // Excel turns a typed 3-2 into the date 3月2日: read it back as typed.
            if (const auto d = serial_to_datetime(id_cell.number, book_.date1904)) {
                class_id = std::to_string(d->month) + "-" + std::to_string(d->day);
            }
        } else if (auto v = text(t, r, id, bad)) {
            class_id = fold_width(*v);
        } else if (bad) {
            continue;
        }
        if (class_id.empty()) {
            if (!parsed) {
                problem(t, r, name,
                        "看不出" + quote_cn(*class_name) +
                            "是几年级几班：请写成“三年级二班”“初一（3）班”这样，或在“编号”列填写编号（如 3-2）、在“年级”列填写年级");
                continue;
            }
            class_id = std::to_string(parsed->grade) + "-" + std::to_string(parsed->number);
        }

        // 年级: given (a number or 三年级/初一), else from the name, else from 编号 N-….
        std::optional<int> class_grade;
        const Cell& grade_cell = t.cell(r, grade);
        if (!grade_cell.is_empty()) {
            if (std::string why = unusable_cell(grade_cell); !why.empty()) {
                problem(t, r, grade, why);
                continue;
            }
            const std::string g = cell_text(grade_cell);
            if (grade_cell.kind == Cell::Kind::number && std::trunc(grade_cell.number) == grade_cell.number) {
                class_grade = static_cast<int>(grade_cell.number);
            } else if (auto n = small_number(g)) {
                class_grade = *n;
            } else if (auto gn = parse_grade_name(g)) {
                class_grade = *gn;
            } else {
                problem(t, r, grade, quote_cn(g) + " 不是年级：请写 1 到 12 的数字，或“三年级”“初一”这样的年级名");
                continue;
            }
            if (*class_grade < 1 || *class_grade > 12) {
                problem(t, r, grade, "年级 " + std::to_string(*class_grade) + " 不在 1 到 12 之间（初一是 7，高一是 10）");
                continue;
            }
        } else if (parsed) {
            class_grade = parsed->grade;
        } else {
            const std::size_t dash = class_id.find('-');
            if (dash != std::string::npos) class_grade = small_number(class_id.substr(0, dash));
            if (!class_grade || *class_grade < 1 || *class_grade > 12) {
                problem(t, r, name, "看不出" + quote_cn(*class_name) + "是几年级：请在“年级”列填写年级（1 到 12）");
                continue;
            }
        }

        const std::string folded_name = fold_name(*class_name);
        const std::string folded_id = fold_name(class_id);
        // Where the 编号 came from: its own cell, or the name it was derived from.
        const std::size_t id_col_spec = t.has(id) && !t.cell(r, id).is_empty() ? std::size_t{id} : std::size_t{name};
        if (auto it = class_by_name_.find(folded_name); it != class_by_name_.end()) {
            problem(t, r, name, "班级" + quote_cn(*class_name) + "写了两次：请删去重复的一行");
            continue;
        }
        if (auto it = class_by_id_.find(folded_id); it != class_by_id_.end()) {
            problem(t, r, id_col_spec,
                    "编号" + quote_cn(class_id) + "重复：" + quote_cn(classes_list_[it->second].name) +
                        "已用这个编号，请在“编号”列给这两个班写不同的编号");
            continue;
        }
        const std::size_t index = classes_list_.size();
        class_by_name_.emplace(folded_name, index);
        class_by_id_.emplace(folded_id, index);
        classes_list_.push_back({class_id, *class_name, *class_grade});

        const std::string at = child("/classes", index);
        record(at, t, r, name);
        Json c = Json::object();
        c["id"] = class_id;
        record(child(at, "id"), t, r, id_col_spec);
        c["grade"] = *class_grade;
        record(child(at, "grade"), t, r, grade_cell.is_empty() ? std::size_t{name} : std::size_t{grade});
        c["name"] = *class_name;
        record(child(at, "name"), t, r, name);
        if (auto teacher_name = text(t, r, teacher, bad)) {
            c["teacher"] = *teacher_name;
            record(child(at, "teacher"), t, r, teacher);
        }
        classes_.push_back(std::move(c));
    }
}

//-----------------------------------------------------------------------------
// [SECTION] The screens' check, mapped back to cells
//-----------------------------------------------------------------------------

Origin Builder::origin_of(const std::string& pointer) const {
    // A score: /competitions/C/rounds/R/scores/K[/criterion] → its row, and
    // the criterion's column (or the 班级 column).
    if (const std::size_t at = pointer.find("/scores/"); at != std::string::npos && pointer.rfind("/competitions/", 0) == 0) {
        if (auto it = score_rows_.find(pointer.substr(0, at + 7)); it != score_rows_.end()) {
            const std::string_view rest = std::string_view(pointer).substr(at + 8);
            const std::size_t slash = rest.find('/');
            std::size_t k = 0;
            const auto [end, ec] = std::from_chars(rest.data(), rest.data() + (slash == std::string_view::npos ? rest.size() : slash), k);
            if (ec == std::errc() && k < it->second.rows.size()) {
                Origin o = it->second.origin;
                o.row = it->second.rows[k];
                if (slash != std::string_view::npos) {
                    const auto& cols = score_columns_[static_cast<std::size_t>(o.competition)];
                    if (auto c = cols.find(std::string(rest.substr(slash + 1))); c != cols.end() && c->second >= 0) o.col = c->second;
                }
                return o;
            }
            (void)end;
        }
    }
    std::string p = pointer;
    std::string last;  // the token stripped last, for a score's criterion
    while (true) {
        if (auto it = origins_.find(p); it != origins_.end()) {
            Origin o = it->second;
            if (o.competition >= 0 && !last.empty()) {
                const auto& cols = score_columns_[static_cast<std::size_t>(o.competition)];
                if (auto c = cols.find(last); c != cols.end() && c->second >= 0) o.col = c->second;
            }
            return o;
        }
        if (p.empty()) return {};
        const std::size_t slash = p.rfind('/');
        last = p.substr(slash + 1);
        p.resize(slash);
    }
}

namespace {

// parse_feed's words, for the common problems, in the clerk's; the rest keep
// the screens' own text after the cell.
std::string clerk_words(const std::string& message) {
    auto starts = [&](std::string_view s) { return message.rfind(s, 0) == 0; };
    auto contains = [&](std::string_view s) { return message.find(s) != std::string::npos; };
    if (starts("the feed is ") && contains("over the limit")) {
        return "生成的数据太大，屏幕不接收（" + message + "）：请删去一些旧的周次、通知或活动";
    }
    if (contains("characters is over the limit")) return "文字太长，屏幕不接收（" + message + "）：请删短一些";
    if (contains("items, over the limit")) return "条目太多，屏幕不接收（" + message + "）：请删去一些";
    if (contains("is above the maximum")) return "分数超过满分（" + message + "）";
    if (contains("is below the minimum")) return "分数小于 0（" + message + "）";
    if (starts("unknown class")) return "没有这个班级（" + message + "）";
    if (starts("duplicate")) return "编号重复（" + message + "）";
    if (contains("is scored twice")) return "同一周里这个班写了两次（" + message + "）";
    if (starts("another round also starts on")) return "两个周次的开始日期相同（" + message + "）：请改正开始日期";
    if (contains("already has a round")) return "这一周写了两次（" + message + "）";
    if (starts("must not be empty")) return "不能为空";
    if (starts("missing:")) return "缺少内容（" + message + "）";
    if (contains("is not an RFC 3339 time")) return "时间的写法不对（" + message + "）";
    if (starts("stopped after")) return "问题太多，已停止检查：请先改正以上问题再试";
    return message;
}

}  // namespace

void Builder::check_with_parse_feed(const std::string& text) {
    const ParseResult checked = parse_feed(text);
    std::unordered_set<std::string> reported;
    for (const BuildProblem& p : problems_) reported.insert(p.where);
    for (const Problem& p : checked.problems) {
        // Mistakes already named (a placeholder stands in the JSON) stay named once.
        bool known = false;
        for (std::string q = p.pointer; !known;) {
            known = tainted_.count(q) > 0;
            const std::size_t slash = q.rfind('/');
            if (slash == std::string::npos) break;
            q.resize(slash);
        }
        if (known) continue;
        const std::string where = origin_of(p.pointer).where();
        if (!where.empty() && reported.count(where)) continue;
        add_problem(where, clerk_words(p.message));
    }
}

//-----------------------------------------------------------------------------
// [SECTION] build_feed, feed_text, format_problem
//-----------------------------------------------------------------------------

BuildResult Builder::run() {
    read_school();
    // Without a usable 学校 sheet the required fields stand in, already reported.
    for (auto [object, key, pointer] : {std::tuple{&school_, "name", "/school/name"},
                                        std::tuple{&term_, "name", "/term/name"},
                                        std::tuple{&term_, "start", "/term/start"},
                                        std::tuple{&term_, "end", "/term/end"}}) {
        if (!object->contains(key)) {
            (*object)[key] = std::string_view(key) == "name" ? "?" : "2000-01-03";
            taint(pointer);
        }
    }
    if (!school_.contains("timezone")) school_["timezone"] = zone_->name();
    if (feed_id_.empty()) {
        feed_id_ = "unknown";
        taint("/feed_id");
    }
    read_goals();
    read_habits();
    read_classes();
    for (std::size_t i = 0; i < classes_list_.size(); ++i) {
        class_by_exact_.emplace(classes_list_[i].name, i);
        class_by_exact_.emplace(classes_list_[i].id, i);
    }
    read_competitions();
    read_criteria();
    for (std::size_t i = 0; i < competitions_list_.size(); ++i) read_rounds(i);
    read_announcements();
    read_events();
    read_gallery();

    feed_["format"] = "campus-kiosk-feed";
    feed_["format_version"] = 1;
    feed_["feed_id"] = feed_id_;
    feed_["version"] = options_.version;
    origins_.try_emplace("/version", Origin{});
    if (options_.generated_at.empty()) {
        const Instant now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        feed_["generated_at"] = format_rfc3339(now, zone_->offset_at(now));
    } else {
        feed_["generated_at"] = options_.generated_at;
    }
    feed_["school"] = std::move(school_);
    feed_["term"] = std::move(term_);
    feed_["habits"] = std::move(habits_);
    feed_["classes"] = std::move(classes_);
    feed_["competitions"] = std::move(competitions_);
    if (announcements_) feed_["announcements"] = std::move(*announcements_);
    if (events_) feed_["events"] = std::move(*events_);
    if (!media_.empty()) feed_["media"] = std::move(media_);
    if (gallery_) feed_["gallery"] = std::move(*gallery_);

    check_with_parse_feed(feed_text(feed_));
    BuildResult result;
    result.problems = std::move(problems_);
    // A sheet nothing read is not wrong (a school may keep its own sheets in
    // the book), but a score sheet whose 评比 was renamed or never listed
    // loses its scores without a word: the clerk is told which one.
    std::string competitions;
    for (const CompetitionEntry& comp : competitions_list_) competitions += (competitions.empty() ? "" : "、") + comp.name;
    for (const Sheet& sheet : book_.sheets) {
        const bool empty = std::all_of(sheet.rows.begin(), sheet.rows.end(), [](const std::vector<Cell>& row) {
            return std::all_of(row.begin(), row.end(), [](const Cell& c) { return c.kind == Cell::Kind::empty; });
        });
        if (sheets_read_.count(&sheet) || empty) continue;
        result.notes.push_back({sheet.name, "注意：这个工作表没有读取（不是本格式的工作表，也不是“" +
                                                std::string(words::sheet_competitions) + "”表里任何评比的名称；评比有：" +
                                                (competitions.empty() ? "无" : competitions) +
                                                "）。若它是评分表，请让工作表名与评比名称一致"});
    }
    if (result.problems.empty()) {
        result.feed = std::move(feed_);
        result.pictures = std::move(pictures_);
    }
    return result;
}

// The sample feed's layout (scripts/make_sample_feed.py): small flat objects
// and lists on one line, so a round reads as a table and a large school's
}  // namespace workbook_build

BuildResult build_feed(const Workbook& book, const BuildOptions& options) {
    workbook_build::Builder builder(book, options);
    return builder.run();
}

std::string format_problem(const std::string& file_label, const BuildProblem& problem) {
    std::string out;
    if (!file_label.empty()) out = file_label + ": ";
    if (!problem.where.empty()) out += problem.where + ": ";
    out += problem.message;
    return out;
}

PathBuildResult build_feed_from_path(const std::string& path, const BuildOptions& options) {
    PathBuildResult out;
    ReadResult read = read_workbook(path);
    if (read.book) out.file_label = read.book->file_label;
    if (out.file_label.empty()) {
        // What the clerk calls it: the file's or the folder's own name.
        std::filesystem::path p(path);
        if (!p.has_filename()) p = p.parent_path();
        out.file_label = p.filename().empty() ? path : p.filename().string();
    }
    for (ReadProblem& p : read.problems) out.result.problems.push_back({std::move(p.where), std::move(p.message)});
    if (!read.book) return out;
    BuildOptions with_pictures = options;
    if (with_pictures.picture_dir.empty()) {
        // 图片 paths are relative to the workbook: a CSV folder's own folder, an .xlsx's folder.
        std::error_code ec;
        const std::filesystem::path p(path);
        with_pictures.picture_dir = std::filesystem::is_directory(p, ec) ? p.string() : p.parent_path().string();
    }
    BuildResult built = build_feed(*read.book, with_pictures);
    out.result.notes = std::move(built.notes);
    for (BuildProblem& p : built.problems) out.result.problems.push_back(std::move(p));
    if (out.result.problems.empty()) {
        out.result.feed = std::move(built.feed);
        out.result.pictures = std::move(built.pictures);
    }
    return out;
}

}  // namespace campus::publish
