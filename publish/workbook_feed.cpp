// The workbook → the feed (see workbook_feed.hpp; shared/workbook-contract.md
// is the authority for every rule here).
//
// [SECTION] Places: problems, JSON pointers and the cells behind them
// [SECTION] Tables: sheet and column names, the header row, data rows
// [SECTION] Reading cells of a table
// [SECTION] 学校: school and term
// [SECTION] 工作目标, 每月习惯
// [SECTION] 班级
// [SECTION] 评比, 评比项目
// [SECTION] Score sheets and deduction logs → rounds
// [SECTION] 通知, 活动
// [SECTION] The screens' check, mapped back to cells
// [SECTION] build_feed, feed_text, format_problem
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
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "publish/cell_values.hpp"
#include "sync/calendar.hpp"
#include "sync/civil_time.hpp"
#include "sync/feed_parse.hpp"

namespace campus::publish {

namespace {

using Json = nlohmann::ordered_json;

//-----------------------------------------------------------------------------
// [SECTION] Places: problems, JSON pointers and the cells behind them
//-----------------------------------------------------------------------------

// RFC 6901: "~" → "~0", "/" → "~1".
void append_token(std::string& pointer, std::string_view token) {
    pointer += '/';
    for (char c : token) {
        if (c == '~') {
            pointer += "~0";
        } else if (c == '/') {
            pointer += "~1";
        } else {
            pointer += c;
        }
    }
}

std::string child(const std::string& pointer, std::string_view token) {
    std::string out = pointer;
    append_token(out, token);
    return out;
}

std::string child(const std::string& pointer, std::size_t index) { return pointer + '/' + std::to_string(index); }

std::string quote_cn(std::string_view text) { return "“" + std::string(text) + "”"; }

// Where a JSON value came from: a cell, or (col < 0) a row's first cell, or
// (row < 0) a whole sheet. Score objects also name their competition, whose
// criterion columns place each score.
struct Origin {
    const Sheet* sheet = nullptr;
    int row = -1;
    int col = -1;
    int competition = -1;

    std::string where() const {
        if (!sheet) return {};
        if (row < 0) return sheet->name;
        return sheet->name + "!" + CellRef{row, col < 0 ? 0 : col}.to_a1();
    }
};

Json number_json(double value) {
    if (std::trunc(value) == value && std::fabs(value) <= 9007199254740992.0) {
        return static_cast<std::int64_t>(value);
    }
    return value;
}

// Counts code points (the screens' string limit counts those).
std::size_t code_points(std::string_view text) {
    std::size_t n = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
    return n;
}

bool valid_feed_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Tables: sheet and column names, the header row, data rows
//-----------------------------------------------------------------------------

struct ColumnSpec {
    std::vector<std::string> names;  // the Chinese name first (messages use it), then aliases
    bool required = false;
};

// A sheet with its header row found and its columns placed.
struct Table {
    const Sheet* sheet = nullptr;
    int header_row = -1;
    std::vector<int> col;  // per spec: the column, or -1 when absent
    std::vector<ColumnSpec> specs;

    bool has(std::size_t spec) const { return col[spec] >= 0; }
    const Cell& cell(int row, std::size_t spec) const {
        static const Cell empty_cell;
        return col[spec] < 0 ? empty_cell : sheet->at(row, col[spec]);
    }
    // The rows after the header that hold anything in the columns we read:
    // a template's =SUM(…) total on an otherwise blank row does not count.
    std::vector<int> data_rows() const {
        std::vector<int> rows;
        for (int r = header_row + 1; r < sheet->row_count(); ++r) {
            const auto& cells = sheet->rows[static_cast<std::size_t>(r)];
            if (cells.empty()) continue;
            bool any = false;
            for (int c : col) {
                if (c >= 0 && c < static_cast<int>(cells.size()) && !cells[static_cast<std::size_t>(c)].is_empty()) {
                    any = true;
                    break;
                }
            }
            if (any) rows.push_back(r);
        }
        return rows;
    }
};

//-----------------------------------------------------------------------------
// The builder
//-----------------------------------------------------------------------------

struct ClassEntry {
    std::string id;
    std::string name;
    int grade = 0;
};

struct CriterionEntry {
    std::string id;
    std::string name;
    double max = 1;
    int row = -1;  // in 评比项目
};

struct CompetitionEntry {
    std::string id;
    std::string name;
    int row = -1;  // in 评比
    int awards = 1;
    std::string scope = "school";
    std::string ties = "share";
    std::vector<std::string> tiebreak_names;
    int tiebreak_col = -1;
    std::string display = "all";
    // Each written field's column in 评比, and the fields already reported.
    std::unordered_map<std::string, int> field_col;
    std::unordered_set<std::string> reported;
    std::vector<CriterionEntry> criteria;
    std::vector<std::optional<double>> weights;  // per criterion, when given
    std::unordered_map<std::string, std::size_t> criterion_by_name;  // folded name and folded id
};

class Builder {
public:
    Builder(const Workbook& book, const BuildOptions& options) : book_(book), options_(options) {}
    BuildResult run();

private:
    // ---- reporting and provenance ----------------------------------------
    void problem(const Sheet& sheet, int row, int col, std::string message) {
        add_problem(sheet.name + "!" + CellRef{row, col}.to_a1(), std::move(message));
    }
    void problem(const Table& t, int row, std::size_t spec, std::string message) {
        // A missing optional column has no cell: name the row's first cell.
        problem(*t.sheet, row, t.col[spec] < 0 ? 0 : t.col[spec], std::move(message));
    }
    void sheet_problem(const Sheet& sheet, std::string message) { add_problem(sheet.name, std::move(message)); }
    void add_problem(std::string where, std::string message) {
        problems_.push_back({std::move(where), std::move(message)});
    }
    void record(std::string pointer, const Table& t, int row, std::size_t spec) {
        origins_.insert_or_assign(std::move(pointer), Origin{t.sheet, row, t.col[spec]});
    }
    void record_sheet(std::string pointer, const Sheet& sheet) {
        origins_.insert_or_assign(std::move(pointer), Origin{&sheet});
    }
    void taint(std::string pointer) { tainted_.insert(std::move(pointer)); }

    // ---- tables -------------------------------------------------------------
    const Sheet* find_sheet(std::initializer_list<std::string_view> names) const;
    std::optional<Table> open_table(const Sheet& sheet, std::vector<ColumnSpec> specs);

