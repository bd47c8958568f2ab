// Writing the school's workbook: the contract's sheets as columns, a feed as
// a plan of cells, and the plan as .xlsx (publish/workbook_export.hpp).
//
// [SECTION] Plan cells
// [SECTION] The contract's sheets, as columns
// [SECTION] Export: a feed as a plan
// [SECTION] Writing: the plan as .xlsx (libxlsxwriter), atomically
#include "publish/workbook_export.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <xlsxwriter.h>

#include "publish/workbook_words.hpp"
#include "sync/feed_parse.hpp"

namespace campus::publish {

namespace w = words;

//-----------------------------------------------------------------------------
// [SECTION] Plan cells
//-----------------------------------------------------------------------------

PlanCell PlanCell::of_text(std::string text) {
    PlanCell cell;
    cell.kind = text.empty() ? Kind::empty : Kind::text;
    cell.text = std::move(text);
    return cell;
}

PlanCell PlanCell::of_number(double number) {
    PlanCell cell;
    cell.kind = Kind::number;
    cell.number = number;
    return cell;
}

PlanCell PlanCell::of_date(Date date) {
    PlanCell cell;
    cell.kind = Kind::date;
    cell.date = date;
    return cell;
}

PlanCell PlanCell::of_date_time(Date date, TimeOfDay time) {
    PlanCell cell;
    cell.kind = Kind::date_time;
    cell.date = date;
    cell.time = time;
    return cell;
}

//-----------------------------------------------------------------------------
// [SECTION] The contract's sheets, as columns
//-----------------------------------------------------------------------------
// One place says, for both verbs, which columns a sheet has, in which order,
// which are required and what the clerk is told about each.

namespace {

using Kind = PlanColumn::Kind;

PlanColumn column(std::string_view name, bool required, Kind kind, std::string note,
                  std::vector<std::string> choices = {}, bool strict = true) {
    PlanColumn c;
    c.name = std::string(name);
    c.required = required;
    c.kind = kind;
    c.note = (required ? "必填。" : "可不填。") + note;
    c.choices = std::move(choices);
    c.strict = strict;
    return c;
}

const std::string list_rule = "一格里写多项时，每项一行（Alt+回车换行），或用、，；分开。";
// A path, not a picture in the cell: the builder reads the file and publishes it beside the feed.
const std::string picture_rule =
    "图片文件（JPEG、PNG 或 WebP，不超过 20 MB）相对于工作簿所在文件夹的路径，例如 照片/运动会.jpg；"
    "不要把图片粘贴进表格。";
const std::string date_rule = "日期格，例如 2026-09-01；也可写 2026/9/1、2026.9.1 或 2026年9月1日。";

}  // namespace

std::vector<PlanColumn> school_columns() {
    return {
        column(w::col_key, true, Kind::text,
               "左列是项目名，不要改：学校名称、简称、校训、时区、发布编号、学期名称、开学日期、结束日期、学期主题。"
               "学校名称、发布编号、学期名称、开学日期、结束日期必填。"),
        column(w::col_value, true, Kind::long_text,
               "右列填内容。时区不填即 Asia/Shanghai；发布编号是本校数据的固定编号，只用小写字母、数字和 -，"
               "定下后不要再改（屏幕据此认出本校）。开学日期、结束日期：" + date_rule +
                   "第1周从开学日期所在那一周的周一算起。"),
    };
}

std::vector<PlanColumn> goal_columns() {
    return {
        column(w::col_goal_category, false, Kind::text, "目标所属方面，例如 德育、教学、安全、体卫艺、队伍、后勤。"),
        column(w::col_goal_title, true, Kind::long_text, "一行一个目标，按行的顺序显示，例如 德育工作有新特色。"),
        column(w::col_goal_detail, false, Kind::long_text, "对目标的说明。"),
        column(w::col_goal_current, false, Kind::number, "已完成的数，不填为 0；填了目标值才显示进度条。"),
        column(w::col_goal_target, false, Kind::number, "要达到的数（大于 0），例如 80；填了就显示进度条“当前 / 目标值 单位”。"),
        column(w::col_goal_unit, false, Kind::text, "进度的单位，例如 %、节、项。"),
    };
}

std::vector<PlanColumn> habit_columns() {
    return {
        column(w::col_habit_month, true, Kind::code,
               "哪个月的重点，例如 2026年9月 或 2026-09；也可只写 九月 或 9月（指本学期里的那个月）。"),
        column(w::col_habit_title, true, Kind::text, "本月要养成的习惯，例如 楼内外的纪律和卫生。"),
        column(w::col_habit_detail, false, Kind::long_text, "对本月重点的说明。"),
        column(w::col_habit_tips, false, Kind::long_text, "要点，可写多条。" + list_rule),
    };
}

std::vector<PlanColumn> class_columns() {
    return {
        column(w::col_class_name, true, Kind::text,
               "班级的叫法，例如 三年级二班、初一（3）班。成绩表和通知里的班级都按这里的名字找。"),
        column(w::col_class_id, false, Kind::code,
               "班级编号，不填就按班级名得出：三年级二班 → 3-2，初一（3）班 → 7-3。名字得不出编号时必须填。"),
        column(w::col_class_grade, false, Kind::number, "年级 1–12，不填就按班级名得出（初一为 7，高一为 10）。"),
        column(w::col_class_teacher, false, Kind::text, "班主任姓名。"),
    };
}

std::vector<PlanColumn> competition_columns() {
    return {
        column(w::col_competition_name, true, Kind::text,
               "评比的名称，例如 流动红旗。每个评比的成绩写在与名称同名的工作表里（“流动红旗”表），"
               "扣分记录可写在“名称扣分”表里（“流动红旗扣分”表）。"),
        column(w::col_competition_id, true, Kind::code, "评比的编号，只用小写字母、数字和 -，例如 red-flag。"),
        column(w::col_competition_awards, true, Kind::number, "每周发几面红旗（按范围：全校一共几面，或每个年级几面），例如 6。"),
        column(w::col_competition_scope, false, Kind::text, "全校：全校一起排名；年级：每个年级分开排名。不填为 全校。",
               {std::string(w::scope_school), std::string(w::scope_grade)}),
        column(w::col_competition_ties, false, Kind::text,
               "总分相同时：共享 = 名次并列，名次在名额内的都得红旗；比较 = 按“比较顺序”里的项目逐项比高低。不填为 共享。",
               {std::string(w::ties_share), std::string(w::ties_tiebreak)}),
        column(w::col_competition_tiebreak, false, Kind::long_text,
               "并列选“比较”时，依次比较哪些项目（写项目名，例如 纪律、卫生）。" + list_rule),
        column(w::col_competition_display, false, Kind::text,
               "屏幕显示哪些班级：全部、仅获奖，或 前N（例如 前12，直接输入）。不填为 全部。",
               {std::string(w::display_all), std::string(w::display_winners), "前12"}, false),
    };
}

std::vector<PlanColumn> criterion_columns() {
    return {
        column(w::col_criterion_competition, true, Kind::text, "属于哪个评比：写“评比”表里的名称，例如 流动红旗。"),
        column(w::col_criterion_name, true, Kind::text,
               "检查项目的名称，例如 纪律。成绩表里每个项目一列，列名就是这个名称。按行的顺序显示。"),
        column(w::col_criterion_max, true, Kind::number, "这一项的满分（大于 0），例如 20。"),
        column(w::col_criterion_weight, false, Kind::number, "计总分时的权重，不填为 1：总分 = 各项得分 × 权重 之和。"),
        column(w::col_criterion_id, false, Kind::code,
               "项目编号，不填就按名称得出：纪律 discipline、出勤 attendance、课间操 exercise、仪表 appearance、"
               "卫生 hygiene，其余按顺序为 c1、c2 …"),
    };
}

std::vector<PlanColumn> score_columns(const std::vector<std::string>& criterion_names) {
    std::vector<PlanColumn> columns = {
        column(w::col_round_week, true, Kind::number, "第几周（按开学日期所在周为第1周）。同一周次的各行是一次评比。"),
        column(w::col_round_start, false, Kind::date, "这一周从哪天算起，不填为第N周的周一。" + date_rule),
        column(w::col_round_class, true, Kind::text, "班级名（或班级编号），要与“班级”表一致。"),
    };
    for (const std::string& name : criterion_names) {
        columns.push_back(column(name, true, Kind::number,
                                 "“" + name + "”这一项的得分，0 到满分之间（满分见“评比项目”表）。"));
    }
    columns.push_back(column(w::col_round_note, false, Kind::long_text, "值周老师的备注，例如 课间在楼道追跑打闹。"));
    return columns;
}

std::vector<PlanColumn> deduction_columns(const std::vector<std::string>& criterion_names) {
    std::vector<std::string> choices(criterion_names.begin(), criterion_names.end());
    return {
        column(w::col_deduction_date, true, Kind::date, "扣分的日期。" + date_rule),
        column(w::col_deduction_class, true, Kind::text, "班级名（或班级编号）。"),
        column(w::col_deduction_criterion, true, Kind::text, "扣的是哪一项（项目名）。", std::move(choices), false),
        column(w::col_deduction_points, true, Kind::number, "扣几分。"),
        column(w::col_deduction_reason, false, Kind::long_text, "扣分原因。"),
    };
}

std::vector<PlanColumn> announcement_columns() {
    return {
        column(w::col_announcement_level, true, Kind::text,
               "通知：轮流显示；重要：每页都显示横幅；紧急：占满屏幕，直到结束时间（演练、天气、安全）。",
               {std::string(w::level_info), std::string(w::level_urgent), std::string(w::level_emergency)}),
        column(w::col_announcement_title, true, Kind::long_text, "通知的标题。"),
        column(w::col_announcement_body, false, Kind::long_text, "通知的正文。"),
        column(w::col_announcement_from, false, Kind::date_time,
               "从何时开始显示，例如 2026-11-16 07:00。不填为立即。按本校时区。"),
        column(w::col_announcement_until, false, Kind::date_time, "到何时不再显示，例如 2026-11-27 18:00。不填为一直显示。"),
        column(w::col_announcement_targets, false, Kind::long_text,
               "给哪些屏幕看，不填为全部：全部、大厅、走廊、教室、集会、某个年级（三年级 或 年级:3）、"
               "某个班（班级名或编号）、某块屏幕（屏幕:编号）。" + list_rule),
        column(w::col_link, false, Kind::code, "网址（https:// 开头），屏幕上显示为二维码。"),
        column(w::col_image, false, Kind::code, picture_rule + "屏幕在通知旁显示这张图片。"),
    };
}

std::vector<PlanColumn> event_columns() {
    return {
        column(w::col_event_title, true, Kind::text, "活动名称，例如 秋季田径运动会。屏幕倒计时显示即将到来的活动。"),
        column(w::col_event_date, true, Kind::date, date_rule),
        column(w::col_event_time, false, Kind::code, "几点开始，例如 08:00。"),
        column(w::col_event_place, false, Kind::text, "地点，例如 学校田径场。"),
        column(w::col_link, false, Kind::code, "网址（https:// 开头），屏幕上显示为二维码。"),
        column(w::col_image, false, Kind::code, picture_rule + "屏幕在活动旁显示这张图片。"),
    };
}

std::vector<PlanColumn> gallery_columns() {
    return {
        column(w::col_gallery_picture, true, Kind::code, picture_rule + "一行一张，按行的顺序轮流显示。"),
        column(w::col_gallery_caption, false, Kind::long_text, "图片下方的说明，例如 秋季田径运动会开幕式。"),
        column(w::col_gallery_date, false, Kind::date, "照片拍摄或活动的日期。" + date_rule),
    };
}

const std::string& sheet_note(std::string_view sheet) {
    static const std::map<std::string_view, std::string> notes = {
        {w::sheet_school, "【学校】学校和本学期的基本信息。左列项目名不要改，在右列填写。"
                          "本工作簿各表的第一行是列名（加粗的是必填列），从第二行起一行一条；列的顺序可以调换，"
                          "多出来的列（如总分、排名）不影响。"},
        {w::sheet_goals, "【工作目标】本学期的工作目标，一行一个，按顺序在屏幕上显示。"},
        {w::sheet_habits, "【每月习惯】每月习惯养成重点，一个月一行。屏幕显示当月的那一条。"},
        {w::sheet_classes, "【班级】全校的班级，一班一行。"},
        {w::sheet_competitions, "【评比】每周的评比（如流动红旗、卫生流动红旗），一个评比一行。"},
        {w::sheet_criteria, "【评比项目】每个评比检查哪些项目、满分多少，一个项目一行。"},
        {w::sheet_announcements, "【通知】屏幕上的通知，一条一行。"},
        {w::sheet_events, "【活动】有日期的学校活动（运动会、考试、开放日），一个一行，屏幕显示倒计时。"},
        {w::sheet_gallery, "【校园风采】可不用。在屏幕上轮流展示的校园照片，一张一行。照片放在工作簿所在的文件夹里"
                           "（或其中的文件夹，如“照片”），“图片”列写它的路径；生成时照片随数据一起发布。"},
    };
    static const std::string none;
    const auto found = notes.find(sheet);
    return found == notes.end() ? none : found->second;
}

std::string score_sheet_note(std::string_view competition_name) {
    return "【" + std::string(competition_name) + "】每周的成绩：每个班每周一行，同一周次的各行是一次评比。"
           "每个项目一列，列名与“评比项目”表里的项目名相同。";
}

std::string deduction_sheet_note(std::string_view competition_name) {
    return "【" + std::string(competition_name) + std::string(w::deductions_suffix) +
           "】可不用。只记扣分时用：某一周在成绩表里没有行、在这里有扣分记录，"
           "这一周每个班每项得分 = 满分 − 这一周这一项的扣分（不低于 0），没有扣分的班得满分。";
}

//-----------------------------------------------------------------------------
// [SECTION] Export: a feed as a plan
//-----------------------------------------------------------------------------

namespace {

std::size_t utf8_chars(std::string_view text) {
    std::size_t n = 0;
    for (unsigned char b : text)
        if ((b & 0xC0u) != 0x80u) ++n;
    return n;
}

bool has_separator(std::string_view text) {
    for (std::string_view separator : w::list_separators)
        if (text.find(separator) != std::string_view::npos) return true;
    return false;
}

PlanCell text_cell(std::string_view text) { return PlanCell::of_text(std::string(text)); }

// A list cell: one item per line. A single item that holds a separator
// (一条要点 "走向操场、走进大自然") gets a final line break, so that the cell is
// read line by line and the item stays whole.
std::string list_cell(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out += w::list_line_separator;
        out += item;
    }
    if (items.size() == 1 && has_separator(out)) out += w::list_line_separator;
    return out;
}

std::string chinese_month(YearMonth month) {
    return std::to_string(month.year) + "年" + std::to_string(month.month) + "月";
}

std::string two_digits(int n) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%02d", n);
    return buffer;
}

