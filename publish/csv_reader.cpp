// One CSV file's bytes → one sheet: the encoding decided, then RFC 4180.
//
// [SECTION] Messages: what the clerk reads, and how to save the file again
// [SECTION] Encoding: BOM, UTF-16/32 refused, UTF-8, else GB18030
// [SECTION] Records: RFC 4180 with the leniency Excel and WPS show
// [SECTION] read_csv_bytes()
//
// Every field becomes a text cell (an empty field an empty cell): what a CSV
// means by "3" or "2023/9/1" is for the workbook → feed step to say, which
// reads text numbers and dates anyway for .xlsx cells typed as text.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "publish/text_encoding.hpp"
#include "publish/workbook.hpp"

namespace campus::publish {

namespace te = text_encoding;

//-----------------------------------------------------------------------------
// [SECTION] Messages
//-----------------------------------------------------------------------------

namespace {

constexpr std::string_view kSaveAsCsvUtf8 =
    "请在 Excel 或 WPS 里打开它，选“另存为”→“文件类型”：“CSV UTF-8（逗号分隔）(*.csv)”，保存后再放回这个文件夹";

std::string wide_encoding_message(te::WideEncoding encoding) {
    if (encoding == te::WideEncoding::binary)
        return "这个文件含有 NUL 字节，不是 CSV 文本文件；" + std::string(kSaveAsCsvUtf8);
    const bool sixteen = encoding == te::WideEncoding::utf16le || encoding == te::WideEncoding::utf16be;
    return "这个 CSV 文件是 " + std::string(te::wide_encoding_name(encoding)) + " 编码" +
           (sixteen ? "（Excel 的“Unicode 文本”就是这种）" : "") + "，读不了。" + std::string(kSaveAsCsvUtf8);
}

std::string mib(std::uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB"; }

//-----------------------------------------------------------------------------
// [SECTION] Encoding
//-----------------------------------------------------------------------------

struct Decoded {
    std::string owned;      // the GB18030 text converted, when it was
    std::string_view text;  // UTF-8: into the input, or into `owned`
    std::string problem;    // non-empty: refused
};

Decoded decode(std::string_view bytes) {
    Decoded d;
    if (te::has_utf8_bom(bytes)) {
        d.text = bytes.substr(3);
        const std::size_t bad = te::find_invalid_utf8(d.text);
        if (bad != std::string_view::npos)
            d.problem = "文件开头标明是 UTF-8，但第 " + std::to_string(te::line_of_offset(d.text, bad)) +
                        " 行不是有效的 UTF-8；" + std::string(kSaveAsCsvUtf8);
        return d;
    }
    if (const auto wide = te::detect_wide_encoding(bytes); wide != te::WideEncoding::none) {
        d.problem = wide_encoding_message(wide);
        return d;
    }
    if (te::is_valid_utf8(bytes)) {
        d.text = bytes;
        return d;
    }
    // Not UTF-8: what Chinese Excel and WPS save as plain "CSV（逗号分隔）".
    std::size_t bad = 0;
    if (auto converted = te::gb18030_to_utf8(bytes, &bad)) {
        d.owned = std::move(*converted);
        d.text = d.owned;
        return d;
    }
    d.problem = "第 " + std::to_string(te::line_of_offset(bytes, bad)) +
                " 行既不是 UTF-8 也不是 GB18030/GBK 编码，读不了；" + std::string(kSaveAsCsvUtf8);
    return d;
}

//-----------------------------------------------------------------------------
// [SECTION] Records
//-----------------------------------------------------------------------------

// Reads `text` into `sheet`; returns false after a limit breach (the problem
// is in `problems`), true otherwise (problems may still hold a quoting error).
bool read_records(std::string_view text, Sheet& sheet, const WorkbookLimits& limits,
                  std::vector<ReadProblem>& problems) {
    const char* const s = text.data();
    const std::size_t n = text.size();
    std::size_t cells = 0;
    std::size_t i = 0;
    auto place = [&](int row, int col) { return sheet.name + "!" + CellRef{row, col}.to_a1(); };

    // One record per loop; an empty input has no record, and a final line end
    // does not start one.
    while (i < n) {
        const int row = sheet.row_count();
        if (row >= limits.max_rows) {
            problems.push_back({sheet.name, "超过 " + std::to_string(limits.max_rows) + " 行，文件太大"});
            return false;
        }
        // The previous row's width is the best guess for this one's: one allocation a row.
        const std::size_t width = sheet.rows.empty() ? 0 : sheet.rows.back().size();
        std::vector<Cell>& cells_of_row = sheet.rows.emplace_back();
        cells_of_row.reserve(width);
        bool end_of_record = false;
        while (!end_of_record) {
            const int col = static_cast<int>(cells_of_row.size());
            if (col >= limits.max_cols) {
                problems.push_back({place(row, col), "一行超过 " + std::to_string(limits.max_cols) + " 列"});
                return false;
            }
            Cell cell;
            if (i < n && s[i] == '"') {
                // Quoted: commas and line ends are data, "" is one quote.
                const std::size_t opened_at = i++;
                bool closed = false;
                while (i < n) {
                    const std::size_t quote = text.find('"', i);
                    if (quote == std::string_view::npos) {
                        cell.text.append(s + i, n - i);
                        i = n;
                        break;
                    }
                    cell.text.append(s + i, quote - i);
                    i = quote + 1;
                    if (i < n && s[i] == '"') {
                        cell.text += '"';
                        ++i;
                        continue;
                    }
                    closed = true;
                    break;
                }
                if (!closed) {
                    problems.push_back({place(row, col), "引号没有配对：从第 " +
                                                             std::to_string(te::line_of_offset(text, opened_at)) +
                                                             " 行的这个引号起到文件末尾都成了一个单元格"});
                }
                // Text after the closing quote ("a"b) is kept, as Excel keeps it.
                while (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n') cell.text += s[i++];
            } else {
                const std::size_t start = i;
                while (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n') ++i;
                cell.text.assign(s + start, i - start);
            }
            if (!cell.text.empty()) cell.kind = Cell::Kind::text;
            cells_of_row.push_back(std::move(cell));

            if (i >= n) {
                end_of_record = true;
            } else if (s[i] == ',') {
                ++i;
                // "a," ends in an empty field; the loop reads it at the end of input too.
            } else {
                if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ++i;
                ++i;
                end_of_record = true;
            }
        }
        // Trailing empty fields hold nothing; an empty line is an empty row.
        while (!cells_of_row.empty() && cells_of_row.back().kind == Cell::Kind::empty) cells_of_row.pop_back();
        cells += cells_of_row.size();
        if (cells > limits.max_cells) {
            problems.push_back({sheet.name, "单元格超过 " + std::to_string(limits.max_cells) + " 个，文件太大"});
            return false;
        }
    }
    // Empty rows at the end are nothing the clerk can see.
    while (!sheet.rows.empty() && sheet.rows.back().empty()) sheet.rows.pop_back();
    return true;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] read_csv_bytes()
//-----------------------------------------------------------------------------

ReadResult read_csv_bytes(std::string_view bytes, std::string sheet_name, std::string file_label,
                          const WorkbookLimits& limits) {
    ReadResult result;
    if (bytes.size() > limits.max_file_bytes) {
        result.problems.push_back({sheet_name, "文件太大（" + mib(bytes.size()) + "，最多 " + mib(limits.max_file_bytes) + "）"});
        return result;
    }
    Decoded decoded = decode(bytes);
    if (!decoded.problem.empty()) {
        result.problems.push_back({sheet_name, std::move(decoded.problem)});
        return result;
    }
    Workbook book;
    book.file_label = std::move(file_label);
    Sheet& sheet = book.sheets.emplace_back();
    sheet.name = std::move(sheet_name);
    // A CSV row is rarely under 16 bytes; reserving by that avoids most regrowth.
    sheet.rows.reserve(std::min<std::size_t>(decoded.text.size() / 16 + 1, static_cast<std::size_t>(limits.max_rows)));
    if (!read_records(decoded.text, sheet, limits, result.problems)) return result;
    result.book = std::move(book);
    return result;
}

}  // namespace campus::publish