    // ---- reading cells --------------------------------------------------------
    // Each returns nullopt for an empty cell or, after reporting, for an
    // unusable one; `bad` tells the two apart.
    std::optional<std::string> text(const Table& t, int row, std::size_t spec, bool& bad);
    std::optional<double> number(const Table& t, int row, std::size_t spec, bool& bad);
    std::optional<Date> date(const Table& t, int row, std::size_t spec, bool& bad);
    std::optional<DateAndTime> date_time(const Table& t, int row, std::size_t spec, bool& bad);
    void require(const Table& t, int row, std::size_t spec, bool present, bool bad) {
        if (!present && !bad) problem(t, row, spec, "缺少" + quote_cn(t.specs[spec].names[0]));
    }

    // ---- the sheets ---------------------------------------------------------
    void read_school();
    void read_goals();
    void read_habits();
    void read_classes();
    void read_competitions();
    void read_criteria();
    void read_rounds(std::size_t index);
    void read_announcements();
    void read_events();
    std::optional<std::size_t> find_class(std::string_view text) const;
    std::string stamp(const DateAndTime& at, bool end_of_day) const;
    Date week_monday(int week) const { return first_monday_.plus_days(7 * static_cast<std::int64_t>(week - 1)); }

    // ---- the screens' check ---------------------------------------------------
    void check_with_parse_feed(const std::string& text);
    Origin origin_of(const std::string& pointer) const;

    const Workbook& book_;
    BuildOptions options_;
    std::vector<BuildProblem> problems_;
    std::unordered_map<std::string, Origin> origins_;
    std::unordered_set<std::string> tainted_;
    // Per competition: its score sheet's column for each criterion id, so
    // that a score's problem lands on its own cell without a pointer per score.
    std::vector<std::unordered_map<std::string, int>> score_columns_;
    // Per round's "…/scores" pointer: the sheet row of each score, in order
    // (empty for a round made from the deduction log).
    struct ScoreRows {
        Origin origin;  // the sheet, the 班级 column, the competition
        std::vector<int> rows;
    };
    std::unordered_map<std::string, ScoreRows> score_rows_;

    Json feed_ = Json::object();
    Json school_ = Json::object();
    Json term_ = Json::object();
    Json habits_ = Json::array();
    Json classes_ = Json::array();
    Json competitions_ = Json::array();
    std::optional<Json> announcements_;
    std::optional<Json> events_;
    std::string feed_id_;

    std::shared_ptr<const TimeZone> zone_;
    bool term_known_ = false;  // start and end read: months and weeks can be placed
    Date term_start_, term_end_, first_monday_;