std::string time_text(const TimeOfDay& time) {
    std::string out = two_digits(time.hour) + ":" + two_digits(time.minute);
    if (time.second != 0) out += ":" + two_digits(time.second);
    return out;
}

std::string grade_word(int grade) {
    static constexpr std::string_view digits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (grade >= 1 && grade <= 9) return std::string(digits[grade - 1]) + "年级";
    return std::string(w::target_grade_prefix) + std::to_string(grade);
}

std::string display_word(const DisplayPolicy& display) {
    switch (display.kind) {
        case DisplayPolicy::Kind::all: return std::string(w::display_all);
        case DisplayPolicy::Kind::winners: return std::string(w::display_winners);
        case DisplayPolicy::Kind::top: return std::string(w::display_top_prefix) + std::to_string(display.top_n);
    }
    return std::string(w::display_all);
}

std::string level_word(AnnouncementLevel level) {
    switch (level) {
        case AnnouncementLevel::info: return std::string(w::level_info);
        case AnnouncementLevel::urgent: return std::string(w::level_urgent);
        case AnnouncementLevel::emergency: return std::string(w::level_emergency);
    }
    return std::string(w::level_info);
}

// Excel's own rules for a tab's name, said in the clerk's words.
std::optional<std::string> sheet_name_problem(std::string_view name) {
    const std::size_t chars = utf8_chars(name);
    if (name.empty()) return "名称是空的，不能作工作表名";
    if (chars > 31) return "名称超过 31 个字，Excel 的工作表名放不下：请改短";
    if (name.find_first_of("[]:*?/\\") != std::string_view::npos)
        return "名称里有 [ ] : * ? / \\ 之一，Excel 的工作表名不能有这些字符";
    if (name.front() == '\'' || name.back() == '\'') return "名称不能以 ' 开头或结尾（Excel 的工作表名）";
    return std::nullopt;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

class FeedExporter {
public:
    FeedExporter(const Feed& feed, const nlohmann::json& raw) : feed_(feed), raw_(raw) {}

    ExportPlan run() {
        check_what_the_sheets_can_say();
        WorkbookPlan& plan = out_.plan;
        plan.sheets.push_back(school_sheet());
        plan.sheets.push_back(goal_sheet());
        plan.sheets.push_back(habit_sheet());
        plan.sheets.push_back(class_sheet());
        plan.sheets.push_back(competition_sheet());
        plan.sheets.push_back(criterion_sheet());
        for (std::size_t i = 0; i < feed_.competitions.size(); ++i) plan.sheets.push_back(score_sheet(i));
        plan.sheets.push_back(announcement_sheet());
        plan.sheets.push_back(event_sheet());
        // Header only: the feed's pictures are not exported (note_what_is_not_carried),
        // but the sheet is there for the clerk to list them again beside the workbook.
        plan.sheets.push_back(
            SheetPlan{std::string(w::sheet_gallery), gallery_columns(), {}, sheet_note(w::sheet_gallery)});
        note_what_is_not_carried();
        if (!out_.problems.empty()) out_.plan = {};
        return std::move(out_);
    }

private:
    void problem(const std::string& where, const std::string& message) { out_.problems.push_back(where + ": " + message); }

    // A list item with a line break would come back as two items.
    void check_list_item(const std::string& where, std::string_view item, std::string_view what) {
        if (item.find('\n') != std::string_view::npos || item.find('\r') != std::string_view::npos)
            problem(where, std::string(what) + "里有换行：工作簿里一格多项时每项一行，这一项会被读成两项");
    }

    // Names in a list (比较顺序, 对象) are split at every separator, lines or not.
    void check_list_name(const std::string& where, std::string_view name, std::string_view what) {
        if (has_separator(name))
            problem(where, std::string(what) + "“" + std::string(name) +
                               "”里有 、，,；; 或换行：工作簿里列出多个名字时用它们分开，这个名字会被读成几个");
    }

    void check_what_the_sheets_can_say() {
        // Every fixed sheet, by its name and its alias, and each competition's two sheets.
        std::map<std::string, std::string> taken;  // lowercased name → what has it
        for (const w::SheetAlias& alias : w::sheet_aliases) {
            taken[lower_ascii(alias.chinese)] = "“" + std::string(alias.chinese) + "”表";
            taken[lower_ascii(alias.english)] = "“" + std::string(alias.chinese) + "”表";
        }
        for (std::size_t i = 0; i < feed_.competitions.size(); ++i) {
            const Competition& c = feed_.competitions[i];
            const std::string at = "/competitions/" + std::to_string(i) + "/name";
            if (auto p = sheet_name_problem(c.name)) {
                problem(at, "评比“" + c.name + "”的" + *p + "（成绩表以评比名称命名）");
                continue;
            }
            for (const std::string& sheet : {c.name, c.name + std::string(w::deductions_suffix)}) {
                const auto [it, fresh] = taken.emplace(lower_ascii(sheet), "评比“" + c.name + "”");
                if (!fresh)
                    problem(at, "评比“" + c.name + "”的工作表名“" + sheet + "”与" + it->second + "重名，请改名");
            }
            std::set<std::string> columns = {std::string(w::col_round_week), std::string(w::col_round_start),
                                             std::string(w::col_round_class), std::string(w::col_round_note)};
            for (std::size_t k = 0; k < c.criteria.size(); ++k) {
                const std::string& name = c.criteria[k].name;
                const std::string cat = "/competitions/" + std::to_string(i) + "/criteria/" + std::to_string(k) + "/name";
                if (!columns.insert(name).second)
                    problem(cat, "项目“" + name + "”与成绩表的另一列同名，成绩表里分不清");
                if (std::find(c.tiebreak.begin(), c.tiebreak.end(), static_cast<int>(k)) != c.tiebreak.end())
                    check_list_name(cat, name, "比较顺序里的项目名");
            }
            // Two rounds of one week would merge in the score sheet; parse_feed already refuses them.
        }
        for (std::size_t i = 0; i < feed_.habits.size(); ++i)
            for (std::size_t k = 0; k < feed_.habits[i].tips.size(); ++k)
                check_list_item("/habits/" + std::to_string(i) + "/tips/" + std::to_string(k), feed_.habits[i].tips[k],
                                "要点");
        // Scores and targets name a class by its name when that is unambiguous.
        std::map<std::string, int> name_count;
        for (const SchoolClass& c : feed_.classes) ++name_count[c.name];
        std::set<std::string> ids;
        for (const SchoolClass& c : feed_.classes) ids.insert(c.id);
        for (const SchoolClass& c : feed_.classes) {
            const bool unique = name_count[c.name] == 1 && (ids.count(c.name) == 0 || c.name == c.id);
            class_word_[c.id] = unique ? c.name : c.id;
            class_name_listable_[c.id] = unique && !has_separator(c.name);
        }
    }

    SheetPlan school_sheet() {
        SheetPlan s{std::string(w::sheet_school), school_columns(), {}, sheet_note(w::sheet_school)};
        auto row = [&](std::string_view key, PlanCell value) {
            if (value.kind == PlanCell::Kind::empty) return;
            s.rows.push_back({text_cell(key), std::move(value)});
        };
        row(w::key_school_name, text_cell(feed_.school.name));
        row(w::key_short_name, text_cell(feed_.school.short_name));
        row(w::key_motto, text_cell(feed_.school.motto));
        row(w::key_timezone, text_cell(feed_.school.timezone_name));
        row(w::key_feed_id, text_cell(feed_.feed_id));
        row(w::key_term_name, text_cell(feed_.term.name));
        row(w::key_term_start, PlanCell::of_date(feed_.term.start));
        row(w::key_term_end, PlanCell::of_date(feed_.term.end));
        row(w::key_term_theme, text_cell(feed_.term.theme));
        return s;
    }

    SheetPlan goal_sheet() {
        SheetPlan s{std::string(w::sheet_goals), goal_columns(), {}, sheet_note(w::sheet_goals)};
        for (const Goal& g : feed_.term.goals) {
            std::vector<PlanCell> row = {text_cell(g.category), text_cell(g.title), text_cell(g.detail), {}, {}, {}};
            if (g.progress) {
                row[3] = PlanCell::of_number(g.progress->current);
                row[4] = PlanCell::of_number(g.progress->target);
                row[5] = text_cell(g.progress->unit);
            }
            s.rows.push_back(std::move(row));
        }
        return s;
    }

    SheetPlan habit_sheet() {
        SheetPlan s{std::string(w::sheet_habits), habit_columns(), {}, sheet_note(w::sheet_habits)};
        for (const Habit& h : feed_.habits)
            s.rows.push_back({PlanCell::of_text(chinese_month(h.month)), text_cell(h.title), text_cell(h.detail),
                              PlanCell::of_text(list_cell(h.tips))});
        return s;
    }

    SheetPlan class_sheet() {
        // 编号 and 年级 always: harmless when the name derives to them, and the
        // workbook then means the same whatever the name derives to.
        SheetPlan s{std::string(w::sheet_classes), class_columns(), {}, sheet_note(w::sheet_classes)};
        for (const SchoolClass& c : feed_.classes)
            s.rows.push_back({text_cell(c.name), text_cell(c.id), PlanCell::of_number(c.grade), text_cell(c.teacher)});
        return s;
    }

    SheetPlan competition_sheet() {
        SheetPlan s{std::string(w::sheet_competitions), competition_columns(), {}, sheet_note(w::sheet_competitions)};
        for (const Competition& c : feed_.competitions) {
            std::vector<std::string> tiebreak;
            for (int k : c.tiebreak) tiebreak.push_back(c.criteria[static_cast<std::size_t>(k)].name);
            s.rows.push_back({
                text_cell(c.name), text_cell(c.id), PlanCell::of_number(c.awards),
                text_cell(c.scope == CompetitionScope::grade ? w::scope_grade : w::scope_school),
                text_cell(c.ties == TiePolicy::tiebreak ? w::ties_tiebreak : w::ties_share),
                PlanCell::of_text(list_cell(tiebreak)), PlanCell::of_text(display_word(c.display)),
            });
        }
        return s;
    }

    SheetPlan criterion_sheet() {
        // 编号 always, for the same reason as the classes' 编号.
        SheetPlan s{std::string(w::sheet_criteria), criterion_columns(), {}, sheet_note(w::sheet_criteria)};
        for (const Competition& c : feed_.competitions)
            for (const Criterion& k : c.criteria)
                s.rows.push_back({text_cell(c.name), text_cell(k.name), PlanCell::of_number(k.max),
                                  PlanCell::of_number(k.weight), text_cell(k.id)});
        return s;
    }

    SheetPlan score_sheet(std::size_t index) {
        const Competition& c = feed_.competitions[index];
        std::vector<std::string> names;
        for (const Criterion& k : c.criteria) names.push_back(k.name);
        SheetPlan s{c.name, score_columns(names), {}, score_sheet_note(c.name)};
        for (std::size_t r = 0; r < c.rounds.size(); ++r) {
            const Round& round = c.rounds[r];
            if (round.scores.empty()) {
                out_.notes.push_back("/competitions/" + std::to_string(index) + "/rounds/" + std::to_string(r) +
                                     ": “" + c.name + "”第" + std::to_string(round.week) +
                                     "周没有任何成绩，成绩表里没有这一周的行，这一周不会再出现");
                continue;
            }
            for (const Score& score : round.scores) {
                std::vector<PlanCell> row = {PlanCell::of_number(round.week), PlanCell::of_date(round.start),
                                             text_cell(class_word(score.class_id))};
                for (double value : score.values) row.push_back(PlanCell::of_number(value));
                row.push_back(text_cell(score.note));
                s.rows.push_back(std::move(row));
            }
        }
        return s;
    }

    SheetPlan announcement_sheet() {
        SheetPlan s{std::string(w::sheet_announcements), announcement_columns(), {}, sheet_note(w::sheet_announcements)};
        const TimeZone& zone = *feed_.school.timezone;
        auto when = [&](const std::optional<Instant>& at) {
            if (!at) return PlanCell{};
            const LocalTime local = zone.to_local(*at);
            return PlanCell::of_date_time(local.date, local.time);
        };
        for (std::size_t i = 0; i < feed_.announcements.size(); ++i) {
            const Announcement& a = feed_.announcements[i];
            std::vector<std::string> targets;
            for (std::size_t k = 0; k < a.targets.size(); ++k) {
                std::string word = target_word(a.targets[k]);
                check_list_name("/announcements/" + std::to_string(i) + "/targets/" + std::to_string(k), word, "对象");
                targets.push_back(std::move(word));
            }
            s.rows.push_back({text_cell(level_word(a.level)), text_cell(a.title), text_cell(a.body), when(a.from),
                              when(a.until), PlanCell::of_text(list_cell(targets)),
                              text_cell(raw_text("announcements", i, "link")), PlanCell{}});  // 图片: not exported (see the notes)
        }
        return s;
    }

    SheetPlan event_sheet() {
        SheetPlan s{std::string(w::sheet_events), event_columns(), {}, sheet_note(w::sheet_events)};
        for (std::size_t i = 0; i < feed_.events.size(); ++i) {
            const SchoolEvent& e = feed_.events[i];
            s.rows.push_back({text_cell(e.title), PlanCell::of_date(e.date),
                              e.time ? PlanCell::of_text(time_text(*e.time)) : PlanCell{}, text_cell(e.place),
                              text_cell(raw_text("events", i, "link")), PlanCell{}});  // 图片: not exported (see the notes)
        }
        return s;
    }

    std::string class_word(const std::string& id) const {
        const auto found = class_word_.find(id);
        return found == class_word_.end() ? id : found->second;
    }

    std::string target_word(const AnnouncementTarget& t) const {
        switch (t.kind) {
            case AnnouncementTarget::Kind::all: return std::string(w::target_all);
            case AnnouncementTarget::Kind::role:
                for (const w::RoleWord& r : w::role_words)
                    if (r.role == t.value) return std::string(r.chinese);
                return t.value;
            case AnnouncementTarget::Kind::grade: return grade_word(t.grade);
            case AnnouncementTarget::Kind::class_id: {
                // A name that holds a separator would split in the list: the 编号 then.
                const auto listable = class_name_listable_.find(t.value);
                return listable != class_name_listable_.end() && listable->second ? class_word(t.value) : t.value;
            }
            case AnnouncementTarget::Kind::screen: return std::string(w::target_screen_prefix) + t.value;
        }
        return t.value;
    }

    // Fields the screens' model does not keep (the QR code link) come from the document itself.
    std::string raw_text(const char* array, std::size_t index, const char* key) const {
        if (!raw_.is_object()) return {};
        const auto list = raw_.find(array);
        if (list == raw_.end() || !list->is_array() || index >= list->size()) return {};
        const nlohmann::json& item = (*list)[index];
        if (!item.is_object()) return {};
        const auto value = item.find(key);
        return value != item.end() && value->is_string() ? value->get<std::string>() : std::string();
    }

    bool raw_has(const char* array, const char* key) const {
        if (!raw_.is_object()) return false;
        const auto list = raw_.find(array);
        if (list == raw_.end() || !list->is_array()) return false;
        for (const auto& item : *list)
            if (item.is_object() && item.contains(key)) return true;
        return false;
    }

    void note_made_ids(const char* what, const char* pointer, const std::vector<std::string>& ids) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            std::string made = "g";
            made += std::to_string(i + 1);
            if (ids[i] != made) {
                out_.notes.push_back(std::string(pointer) + ": " + what + "的编号（如 " + ids[i] +
                                     "）工作簿里没有，生成时按行的顺序重编为 g1、g2 …");
                return;
            }
        }
    }

    void note_what_is_not_carried() {
        std::vector<std::string> ids;
        for (const Goal& g : feed_.term.goals) ids.push_back(g.id);
        note_made_ids("工作目标", "/term/goals", ids);
        ids.clear();
        for (const Announcement& a : feed_.announcements) ids.push_back(a.id);
        note_made_ids("通知", "/announcements", ids);
        ids.clear();
        for (const SchoolEvent& e : feed_.events) ids.push_back(e.id);
        note_made_ids("活动", "/events", ids);
        if (feed_.expires_at) out_.notes.push_back("/expires_at: 过期时间工作簿里没有，不导出");
        if (raw_.is_object() && (raw_.contains("media") || raw_.contains("gallery")))
            out_.notes.push_back("/media: 图片（校园风采）不导出：请把图片文件放在工作簿旁，在“校园风采”表里填写");
        if (raw_has("announcements", "image") || raw_has("events", "image"))
            out_.notes.push_back("/announcements: 通知和活动的图片不导出：请在“图片”列填写工作簿旁的图片文件");
    }

    const Feed& feed_;
    const nlohmann::json& raw_;
    std::map<std::string, std::string> class_word_;  // class id → how sheets name it
    std::map<std::string, bool> class_name_listable_;  // class id → its name may stand in a list (对象)
    ExportPlan out_;
};

}  // namespace

