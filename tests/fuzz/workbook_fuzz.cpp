// libFuzzer target: arbitrary bytes through both workbook readers
// (publish/xlsx_reader.cpp, publish/csv_reader.cpp).
//
// A mutated .xlsx almost never survives the zip's CRCs, so raw bytes alone
// would fuzz little beyond libzip's error paths. The first byte therefore
// picks where the rest goes:
//   0  the bytes are an .xlsx file (read_xlsx_bytes)
//   1  the bytes are a CSV file (read_csv_bytes)
//   2  the bytes are the worksheet part of a fixed small package
//   3  … its xl/sharedStrings.xml (the fixed sheet uses strings 0–3)
//   4  … its xl/styles.xml (the fixed sheet uses styles 0–3)
//   5  … its xl/workbook.xml
//   6  … its xl/_rels/workbook.xml.rels
// Besides the sanitizers' crashes, the invariants below trap: every limit
// holds, every text is UTF-8, and a refusal always says why.
//
// Built by tests/fuzz/CMakeLists.txt (see there how to run it and make its seeds).

#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "publish/text_encoding.hpp"
#include "publish/workbook.hpp"

namespace {

using namespace campus::publish;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

// Small limits, so that one input cannot make an iteration slow.
WorkbookLimits fuzz_limits() {
    WorkbookLimits limits;
    limits.max_file_bytes = 1u << 20;
    limits.max_uncompressed_bytes = 8u << 20;
    limits.max_rows = 2000;
    limits.max_cols = 64;
    limits.max_cells = 20000;
    limits.max_sheets = 16;
    return limits;
}

struct Part {
    std::string name;
    std::string_view content;
};

// A stored (uncompressed) zip of the parts, in memory.
std::string make_zip(const std::vector<Part>& parts) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_source_keep(buffer);
    zip_t* zip = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
    check(zip != nullptr);
    for (const Part& part : parts) {
        zip_source_t* source = zip_source_buffer(zip, part.content.data(), part.content.size(), 0);
        const zip_int64_t index = zip_file_add(zip, part.name.c_str(), source, 0);
        check(index >= 0);
        zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    check(zip_close(zip) == 0);
    std::string out;
    check(zip_source_open(buffer) == 0);
    char chunk[16384];
    for (zip_int64_t n; (n = zip_source_read(buffer, chunk, sizeof chunk)) > 0;) out.append(chunk, static_cast<std::size_t>(n));
    zip_source_close(buffer);
    zip_source_free(buffer);
    zip_error_fini(&error);
    return out;
}

constexpr std::string_view kRels =
    R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
constexpr std::string_view kWorkbook =
    R"(<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="0"/><sheets><sheet name="流动红旗" sheetId="1" r:id="rId1"/><sheet name="班级" sheetId="2" r:id="rId2"/></sheets></workbook>)";
constexpr std::string_view kWorkbookRels =
    R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>)";
constexpr std::string_view kSheet =
    R"(<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s" s="1"><v>1</v></c><c t="s" s="2"><v>2</v></c><c s="3"><v>45170.3125</v></c></row><row><c t="s"><v>3</v></c><c s="1"><v>45173</v></c><c s="2"><f>SUM(A1:B1)</f></c></row></sheetData><mergeCells><mergeCell ref="A1:C1"/></mergeCells></worksheet>)";
constexpr std::string_view kSharedStrings =
    R"(<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>2023年秋季学期流动红旗评比表</t></si><si><r><t>三年级</t></r><r><t>二班</t></r></si><si><t>初一（3）班</t><rPh><t>x</t></rPh></si><si><t>纪律_x000D_</t></si></sst>)";
constexpr std::string_view kStyles =
    R"(<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="2"/></cellXfs></styleSheet>)";

std::string package_with(int slot, std::string_view payload) {
    return make_zip({
        {"_rels/.rels", kRels},
        {"xl/workbook.xml", slot == 5 ? payload : kWorkbook},
        {"xl/_rels/workbook.xml.rels", slot == 6 ? payload : kWorkbookRels},
        {"xl/worksheets/sheet1.xml", slot == 2 ? payload : kSheet},
        {"xl/worksheets/sheet2.xml", kSheet},
        {"xl/sharedStrings.xml", slot == 3 ? payload : kSharedStrings},
        {"xl/styles.xml", slot == 4 ? payload : kStyles},
    });
}

void check_result(const ReadResult& result, const WorkbookLimits& limits) {
    if (!result.book) {
        check(!result.problems.empty());
        return;
    }
    for (const ReadProblem& p : result.problems) check(!p.message.empty());
    const Workbook& book = *result.book;
    check(book.sheets.size() <= limits.max_sheets);
    std::size_t cells = 0;
    for (const Sheet& sheet : book.sheets) {
        check(text_encoding::is_valid_utf8(sheet.name));
        check(sheet.row_count() <= limits.max_rows);
        for (const auto& row : sheet.rows) {
            check(static_cast<int>(row.size()) <= limits.max_cols);
            cells += row.size();
            for (const Cell& cell : row) {
                check(text_encoding::is_valid_utf8(cell.text));
                check(cell.kind == Cell::Kind::text || cell.kind == Cell::Kind::error || cell.text.empty());
                check(!cell.formula_without_value || (cell.formula && cell.kind == Cell::Kind::empty));
                check(!cell.is_date || cell.kind == Cell::Kind::number);
            }
        }
        check(book.find_sheet(sheet.name) != nullptr);
    }
    check(cells <= limits.max_cells);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int mode = data[0] % 7;
    const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
    const WorkbookLimits limits = fuzz_limits();
    switch (mode) {
        case 0: check_result(read_xlsx_bytes(payload, "周报.xlsx", limits), limits); break;
        case 1: {
            const ReadResult r = read_csv_bytes(payload, "流动红旗", "周报", limits);
            check_result(r, limits);
            if (r.book) {
                check(r.book->sheets.size() == 1);
                for (const auto& row : r.book->sheets[0].rows)
                    for (const Cell& cell : row) check(cell.kind == Cell::Kind::text || cell.kind == Cell::Kind::empty);
            }
            break;
        }
        default: check_result(read_xlsx_bytes(package_with(mode, payload), "周报.xlsx", limits), limits); break;
    }
    return 0;
}