    std::vector<ClassEntry> classes_list_;
    std::unordered_map<std::string, std::size_t> class_by_name_;  // folded name
    std::unordered_map<std::string, std::size_t> class_by_id_;    // folded id
    std::unordered_map<std::string_view, std::size_t> class_by_exact_;  // name and id as written (views into classes_list_)
    std::vector<CompetitionEntry> competitions_list_;
    std::unordered_map<std::string, std::size_t> competition_by_name_;  // folded name
};

const Sheet* Builder::find_sheet(std::initializer_list<std::string_view> names) const {
    for (std::string_view name : names) {
        const std::string wanted = fold_name(name);
        for (const Sheet& sheet : book_.sheets)
            if (fold_name(sheet.name) == wanted) return &sheet;
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
    const Sheet* sheet = find_sheet({"学校", "school"});
    // Until the sheet says otherwise: the contract's default zone.
    zone_ = TimeZone::load("Asia/Shanghai");
    if (!zone_) zone_ = TimeZone::fixed("Asia/Shanghai", 8 * 3600);
    if (!sheet) {
        add_problem("", "缺少“学校”表：请加一张名为“学校”的工作表，写上学校名称、发布编号、学期名称、开学日期和结束日期");
        return;
    }
    auto table = open_table(*sheet, {{{"项目", "key", "item"}, true}, {{"内容", "value"}, true}});
    if (!table) return;
    const Table& t = *table;

    enum Field { name, short_name, motto, timezone, feed_id, term_name, start, end, theme, field_count };
    struct Key {
        Field field;
        std::vector<std::string_view> names;
        bool required;
    };
    static const Key keys[] = {
        {name, {"学校名称", "校名", "name", "school", "schoolname", "school_name"}, true},
        {short_name, {"简称", "学校简称", "short_name", "shortname"}, false},
        {motto, {"校训", "motto"}, false},
        {timezone, {"时区", "timezone", "time_zone"}, false},
        {feed_id, {"发布编号", "feed_id", "feedid"}, true},
        {term_name, {"学期名称", "学期", "term", "termname", "term_name"}, true},
        {start, {"开学日期", "开学", "start", "termstart", "term_start"}, true},
        {end, {"结束日期", "结束", "end", "termend", "term_end"}, true},
        {theme, {"学期主题", "主题", "theme"}, false},
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
    const Sheet* sheet = find_sheet({"工作目标", "goals", "目标"});
    if (sheet) record_sheet("/term/goals", *sheet);
    std::optional<Table> table;
    if (sheet) {
        table = open_table(*sheet, {{{"类别", "category"}},
                                    {{"目标", "title", "goal"}, true},
                                    {{"说明", "detail"}},
                                    {{"当前", "current"}},
                                    {{"目标值", "target"}},
                                    {{"单位", "unit"}},
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
            const std::string goal_id = given_id ? *given_id : "g" + std::to_string(n);
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
    const Sheet* sheet = find_sheet({"每月习惯", "habits", "习惯"});
    if (!sheet) return;
    record_sheet("/habits", *sheet);
    auto table = open_table(*sheet, {{{"月份", "month"}, true},
                                     {{"习惯", "title", "habit"}, true},
                                     {{"说明", "detail"}},
                                     {{"要点", "tips"}}});
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
            for (std::string& item : split_list(*list)) items.push_back(std::move(item));
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
    const Sheet* sheet = find_sheet({"班级", "classes", "class"});
    if (!sheet) {
        add_problem("", "缺少“班级”表：请加一张名为“班级”的工作表，每行一个班（如 三年级二班）");
        return;
    }
    record_sheet("/classes", *sheet);
    auto table = open_table(*sheet, {{{"班级", "class", "name"}, true},
                                     {{"编号", "id"}},
                                     {{"年级", "grade"}},
                                     {{"班主任", "teacher"}}});
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
// [SECTION] 评比, 评比项目
//-----------------------------------------------------------------------------

void Builder::read_competitions() {
    const Sheet* sheet = find_sheet({"评比", "competitions"});
    const Sheet* criteria_sheet = find_sheet({"评比项目", "criteria"});
    if (!sheet) {
        if (criteria_sheet) add_problem("", "有“评比项目”表，但缺少“评比”表：请加一张“评比”表，写上每个评比的名称、编号和每周名额");
        return;
    }
    record_sheet("/competitions", *sheet);
    auto table = open_table(*sheet, {{{"名称", "name"}, true},
                                     {{"编号", "id"}, true},
                                     {{"每周名额", "awards", "名额"}, true},
                                     {{"范围", "scope"}},
                                     {{"并列", "ties"}},
                                     {{"比较顺序", "tiebreak"}},
                                     {{"显示", "display"}}});
    if (!table) return;
    const Table& t = *table;
    enum { name, id, awards, scope, ties, tiebreak, display };
    std::unordered_map<std::string, int> ids;
    for (int r : t.data_rows()) {
        bool bad = false;
        CompetitionEntry c;
        c.row = r;
        auto n = text(t, r, name, bad);
        if (!n) {
            require(t, r, name, false, bad);
            continue;
        }
        c.name = *n;
        if (competition_by_name_.count(fold_name(c.name))) {
            problem(t, r, name, "评比" + quote_cn(c.name) + "写了两次：请删去重复的一行");
            continue;
        }
        auto given_id = text(t, r, id, bad);
        if (!given_id) {
            if (!bad) problem(t, r, id, "缺少“编号”：给评比起一个英文编号，如 red-flag");
            continue;
        }
        c.id = *given_id;
        if (auto [it, fresh] = ids.try_emplace(c.id, r); !fresh) {
            problem(t, r, id,
                    "编号" + quote_cn(c.id) + "重复：第 " + std::to_string(it->second + 1) + " 行的评比已用这个编号");
            c.reported.insert("id");
        }
        const std::pair<const char*, int> fields[] = {{"id", t.col[id]},       {"name", t.col[name]},
                                                      {"awards", t.col[awards]}, {"scope", t.col[scope]},
                                                      {"ties", t.col[ties]},   {"tiebreak", t.col[tiebreak]},
                                                      {"display", t.col[display]}};
        for (const auto& [field, col] : fields) c.field_col.emplace(field, col < 0 ? 0 : col);
        std::size_t before = problems_.size();
        auto flag = [&](const char* field) {
            if (problems_.size() > before) c.reported.insert(field);
            before = problems_.size();
        };
        // From here on the competition exists, so its criteria and scores
        // are checked even when a setting below is wrong.
        if (const auto a = number(t, r, awards, bad)) {
            if (std::trunc(*a) == *a && *a >= 1 && *a <= 100000) {
                c.awards = static_cast<int>(*a);
            } else {
                problem(t, r, awards, "每周名额要写 1 或更大的整数，现在是 " + format_number(*a));
            }
        } else if (!bad) {
            problem(t, r, awards, "缺少“每周名额”：每周有几个班得流动红旗，如 6");
        }
        flag("awards");
        if (auto s = text(t, r, scope, bad)) {
            const std::string f = fold_name(*s);
            if (f == "全校" || f == "school") {
                c.scope = "school";
            } else if (f == "年级" || f == "grade" || f == "各年级" || f == "分年级") {
                c.scope = "grade";
            } else {
                problem(t, r, scope, quote_cn(*s) + " 不是范围：请写“全校”（全校一起排名）或“年级”（每个年级分别排名）");
            }
        }
        flag("scope");
        if (auto s = text(t, r, ties, bad)) {
            const std::string f = fold_name(*s);
            if (f == "共享" || f == "share") {
                c.ties = "share";
            } else if (f == "比较" || f == "tiebreak") {
                c.ties = "tiebreak";
            } else {
                problem(t, r, ties, quote_cn(*s) + " 不是并列的处理方法：请写“共享”（并列同名次）或“比较”（按比较顺序分先后）");
            }
        }
        flag("ties");
        if (auto s = text(t, r, tiebreak, bad)) {
            c.tiebreak_names = split_list(*s, ListSplit::any);
            c.tiebreak_col = t.col[tiebreak];
        }
        if (c.ties == "tiebreak" && c.tiebreak_names.empty() && !bad) {
            problem(t, r, tiebreak, "“并列”写了“比较”，但没有写“比较顺序”：请按先后写上项目名称，如“卫生、纪律”");
        }
        flag("tiebreak");
        if (auto s = text(t, r, display, bad)) {
            const std::string f = fold_width(*s);
            std::string_view rest;
            if (f == "全部" || fold_name(f) == "all") {
                c.display = "all";
            } else if (f == "仅获奖" || f == "获奖" || f == "只显示获奖" || fold_name(f) == "winners") {
                c.display = "winners";
            } else {
                std::string_view sv = f;
                if (sv.substr(0, 3) == "前") {
                    rest = trim(sv.substr(3));
                    if (rest.size() >= 3 && rest.substr(rest.size() - 3) == "名") rest = trim(rest.substr(0, rest.size() - 3));
                } else if (sv.substr(0, 4) == "top:") {
                    rest = trim(sv.substr(4));
                }
                std::optional<int> top;
                if (!rest.empty() && rest.size() <= 4 &&
                    std::all_of(rest.begin(), rest.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
                    top = std::stoi(std::string(rest));
                } else if (!rest.empty()) {
                    top = small_number(rest);
                }
                if (top && *top >= 1) {
                    c.display = "top:" + std::to_string(*top);
                } else {
                    problem(t, r, display, quote_cn(*s) + " 不是显示方式：请写“全部”、“仅获奖”或“前N”（如 前12）");
                }
            }
        }
        flag("display");
        competition_by_name_.emplace(fold_name(c.name), competitions_list_.size());
        competitions_list_.push_back(std::move(c));
    }
    if (!competitions_list_.empty() && !criteria_sheet) {
        add_problem("", "缺少“评比项目”表：请加一张“评比项目”表，写上每个评比的项目和满分（如 流动红旗 | 纪律 | 20）");
    }
}

void Builder::read_criteria() {
    const Sheet* sheet = find_sheet({"评比项目", "criteria"});
    if (!sheet || competitions_list_.empty()) return;
    auto table = open_table(*sheet, {{{"评比", "competition"}, true},
                                     {{"项目", "criterion", "name"}, true},
                                     {{"满分", "max"}, true},
                                     {{"权重", "weight"}},
                                     {{"编号", "id"}}});
    if (!table) return;
    const Table& t = *table;
    enum { competition, name, max, weight, id };
    // The five the seeds' plans score, by their usual ids; others c1, c2 ….
    static const std::unordered_map<std::string, std::string> known = {
        {"纪律", "discipline"}, {"出勤", "attendance"}, {"课间操", "exercise"}, {"仪表", "appearance"}, {"卫生", "hygiene"}};
    std::vector<int> generated(competitions_list_.size(), 0);
    std::vector<std::unordered_map<std::string, int>> ids_of(competitions_list_.size());  // id → row
    for (int r : t.data_rows()) {
        bool bad = false;
        auto comp_name = text(t, r, competition, bad);
        if (!comp_name) {
            require(t, r, competition, false, bad);
            continue;
        }
        const auto it = competition_by_name_.find(fold_name(*comp_name));
        if (it == competition_by_name_.end()) {
            problem(t, r, competition, "没有这个评比：" + *comp_name + "（“评比”表的“名称”列里没有它）");
            continue;
        }
        CompetitionEntry& c = competitions_list_[it->second];
        auto criterion_name = text(t, r, name, bad);
        if (!criterion_name) {
            require(t, r, name, false, bad);
            continue;
        }
        if (c.criterion_by_name.count(fold_name(*criterion_name))) {
            problem(t, r, name, c.name + "的项目" + quote_cn(*criterion_name) + "写了两次：请删去重复的一行");
            continue;
        }
        CriterionEntry entry;
        entry.name = *criterion_name;
        entry.row = r;
        if (auto given = text(t, r, id, bad)) {
            entry.id = *given;
            if (entry.id == "class" || entry.id == "note") {
                problem(t, r, id, quote_cn(entry.id) + " 不能作项目编号（分数表里另有它用）：请换一个");
                continue;
            }
        } else if (bad) {
            continue;
        }
        if (entry.id.empty()) {
            if (auto k = known.find(fold_name(entry.name)); k != known.end() && !ids_of[it->second].count(k->second)) {
                entry.id = k->second;
            } else {
                do entry.id = "c" + std::to_string(++generated[it->second]);
                while (ids_of[it->second].count(entry.id));
            }
        }
        if (auto [dup, fresh] = ids_of[it->second].try_emplace(entry.id, r); !fresh) {
            problem(t, r, id,
                    "编号" + quote_cn(entry.id) + "重复：第 " + std::to_string(dup->second + 1) + " 行的项目已用这个编号");
            continue;
        }
        const auto m = number(t, r, max, bad);
        if (m && *m > 0) {
            entry.max = *m;
        } else if (m) {
            problem(t, r, max, "满分要大于 0，现在是 " + format_number(*m));
        } else if (!bad) {
            problem(t, r, max, "缺少“满分”，如 20");
        }
        std::optional<double> w = number(t, r, weight, bad);
        if (w && *w < 0) {
            problem(t, r, weight, "权重不能小于 0，现在是 " + format_number(*w));
            w.reset();
        }
        c.criterion_by_name.emplace(fold_name(entry.name), c.criteria.size());
        c.criterion_by_name.emplace(fold_name(entry.id), c.criteria.size());
        c.criteria.push_back(std::move(entry));
        c.weights.push_back(w);
    }
    for (std::size_t i = 0; i < competitions_list_.size(); ++i) {
        const CompetitionEntry& c = competitions_list_[i];
        if (c.criteria.empty()) {
            const Sheet* comps = find_sheet({"评比", "competitions"});
            problem(*comps, c.row, 0,
                    "评比" + quote_cn(c.name) + "没有项目：请在“评比项目”表里写上它的项目和满分（评比列写“" + c.name + "”）");
        }
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Score sheets and deduction logs → rounds
//-----------------------------------------------------------------------------

namespace {

// One class's row in a round.
struct ScoreRow {
    std::size_t class_index = 0;
    std::vector<double> values;
    std::string note;
    int row = -1;
};

struct RoundBuild {
    int week = 0;
    std::optional<Date> start;
    int start_row = -1;  // the row whose 开始日期 gave `start`
    int week_row = -1;   // the first row of the week
    std::vector<ScoreRow> scores;
    std::vector<int> row_of_class;  // per class: the row already scoring it, or -1
    bool from_deductions = false;
};

// 第3周, 3, ３.
std::optional<int> week_number(const Cell& cell) {
    if (cell.kind == Cell::Kind::number && !cell.is_date) {
        if (std::trunc(cell.number) == cell.number && cell.number >= 1 && cell.number <= 1000) {
            return static_cast<int>(cell.number);
        }
        return std::nullopt;
    }
    if (cell.kind != Cell::Kind::text) return std::nullopt;
    std::string s = fold_name(cell.text);
    std::string_view v = s;
    if (v.substr(0, 3) == "第") v.remove_prefix(3);
    if (v.size() >= 3 && v.substr(v.size() - 3) == "周") v.remove_suffix(3);
    if (!v.empty() && v.size() <= 4 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        const int n = std::stoi(std::string(v));
        if (n >= 1 && n <= 1000) return n;
        return std::nullopt;
    }
    return small_number(v);
}

}  // namespace

void Builder::read_rounds(std::size_t index) {
    CompetitionEntry& comp = competitions_list_[index];
    const std::size_t n_criteria = comp.criteria.size();
    std::map<int, RoundBuild> rounds;  // by week
    auto round_for = [&](int week) -> RoundBuild& {
        auto [it, fresh] = rounds.try_emplace(week);
        if (fresh) {
            it->second.week = week;
            it->second.row_of_class.assign(classes_list_.size(), -1);
        }
        return it->second;
    };
    const std::string comp_at = child("/competitions", index);
    const Sheet* score_sheet = find_sheet({comp.name});
    const Sheet* deduction_sheet = find_sheet({comp.name + "扣分"});
    std::optional<Table> scores_table;
    std::vector<int> criterion_col(n_criteria, -1);
    auto& columns = score_columns_.emplace_back();

    // Weeks past the term's end are a typo (第200周), not a future round.
    const int last_week = term_known_ ? school_week(term_start_, term_end_) : 1000;
    auto check_week = [&](const Table& t, int r, std::size_t spec, int week) {
        if (week > last_week) {
            problem(t, r, spec,
                    "第" + std::to_string(week) + "周不在本学期里：学期（到 " + term_end_.to_string() + "）只有 " +
                        std::to_string(last_week) + " 周");
            return false;
        }
        return true;
    };

    if (score_sheet) {
        std::vector<ColumnSpec> specs = {{{"周次", "week"}, true},
                                         {{"班级", "class"}, true},
                                         {{"开始日期", "start"}},
                                         {{"备注", "note"}}};
        for (const CriterionEntry& c : comp.criteria) specs.push_back({{c.name, c.id}});
        scores_table = open_table(*score_sheet, std::move(specs));
    }
    if (scores_table) {
        const Table& t = *scores_table;
        enum { week_spec, class_spec, start_spec, note_spec, first_criterion };
        for (std::size_t c = 0; c < n_criteria; ++c) {
            criterion_col[c] = t.col[first_criterion + c];
            columns.emplace(comp.criteria[c].id, criterion_col[c]);
            if (criterion_col[c] < 0) {
                sheet_problem(*score_sheet, "缺少" + quote_cn(comp.criteria[c].name) + "列：评比项目里有这一项，每周都要给它打分");
            }
        }
        for (int r : t.data_rows()) {
            bool bad = false;
            const Cell& week_cell = t.cell(r, week_spec);
            std::optional<int> week;
            if (week_cell.is_empty()) {
                problem(t, r, week_spec, "缺少“周次”：写第几周，如 3");
            } else if (std::string why = unusable_cell(week_cell); !why.empty()) {
                problem(t, r, week_spec, why);
            } else if (!(week = week_number(week_cell))) {
                problem(t, r, week_spec, quote_cn(cell_text(week_cell)) + " 不是周次：请写第几周，如 3");
            } else if (!check_week(t, r, week_spec, *week)) {
                week.reset();
            }
            auto class_text = text(t, r, class_spec, bad);
            std::optional<std::size_t> class_index;
            if (!class_text) {
                require(t, r, class_spec, false, bad);
            } else if (!(class_index = find_class(*class_text))) {
                problem(t, r, class_spec, "没有这个班级：" + *class_text);
            }
            ScoreRow score;
            score.row = r;
            score.values.resize(n_criteria, 0);
            bool usable = week && class_index;
            for (std::size_t c = 0; c < n_criteria; ++c) {
                if (criterion_col[c] < 0) {
                    usable = false;
                    continue;
                }
                const CriterionEntry& crit = comp.criteria[c];
                const std::size_t spec = first_criterion + c;
                const auto v = number(t, r, spec, bad);
                if (!v) {
                    if (!bad) problem(t, r, spec, "缺少" + quote_cn(crit.name) + "的分数");
                    usable = false;
                } else if (*v < 0) {
                    problem(t, r, spec, format_number(*v) + " 小于 0：" + quote_cn(crit.name) + "的分数最低是 0");
                    usable = false;
                } else if (*v > crit.max) {
                    problem(t, r, spec, format_number(*v) + " 超过" + quote_cn(crit.name) + "的满分 " + format_number(crit.max));
                    usable = false;
                } else {
                    score.values[c] = *v;
                }
            }
            if (auto note = text(t, r, note_spec, bad)) score.note = *note;
            if (!week) continue;
            RoundBuild& round = round_for(*week);
            if (round.week_row < 0) round.week_row = r;
            if (auto start = date(t, r, start_spec, bad)) {
                if (!round.start) {
                    round.start = start;
                    round.start_row = r;
                } else if (*round.start != *start) {
                    problem(t, r, start_spec,
                            "第" + std::to_string(*week) + "周的开始日期写了两个：" + round.start->to_string() + "（第 " +
                                std::to_string(round.start_row + 1) + " 行）和 " + start->to_string());
                }
            }
            if (!class_index) continue;
            if (const int first = round.row_of_class[*class_index]; first >= 0) {
                problem(t, r, class_spec,
                        classes_list_[*class_index].name + "在第" + std::to_string(*week) + "周已经有一行（第 " +
                            std::to_string(first + 1) + " 行）：每周每个班只写一行");
                continue;
            }
            round.row_of_class[*class_index] = r;
            score.class_index = *class_index;
            if (usable) round.scores.push_back(std::move(score));
        }
    }

    // The deduction log: weeks it names that the score sheet does not.
    std::optional<Table> deductions_table;
    if (deduction_sheet) {
        deductions_table = open_table(*deduction_sheet, {{{"日期", "date"}, true},
                                                         {{"班级", "class"}, true},
                                                         {{"项目", "criterion"}, true},
                                                         {{"扣分", "points", "deduction"}, true},
                                                         {{"原因", "reason"}}});
    }
    std::map<int, int> deduction_first_row;  // week → its first deduction row
    if (deductions_table) {
        const Table& t = *deductions_table;
        enum { date_spec, class_spec, criterion_spec, points_spec, reason_spec };
        // week → per class, per criterion: points off; and the reasons.
        std::map<int, std::vector<double>> off;
        std::map<int, std::vector<std::string>> notes;
        for (int r : t.data_rows()) {
            bool bad = false;
            const auto day = date(t, r, date_spec, bad);
            std::optional<int> week;
            if (!day) {
                require(t, r, date_spec, false, bad);
            } else if (term_known_ && *day < first_monday_) {
                problem(t, r, date_spec, day->to_string() + " 在本学期第1周（" + first_monday_.to_string() + " 起）之前");
            } else if (term_known_ && *day > term_end_) {
                problem(t, r, date_spec, day->to_string() + " 在学期结束日期 " + term_end_.to_string() + " 之后");
            } else {
                week = school_week(term_start_, *day);
            }
            auto class_text = text(t, r, class_spec, bad);
            std::optional<std::size_t> class_index;
            if (!class_text) {
                require(t, r, class_spec, false, bad);
            } else if (!(class_index = find_class(*class_text))) {
                problem(t, r, class_spec, "没有这个班级：" + *class_text);
            }
            auto criterion_text = text(t, r, criterion_spec, bad);
            std::optional<std::size_t> criterion;
            if (!criterion_text) {
                require(t, r, criterion_spec, false, bad);
            } else if (auto it = comp.criterion_by_name.find(fold_name(*criterion_text)); it != comp.criterion_by_name.end()) {
                criterion = it->second;
            } else {
                problem(t, r, criterion_spec, comp.name + "没有这个项目：" + *criterion_text);
            }
            const auto points = number(t, r, points_spec, bad);
            if (!points) {
                require(t, r, points_spec, false, bad);
            } else if (*points < 0) {
                problem(t, r, points_spec, "扣分要写正数：扣 2 分就写 2，现在是 " + format_number(*points));
            }
            if (!week || !class_index || !criterion || !points || *points < 0) continue;
            auto& table_off = off[*week];
            auto& table_notes = notes[*week];
            if (table_off.empty()) {
                table_off.assign(classes_list_.size() * n_criteria, 0);
                table_notes.assign(classes_list_.size(), {});
            }
            deduction_first_row.try_emplace(*week, r);
            table_off[*class_index * n_criteria + *criterion] += *points;
            std::string& note = table_notes[*class_index];
            if (!note.empty()) note += "；";
            note += comp.criteria[*criterion].name + "扣" + format_number(*points) + "分";
            if (auto reason = text(t, r, reason_spec, bad)) note += "：" + *reason;
        }
        for (auto& [week, points_off] : off) {
            if (rounds.count(week)) continue;  // the score sheet has this week: it counts as written
            RoundBuild& round = round_for(week);
            round.from_deductions = true;
            round.week_row = deduction_first_row[week];
            const std::vector<std::string>& week_notes = notes[week];
            for (std::size_t k = 0; k < classes_list_.size(); ++k) {
                ScoreRow score;
                score.class_index = k;
                score.values.resize(n_criteria);
                for (std::size_t c = 0; c < n_criteria; ++c) {
                    score.values[c] = std::max(0.0, comp.criteria[c].max - points_off[k * n_criteria + c]);
                }
                if (k < week_notes.size()) score.note = week_notes[k];
                round.scores.push_back(std::move(score));
            }
        }
    }

    // The competition's JSON, in the contract's key order.
    Json c = Json::object();
    const Sheet* comps = find_sheet({"评比", "competitions"});
    origins_.insert_or_assign(comp_at, Origin{comps, comp.row, 0});
    for (const auto& [field, col] : comp.field_col) {
        origins_.insert_or_assign(child(comp_at, field), Origin{comps, comp.row, col});
    }
    for (const std::string& field : comp.reported) taint(child(comp_at, field));
    c["id"] = comp.id;
    c["name"] = comp.name;
    c["period"] = "week";
    c["awards"] = comp.awards;
    c["scope"] = comp.scope;
    Json criteria = Json::array();
    const Sheet* criteria_sheet = find_sheet({"评比项目", "criteria"});
    for (std::size_t k = 0; k < n_criteria; ++k) {
        const CriterionEntry& crit = comp.criteria[k];
        Json j = Json::object();
        j["id"] = crit.id;
        j["name"] = crit.name;
        j["max"] = number_json(crit.max);
        if (comp.weights[k]) j["weight"] = number_json(*comp.weights[k]);
        origins_.insert_or_assign(child(child(comp_at, "criteria"), k), Origin{criteria_sheet, crit.row, 1});
        criteria.push_back(std::move(j));
    }
    c["criteria"] = std::move(criteria);
    c["ties"] = comp.ties;
    if (!comp.tiebreak_names.empty()) {
        Json list = Json::array();
        for (const std::string& n : comp.tiebreak_names) {
            auto it = comp.criterion_by_name.find(fold_name(n));
            if (it == comp.criterion_by_name.end()) {
                problem(*comps, comp.row, comp.tiebreak_col, comp.name + "没有这个项目：" + n + "（比较顺序里只能写它的项目）");
                continue;
            }
            list.push_back(comp.criteria[it->second].id);
        }
        if (!list.empty()) c["tiebreak"] = std::move(list);
        else taint(child(comp_at, "tiebreak"));
    }
    c["display"] = comp.display;

    Json rounds_json = Json::array();
    const std::string rounds_at = child(comp_at, "rounds");
    for (auto& [week, round] : rounds) {
        if (round.scores.empty()) continue;  // every row of the week was wrong, and said so
        const Sheet* sheet = round.from_deductions ? deduction_sheet : score_sheet;
        const int week_col = round.from_deductions ? deductions_table->col[0] : scores_table->col[0];
        const std::string at = child(rounds_at, rounds_json.size());
        origins_.insert_or_assign(at, Origin{sheet, round.week_row, week_col});
        origins_.insert_or_assign(child(at, "week"), Origin{sheet, round.week_row, week_col});
        const Date start = round.start.value_or(week_monday(week));
        if (round.start) {
            origins_.insert_or_assign(child(at, "start"), Origin{sheet, round.start_row, scores_table->col[2]});
        } else {
            origins_.insert_or_assign(child(at, "start"), Origin{sheet, round.week_row, week_col});
        }
        Json r = Json::object();
        r["week"] = week;
        r["start"] = start.to_string();
        Json scores = Json::array();
        ScoreRows& score_rows = score_rows_[child(at, "scores")];
        score_rows.origin = Origin{sheet, -1, round.from_deductions ? -1 : scores_table->col[1], static_cast<int>(index)};
        for (const ScoreRow& s : round.scores) {
            Json j = Json::object();
            j.get_ref<Json::object_t&>().reserve(n_criteria + 2);
            j["class"] = classes_list_[s.class_index].id;
            for (std::size_t k = 0; k < n_criteria; ++k) j[comp.criteria[k].id] = number_json(s.values[k]);
            if (!s.note.empty()) j["note"] = s.note;
            if (s.row >= 0) score_rows.rows.push_back(s.row);
            scores.push_back(std::move(j));
        }
        r["scores"] = std::move(scores);
        rounds_json.push_back(std::move(r));
    }
    if (deduction_sheet) origins_.try_emplace(rounds_at, Origin{deduction_sheet});
    if (score_sheet) origins_.insert_or_assign(rounds_at, Origin{score_sheet});
    c["rounds"] = std::move(rounds_json);
    competitions_.push_back(std::move(c));
}

//-----------------------------------------------------------------------------
// [SECTION] 通知, 活动
//-----------------------------------------------------------------------------

void Builder::read_announcements() {
    const Sheet* sheet = find_sheet({"通知", "announcements"});
    if (!sheet) return;
    announcements_ = Json::array();
    record_sheet("/announcements", *sheet);
    auto table = open_table(*sheet, {{{"级别", "level"}, true},
                                     {{"标题", "title"}, true},
                                     {{"内容", "body"}},
                                     {{"开始", "from", "开始时间"}},
                                     {{"结束", "until", "结束时间"}},
                                     {{"对象", "targets"}},
                                     {{"编号", "id"}}});
    if (!table) return;
    const Table& t = *table;
    enum { level, title, body, from, until, targets, id };
    static const std::unordered_map<std::string, std::string> levels = {
        {"通知", "info"}, {"重要", "urgent"}, {"紧急", "emergency"},
        {"info", "info"}, {"urgent", "urgent"}, {"emergency", "emergency"}};
    static const std::unordered_map<std::string, std::string> words = {
        {"全部", "all"},   {"all", "all"},           {"大厅", "lobby"},         {"lobby", "lobby"},
        {"走廊", "corridor"}, {"corridor", "corridor"}, {"教室", "classroom"}, {"classroom", "classroom"},
        {"集会", "assembly"}, {"assembly", "assembly"}};
    std::unordered_map<std::string, int> ids;
    std::size_t n = 0;
    for (int r : t.data_rows()) {
        ++n;
        bool bad = false;
        const std::string at = child("/announcements", announcements_->size());
        record(at, t, r, title);
        Json a = Json::object();
        auto given_id = text(t, r, id, bad);
        const std::string a_id = given_id ? *given_id : "a" + std::to_string(n);
        if (auto [it, fresh] = ids.try_emplace(a_id, r); !fresh) {
            problem(t, r, given_id ? id : title,
                    "编号" + quote_cn(a_id) + "重复：第 " + std::to_string(it->second + 1) + " 行的通知已用这个编号");
        }
        a["id"] = a_id;
        record(child(at, "id"), t, r, given_id ? id : title);
        std::string level_value = "info";
        if (auto l = text(t, r, level, bad)) {
            if (auto it = levels.find(fold_name(*l)); it != levels.end()) {
                level_value = it->second;
            } else {
                problem(t, r, level, quote_cn(*l) + " 不是级别：请写“通知”、“重要”（每页都显示）或“紧急”（占满屏幕）");
                taint(child(at, "level"));
            }
        } else {
            require(t, r, level, false, bad);
            taint(child(at, "level"));
        }
        a["level"] = level_value;
        record(child(at, "level"), t, r, level);
        auto title_text = text(t, r, title, bad);
        require(t, r, title, title_text.has_value(), bad);
        a["title"] = title_text.value_or("?");
        if (!title_text) taint(child(at, "title"));
        record(child(at, "title"), t, r, title);
        if (auto b = text(t, r, body, bad)) a["body"] = *b, record(child(at, "body"), t, r, body);
        bool bad_from = false, bad_until = false;
        const auto from_at = date_time(t, r, from, bad_from);
        const auto until_at = date_time(t, r, until, bad_until);
        std::optional<Instant> from_instant, until_instant;
        if (from_at) {
            a["from"] = stamp(*from_at, false);
            from_instant = parse_rfc3339(a["from"].get<std::string>())->instant;
            record(child(at, "from"), t, r, from);
        }
        if (until_at) {
            a["until"] = stamp(*until_at, true);
            until_instant = parse_rfc3339(a["until"].get<std::string>())->instant;
            record(child(at, "until"), t, r, until);
        }
        if (from_instant && until_instant && !(*from_instant < *until_instant)) {
            problem(t, r, until,
                    "结束（" + a["until"].get<std::string>() + "）不在开始（" + a["from"].get<std::string>() + "）之后");
            taint(child(at, "until"));
        }
        if (auto list = text(t, r, targets, bad)) {
            Json out = Json::array();
            for (const std::string& item : split_list(*list, ListSplit::any)) {
                const std::string f = fold_width(item);
                const std::string key = fold_name(item);
                if (auto w = words.find(key); w != words.end()) {
                    out.push_back(w->second);
                    continue;
                }
                // 年级:3 / grade:3, 屏幕:ID / screen:ID, class:ID as the screens write them.
                auto after = [&](std::initializer_list<std::string_view> prefixes) -> std::optional<std::string> {
                    for (std::string_view p : prefixes) {
                        if (key.rfind(p, 0) == 0) return std::string(trim(std::string_view(f).substr(f.find(':') + 1)));
                    }
                    return std::nullopt;
                };
                if (auto g = after({"年级:", "grade:"})) {
                    const auto grade = small_number(*g);
                    if (grade && *grade >= 1 && *grade <= 12) {
                        out.push_back("grade:" + std::to_string(*grade));
                    } else {
                        problem(t, r, targets, quote_cn(item) + " 不是年级：请写 年级:N，N 从 1 到 12（如 年级:3）");
                    }
                    continue;
                }
                if (auto s = after({"屏幕:", "screen:"})) {
                    if (s->empty()) {
                        problem(t, r, targets, quote_cn(item) + " 没有写屏幕编号：请写 屏幕:编号（如 屏幕:lobby-1）");
                    } else {
                        out.push_back("screen:" + *s);
                    }
                    continue;
                }
                if (auto grade = parse_grade_name(item)) {
                    out.push_back("grade:" + std::to_string(*grade));
                    continue;
                }
                std::optional<std::string> class_ref = after({"班级:", "class:"});
                if (auto k = find_class(class_ref ? *class_ref : item)) {
                    out.push_back("class:" + classes_list_[*k].id);
                    continue;
                }
                problem(t, r, targets,
                        "不认识的对象：" + item +
                            "（可写 全部、大厅、走廊、教室、集会、三年级、年级:3、班级名称或编号、屏幕:编号）");
            }
            if (!out.empty()) {
                a["targets"] = std::move(out);
                record(child(at, "targets"), t, r, targets);
            }
        }
        announcements_->push_back(std::move(a));
    }
}

void Builder::read_events() {
    const Sheet* sheet = find_sheet({"活动", "events"});
    if (!sheet) return;
    events_ = Json::array();
    record_sheet("/events", *sheet);
    auto table = open_table(*sheet, {{{"活动", "title", "event"}, true},
                                     {{"日期", "date"}, true},
                                     {{"时间", "time"}},
                                     {{"地点", "place"}},
                                     {{"编号", "id"}}});
    if (!table) return;
    const Table& t = *table;
    enum { title, date_spec, time_spec, place, id };
    std::unordered_map<std::string, int> ids;
    std::size_t n = 0;
    for (int r : t.data_rows()) {
        ++n;
        bool bad = false;
        const std::string at = child("/events", events_->size());
        record(at, t, r, title);
        Json e = Json::object();
        auto given_id = text(t, r, id, bad);
        const std::string e_id = given_id ? *given_id : "e" + std::to_string(n);
        if (auto [it, fresh] = ids.try_emplace(e_id, r); !fresh) {
            problem(t, r, given_id ? id : title,
                    "编号" + quote_cn(e_id) + "重复：第 " + std::to_string(it->second + 1) + " 行的活动已用这个编号");
        }
        e["id"] = e_id;
        record(child(at, "id"), t, r, given_id ? id : title);
        auto title_text = text(t, r, title, bad);
        require(t, r, title, title_text.has_value(), bad);
        e["title"] = title_text.value_or("?");
        if (!title_text) taint(child(at, "title"));
        record(child(at, "title"), t, r, title);
        const auto when = date_time(t, r, date_spec, bad);
        require(t, r, date_spec, when.has_value(), bad);
        e["date"] = when ? when->date.to_string() : "2000-01-01";
        if (!when) taint(child(at, "date"));
        record(child(at, "date"), t, r, date_spec);
        std::optional<TimeOfDay> time = when ? when->time : std::nullopt;
        int time_col = date_spec;
        const Cell& time_cell = t.cell(r, time_spec);
        if (!time_cell.is_empty() && !(time_cell.kind == Cell::Kind::text && trim(time_cell.text).empty())) {
            if (auto v = cell_time(time_cell, book_.date1904)) {
                time = *v;
                time_col = time_spec;
            } else {
                problem(t, r, time_spec, v.error);
            }
        }
        if (time) {
            char buffer[16];
            if (time->second) {
                std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d", time->hour, time->minute, time->second);
            } else {
                std::snprintf(buffer, sizeof buffer, "%02d:%02d", time->hour, time->minute);
            }
            e["time"] = buffer;
            record(child(at, "time"), t, r, static_cast<std::size_t>(time_col));
        }
        if (auto p = text(t, r, place, bad)) e["place"] = *p, record(child(at, "place"), t, r, place);
        events_->push_back(std::move(e));
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

    check_with_parse_feed(feed_text(feed_));
    BuildResult result;
    result.problems = std::move(problems_);
    if (result.problems.empty()) result.feed = std::move(feed_);
    return result;
}

// The sample feed's layout (scripts/make_sample_feed.py): small flat objects
// and lists on one line, so a round reads as a table and a large school's
// feed stays within the screens' 4 MiB.
constexpr std::size_t kLineWidth = 150;

void write_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t done = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;  // UTF-8 as is; the screens' check rejects a malformed sequence
        out.append(text.data() + done, i - done);
        done = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            }
        }
    }
    out.append(text.data() + done, text.size() - done);
    out += '"';
}

// Scalars by hand: nlohmann's dump() per value costs more than the whole
// rest of a large school's build.
void write_scalar(std::string& out, const Json& value) {
    char buffer[32];
    switch (value.type()) {
        case Json::value_t::string: write_string(out, value.get_ref<const std::string&>()); return;
        case Json::value_t::number_integer: {
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get<std::int64_t>());
            out.append(buffer, ec == std::errc() ? end : buffer);
            return;
        }
        case Json::value_t::number_unsigned: {
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get<std::uint64_t>());
            out.append(buffer, ec == std::errc() ? end : buffer);
            return;
        }
        case Json::value_t::number_float: {
            const double d = value.get<double>();
            if (!std::isfinite(d)) {
                out += "null";
                return;
            }
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
            out.append(buffer, ec == std::errc() ? end : buffer);
            return;
        }
        case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
        default: out += "null"; return;
    }
}

// `pretty`: two-space indent, small flat objects and lists on one line;
// otherwise no whitespace at all.
// Returns false once `out` is past `limit` (the pretty form is then given up).
bool write_json(std::string& out, const Json& value, std::size_t indent, bool pretty, std::size_t limit) {
    const bool object = value.is_object();
    if (!object && !value.is_array()) {
        write_scalar(out, value);
        return true;
    }
    if (value.empty()) {
        out += object ? "{}" : "[]";
        return true;
    }
    if (!pretty) {
        out += object ? '{' : '[';
        bool first = true;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!first) out += ',';
            first = false;
            if (object) {
                write_string(out, it.key());
                out += ':';
            }
            write_json(out, *it, 0, false, limit);
        }
        out += object ? '}' : ']';
        return true;
    }
    bool flat = true;
    for (const auto& item : value) {
        if (item.is_structured()) {
            flat = false;
            break;
        }
    }
    if (flat) {
        const std::size_t mark = out.size();
        out += object ? "{ " : "[";
        bool first = true;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!first) out += ", ";
            first = false;
            if (object) {
                write_string(out, it.key());
                out += ": ";
            }
            write_scalar(out, *it);
        }
        out += object ? " }" : "]";
        const std::size_t line_start = out.rfind('\n', mark);
        const std::size_t column = mark - (line_start == std::string::npos ? 0 : line_start + 1);
        if (column + code_points(std::string_view(out).substr(mark)) <= kLineWidth) return true;
        out.resize(mark);
    }
    out += object ? "{\n" : "[\n";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ",\n";
        first = false;
        out.append(2 * (indent + 1), ' ');
        if (object) {
            write_string(out, it.key());
            out += ": ";
        }
        if (!write_json(out, *it, indent + 1, true, limit) || out.size() > limit) return false;
    }
    out += '\n';
    out.append(2 * indent, ' ');
    out += object ? '}' : ']';
    return true;
}

}  // namespace