ExportPlan plan_export(std::string_view feed_bytes) {
    ExportPlan out;
    const ParseResult parsed = parse_feed(feed_bytes);
    if (!parsed.ok()) {
        for (const Problem& p : parsed.problems) out.problems.push_back(to_string(p));
        return out;
    }
    const nlohmann::json raw = nlohmann::json::parse(feed_bytes, nullptr, false);
    return FeedExporter(*parsed.feed, raw).run();
}

//-----------------------------------------------------------------------------
// [SECTION] Writing: the plan as .xlsx (libxlsxwriter), atomically
//-----------------------------------------------------------------------------

namespace {

// How wide a text shows, in Excel's column units (one Latin digit): Han
// characters and full-width forms take about two.
double display_width(std::string_view text) {
    double widest = 0, line = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : 4;
        if (b == '\n') {
            widest = std::max(widest, line);
            line = 0;
        } else {
            line += len >= 3 ? 2.0 : 1.1;
        }
        i += len;
    }
    return std::max(widest, line);
}

double cell_width(const PlanCell& cell) {
    switch (cell.kind) {
        case PlanCell::Kind::empty: return 0;
        case PlanCell::Kind::text: return display_width(cell.text);
        case PlanCell::Kind::number: {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%g", cell.number);
            return static_cast<double>(std::strlen(buffer));
        }
        case PlanCell::Kind::date: return 10;
        case PlanCell::Kind::date_time: return cell.time.second ? 19 : 16;
    }
    return 0;
}

