// A school's workbook as the office saved it: sheets of cells, nothing more.
//
// This is the one shape both readers produce (an .xlsx as Excel, WPS or
// LibreOffice save it; a folder of CSV files) and the one the workbook → feed
// step reads (publish/workbook_feed.hpp). It knows nothing of goals or classes:
// only what a cell holds and where it stands, so every later message can name
// `SHEET!CELL`.
//
// Thread safety: plain values; read_workbook() is reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace campus::publish {

// A cell's place, zero-based. to_a1() gives what a clerk sees: {row 8, col 1} → "B9".
struct CellRef {
    int row = 0;
    int col = 0;
    std::string to_a1() const;
};

// "B" for col 1, "AA" for col 26.
std::string column_letters(int col);

struct Cell {
    enum class Kind {
        empty,
        text,     // a string: shared, inline or rich text (runs joined), or any CSV field
        number,   // a numeric cell (is_date tells a date/time format from a plain number)
        boolean,  // TRUE/FALSE
        error,    // #DIV/0!, #REF! …: `text` holds the error as Excel shows it
    };
    Kind kind = Kind::empty;
    std::string text;   // text and error cells; UTF-8
    double number = 0;  // number cells (and booleans as 0/1)
    // The cell's number format is a date or time format (built-in ids 14–22,
    // 27–36, 45–47, 50–58, or a custom code with y/m/d/h/s outside quotes and
    // brackets). `number` is then an Excel serial in the workbook's date system
    // (see Workbook::date1904); the reader does not convert it.
    bool is_date = false;
    // The cell holds a formula. Its saved value, when the writer saved one, is
    // in kind/text/number as for any cell; a formula saved without a value
    // (some generators write none) has kind == empty and formula_without_value.
    bool formula = false;
    bool formula_without_value = false;

    bool is_empty() const { return kind == Kind::empty && !formula_without_value; }
};

struct Sheet {
    std::string name;  // as the tab shows it (for CSV: the file name without .csv)
    // rows[r][c]; rows may be shorter than others (missing cells are empty).
    // Merged ranges keep their value in the top-left cell only, as Excel does.
    std::vector<std::vector<Cell>> rows;

    const Cell& at(int row, int col) const;  // an empty cell outside the data
    int row_count() const { return static_cast<int>(rows.size()); }
};

struct Workbook {
    // What messages call the file: its name as the clerk knows it ("周报.xlsx",
    // or the folder's name for CSV), without the directories above it.
    std::string file_label;
    std::vector<Sheet> sheets;  // in tab order
    bool date1904 = false;      // the Mac 1904 date system (workbookPr date1904)

    // By name, ignoring surrounding spaces and full-width/half-width variants of
    // brackets and colons; nullptr when absent.
    const Sheet* find_sheet(std::string_view name) const;
};

// Limits the readers enforce while reading, so that a hostile or broken file
// (a zip bomb, a sheet claiming a million columns) is refused, not obeyed.
struct WorkbookLimits {
    std::uint64_t max_file_bytes = 64u << 20;           // the .xlsx, or each .csv
    // All zip entries read, added up; also the text an .xlsx's cells may hold
    // (shared strings are copied into each cell), and a CSV folder's files together.
    std::uint64_t max_uncompressed_bytes = 256u << 20;
    int max_rows = 100000;                              // per sheet
    int max_cols = 1024;                                // per sheet
    std::size_t max_cells = 4000000;                    // per workbook
    std::size_t max_sheets = 256;
};

// One problem found while reading; `where` is "" for the file itself,
// "SHEET" for a sheet, or "SHEET!CELL".
struct ReadProblem {
    std::string where;
    std::string message;  // Chinese, for the clerk
};

struct ReadResult {
    std::optional<Workbook> book;      // nullopt when the file could not be read at all
    std::vector<ReadProblem> problems; // may be non-empty alongside a book (e.g. one bad CSV file)
    bool ok() const { return book.has_value() && problems.empty(); }
};

// `path` is an .xlsx file, or a folder of `<sheet name>.csv` files (UTF-8 with
// or without BOM, or GB18030/GBK). Anything else (an .xls, .ods, .et, a UTF-16
// CSV) is refused with a message that says what is accepted and how to save as it.
ReadResult read_workbook(const std::string& path, const WorkbookLimits& limits = {});

// The two readers, for tests and the fuzzer: from bytes in memory.
ReadResult read_xlsx_bytes(std::string_view bytes, std::string file_label, const WorkbookLimits& limits = {});
// One CSV file's bytes to one sheet (encoding detected as above).
ReadResult read_csv_bytes(std::string_view bytes, std::string sheet_name, std::string file_label,
                          const WorkbookLimits& limits = {});

// A custom number format code is a date or time format (the rule of Cell::is_date):
// y, m, d, h or s outside "quotes", [brackets], \escapes and _/* padding.
// "General", "0.00", "[Red]0" are not; "yyyy/m/d", "[$-804]m\"月\"d\"日\"", "h:mm" are.
bool number_format_is_date(std::string_view code);

// Excel serial (in the given date system) to a civil date and time of day.
struct SerialDateTime {
    int year = 1900, month = 1, day = 1;
    int hour = 0, minute = 0, second = 0;
};
std::optional<SerialDateTime> serial_to_datetime(double serial, bool date1904);

}  // namespace campus::publish
