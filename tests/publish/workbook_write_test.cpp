// Writing workbooks: `kiosk-feed template` and `kiosk-feed export`.
//
// [SECTION] Helpers: a scratch folder, the sample feed, openpyxl's view of a file
// [SECTION] The plan: a feed in the contract's words (no file involved)
// [SECTION] The template, as openpyxl reads it
// [SECTION] The export of the sample, as openpyxl reads it
// [SECTION] The project's own reader (read_workbook) on what we write
// [SECTION] The program: refusals, overwriting, atomic writes
//
// The files are read back by openpyxl (tests/publish/inspect_xlsx.py under
// Debian's /usr/bin/python3), a reader that shares no code with ours, so a
// header that is not bold or a date that is a plain number shows as such.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "publish/workbook.hpp"
#include "publish/workbook_export.hpp"
#include "publish/workbook_words.hpp"
#include "tests/scratch_folder.hpp"

namespace campus::publish {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

//-----------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------

using campus::test_support::ScratchFolder;

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

json sample_feed() { return json::parse(read_text(KIOSK_ASSETS_DIR "/sample-feed.json")); }

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct RunResult {
    int status = -1;
    std::string out;  // stdout and stderr
};

RunResult run(const std::string& command) {
    RunResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return result;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.out.append(buffer, n);
    const int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

const std::string inspect_script = std::string(KIOSK_FIXTURES_DIR) + "/../publish/inspect_xlsx.py";

// openpyxl's view of a workbook; see inspect_xlsx.py for the shape.
json inspect(const std::string& path) {
    const RunResult r = run("/usr/bin/python3 " + shell_quote(inspect_script) + " " + shell_quote(path));
    if (r.status != 0) ADD_FAILURE() << "inspect_xlsx.py failed (needs Debian's python3-openpyxl):\n" << r.out;
    return r.status == 0 ? json::parse(r.out) : json::object();
}

const json& sheet_named(const json& book, const std::string& name) {
    static const json none = json::object();
    if (book.contains("sheets"))
        for (const json& s : book["sheets"])
            if (s["name"] == name) return s;
    ADD_FAILURE() << "no sheet " << name;
    return none;
}

std::vector<std::string> header_names(const json& sheet) {
    std::vector<std::string> out;
    for (const json& h : sheet.value("header", json::array())) out.push_back(h["name"].get<std::string>());
    return out;
}

int column_of(const json& sheet, const std::string& name) {
    const auto names = header_names(sheet);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return static_cast<int>(i);
    ADD_FAILURE() << sheet.value("name", "?") << " has no column " << name;
    return 0;
}

const json& cell(const json& sheet, std::size_t data_row, const std::string& column) {
    return sheet["rows"].at(data_row).at(static_cast<std::size_t>(column_of(sheet, column)));
}

std::string letter(int col) { return std::string(1, static_cast<char>('A' + col)); }

double width_of(const json& sheet, const std::string& column) {
    const json& w = sheet["widths"][letter(column_of(sheet, column))];
    return w.is_number() ? w.get<double>() : 0;
}

const json* validation_of(const json& sheet, const std::string& column) {
    const std::string col = letter(column_of(sheet, column));
    for (const json& v : sheet["validations"])
        if (v["range"].get<std::string>().rfind(col + "2:", 0) == 0) return &v;
    return nullptr;
}

// The 学校 sheet's value for a key.
const json& school_value(const json& school, std::string_view key) {
    for (const json& row : school["rows"])
        if (row.at(0)["value"] == key) return row.at(1);
    static const json none = json::object();
    ADD_FAILURE() << "学校 has no row " << key;
    return none;
}

const SheetPlan* plan_sheet(const WorkbookPlan& plan, std::string_view name) {
    for (const SheetPlan& s : plan.sheets)
        if (s.name == name) return &s;
    return nullptr;
}

const PlanCell& plan_cell(const SheetPlan& sheet, std::size_t row, std::string_view column) {
    for (std::size_t c = 0; c < sheet.columns.size(); ++c)
        if (sheet.columns[c].name == column) return sheet.rows.at(row).at(c);
    throw std::runtime_error("no column " + std::string(column));
}

ExportPlan export_of(const json& feed) { return plan_export(feed.dump()); }

bool mentions(const std::vector<std::string>& lines, const std::string& part) {
    for (const std::string& line : lines)
        if (line.find(part) != std::string::npos) return true;
    return false;
}

//-----------------------------------------------------------------------------
// [SECTION] The plan: a feed in the contract's words
//-----------------------------------------------------------------------------

TEST(WorkbookExportPlan, EveryIdTheSheetsCarryIsWritten) {
    json feed = sample_feed();
    feed["classes"][0]["id"] = "g1-a";  // not what 一年级一班 derives to
    for (json& competition : feed["competitions"])
        for (json& round : competition["rounds"])
            for (json& score : round["scores"])
                if (score["class"] == "1-1") score["class"] = "g1-a";
    const ExportPlan out = export_of(feed);
    ASSERT_TRUE(out.ok()) << out.problems.front();
    const SheetPlan* classes = plan_sheet(out.plan, words::sheet_classes);
    ASSERT_NE(classes, nullptr);
    EXPECT_EQ(plan_cell(*classes, 0, words::col_class_id).text, "g1-a");
    EXPECT_EQ(plan_cell(*classes, 0, words::col_class_grade).number, 1);
    const SheetPlan* criteria = plan_sheet(out.plan, words::sheet_criteria);
    ASSERT_NE(criteria, nullptr);
    ASSERT_EQ(criteria->rows.size(), 8u);
    EXPECT_EQ(plan_cell(*criteria, 5, words::col_criterion_name).text, "教室卫生");
    EXPECT_EQ(plan_cell(*criteria, 5, words::col_criterion_id).text, "classroom");
    EXPECT_EQ(plan_cell(*criteria, 5, words::col_criterion_competition).text, "卫生流动红旗");
    const SheetPlan* competitions = plan_sheet(out.plan, words::sheet_competitions);
    ASSERT_NE(competitions, nullptr);
    EXPECT_EQ(plan_cell(*competitions, 1, words::col_competition_id).text, "hygiene-flag");
}

TEST(WorkbookExportPlan, PoliciesAreWrittenInTheSchoolsWords) {
    json feed = sample_feed();
    json& c = feed["competitions"][1];
    c["ties"] = "tiebreak";
    c["tiebreak"] = {"personal", "classroom"};
    c["display"] = "top:12";
    const ExportPlan out = export_of(feed);
    ASSERT_TRUE(out.ok()) << out.problems.front();
    const SheetPlan& sheet = *plan_sheet(out.plan, words::sheet_competitions);
    EXPECT_EQ(plan_cell(sheet, 0, words::col_competition_scope).text, "全校");
    EXPECT_EQ(plan_cell(sheet, 0, words::col_competition_display).text, "全部");
    EXPECT_EQ(plan_cell(sheet, 1, words::col_competition_scope).text, "年级");
    EXPECT_EQ(plan_cell(sheet, 1, words::col_competition_ties).text, "比较");
    EXPECT_EQ(plan_cell(sheet, 1, words::col_competition_tiebreak).text, "个人卫生\n教室卫生");
    EXPECT_EQ(plan_cell(sheet, 1, words::col_competition_display).text, "前12");
    EXPECT_EQ(plan_cell(sheet, 1, words::col_competition_awards).number, 1);
    c["display"] = "winners";
    EXPECT_EQ(plan_cell(*plan_sheet(export_of(feed).plan, words::sheet_competitions), 1,
                        words::col_competition_display).text,
              "仅获奖");
}

TEST(WorkbookExportPlan, AnnouncementsInTheSchoolsWordsAndZone) {
    json feed = sample_feed();
    feed["announcements"][0]["targets"] = {"class:3-2", "screen:lobby-east", "grade:6", "assembly", "lobby"};
    feed["announcements"][0]["level"] = "emergency";
    feed["announcements"][0]["from"] = "2026-10-31T23:00:00Z";  // 07:00 the next day in Shanghai
    feed["announcements"][0]["link"] = "https://example.edu.cn/civility";
    feed["announcements"][1].erase("until");
    feed["classes"].push_back({{"id", "11-1"}, {"grade", 11}, {"name", "高二（1）班"}});
    feed["announcements"][2]["targets"] = {"grade:11", "class:11-1"};
    const ExportPlan out = export_of(feed);
    ASSERT_TRUE(out.ok()) << out.problems.front();
    const SheetPlan& sheet = *plan_sheet(out.plan, words::sheet_announcements);
    ASSERT_EQ(sheet.rows.size(), 5u);
    EXPECT_EQ(plan_cell(sheet, 0, words::col_announcement_level).text, "紧急");
    EXPECT_EQ(plan_cell(sheet, 1, words::col_announcement_level).text, "重要");
    EXPECT_EQ(plan_cell(sheet, 2, words::col_announcement_level).text, "通知");
    EXPECT_EQ(plan_cell(sheet, 0, words::col_announcement_targets).text, "三年级二班\n屏幕:lobby-east\n六年级\n集会\n大厅");
    EXPECT_EQ(plan_cell(sheet, 1, words::col_announcement_targets).text, "全部");
    EXPECT_EQ(plan_cell(sheet, 2, words::col_announcement_targets).text, "年级:11\n高二（1）班");
    EXPECT_EQ(plan_cell(sheet, 3, words::col_announcement_targets).text, "六年级\n大厅");
    const PlanCell& from = plan_cell(sheet, 0, words::col_announcement_from);
    ASSERT_EQ(from.kind, PlanCell::Kind::date_time);
    EXPECT_EQ(from.date, (Date{2026, 11, 1}));
    EXPECT_EQ(from.time, (TimeOfDay{7, 0, 0}));
    EXPECT_EQ(plan_cell(sheet, 1, words::col_announcement_until).kind, PlanCell::Kind::empty);
    EXPECT_EQ(plan_cell(sheet, 0, words::col_link).text, "https://example.edu.cn/civility");
    EXPECT_EQ(plan_cell(sheet, 1, words::col_link).kind, PlanCell::Kind::empty);
}

TEST(WorkbookExportPlan, ScoresHabitsAndEventsAsTheSheetsSayThem) {
    const ExportPlan out = export_of(sample_feed());
    ASSERT_TRUE(out.ok());
    const SheetPlan& scores = *plan_sheet(out.plan, "卫生流动红旗");
    ASSERT_EQ(scores.rows.size(), 12u * 24u);
    std::vector<std::string> names;
    for (const PlanColumn& c : scores.columns) names.push_back(c.name);
    EXPECT_EQ(names, (std::vector<std::string>{"周次", "开始日期", "班级", "教室卫生", "包干区", "个人卫生", "备注"}));
    EXPECT_EQ(plan_cell(scores, 25, "周次").number, 2);
    EXPECT_EQ(plan_cell(scores, 25, "开始日期").date, (Date{2026, 9, 7}));
    EXPECT_EQ(plan_cell(scores, 25, "班级").text, "一年级二班");
    const SheetPlan& red = *plan_sheet(out.plan, "流动红旗");
    EXPECT_EQ(plan_cell(red, 22, "备注").text, "课间在楼道追跑打闹");
    EXPECT_EQ(plan_cell(red, 0, "课间操").number, 17.5);
    const SheetPlan& habits = *plan_sheet(out.plan, words::sheet_habits);
    EXPECT_EQ(plan_cell(habits, 1, words::col_habit_month).text, "2026年10月");
    EXPECT_EQ(plan_cell(habits, 1, words::col_habit_tips).text,
              "走向操场、走进大自然、走到阳光下\n按规范做好课间操，集队快、静、齐\n跳绳、踢毽天天练");
    // One tip that holds a separator stays one tip: the cell gets a line break.
    json one_tip = sample_feed();
    one_tip["habits"][3]["tips"] = {"升旗仪式穿校服、佩戴红领巾"};
    one_tip["habits"][2]["tips"] = {"尊敬师长"};
    const ExportPlan single = export_of(one_tip);
    EXPECT_EQ(plan_cell(*plan_sheet(single.plan, words::sheet_habits), 3, words::col_habit_tips).text,
              "升旗仪式穿校服、佩戴红领巾\n");
    EXPECT_EQ(plan_cell(*plan_sheet(single.plan, words::sheet_habits), 2, words::col_habit_tips).text, "尊敬师长");
    const SheetPlan& events = *plan_sheet(out.plan, words::sheet_events);
    EXPECT_EQ(plan_cell(events, 2, words::col_event_time).text, "08:00");
    EXPECT_EQ(plan_cell(events, 2, words::col_event_date).date, (Date{2026, 11, 26}));
    const SheetPlan& goals = *plan_sheet(out.plan, words::sheet_goals);
    EXPECT_EQ(plan_cell(goals, 12, words::col_goal_current).number, 87.6);
    EXPECT_EQ(plan_cell(goals, 12, words::col_goal_target).number, 90);
    EXPECT_EQ(plan_cell(goals, 12, words::col_goal_unit).text, "%");
    EXPECT_EQ(plan_cell(goals, 0, words::col_goal_target).kind, PlanCell::Kind::empty);
    const SheetPlan& school = *plan_sheet(out.plan, words::sheet_school);
    ASSERT_EQ(school.rows.size(), 9u);
    EXPECT_EQ(school.rows[6][0].text, "开学日期");
    EXPECT_EQ(school.rows[6][1].kind, PlanCell::Kind::date);
    EXPECT_EQ(school.rows[6][1].date, (Date{2026, 9, 1}));
}

TEST(WorkbookExportPlan, NotesSayWhatTheWorkbookDoesNotCarry) {
    json feed = sample_feed();
    feed["expires_at"] = "2026-12-01T00:00:00+08:00";
    feed["competitions"][0]["rounds"].push_back({{"week", 13}, {"start", "2026-11-23"}, {"scores", json::array()}});
    const ExportPlan out = export_of(feed);
    ASSERT_TRUE(out.ok()) << out.problems.front();
    EXPECT_TRUE(mentions(out.notes, "/term/goals")) << "goal ids are not carried";
    EXPECT_TRUE(mentions(out.notes, "/announcements")) << "announcement ids are not carried";
    EXPECT_TRUE(mentions(out.notes, "/events"));
    EXPECT_TRUE(mentions(out.notes, "/expires_at"));
    EXPECT_TRUE(mentions(out.notes, "/competitions/0/rounds/12"));
    // Ids the build would make anyway need no note.
    int made = 0;
    for (json& goal : feed["term"]["goals"]) goal["id"] = std::string("g").append(std::to_string(++made));
    EXPECT_FALSE(mentions(export_of(feed).notes, "/term/goals"));
}

TEST(WorkbookExportPlan, WhatTheWorkbookCannotSayIsRefused) {
    json feed = sample_feed();
    feed["competitions"][1]["name"] = "卫生/纪律";                       // not a sheet name
    feed["habits"][0]["tips"][0] = "第一行\n第二行";                      // would read back as two tips
    feed["competitions"][0]["criteria"][4]["name"] = "备注";              // the score sheet's own column
    const ExportPlan out = export_of(feed);
    EXPECT_FALSE(out.ok());
    EXPECT_TRUE(out.plan.sheets.empty());
    EXPECT_TRUE(mentions(out.problems, "/competitions/1/name")) << testing::PrintToString(out.problems);
    EXPECT_TRUE(mentions(out.problems, "/habits/0/tips/0"));
    EXPECT_TRUE(mentions(out.problems, "/competitions/0/criteria/4/name"));

    json names = sample_feed();
    names["competitions"][1]["ties"] = "tiebreak";
    names["competitions"][1]["tiebreak"] = {"classroom"};
    names["competitions"][1]["criteria"][0]["name"] = "教室、走廊";  // in 比较顺序: would read as two names
    names["competitions"][1]["criteria"][1]["name"] = "包干区，操场";  // not in 比较顺序: fine
    names["announcements"][0]["targets"] = {"screen:east,west"};
    const ExportPlan refused = export_of(names);
    EXPECT_TRUE(mentions(refused.problems, "/competitions/1/criteria/0/name")) << testing::PrintToString(refused.problems);
    EXPECT_FALSE(mentions(refused.problems, "/competitions/1/criteria/1/name"));
    EXPECT_TRUE(mentions(refused.problems, "/announcements/0/targets/0"));

    // A class whose name holds a separator is named by its 编号 in a list.
    json odd = sample_feed();
    odd["classes"][9]["name"] = "三年级二班，实验班";
    odd["announcements"][0]["targets"] = {"class:3-2", "lobby"};
    const ExportPlan listed = export_of(odd);
    ASSERT_TRUE(listed.ok()) << listed.problems.front();
    EXPECT_EQ(plan_cell(*plan_sheet(listed.plan, words::sheet_announcements), 0, words::col_announcement_targets).text,
              "3-2\n大厅");
    EXPECT_EQ(plan_cell(*plan_sheet(listed.plan, "流动红旗"), 9, words::col_round_class).text, "三年级二班，实验班");

    json clash = sample_feed();
    clash["competitions"][1]["name"] = "班级";  // the classes' sheet
    EXPECT_TRUE(mentions(export_of(clash).problems, "/competitions/1/name"));
    clash["competitions"][1]["name"] = "流动红旗扣分";  // the first one's deduction log
    EXPECT_TRUE(mentions(export_of(clash).problems, "/competitions/1/name"));
}

TEST(WorkbookExportPlan, AnInvalidFeedIsRefusedWithTheScreensOwnWords) {
    json feed = sample_feed();
    feed["competitions"][0]["rounds"][0]["scores"][0]["hygiene"] = 23;
    const ExportPlan out = export_of(feed);
    EXPECT_FALSE(out.ok());
    EXPECT_TRUE(mentions(out.problems, "/competitions/0/rounds/0/scores/0/hygiene")) << testing::PrintToString(out.problems);
    EXPECT_FALSE(plan_export("{ not json").ok());
}

//-----------------------------------------------------------------------------
// [SECTION] The template, as openpyxl reads it
//-----------------------------------------------------------------------------

class WrittenTemplate : public testing::Test {
protected:
    static void SetUpTestSuite() {
        folder_ = new ScratchFolder;
        const std::string error = write_plan(plan_template(), folder_->file("学校数据.xlsx"));
        ASSERT_EQ(error, "");
        book_ = new json(inspect(folder_->file("学校数据.xlsx")));
    }
    static void TearDownTestSuite() {
        delete book_;
        delete folder_;
    }
    static ScratchFolder* folder_;
    static json* book_;
};
ScratchFolder* WrittenTemplate::folder_ = nullptr;
json* WrittenTemplate::book_ = nullptr;

TEST_F(WrittenTemplate, HasEverySheetOfTheContractWithItsHeader) {
    std::vector<std::string> names;
    for (const json& s : (*book_)["sheets"]) names.push_back(s["name"].get<std::string>());
    EXPECT_EQ(names, (std::vector<std::string>{"学校", "工作目标", "每月习惯", "班级", "评比", "评比项目", "流动红旗",
                                               "流动红旗扣分", "通知", "活动", "校园风采"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "学校")), (std::vector<std::string>{"项目", "内容"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "工作目标")),
              (std::vector<std::string>{"类别", "目标", "说明", "当前", "目标值", "单位"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "每月习惯")), (std::vector<std::string>{"月份", "习惯", "说明", "要点"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "班级")), (std::vector<std::string>{"班级", "编号", "年级", "班主任"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "评比")),
              (std::vector<std::string>{"名称", "编号", "每周名额", "范围", "并列", "比较顺序", "显示"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "评比项目")),
              (std::vector<std::string>{"评比", "项目", "满分", "权重", "编号"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "流动红旗")),
              (std::vector<std::string>{"周次", "开始日期", "班级", "纪律", "出勤", "课间操", "仪表", "卫生", "备注"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "流动红旗扣分")),
              (std::vector<std::string>{"日期", "班级", "项目", "扣分", "原因"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "通知")),
              (std::vector<std::string>{"级别", "标题", "内容", "开始", "结束", "对象", "链接", "图片"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "活动")),
              (std::vector<std::string>{"活动", "日期", "时间", "地点", "链接", "图片"}));
    EXPECT_EQ(header_names(sheet_named(*book_, "校园风采")), (std::vector<std::string>{"图片", "说明", "日期"}));
    // The example picture is a path relative to the workbook, on the event it shows and in the gallery.
    EXPECT_EQ(cell(sheet_named(*book_, "校园风采"), 0, "图片")["value"], "照片/运动会.jpg");
    EXPECT_EQ(cell(sheet_named(*book_, "活动"), 0, "图片")["value"], "照片/运动会.jpg");
    EXPECT_NE(cell(sheet_named(*book_, "校园风采"), 0, "说明")["value"].get<std::string>().find("校运动会"),
              std::string::npos);
    // One worked example per sheet (the criteria: one per score column), 学校 all nine keys.
    for (const json& s : (*book_)["sheets"]) {
        const std::size_t expected = s["name"] == "学校" ? 9u : s["name"] == "评比项目" ? 5u : 1u;
        EXPECT_EQ(s["rows"].size(), expected) << s["name"];
    }
}

TEST_F(WrittenTemplate, RequiredColumnsAreBoldAndEveryHeaderHasANote) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> required = {
        {"学校", {"项目", "内容"}},
        {"工作目标", {"目标"}},
        {"每月习惯", {"月份", "习惯"}},
        {"班级", {"班级"}},
        {"评比", {"名称", "编号", "每周名额"}},
        {"评比项目", {"评比", "项目", "满分"}},
        {"流动红旗", {"周次", "班级", "纪律", "出勤", "课间操", "仪表", "卫生"}},
        {"流动红旗扣分", {"日期", "班级", "项目", "扣分"}},
        {"通知", {"级别", "标题"}},
        {"活动", {"活动", "日期"}},
        {"校园风采", {"图片"}},
    };
    for (const auto& [name, bold] : required) {
        const json& sheet = sheet_named(*book_, name);
        for (const json& h : sheet["header"]) {
            const std::string column = h["name"];
            const bool want = std::find(bold.begin(), bold.end(), column) != bold.end();
            EXPECT_EQ(h["bold"].get<bool>(), want) << name << "!" << column;
            ASSERT_TRUE(h["note"].is_string()) << name << "!" << column << " has no note";
            const std::string note = h["note"];
            EXPECT_NE(note.find(want ? "必填" : "可不填"), std::string::npos) << name << "!" << column << ": " << note;
        }
    }
    // The first header cell says what the sheet is.
    EXPECT_NE(sheet_named(*book_, "流动红旗")["header"][0]["note"].get<std::string>().find("【流动红旗】"),
              std::string::npos);
    EXPECT_NE(sheet_named(*book_, "校园风采")["header"][0]["note"].get<std::string>().find("【校园风采】"),
              std::string::npos);
    // A picture cell says it takes a path beside the workbook, not a pasted picture.
    for (const char* name : {"通知", "活动", "校园风采"}) {
        for (const json& h : sheet_named(*book_, name)["header"])
            if (h["name"] == "图片")
                EXPECT_NE(h["note"].get<std::string>().find("照片/运动会.jpg"), std::string::npos) << name;
    }
}

TEST_F(WrittenTemplate, HeaderRowsAreFrozen) {
    for (const json& s : (*book_)["sheets"]) EXPECT_EQ(s["freeze"], "A2") << s["name"];
}

TEST_F(WrittenTemplate, FixedWordsHaveDropDownLists) {
    struct Want {
        std::string sheet, column, list, style;
    };
    const std::vector<Want> wants = {
        {"通知", "级别", "\"通知,重要,紧急\"", "stop"},
        {"评比", "范围", "\"全校,年级\"", "stop"},
        {"评比", "并列", "\"共享,比较\"", "stop"},
        // A suggestion: 前N (前12, 前10 …) can still be typed.
        {"评比", "显示", "\"全部,仅获奖,前12\"", "information"},
        {"流动红旗扣分", "项目", "\"纪律,出勤,课间操,仪表,卫生\"", "information"},
    };
    for (const Want& want : wants) {
        const json* v = validation_of(sheet_named(*book_, want.sheet), want.column);
        ASSERT_NE(v, nullptr) << want.sheet << "!" << want.column;
        EXPECT_EQ((*v)["type"], "list");
        EXPECT_EQ((*v)["list"], want.list);
        EXPECT_EQ((*v)["error_style"], want.style);
        EXPECT_NE((*v)["range"].get<std::string>().find("1001"), std::string::npos) << (*v)["range"];
    }
    EXPECT_EQ(validation_of(sheet_named(*book_, "通知"), "标题"), nullptr);
}

TEST_F(WrittenTemplate, DatesAreDateCellsWithADateFormat) {
    const json& school = sheet_named(*book_, "学校");
    EXPECT_EQ(school_value(school, "开学日期")["value"]["datetime"], "2026-09-01T00:00:00");
    EXPECT_EQ(school_value(school, "开学日期")["format"], "yyyy-mm-dd");
    EXPECT_EQ(school_value(school, "结束日期")["value"]["datetime"], "2027-01-22T00:00:00");
    EXPECT_EQ(school_value(school, "时区")["value"], "Asia/Shanghai");
    EXPECT_EQ(school_value(school, "发布编号")["value"], "gangcheng-shiyan-primary");
    const json& scores = sheet_named(*book_, "流动红旗");
    EXPECT_EQ(cell(scores, 0, "开始日期")["format"], "yyyy-mm-dd");
    EXPECT_EQ(cell(scores, 0, "开始日期")["value"]["datetime"], "2026-08-31T00:00:00");
    const json& notices = sheet_named(*book_, "通知");
    EXPECT_EQ(cell(notices, 0, "开始")["format"], "yyyy-mm-dd hh:mm");
    EXPECT_EQ(cell(notices, 0, "开始")["value"]["datetime"], "2026-11-16T07:00:00");
    EXPECT_EQ(cell(sheet_named(*book_, "活动"), 0, "日期")["format"], "yyyy-mm-dd");
    EXPECT_EQ(cell(sheet_named(*book_, "流动红旗扣分"), 0, "日期")["format"], "yyyy-mm-dd");
    EXPECT_EQ(cell(sheet_named(*book_, "校园风采"), 0, "日期")["format"], "yyyy-mm-dd");
    EXPECT_EQ(cell(sheet_named(*book_, "校园风采"), 0, "日期")["value"]["datetime"], "2026-11-26T00:00:00");
    // What Excel must not turn into a date or a time as it is typed: 3-2, 08:00, 2026-09.
    EXPECT_EQ(cell(sheet_named(*book_, "班级"), 0, "编号")["format"], "@");
    EXPECT_EQ(cell(sheet_named(*book_, "活动"), 0, "时间")["format"], "@");
    EXPECT_EQ(cell(sheet_named(*book_, "每月习惯"), 0, "月份")["format"], "@");
}

TEST_F(WrittenTemplate, ColumnsAreWideEnoughForChineseTextAndLongTextWraps) {
    for (const json& s : (*book_)["sheets"]) {
        for (const json& h : s["header"]) {
            const std::string name = h["name"];
            const double width = width_of(s, name);
            // A Han character is about two units wide; a bold header with room to spare.
            const double chars = static_cast<double>(name.size()) / 3.0;
            EXPECT_GE(width, chars * 2.0 + 1) << s["name"] << "!" << name;
            EXPECT_LE(width, 52) << s["name"] << "!" << name;
        }
    }
    const json& goals = sheet_named(*book_, "工作目标");
    EXPECT_GE(width_of(goals, "目标"), 40);  // the example goal is 44 characters long
    EXPECT_TRUE(cell(goals, 0, "目标")["wrap"].get<bool>());
    EXPECT_TRUE(cell(goals, 0, "说明")["wrap"].get<bool>());
    EXPECT_FALSE(cell(goals, 0, "类别")["wrap"].get<bool>());
    EXPECT_TRUE(cell(sheet_named(*book_, "通知"), 0, "内容")["wrap"].get<bool>());
    EXPECT_TRUE(cell(sheet_named(*book_, "校园风采"), 0, "说明")["wrap"].get<bool>());
    EXPECT_GE(width_of(sheet_named(*book_, "校园风采"), "图片"), 15);  // 照片/运动会.jpg
    EXPECT_GE(width_of(sheet_named(*book_, "班级"), "班级"), 11);  // 三年级二班
}

TEST(WrittenPlan, AListTooLongForExcelIsLeftWithoutADropDown) {
    std::vector<std::string> names;
    for (int i = 1; i <= 40; ++i) names.push_back("第" + std::to_string(i) + "项检查内容");  // ~300 characters
    WorkbookPlan plan;
    plan.sheets.push_back(SheetPlan{"卫生流动红旗扣分", deduction_columns(names), {}, ""});
    plan.sheets.push_back(SheetPlan{"通知", announcement_columns(), {}, ""});
    ScratchFolder folder;
    ASSERT_EQ(write_plan(plan, folder.file("long.xlsx")), "");
    const json book = inspect(folder.file("long.xlsx"));
    EXPECT_EQ(validation_of(sheet_named(book, "卫生流动红旗扣分"), "项目"), nullptr);
    EXPECT_NE(validation_of(sheet_named(book, "通知"), "级别"), nullptr);
}

//-----------------------------------------------------------------------------
// [SECTION] The export of the sample, as openpyxl reads it
//-----------------------------------------------------------------------------

TEST(WrittenExport, TheSampleFillsEverySheet) {
    ScratchFolder folder;
    const ExportPlan plan = plan_export(read_text(KIOSK_ASSETS_DIR "/sample-feed.json"));
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(write_plan(plan.plan, folder.file("sample.xlsx")), "");
    const json book = inspect(folder.file("sample.xlsx"));
    std::vector<std::string> names;
    for (const json& s : book["sheets"]) names.push_back(s["name"].get<std::string>());
    EXPECT_EQ(names, (std::vector<std::string>{"学校", "工作目标", "每月习惯", "班级", "评比", "评比项目", "流动红旗",
                                               "卫生流动红旗", "通知", "活动", "校园风采"}));
    // Pictures are not exported; the sheet is there, header only, for the clerk to fill.
    EXPECT_EQ(header_names(sheet_named(book, "校园风采")), (std::vector<std::string>{"图片", "说明", "日期"}));
    EXPECT_EQ(sheet_named(book, "校园风采")["rows"].size(), 0u);
    const json& school = sheet_named(book, "学校");
    EXPECT_EQ(school_value(school, "学校名称")["value"], "钢城实验小学");
    EXPECT_EQ(school_value(school, "简称")["value"], "钢小");
    EXPECT_EQ(school_value(school, "学期主题")["value"], "凝心聚力、务实奋进");
    EXPECT_EQ(school_value(school, "结束日期")["value"]["datetime"], "2027-01-22T00:00:00");
    EXPECT_EQ(sheet_named(book, "工作目标")["rows"].size(), 16u);
    EXPECT_EQ(sheet_named(book, "每月习惯")["rows"].size(), 4u);
    const json& classes = sheet_named(book, "班级");
    ASSERT_EQ(classes["rows"].size(), 24u);
    EXPECT_EQ(cell(classes, 7, "班级")["value"], "二年级四班");
    EXPECT_EQ(cell(classes, 7, "编号")["value"], "2-4");
    EXPECT_EQ(cell(classes, 7, "年级")["value"], 2);
    EXPECT_TRUE(cell(classes, 7, "班主任")["value"].is_null());
    const json& hygiene = sheet_named(book, "卫生流动红旗");
    ASSERT_EQ(hygiene["rows"].size(), 12u * 24u);
    EXPECT_EQ(cell(hygiene, 287, "周次")["value"], 12);
    EXPECT_EQ(cell(hygiene, 287, "开始日期")["value"]["datetime"], "2026-11-16T00:00:00");
    EXPECT_EQ(cell(hygiene, 287, "班级")["value"], "六年级四班");
    EXPECT_EQ(cell(hygiene, 287, "个人卫生")["value"], 9.5);
    const json& competitions = sheet_named(book, "评比");
    EXPECT_EQ(cell(competitions, 1, "范围")["value"], "年级");
    EXPECT_EQ(cell(competitions, 1, "显示")["value"], "仅获奖");
    const json& notices = sheet_named(book, "通知");
    ASSERT_EQ(notices["rows"].size(), 5u);
    EXPECT_EQ(cell(notices, 3, "对象")["value"], "六年级\n大厅");
    EXPECT_TRUE(cell(notices, 3, "对象")["wrap"].get<bool>());
    EXPECT_EQ(cell(notices, 3, "结束")["value"]["datetime"], "2026-11-24T17:30:00");
    EXPECT_EQ(cell(notices, 4, "对象")["value"], "教室\n走廊");
    const json& events = sheet_named(book, "活动");
    ASSERT_EQ(events["rows"].size(), 6u);
    EXPECT_EQ(cell(events, 5, "活动")["value"], "期末考试");
    EXPECT_EQ(cell(events, 5, "日期")["value"]["datetime"], "2027-01-14T00:00:00");
    for (const json& s : book["sheets"]) EXPECT_EQ(s["freeze"], "A2") << s["name"];
}

//-----------------------------------------------------------------------------
// [SECTION] The project's own reader (read_workbook) on what we write
//-----------------------------------------------------------------------------

const Cell* header_cell(const Sheet& sheet, std::string_view column, int& col) {
    for (col = 0; col < static_cast<int>(sheet.rows.at(0).size()); ++col)
        if (sheet.at(0, col).text == column) return &sheet.at(0, col);
    ADD_FAILURE() << sheet.name << " has no column " << column;
    return nullptr;
}

const Cell& read_cell(const Sheet& sheet, int data_row, std::string_view column) {
    int col = 0;
    header_cell(sheet, column, col);
    return sheet.at(data_row + 1, col);
}

TEST(WrittenExport, TheProjectsReaderSeesDatesNumbersAndTextAsWritten) {
    ScratchFolder folder;
    const ExportPlan plan = plan_export(read_text(KIOSK_ASSETS_DIR "/sample-feed.json"));
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(write_plan(plan.plan, folder.file("sample.xlsx")), "");
    const ReadResult read = read_workbook(folder.file("sample.xlsx"));
    ASSERT_TRUE(read.ok()) << (read.problems.empty() ? "" : read.problems.front().where + ": " + read.problems.front().message);
    const Workbook& book = *read.book;
    EXPECT_EQ(book.file_label, "sample.xlsx");
    ASSERT_EQ(book.sheets.size(), plan.plan.sheets.size());
    for (std::size_t i = 0; i < book.sheets.size(); ++i) {
        const Sheet& sheet = book.sheets[i];
        const SheetPlan& planned = plan.plan.sheets[i];
        EXPECT_EQ(sheet.name, planned.name);
        EXPECT_EQ(sheet.row_count(), static_cast<int>(planned.rows.size()) + 1) << sheet.name;
        for (std::size_t c = 0; c < planned.columns.size(); ++c)
            EXPECT_EQ(sheet.at(0, static_cast<int>(c)).text, planned.columns[c].name) << sheet.name;
    }
    const Sheet& school = *book.find_sheet("学校");
    EXPECT_EQ(school.at(7, 0).text, "开学日期");
    EXPECT_EQ(school.at(7, 1).kind, Cell::Kind::number);
    EXPECT_TRUE(school.at(7, 1).is_date);
    EXPECT_EQ(school.at(7, 1).number, 46266);  // 2026-09-01
    const Sheet& classes = *book.find_sheet("班级");
    EXPECT_EQ(read_cell(classes, 9, "编号").kind, Cell::Kind::text);
    EXPECT_EQ(read_cell(classes, 9, "编号").text, "3-2");
    EXPECT_EQ(read_cell(classes, 9, "年级").number, 3);
    const Sheet& notices = *book.find_sheet("通知");
    const Cell& until = read_cell(notices, 3, "结束");
    EXPECT_TRUE(until.is_date);
    const auto when = serial_to_datetime(until.number, book.date1904);
    ASSERT_TRUE(when);
    EXPECT_EQ((std::vector<int>{when->year, when->month, when->day, when->hour, when->minute, when->second}),
              (std::vector<int>{2026, 11, 24, 17, 30, 0}));
    EXPECT_EQ(read_cell(notices, 3, "对象").text, "六年级\n大厅");
    const Sheet& red = *book.find_sheet("流动红旗");
    EXPECT_EQ(read_cell(red, 0, "课间操").number, 17.5);
    EXPECT_FALSE(read_cell(red, 0, "课间操").is_date);
    EXPECT_TRUE(read_cell(red, 0, "开始日期").is_date);
    EXPECT_EQ(read_cell(red, 22, "备注").text, "课间在楼道追跑打闹");
    EXPECT_EQ(read_cell(*book.find_sheet("活动"), 0, "时间").text, "08:00");
    EXPECT_EQ(read_cell(*book.find_sheet("每月习惯"), 0, "月份").text, "2026年9月");
}

//-----------------------------------------------------------------------------
// [SECTION] The program: refusals, overwriting, atomic writes
//-----------------------------------------------------------------------------

const std::string tool = KIOSK_FEED_TOOL;

TEST(KioskFeedWrite, ExportRefusesAnInvalidFeedAndWritesNothing) {
    ScratchFolder folder;
    json feed = sample_feed();
    feed["competitions"][0]["rounds"][0]["scores"][3]["discipline"] = 23;
    feed["classes"][0]["grade"] = 13;
    write_text(folder.file("bad.json"), feed.dump());
    const RunResult r = run(tool + " export " + shell_quote(folder.file("bad.json")) + " -o " +
                            shell_quote(folder.file("bad.xlsx")));
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("/competitions/0/rounds/0/scores/3/discipline"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/classes/0/grade"), std::string::npos) << r.out;
    EXPECT_EQ(folder.names(), (std::vector<std::string>{"bad.json"}));
}

TEST(KioskFeedWrite, AnExistingWorkbookIsKeptUnlessForced) {
    ScratchFolder folder;
    const std::string book = folder.file("学校数据.xlsx");
    write_text(book, "the school's own work");
    RunResult r = run(tool + " template -o " + shell_quote(book));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("--force"), std::string::npos) << r.out;
    EXPECT_EQ(read_text(book), "the school's own work");
    r = run(tool + " export " + shell_quote(KIOSK_ASSETS_DIR "/sample-feed.json") + " -o " + shell_quote(book));
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(read_text(book), "the school's own work");
    r = run(tool + " template --force -o " + shell_quote(book));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_text(book).substr(0, 2), "PK");
    EXPECT_EQ(folder.names(), (std::vector<std::string>{"学校数据.xlsx"})) << "no temporary file is left";
}