double column_width(const SheetPlan& sheet, std::size_t c) {
    const PlanColumn& column = sheet.columns[c];
    // The header is bold and may carry a drop-down arrow beside it.
    double width = display_width(column.name) * 1.15 + (column.choices.empty() ? 2 : 4);
    for (const auto& row : sheet.rows)
        if (c < row.size()) width = std::max(width, cell_width(row[c]) + 2);
    const double widest = column.kind == Kind::long_text ? 50 : 30;
    return std::clamp(width, 8.0, widest);
}

struct Formats {
    lxw_format* header_required;
    lxw_format* header_optional;
    lxw_format* text;
    lxw_format* wrap;
    lxw_format* code;
    lxw_format* number;
    lxw_format* date;
    lxw_format* date_time;
    lxw_format* date_time_seconds;

    explicit Formats(lxw_workbook* book) {
        auto make = [book]() {
            lxw_format* f = workbook_add_format(book);
            format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
            return f;
        };
        header_required = make();
        format_set_bold(header_required);
        format_set_bg_color(header_required, 0xFCE4D6);
        format_set_bottom(header_required, LXW_BORDER_THIN);
        header_optional = make();
        format_set_bg_color(header_optional, 0xEDEDED);
        format_set_bottom(header_optional, LXW_BORDER_THIN);
        text = make();
        wrap = make();
        format_set_text_wrap(wrap);
        code = make();
        format_set_num_format(code, "@");
        number = make();
        date = make();
        format_set_num_format(date, "yyyy-mm-dd");
        date_time = make();
        format_set_num_format(date_time, "yyyy-mm-dd hh:mm");
        date_time_seconds = make();
        format_set_num_format(date_time_seconds, "yyyy-mm-dd hh:mm:ss");
    }