BuildResult build_feed(const Workbook& book, const BuildOptions& options) {
    Builder builder(book, options);
    return builder.run();
}

std::string feed_text(const nlohmann::ordered_json& feed) {
    const std::size_t limit = FeedLimits{}.max_bytes;
    std::string out;
    // One allocation: growing by doubling would copy and fault in the pages
    // of every smaller buffer (untouched reserved pages cost nothing).
    out.reserve(limit + (1u << 16));
    // A very large school (2,000 classes × 20 weeks) would pass the screens'
    // 4 MiB in the readable layout; without the spaces it still fits.
    if (!write_json(out, feed, 0, true, limit) || out.size() + 1 > limit) {
        out.clear();  // keeps the capacity
        write_json(out, feed, 0, false, limit);
    }
    out += '\n';
    return out;
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
        const std::size_t slash = path.find_last_of('/', path.size() > 1 && path.back() == '/' ? path.size() - 2 : std::string::npos);
        out.file_label = slash == std::string::npos ? path : path.substr(slash + 1);
        while (!out.file_label.empty() && out.file_label.back() == '/') out.file_label.pop_back();
    }
    for (ReadProblem& p : read.problems) out.result.problems.push_back({std::move(p.where), std::move(p.message)});
    if (!read.book) return out;
    BuildResult built = build_feed(*read.book, options);
    for (BuildProblem& p : built.problems) out.result.problems.push_back(std::move(p));
    if (out.result.problems.empty()) out.result.feed = std::move(built.feed);
    return out;
}

}  // namespace campus::publish
