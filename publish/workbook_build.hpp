// The workbook → feed builder's internal corner: shared by workbook_feed.cpp
// (tables, 学校, goals, habits, classes, the screens' check),
// workbook_competitions.cpp (评比, 评比项目, scores, deductions) and
// workbook_notices.cpp (通知, 活动). Not a public interface: include
// publish/workbook_feed.hpp instead.
//
// [SECTION] Places: JSON pointers and the cells behind them
// [SECTION] Tables: sheet and column names, the header row, data rows
// [SECTION] The builder
//
// Thread safety: a Builder is used by one thread for one build.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "publish/cell_values.hpp"
#include "publish/workbook.hpp"
#include "publish/workbook_feed.hpp"
#include "publish/workbook_words.hpp"
#include "sync/civil_time.hpp"
#include "sync/json_limited.hpp"

namespace campus::publish::workbook_build {

using Json = nlohmann::ordered_json;

//-----------------------------------------------------------------------------
// [SECTION] Places: JSON pointers and the cells behind them
//-----------------------------------------------------------------------------

inline std::string child(const std::string& pointer, std::string_view token) {
    std::string out = pointer;
    json_limited::append_pointer_token(out, token);  // "~" → "~0", "/" → "~1" (RFC 6901)
    return out;
}

inline std::string child(const std::string& pointer, std::size_t index) { return pointer + '/' + std::to_string(index); }

// g1, a2, e3: the ids the contract gives rows that name none.
inline std::string numbered_id(char prefix, std::size_t n) {
    std::string id(1, prefix);
    id += std::to_string(n);
    return id;
}

inline std::string quote_cn(std::string_view text) { return "“" + std::string(text) + "”"; }

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

inline Json number_json(double value) {
    if (std::trunc(value) == value && std::fabs(value) <= 9007199254740992.0) {
        return static_cast<std::int64_t>(value);
    }
    return value;
}

// Counts code points (the screens' string limit counts those).
inline std::size_t code_points(std::string_view text) {
    std::size_t n = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
    return n;
}

inline bool valid_feed_id(std::string_view id) {
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

    // Not an initializer_list constructor: {{"编号", "id"}} must stay two
    // names, never string_view's (first, last) pair.
    ColumnSpec(const std::vector<std::string_view>& spellings, bool is_required = false) : required(is_required) {
        for (std::string_view n : spellings) names.emplace_back(n);
    }
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
// [SECTION] The builder
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
    // The optional 链接 column of 通知 and 活动: an https:// URL into `into["link"]`, or a problem at its cell.
    void read_link(const Table& t, int row, std::size_t spec, Json& into, const std::string& at);
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
    // ---- pictures (workbook_pictures.cpp) ----------------------------------
    // The picture a 图片 cell names, read, measured and hashed (rewritten when
    // it must be: see PictureFile): its media id, or nullopt after a problem
    // at the cell. The same file twice is one media entry.
    std::optional<std::string> read_picture(const Table& t, int row, std::size_t spec, bool& bad);
    // The optional 图片 column of 通知 and 活动: `into["image"]`.
    void read_image(const Table& t, int row, std::size_t spec, Json& into, const std::string& at);
    void read_gallery();  // 校园风采
    std::optional<std::size_t> find_class(std::string_view text) const;
    std::string stamp(const DateAndTime& at, bool end_of_day) const;
    Date week_monday(int week) const { return first_monday_.plus_days(7 * static_cast<std::int64_t>(week - 1)); }

    // ---- the screens' check ---------------------------------------------------
    void check_with_parse_feed(const std::string& text);
    Origin origin_of(const std::string& pointer) const;

    const Workbook& book_;
    BuildOptions options_;
    std::vector<BuildProblem> problems_;
    // Every sheet find_sheet() returned: the rest were read by nothing (notes()).
    mutable std::unordered_set<const Sheet*> sheets_read_;
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
    Json media_ = Json::array();
    std::optional<Json> gallery_;
    std::vector<PictureFile> pictures_;
    std::unordered_map<std::string, std::string> media_by_file_;  // the file's resolved path -> its media id
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


}  // namespace campus::publish::workbook_build