    lxw_format* for_column(Kind kind) const {
        switch (kind) {
            case Kind::text: return text;
            case Kind::long_text: return wrap;
            case Kind::code: return code;
            case Kind::number: return number;
            case Kind::date: return date;
            case Kind::date_time: return date_time;
        }
        return text;
    }
};

// Collects the first libxlsxwriter error with its place; later calls are skipped.
class SheetWriter {
public:
    SheetWriter(lxw_workbook* book, const Formats& formats) : book_(book), formats_(formats) {}

    void write(const SheetPlan& sheet) {
        if (!error_.empty()) return;
        lxw_worksheet* ws = workbook_add_worksheet(book_, sheet.name.c_str());
        if (!ws) {
            error_ = "不能建工作表“" + sheet.name + "”";
            return;
        }
        // Validations apply to this many rows below the header: enough for a
        // school's year, without making the file heavy.
        const auto last_row = static_cast<lxw_row_t>(std::max<std::size_t>(sheet.rows.size() + 500, 1000));
        for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
            const PlanColumn& column = sheet.columns[c];
            const auto col = static_cast<lxw_col_t>(c);
            check(worksheet_set_column(ws, col, col, column_width(sheet, c), formats_.for_column(column.kind)),
                  sheet.name);
            check(worksheet_write_string(ws, 0, col, column.name.c_str(),
                                         column.required ? formats_.header_required : formats_.header_optional),
                  sheet.name);
            std::string note = column.note;
            if (c == 0 && !sheet.note.empty()) note = sheet.note + "\n\n" + column.name + "：" + note;
            lxw_comment_options options{};
            options.author = const_cast<char*>("kiosk-feed");
            options.width = 360;
            options.height = static_cast<uint16_t>(std::clamp<double>(display_width(note) / 28.0 + 2, 4, 14) * 18);
            check(worksheet_write_comment_opt(ws, 0, col, note.c_str(), &options), sheet.name);
            if (!column.choices.empty()) validate(ws, col, last_row, column, sheet.name);
        }
        for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
            const auto row = static_cast<lxw_row_t>(r + 1);
            for (std::size_t c = 0; c < sheet.rows[r].size() && c < sheet.columns.size(); ++c)
                write_cell(ws, row, static_cast<lxw_col_t>(c), sheet.rows[r][c], sheet.columns[c].kind, sheet.name);
        }
        worksheet_freeze_panes(ws, 1, 0);
    }

    const std::string& error() const { return error_; }