TEST(KioskFeedWrite, ExportSaysWhatIsNotCarriedAndLeavesOnlyTheWorkbook) {
    ScratchFolder folder;
    const RunResult r = run(tool + " export " + shell_quote(KIOSK_ASSETS_DIR "/sample-feed.json") + " -o " +
                            shell_quote(folder.file("sample.xlsx")));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("note: /term/goals"), std::string::npos) << r.out;
    EXPECT_EQ(folder.names(), (std::vector<std::string>{"sample.xlsx"}));
    EXPECT_EQ(read_text(folder.file("sample.xlsx")).substr(0, 2), "PK");
}

TEST(KioskFeedWrite, OnlyAnXlsxNameIsWritten) {
    ScratchFolder folder;
    write_text(folder.file("feed.json"), "{}");
    const std::string error = write_plan(plan_template(), folder.file("feed.json"), {true});
    EXPECT_NE(error.find(".xlsx"), std::string::npos) << error;
    EXPECT_EQ(read_text(folder.file("feed.json")), "{}");
    EXPECT_EQ(write_plan(plan_template(), folder.file("周报.XLSX")), "");
}

TEST(KioskFeedWrite, AFolderThatCannotBeWrittenIsNamedAndNothingIsLeft) {
    ScratchFolder folder;
    const std::string missing = folder.file("no-such-folder/学校数据.xlsx");
    const std::string error = write_plan(plan_template(), missing);
    EXPECT_NE(error.find("学校数据.xlsx"), std::string::npos) << error;
    EXPECT_TRUE(folder.names().empty());
    const RunResult r = run(tool + " template -o " + shell_quote(missing));
    EXPECT_EQ(r.status, 1) << r.out;
}

}  // namespace
}  // namespace campus::publish
