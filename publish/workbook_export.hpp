// Writing the school's workbook (shared/workbook-contract.md): the blank
// template a school starts from, and a feed turned back into the workbook
// that builds it (`kiosk-feed template`, `kiosk-feed export`).
//
// Both verbs first make a WorkbookPlan (sheets, columns, cells, what the
// clerk is told about each column), then write_plan() writes it as .xlsx with
// libxlsxwriter. The plan is where the contract's meaning lives; the writer
// only lays it out (bold required headers, frozen header row, widths for
// Chinese text, drop-down lists, date formats, notes on the headers).
//
// The promise of export: build(export(F)) is F in meaning. What the workbook
// has no column for is not carried and is said in `notes`: the ids of goals,
// announcements and events (the build makes g1, g2 …), `version`,
// `generated_at`, `expires_at`, pictures (media, gallery, image).
// A feed the workbook could not say faithfully (a competition whose name
// cannot be a sheet name, two rounds of one week …) is refused with problems.
//
// Why no 说明 (instructions) sheet: the contract names the sheets it reads but
// does not promise that an unknown sheet is ignored (a builder may well point
// out a misspelled score sheet), so the instructions are notes on the header
// cells, which every reader skips.
//
// Thread safety: reentrant; each call writes its own file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sync/civil_time.hpp"

namespace campus::publish {

// [SECTION] The plan

struct PlanCell {
    enum class Kind { empty, text, number, date, date_time };
    Kind kind = Kind::empty;
    std::string text;  // text
    double number = 0; // number
    Date date;         // date, date_time
    TimeOfDay time;    // date_time

    static PlanCell of_text(std::string text);
    static PlanCell of_number(double number);
    static PlanCell of_date(Date date);
    static PlanCell of_date_time(Date date, TimeOfDay time);
};

struct PlanColumn {
    // How the column's cells look and what a clerk may type in them.
    enum class Kind {
        text,       // short text
        long_text,  // wraps (说明, 内容, 要点 …)
        code,       // text that Excel must not turn into a date or number as it is typed (编号 3-2, 时间 08:00)
        number,
        date,       // yyyy-mm-dd
        date_time,  // yyyy-mm-dd hh:mm
    };
    std::string name;
    bool required = false;
    Kind kind = Kind::text;
    std::string note;  // what the clerk is told on the header (a cell note)
    // A drop-down list. `strict` refuses anything else; otherwise the list is
    // a suggestion and other text is accepted after a warning (显示: 前12).
    std::vector<std::string> choices;
    bool strict = true;
};

struct SheetPlan {
    std::string name;
    std::vector<PlanColumn> columns;
    std::vector<std::vector<PlanCell>> rows;  // below the header; rows[r][c] for columns[c]
    std::string note;  // on the first header cell: what the sheet is
};

struct WorkbookPlan {
    std::vector<SheetPlan> sheets;  // in tab order
};

// [SECTION] The contract's sheets, as columns (both verbs lay sheets out by these)

std::vector<PlanColumn> school_columns();
std::vector<PlanColumn> goal_columns();
std::vector<PlanColumn> habit_columns();
std::vector<PlanColumn> class_columns();
std::vector<PlanColumn> competition_columns();
std::vector<PlanColumn> criterion_columns();
std::vector<PlanColumn> score_columns(const std::vector<std::string>& criterion_names);      // <名称>
std::vector<PlanColumn> deduction_columns(const std::vector<std::string>& criterion_names);  // <名称>扣分
std::vector<PlanColumn> announcement_columns();
std::vector<PlanColumn> event_columns();
std::vector<PlanColumn> gallery_columns();  // 校园风采
// What the first header cell's note says about the sheet; "" for a sheet it does not know.
const std::string& sheet_note(std::string_view sheet);
std::string score_sheet_note(std::string_view competition_name);
std::string deduction_sheet_note(std::string_view competition_name);

// [SECTION] The two verbs

// The template: every sheet of the contract with its header and one worked
// example from a real school's plan (钢城实验小学, the bundled sample), so that
// it builds as it is and every column shows what it takes.
WorkbookPlan plan_template();

struct ExportPlan {
    WorkbookPlan plan;                  // empty when problems is not
    std::vector<std::string> problems;  // "where: message"; the feed's own problems, or what the workbook cannot say
    std::vector<std::string> notes;     // what the workbook does not carry (ids, pictures …)
    bool ok() const { return problems.empty(); }
};

// `feed_bytes` is a feed document; it must pass the screens' own check (sync/feed_parse).
ExportPlan plan_export(std::string_view feed_bytes);

// [SECTION] Writing

struct WriteOptions {
    // Refuse an existing file unless told: the workbook a school already
    // fills in must not vanish under a `template -o` typed in the wrong folder.
    bool overwrite = false;
};

// Writes the plan to `path` atomically: a temporary file in the same folder,
// flushed to disk, then renamed over `path`. Returns "" or what went wrong
// (naming the file); on failure nothing at `path` has changed.
std::string write_plan(const WorkbookPlan& plan, const std::string& path, const WriteOptions& options = {});

}  // namespace campus::publish