private:
    void check(lxw_error e, const std::string& sheet) {
        if (e != LXW_NO_ERROR && error_.empty()) error_ = "写“" + sheet + "”表时出错：" + lxw_strerror(e);
    }

    void write_cell(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const PlanCell& cell, Kind kind,
                    const std::string& sheet) {
        switch (cell.kind) {
            case PlanCell::Kind::empty: return;
            case PlanCell::Kind::text:
                check(worksheet_write_string(ws, row, col, cell.text.c_str(), formats_.for_column(kind)), sheet);
                return;
            case PlanCell::Kind::number:
                check(worksheet_write_number(ws, row, col, cell.number,
                                             kind == Kind::long_text ? formats_.number : formats_.for_column(kind)),
                      sheet);
                return;
            case PlanCell::Kind::date:
            case PlanCell::Kind::date_time: {
                lxw_datetime dt{cell.date.year, cell.date.month, cell.date.day, 0, 0, 0};
                lxw_format* format = formats_.date;
                if (cell.kind == PlanCell::Kind::date_time) {
                    dt.hour = cell.time.hour;
                    dt.min = cell.time.minute;
                    dt.sec = cell.time.second;
                    format = cell.time.second ? formats_.date_time_seconds : formats_.date_time;
                }
                check(worksheet_write_datetime(ws, row, col, &dt, format), sheet);
                return;
            }
        }
    }

    void validate(lxw_worksheet* ws, lxw_col_t col, lxw_row_t last_row, const PlanColumn& column,
                  const std::string& sheet) {
        // Excel keeps a list of at most 255 characters, commas included; a
        // longer one (many criteria) is left without a drop-down rather than
        // failing the whole workbook.
        std::size_t list_chars = column.choices.size() - 1;
        for (const std::string& choice : column.choices) list_chars += utf8_chars(choice);
        if (list_chars > 255) return;
        // libxlsxwriter wants char**; the strings live in `choices` until the workbook is closed.
        auto& storage = lists_.emplace_back();
        for (const std::string& choice : column.choices) storage.push_back(const_cast<char*>(choice.c_str()));
        storage.push_back(nullptr);
        std::string joined;
        for (const std::string& choice : column.choices) joined += (joined.empty() ? "" : "、") + choice;
        auto& message = messages_.emplace_back(
            column.strict ? "请从下拉列表中选择：" + joined
                          : "下拉列表里是常用的写法（" + joined + "）；别的写法" +
                                (column.name == w::col_competition_display ? "如 前N（前12）" : "") + "也可以，按“确定”保留。");
        if (utf8_chars(message) > 255) message = column.strict ? "请从下拉列表中选择。" : "下拉列表里是常用的写法；别的写法按“确定”保留。";
        lxw_data_validation dv{};
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = storage.data();
        dv.ignore_blank = LXW_VALIDATION_ON;
        dv.dropdown = LXW_VALIDATION_ON;
        dv.show_error = LXW_VALIDATION_ON;
        // "information", not "stop", where the list is a suggestion: 前12 must still be typable.
        dv.error_type = column.strict ? LXW_VALIDATION_ERROR_TYPE_STOP : LXW_VALIDATION_ERROR_TYPE_INFORMATION;
        dv.error_title = const_cast<char*>(column.name.c_str());
        dv.error_message = message.data();
        check(worksheet_data_validation_range(ws, 1, col, last_row, col, &dv), sheet);
    }

    lxw_workbook* book_;
    const Formats& formats_;
    std::string error_;
    std::vector<std::vector<char*>> lists_;
    std::vector<std::string> messages_;
};

