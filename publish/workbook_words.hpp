// The workbook's words: every sheet name, column name, 学校 key and fixed
// value of shared/workbook-contract.md, said once.
//
// Whatever reads a workbook (workbook_feed) and whatever writes one (export,
// template) takes its words from here, so that a renamed column cannot make the
// writer and the reader disagree. The contract is the authority; this file is
// its spelling. Aliases (the English words the contract also accepts) are kept
// beside the Chinese word they stand for.
//
// Thread safety: constants only.
#pragma once

#include <string_view>

namespace campus::publish::words {

// [SECTION] Sheets
inline constexpr std::string_view sheet_school = "学校";            // school
inline constexpr std::string_view sheet_goals = "工作目标";         // goals
inline constexpr std::string_view sheet_habits = "每月习惯";        // habits
inline constexpr std::string_view sheet_classes = "班级";           // classes
inline constexpr std::string_view sheet_competitions = "评比";      // competitions
inline constexpr std::string_view sheet_criteria = "评比项目";      // criteria
inline constexpr std::string_view sheet_announcements = "通知";     // announcements
inline constexpr std::string_view sheet_events = "活动";            // events
inline constexpr std::string_view sheet_gallery = "校园风采";       // gallery
// A competition's score sheet is named as its 名称; its deduction log adds this.
inline constexpr std::string_view deductions_suffix = "扣分";

struct SheetAlias {
    std::string_view chinese;
    std::string_view english;
};
inline constexpr SheetAlias sheet_aliases[] = {
    {sheet_school, "school"},           {sheet_goals, "goals"},
    {sheet_habits, "habits"},           {sheet_classes, "classes"},
    {sheet_competitions, "competitions"}, {sheet_criteria, "criteria"},
    {sheet_announcements, "announcements"}, {sheet_events, "events"},
    {sheet_gallery, "gallery"},
};

// [SECTION] 学校: two columns, one row per key
inline constexpr std::string_view col_key = "项目";    // key
inline constexpr std::string_view col_value = "内容";  // value
inline constexpr std::string_view key_school_name = "学校名称";
inline constexpr std::string_view key_short_name = "简称";
inline constexpr std::string_view key_motto = "校训";
inline constexpr std::string_view key_timezone = "时区";
inline constexpr std::string_view key_feed_id = "发布编号";
inline constexpr std::string_view key_term_name = "学期名称";
inline constexpr std::string_view key_term_start = "开学日期";
inline constexpr std::string_view key_term_end = "结束日期";
inline constexpr std::string_view key_term_theme = "学期主题";
inline constexpr std::string_view default_timezone = "Asia/Shanghai";

// [SECTION] 工作目标
inline constexpr std::string_view col_goal_category = "类别";
inline constexpr std::string_view col_goal_title = "目标";
inline constexpr std::string_view col_goal_detail = "说明";
inline constexpr std::string_view col_goal_current = "当前";
inline constexpr std::string_view col_goal_target = "目标值";
inline constexpr std::string_view col_goal_unit = "单位";

// [SECTION] 每月习惯
inline constexpr std::string_view col_habit_month = "月份";
inline constexpr std::string_view col_habit_title = "习惯";
inline constexpr std::string_view col_habit_detail = "说明";
inline constexpr std::string_view col_habit_tips = "要点";  // a list

// [SECTION] 班级
inline constexpr std::string_view col_class_name = "班级";
inline constexpr std::string_view col_class_id = "编号";
inline constexpr std::string_view col_class_grade = "年级";
inline constexpr std::string_view col_class_teacher = "班主任";

// [SECTION] 评比
inline constexpr std::string_view col_competition_name = "名称";
inline constexpr std::string_view col_competition_id = "编号";
inline constexpr std::string_view col_competition_awards = "每周名额";  // awards
inline constexpr std::string_view col_competition_scope = "范围";
inline constexpr std::string_view col_competition_ties = "并列";
inline constexpr std::string_view col_competition_tiebreak = "比较顺序";  // a list of criterion names
inline constexpr std::string_view col_competition_display = "显示";
inline constexpr std::string_view scope_school = "全校";
inline constexpr std::string_view scope_grade = "年级";
inline constexpr std::string_view ties_share = "共享";
inline constexpr std::string_view ties_tiebreak = "比较";
inline constexpr std::string_view display_all = "全部";
inline constexpr std::string_view display_winners = "仅获奖";
inline constexpr std::string_view display_top_prefix = "前";  // 前12 = top:12

// [SECTION] 评比项目
inline constexpr std::string_view col_criterion_competition = "评比";
inline constexpr std::string_view col_criterion_name = "项目";
inline constexpr std::string_view col_criterion_max = "满分";
inline constexpr std::string_view col_criterion_weight = "权重";
inline constexpr std::string_view col_criterion_id = "编号";

// The criterion ids a name derives to when 编号 is empty; any other name
// becomes c1, c2 … in row order.
struct DefaultCriterion {
    std::string_view name;
    std::string_view id;
};
inline constexpr DefaultCriterion default_criteria[] = {
    {"纪律", "discipline"}, {"出勤", "attendance"}, {"课间操", "exercise"},
    {"仪表", "appearance"}, {"卫生", "hygiene"},
};

// [SECTION] Score sheets (<名称>) and deduction logs (<名称>扣分)
inline constexpr std::string_view col_round_week = "周次";
inline constexpr std::string_view col_round_start = "开始日期";
inline constexpr std::string_view col_round_class = "班级";  // its name or its 编号
inline constexpr std::string_view col_round_note = "备注";
// …and one column per criterion, headed by the criterion's name.
inline constexpr std::string_view col_deduction_date = "日期";
inline constexpr std::string_view col_deduction_class = "班级";
inline constexpr std::string_view col_deduction_criterion = "项目";
inline constexpr std::string_view col_deduction_points = "扣分";
inline constexpr std::string_view col_deduction_reason = "原因";

// [SECTION] 通知
inline constexpr std::string_view col_announcement_level = "级别";
inline constexpr std::string_view col_announcement_title = "标题";
inline constexpr std::string_view col_announcement_body = "内容";
inline constexpr std::string_view col_announcement_from = "开始";
inline constexpr std::string_view col_announcement_until = "结束";
inline constexpr std::string_view col_announcement_targets = "对象";  // a list
inline constexpr std::string_view level_info = "通知";
inline constexpr std::string_view level_urgent = "重要";
inline constexpr std::string_view level_emergency = "紧急";
inline constexpr std::string_view target_all = "全部";
inline constexpr std::string_view target_lobby = "大厅";
inline constexpr std::string_view target_corridor = "走廊";
inline constexpr std::string_view target_classroom = "教室";
inline constexpr std::string_view target_assembly = "集会";
inline constexpr std::string_view target_grade_prefix = "年级:";   // 年级:3 (or 三年级)
inline constexpr std::string_view target_screen_prefix = "屏幕:";  // 屏幕:lobby-1

struct RoleWord {
    std::string_view chinese;
    std::string_view role;  // the feed's word
};
inline constexpr RoleWord role_words[] = {
    {target_lobby, "lobby"}, {target_corridor, "corridor"},
    {target_classroom, "classroom"}, {target_assembly, "assembly"},
};

// [SECTION] 活动
inline constexpr std::string_view col_event_title = "活动";
inline constexpr std::string_view col_event_date = "日期";
inline constexpr std::string_view col_event_time = "时间";
inline constexpr std::string_view col_event_place = "地点";

// [SECTION] Columns 通知 and 活动 may also have; 校园风采
inline constexpr std::string_view col_image = "图片";  // a picture file, relative to the workbook
inline constexpr std::string_view col_link = "链接";   // an https:// URL, shown as a QR code
inline constexpr std::string_view col_gallery_picture = "图片";
inline constexpr std::string_view col_gallery_caption = "说明";
inline constexpr std::string_view col_gallery_date = "日期";

// [SECTION] Lists inside one cell
// The writer puts one item per line. Sentences (a habit's 要点) may hold 、 or
// ， themselves ("走向操场、走进大自然、走到阳光下"), so a reader splits a cell
// that has a line break at its line breaks alone, and the writer gives a
// single such sentence a final line break: the reader must look for line
// breaks before it trims the cell. Names (比较顺序, 对象) are split at every
// separator, so the writer refuses a name that holds one (or uses the 编号).
inline constexpr std::string_view list_line_separator = "\n";
inline constexpr std::string_view list_separators[] = {"\n", "、", "，", ",", "；", ";"};

}  // namespace campus::publish::words
