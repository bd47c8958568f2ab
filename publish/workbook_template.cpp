// The blank workbook a school starts from (`kiosk-feed template`): every sheet
// of shared/workbook-contract.md with one worked example row each, taken from
// the bundled sample (钢城实验小学, assets/sample-feed.json), so each column
// shows what it takes. It builds as it stands once its one example picture
// (照片/运动会.jpg, on 活动 and 校园风采) is put beside it, or those cells are
// emptied: a picture is a file, and the template is only the workbook. The example rows
// are written here, not read from the asset: the program must work where only
// the binary is installed.
#include <string>
#include <vector>

#include "publish/workbook_export.hpp"
#include "publish/workbook_words.hpp"

namespace campus::publish {

namespace {

namespace w = words;

PlanCell text(std::string_view value) { return PlanCell::of_text(std::string(value)); }
PlanCell number(double value) { return PlanCell::of_number(value); }
PlanCell date(int year, int month, int day) { return PlanCell::of_date(Date{year, month, day}); }
PlanCell date_time(int year, int month, int day, int hour, int minute) {
    return PlanCell::of_date_time(Date{year, month, day}, TimeOfDay{hour, minute, 0});
}

SheetPlan sheet(std::string_view name, std::vector<PlanColumn> columns, std::string note) {
    return SheetPlan{std::string(name), std::move(columns), {}, std::move(note)};
}

}  // namespace

WorkbookPlan plan_template() {
    WorkbookPlan plan;
    const std::string competition = "流动红旗";
    const std::vector<std::string> criteria = {"纪律", "出勤", "课间操", "仪表", "卫生"};
    // Not shipped with the template: the school puts its own photo there (or
    // deletes the rows), and until then `build` names the two cells that want it.
    const std::string example_picture = "照片/运动会.jpg";

    SheetPlan school = sheet(w::sheet_school, school_columns(), sheet_note(w::sheet_school));
    school.rows = {
        {text(w::key_school_name), text("钢城实验小学")},
        {text(w::key_short_name), text("钢小")},
        {text(w::key_motto), text("每天提升一点点")},
        {text(w::key_timezone), text(w::default_timezone)},
        {text(w::key_feed_id), text("gangcheng-shiyan-primary")},
        {text(w::key_term_name), text("2026—2027学年第一学期")},
        {text(w::key_term_start), date(2026, 9, 1)},
        {text(w::key_term_end), date(2027, 1, 22)},
        {text(w::key_term_theme), text("凝心聚力、务实奋进")},
    };
    plan.sheets.push_back(std::move(school));

    SheetPlan goals = sheet(w::sheet_goals, goal_columns(), sheet_note(w::sheet_goals));
    goals.rows = {{text("德育"), text("各班本学期必须与80%左右的学生家长取得联系，交流学生的学习、生活情况，填写好家访记录"),
                   text("每位主要学科教师需进行家访，提倡科任教师联合家访，让家访真正起到实效。"), number(58),
                   number(80), text("%")}};
    plan.sheets.push_back(std::move(goals));

    SheetPlan habits = sheet(w::sheet_habits, habit_columns(), sheet_note(w::sheet_habits));
    habits.rows = {{text("2026年9月"), text("楼内外的纪律和卫生"),
                    text("九月抓楼内外的纪律和卫生：日常检查重点突出纪律和卫生，保证校园秩序和课间纪律，保证校园环境整洁。"),
                    text("新学期第一周作为集中教育周\n不乱丢乱扔乱放，爱护校园卫生\n“护学岗”执勤，课间秩序人人维护")}};
    plan.sheets.push_back(std::move(habits));

    SheetPlan classes = sheet(w::sheet_classes, class_columns(), sheet_note(w::sheet_classes));
    classes.rows = {{text("三年级二班"), text("3-2"), {}, text("周文静")}};
    plan.sheets.push_back(std::move(classes));

    SheetPlan competitions = sheet(w::sheet_competitions, competition_columns(), sheet_note(w::sheet_competitions));
    competitions.rows = {{text(competition), text("red-flag"), number(6), text(w::scope_school), text(w::ties_share),
                          {}, text(w::display_all)}};
    plan.sheets.push_back(std::move(competitions));

    // One row per criterion: the score sheet below has a column for each.
    SheetPlan criterion_sheet = sheet(w::sheet_criteria, criterion_columns(), sheet_note(w::sheet_criteria));
    for (const std::string& name : criteria)
        criterion_sheet.rows.push_back({text(competition), text(name), number(20), number(1), {}});
    plan.sheets.push_back(std::move(criterion_sheet));

    SheetPlan scores = sheet(competition, score_columns(criteria), score_sheet_note(competition));
    scores.rows = {{number(1), date(2026, 8, 31), text("三年级二班"), number(18.5), number(19.5), number(20),
                    number(19.5), number(17.5), text("课间操整齐有序，精神饱满")}};
    plan.sheets.push_back(std::move(scores));

    // Week 2 has no score row, so this one deduction makes week 2's round.
    SheetPlan deductions = sheet(competition + std::string(w::deductions_suffix), deduction_columns(criteria),
                                 deduction_sheet_note(competition));
    deductions.rows = {{date(2026, 9, 8), text("三年级二班"), text("卫生"), number(1.5), text("包干区有纸屑")}};
    plan.sheets.push_back(std::move(deductions));

    SheetPlan announcements = sheet(w::sheet_announcements, announcement_columns(), sheet_note(w::sheet_announcements));
    announcements.rows = {{text(w::level_urgent), text("秋冬季传染病高发，请落实晨检测温制度"),
                           text("近期为流感等呼吸道传染病高发季节。各班严格落实学生晨检测温制度和因病缺课登记，"
                                "学生如有发热、咳嗽等症状请及时就医，并向班主任请假。"),
                           date_time(2026, 11, 16, 7, 0), date_time(2026, 11, 27, 18, 0), text(w::target_all), {}, {}}};
    plan.sheets.push_back(std::move(announcements));

    SheetPlan events = sheet(w::sheet_events, event_columns(), sheet_note(w::sheet_events));
    events.rows = {{text("秋季田径运动会"), date(2026, 11, 26), text("08:00"), text("学校田径场"), {},
                    text(example_picture)}};
    plan.sheets.push_back(std::move(events));

    SheetPlan gallery = sheet(w::sheet_gallery, gallery_columns(), sheet_note(w::sheet_gallery));
    gallery.rows = {{text(example_picture), text("举行校运动会，加强校运动队、文艺队、田径队、排球队的训练"),
                     date(2026, 11, 26)}};
    plan.sheets.push_back(std::move(gallery));
    return plan;
}

}  // namespace campus::publish