std::string errno_text() { return std::strerror(errno); }

bool fsync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

std::string write_plan(const WorkbookPlan& plan, const std::string& path, const WriteOptions& options) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const std::string label = target.filename().string();
    if (label.empty()) return path + ": 缺少文件名";
    // Excel and WPS open a workbook by its extension; and a slip such as
    // `-o feed.json` must not turn the feed itself into a workbook.
    if (lower_ascii(target.extension().string()) != ".xlsx") return label + ": 工作簿的文件名要以 .xlsx 结尾";
    std::error_code ec;
    if (!options.overwrite && fs::exists(target, ec)) return label + ": 文件已存在；要覆盖请加 --force";
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");

    // The temporary file sits beside the target so that the rename stays on
    // one file system and is atomic.
    std::string temp = (folder / ("." + label + ".XXXXXX")).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return label + ": 不能在“" + folder.string() + "”里写文件：" + errno_text();
    ::close(fd);
    auto discard = [&](std::string message) {
        ::unlink(temp.c_str());
        return message;
    };

    lxw_workbook* book = workbook_new(temp.c_str());
    if (!book) return discard(label + ": 不能建工作簿");
    lxw_doc_properties properties{};
    properties.title = const_cast<char*>("校园屏 学校数据");
    properties.comments = const_cast<char*>("由 kiosk-feed 写出；按 shared/workbook-contract.md（工作簿格式 1）");
    workbook_set_properties(book, &properties);
    std::string error;
    {
        const Formats formats(book);
        SheetWriter writer(book, formats);
        for (const SheetPlan& sheet : plan.sheets) writer.write(sheet);
        error = writer.error();
        const lxw_error closed = workbook_close(book);  // writes the file; frees the book and its formats
        if (error.empty() && closed != LXW_NO_ERROR) error = std::string("写文件时出错：") + lxw_strerror(closed);
    }
    if (!error.empty()) return discard(label + ": " + error);

    // mkstemp made the file 0600; a workbook is a document the office shares.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (::chmod(temp.c_str(), 0666 & ~mask) != 0) return discard(label + ": " + errno_text());
    if (!fsync_path(temp, O_RDONLY)) return discard(label + ": 写入磁盘失败：" + errno_text());
    if (options.overwrite) {
        if (::rename(temp.c_str(), path.c_str()) != 0) return discard(label + ": " + errno_text());
    } else {
        // link() refuses an existing name: a file that appeared meanwhile is kept.
        if (::link(temp.c_str(), path.c_str()) != 0) {
            if (errno == EEXIST) return discard(label + ": 文件已存在；要覆盖请加 --force");
            // A file system without hard links: the existence check above has to do.
            if (fs::exists(target, ec)) return discard(label + ": 文件已存在；要覆盖请加 --force");
            if (::rename(temp.c_str(), path.c_str()) != 0) return discard(label + ": " + errno_text());
        } else {
            ::unlink(temp.c_str());
        }
    }
    fsync_path(folder.string(), O_RDONLY | O_DIRECTORY);  // the rename itself; a failure here loses nothing
    return {};
}

}  // namespace campus::publish
