// The workbook → feed builder, competitions: 评比 and 评比项目, one score
// sheet per competition and its optional <名称>扣分 log, into `competitions`
// (see workbook_feed.hpp; the contract is shared/workbook-contract.md).
//
// [SECTION] 评比, 评比项目
// [SECTION] Score sheets and deduction logs → rounds
#include "publish/workbook_build.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "publish/cell_values.hpp"
#include "sync/calendar.hpp"
#include "sync/civil_time.hpp"

namespace campus::publish::workbook_build {

//-----------------------------------------------------------------------------
// [SECTION] 评比, 评比项目
//-----------------------------------------------------------------------------

void Builder::read_competitions() {
    const Sheet* sheet = find_sheet({words::sheet_competitions, "competitions"});
    const Sheet* criteria_sheet = find_sheet({words::sheet_criteria, "criteria"});
    if (!sheet) {
        if (criteria_sheet) add_problem("", "有“评比项目”表，但缺少“评比”表：请加一张“评比”表，写上每个评比的名称、编号和每周名额");
        return;
    }
    record_sheet("/competitions", *sheet);
    auto table = open_table(*sheet, {{{words::col_competition_name, "name"}, true},
                                     {{words::col_competition_id, "id"}, true},
                                     {{words::col_competition_awards, "awards", "名额"}, true},
                                     {{words::col_competition_scope, "scope"}},
                                     {{words::col_competition_ties, "ties"}},
                                     {{words::col_competition_tiebreak, "tiebreak"}},
                                     {{words::col_competition_display, "display"}}});
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
    const Sheet* sheet = find_sheet({words::sheet_criteria, "criteria"});
    if (!sheet || competitions_list_.empty()) return;
    auto table = open_table(*sheet, {{{words::col_criterion_competition, "competition"}, true},
                                     {{words::col_criterion_name, "criterion", "name"}, true},
                                     {{words::col_criterion_max, "max"}, true},
                                     {{words::col_criterion_weight, "weight"}},
                                     {{words::col_criterion_id, "id"}}});
    if (!table) return;
    const Table& t = *table;
    enum { competition, name, max, weight, id };
    // The five the seeds' plans score, by their usual ids; others c1, c2 ….
    static const std::unordered_map<std::string, std::string> known = [] {
        std::unordered_map<std::string, std::string> m;
        for (const words::DefaultCriterion& d : words::default_criteria) m.emplace(fold_name(d.name), d.id);
        return m;
    }();
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
            const Sheet* comps = find_sheet({words::sheet_competitions, "competitions"});
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
    const Sheet* deduction_sheet = find_sheet({comp.name + std::string(words::deductions_suffix)});
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
        std::vector<ColumnSpec> specs = {{{words::col_round_week, "week"}, true},
                                         {{words::col_round_class, "class"}, true},
                                         {{words::col_round_start, "start"}},
                                         {{words::col_round_note, "note"}}};
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
            int week_value = 0;  // 0: no usable week (a plain int: GCC 12 warns falsely on an optional here)
            if (week_cell.is_empty()) {
                problem(t, r, week_spec, "缺少“周次”：写第几周，如 3");
            } else if (std::string why = unusable_cell(week_cell); !why.empty()) {
                problem(t, r, week_spec, why);
            } else if (const auto n = week_number(week_cell); !n) {
                problem(t, r, week_spec, quote_cn(cell_text(week_cell)) + " 不是周次：请写第几周，如 3");
            } else if (check_week(t, r, week_spec, *n)) {
                week_value = *n;
            }
            const int* const week = week_value > 0 ? &week_value : nullptr;
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
        deductions_table = open_table(*deduction_sheet, {{{words::col_deduction_date, "date"}, true},
                                                         {{words::col_deduction_class, "class"}, true},
                                                         {{words::col_deduction_criterion, "criterion"}, true},
                                                         {{words::col_deduction_points, "points", "deduction"}, true},
                                                         {{words::col_deduction_reason, "reason"}}});
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
            std::vector<std::string>& week_notes = notes[week];
            for (std::size_t k = 0; k < classes_list_.size(); ++k) {
                ScoreRow score;
                score.class_index = k;
                score.values.resize(n_criteria);
                for (std::size_t c = 0; c < n_criteria; ++c) {
                    score.values[c] = std::max(0.0, comp.criteria[c].max - points_off[k * n_criteria + c]);
                }
                if (k < week_notes.size()) score.note = std::move(week_notes[k]);
                round.scores.push_back(std::move(score));
            }
        }
    }

    // The competition's JSON, in the contract's key order.
    Json c = Json::object();
    const Sheet* comps = find_sheet({words::sheet_competitions, "competitions"});
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
    const Sheet* criteria_sheet = find_sheet({words::sheet_criteria, "criteria"});
    for (std::size_t k = 0; k < n_criteria; ++k) {
        const CriterionEntry& crit = comp.criteria[k];
        Json j = Json::object();
        j["id"] = crit.id;
        j["name"] = crit.name;
        j["max"] = number_json(crit.max);
        // The default weight is left out, as the contract's own examples do.
        if (comp.weights[k] && *comp.weights[k] != 1) j["weight"] = number_json(*comp.weights[k]);
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
        scores.get_ref<Json::array_t&>().reserve(round.scores.size());
        for (ScoreRow& s : round.scores) {
            Json j = Json::object();
            // Appended, not looked up: the keys are distinct (criterion ids
            // are unique in their competition and never "class" or "note"),
            // and this runs for every class in every week.
            auto& fields = j.get_ref<Json::object_t&>();
            fields.reserve(n_criteria + 2);
            fields.emplace_back("class", classes_list_[s.class_index].id);
            for (std::size_t k = 0; k < n_criteria; ++k) fields.emplace_back(comp.criteria[k].id, number_json(s.values[k]));
            if (!s.note.empty()) fields.emplace_back("note", std::move(s.note));
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

}  // namespace campus::publish::workbook_build
