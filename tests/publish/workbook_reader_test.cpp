// The workbook readers (publish/xlsx_reader.cpp, csv_reader.cpp,
// read_workbook.cpp, text_encoding.cpp): each rule over its own small fixture.
//
// [SECTION] Helpers: temp folders, zips built in memory, a tiny hand-made .xlsx
// [SECTION] Text encodings and number formats
// [SECTION] .xlsx written by libxlsxwriter
// [SECTION] .xlsx written by LibreOffice and openpyxl (committed fixtures)
// [SECTION] .xlsx: the scanner and expat read alike
// [SECTION] .xlsx: the cell rules, over hand-made parts
// [SECTION] .xlsx: broken and hostile files
// [SECTION] CSV
// [SECTION] read_workbook(): paths, folders, sniffing
//
// XLSX fixtures come from three writers besides the hand-made parts:
// libxlsxwriter from inside the test, and LibreOffice and openpyxl, committed
// (tests/fixtures/workbooks/README.md says how they were made).
#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "publish/text_encoding.hpp"
#include "publish/workbook.hpp"
#include "tests/scratch_folder.hpp"

namespace campus::publish {
namespace {

namespace fs = std::filesystem;
namespace te = text_encoding;
using Kind = Cell::Kind;
using namespace std::literals;

//-----------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------

const fs::path kWorkbooks = fs::path(KIOSK_FIXTURES_DIR) / "workbooks";
using campus::test_support::ScratchFolder;

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct Part {
    std::string name;
    std::string content;
};

// A zip in memory, written by libzip: each part deflated (or stored).
std::string make_zip(const std::vector<Part>& parts, bool deflate = true) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_source_keep(buffer);
    zip_t* zip = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
    EXPECT_NE(zip, nullptr);
    for (const Part& part : parts) {
        zip_source_t* source = zip_source_buffer(zip, part.content.data(), part.content.size(), 0);
        const zip_int64_t index = zip_file_add(zip, part.name.c_str(), source, ZIP_FL_ENC_UTF_8);
        EXPECT_GE(index, 0);
        zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
    }
    EXPECT_EQ(zip_close(zip), 0);
    std::string out;
    EXPECT_EQ(zip_source_open(buffer), 0);
    char chunk[65536];
    for (zip_int64_t n; (n = zip_source_read(buffer, chunk, sizeof chunk)) > 0;) out.append(chunk, static_cast<std::size_t>(n));
    zip_source_close(buffer);
    zip_source_free(buffer);
    zip_error_fini(&error);
    return out;
}

constexpr std::string_view kMainNs = R"(xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships")";
constexpr std::string_view kRelBase = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

std::string worksheet(std::string_view sheet_data, std::string_view after = "") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet " + std::string(kMainNs) + "><sheetData>" +
           std::string(sheet_data) + "</sheetData>" + std::string(after) + "</worksheet>";
}

struct TinySheet {
    std::string name;
    std::string xml;  // the worksheet part
};

// The smallest package Excel's rules allow, as a hand would write it: the
// parts the reader needs and nothing more.
std::vector<Part> tiny_parts(const std::vector<TinySheet>& sheets, std::string shared_strings = "",
                             std::string styles = "", std::string workbook_pr = "") {
    std::vector<Part> parts;
    parts.push_back({"[Content_Types].xml", R"(<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)"});
    parts.push_back({"_rels/.rels", R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type=")" +
                                        std::string(kRelBase) + R"(officeDocument" Target="xl/workbook.xml"/></Relationships>)"});
    std::string workbook = "<?xml version=\"1.0\"?><workbook " + std::string(kMainNs) + ">" + workbook_pr + "<sheets>";
    std::string rels = R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
    for (std::size_t i = 0; i < sheets.size(); ++i) {
        const std::string n = std::to_string(i + 1);
        workbook += "<sheet name=\"" + sheets[i].name + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
        rels += "<Relationship Id=\"rId" + n + "\" Type=\"" + std::string(kRelBase) + "worksheet\" Target=\"worksheets/sheet" + n + ".xml\"/>";
        parts.push_back({"xl/worksheets/sheet" + n + ".xml", sheets[i].xml});
    }
    workbook += "</sheets></workbook>";
    if (!shared_strings.empty()) {
        rels += "<Relationship Id=\"rIdS\" Type=\"" + std::string(kRelBase) + "sharedStrings\" Target=\"sharedStrings.xml\"/>";
        parts.push_back({"xl/sharedStrings.xml", "<?xml version=\"1.0\"?><sst " + std::string(kMainNs) + ">" + shared_strings + "</sst>"});
    }
    if (!styles.empty()) {
        rels += "<Relationship Id=\"rIdT\" Type=\"" + std::string(kRelBase) + "styles\" Target=\"/xl/styles.xml\"/>";
        parts.push_back({"xl/styles.xml", "<?xml version=\"1.0\"?><styleSheet " + std::string(kMainNs) + ">" + styles + "</styleSheet>"});
    }
    rels += "</Relationships>";
    parts.push_back({"xl/workbook.xml", workbook});
    parts.push_back({"xl/_rels/workbook.xml.rels", rels});
    return parts;
}

std::string tiny_xlsx(std::string_view sheet_data, std::string shared = "", std::string styles = "") {
    return make_zip(tiny_parts({{"流动红旗", worksheet(sheet_data)}}, std::move(shared), std::move(styles)));
}

std::string all_problems(const ReadResult& r) {
    std::string out;
    for (const auto& p : r.problems) out += "[" + p.where + "] " + p.message + "\n";
    return out;
}

// The one problem's message, for refusals.
std::string refusal(const ReadResult& r) {
    EXPECT_FALSE(r.book.has_value());
    EXPECT_EQ(r.problems.size(), 1u) << all_problems(r);
    return r.problems.empty() ? std::string() : r.problems.front().message;
}

const Sheet& sheet_named(const Workbook& book, std::string_view name) {
    const Sheet* s = book.find_sheet(name);
    if (s == nullptr) throw std::runtime_error("no sheet " + std::string(name));
    return *s;
}

// at("B9") for readable expectations.
const Cell& at(const Sheet& sheet, std::string_view a1) {
    int col = 0;
    std::size_t i = 0;
    while (i < a1.size() && a1[i] >= 'A' && a1[i] <= 'Z') col = col * 26 + (a1[i++] - 'A' + 1);
    const int row = std::stoi(std::string(a1.substr(i)));
    return sheet.at(row - 1, col - 1);
}

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

//-----------------------------------------------------------------------------
// [SECTION] Text encodings and number formats
//-----------------------------------------------------------------------------

TEST(TextEncoding, Utf8IsCheckedStrictly) {
    EXPECT_TRUE(te::is_valid_utf8("三年级二班 abc 😀"));
    EXPECT_EQ(te::find_invalid_utf8("ab\xC0\x80"), 2u);        // overlong NUL
    EXPECT_EQ(te::find_invalid_utf8("\xED\xA0\x80"), 0u);      // a surrogate
    EXPECT_EQ(te::find_invalid_utf8("abcdefgh\xF4\x90\x80\x80"), 8u);  // above U+10FFFF
    EXPECT_EQ(te::find_invalid_utf8("班\xE7\x8F"), 3u);        // cut short
    EXPECT_EQ(te::find_invalid_utf8("\xB0\xE0\xBC\xB6"), 0u);  // "班级" in GBK
}

TEST(TextEncoding, Gb18030BecomesUtf8) {
    // 班级 三年级二班 in GBK, and 𠀀 (U+20000), which only GB18030's four-byte form has.
    const auto text = te::gb18030_to_utf8("\xB0\xE0\xBC\xB6,\xC8\xFD\xC4\xEA\xBC\xB6\xB6\xFE\xB0\xE0,\x95\x32\x82\x36");
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, "班级,三年级二班,\U00020000");
    std::size_t bad = 0;
    EXPECT_FALSE(te::gb18030_to_utf8("ok\xFF\xFF", &bad));
    EXPECT_EQ(bad, 2u);
}

TEST(TextEncoding, WideEncodingsAreToldByBomOrNulBytes) {
    EXPECT_EQ(te::detect_wide_encoding("\xFF\xFE" "a\0"sv), te::WideEncoding::utf16le);
    EXPECT_EQ(te::detect_wide_encoding("\xFE\xFF\0a"sv), te::WideEncoding::utf16be);
    EXPECT_EQ(te::detect_wide_encoding("\xFF\xFE\0\0a\0\0\0"sv), te::WideEncoding::utf32le);
    EXPECT_EQ(te::detect_wide_encoding("\0\0\xFE\xFF"sv), te::WideEncoding::utf32be);
    EXPECT_EQ(te::detect_wide_encoding("\x2D\x73,\0\x09\x4E\n\0"sv), te::WideEncoding::utf16le);  // 班,三\n
    EXPECT_EQ(te::detect_wide_encoding("\0a\0,\x73\x2D"sv), te::WideEncoding::utf16be);
    EXPECT_EQ(te::detect_wide_encoding("a\0\0\0,\0\0\0"sv), te::WideEncoding::utf32le);
    EXPECT_EQ(te::detect_wide_encoding("a\0\0b"sv), te::WideEncoding::binary);
    EXPECT_EQ(te::detect_wide_encoding("班级,编号\r\n"), te::WideEncoding::none);
}

TEST(TextEncoding, ExcelEscapesAreDecoded) {
    std::string s = "第一行_x000D__x000A_第二行 a_x005F_x0041_ _x4e09_ _xD83D__xDE00_ _x12_ _xD800_";
    te::decode_ooxml_escapes(s);
    EXPECT_EQ(s, "第一行\r\n第二行 a_x0041_ 三 😀 _x12_ \uFFFD");
}

TEST(NumberFormats, DatesByTheRuleOfTheHeader) {
    for (std::string_view code : {"yyyy/m/d", "m/d/yy", "h:mm", "[$-804]yyyy\"年\"m\"月\"d\"日\"", "yyyy\\年m\\月d\\日",
                                  "[DBNum1][$-804]m\"月\"d\"日\"", "[h]:mm:ss", "YYYY-MM-DD", "dd", "mm:ss.0"})
        EXPECT_TRUE(number_format_is_date(code)) << code;
    for (std::string_view code : {"General", "0.00", "[Red]0", "#,##0", "0\"分\"", "\"days\" 0", "0.0\\d", "0_m", "0*s",
                                  "@", "0.00E+00", "[Red][<=100]0;[Blue]0", "0;\"yes\"d"})
        EXPECT_FALSE(number_format_is_date(code)) << code;
}

//-----------------------------------------------------------------------------
// [SECTION] .xlsx written by libxlsxwriter
//-----------------------------------------------------------------------------

// The weekly score workbook of the contract, as libxlsxwriter writes it.
std::string write_weekly_with_libxlsxwriter(const fs::path& file) {
    lxw_workbook* wb = workbook_new(file.c_str());
    lxw_format* title = workbook_add_format(wb);
    format_set_align(title, LXW_ALIGN_CENTER);
    format_set_bold(title);
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy/m/d");
    lxw_format* cn_date = workbook_add_format(wb);
    format_set_num_format(cn_date, "yyyy\"年\"m\"月\"d\"日\"");
    lxw_format* builtin_date = workbook_add_format(wb);
    format_set_num_format_index(builtin_date, 14);
    lxw_format* red = workbook_add_format(wb);
    format_set_num_format(red, "[Red]0");
    lxw_format* two_places = workbook_add_format(wb);
    format_set_num_format(two_places, "0.00");
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);

    lxw_worksheet* school = workbook_add_worksheet(wb, "学校");
    worksheet_write_string(school, 0, 0, "项目", nullptr);
    worksheet_write_string(school, 0, 1, "内容", nullptr);
    worksheet_write_string(school, 1, 0, "学校名称", nullptr);
    worksheet_write_string(school, 1, 1, "钢城实验小学", nullptr);
    worksheet_write_string(school, 2, 0, "开学日期", nullptr);
    lxw_datetime start{2023, 9, 1, 0, 0, 0};
    worksheet_write_datetime(school, 2, 1, &start, cn_date);
    worksheet_write_string(school, 3, 0, "结束日期", nullptr);
    lxw_datetime end{2024, 1, 19, 0, 0, 0};
    worksheet_write_datetime(school, 3, 1, &end, builtin_date);

    lxw_worksheet* flag = workbook_add_worksheet(wb, "流动红旗");
    worksheet_merge_range(flag, 0, 0, 0, 8, "2023年秋季学期流动红旗评比表", title);
    const char* headers[] = {"周次", "班级", "开始日期", "纪律", "出勤", "课间操", "仪表", "卫生", "总分"};
    for (lxw_col_t c = 0; c < 9; ++c) worksheet_write_string(flag, 1, c, headers[c], bold);
    worksheet_write_number(flag, 2, 0, 1, nullptr);
    // 三年级二班 as rich text: "三年级" bold, "二班" plain.
    lxw_rich_string_tuple run1{bold, const_cast<char*>("三年级")};
    lxw_rich_string_tuple run2{nullptr, const_cast<char*>("二班")};
    lxw_rich_string_tuple* runs[] = {&run1, &run2, nullptr};
    worksheet_write_rich_string(flag, 2, 1, runs, nullptr);
    lxw_datetime monday{2023, 9, 4, 7, 30, 0};
    worksheet_write_datetime(flag, 2, 2, &monday, date);
    worksheet_write_number(flag, 2, 3, 9.5, two_places);
    worksheet_write_number(flag, 2, 4, 10, red);
    worksheet_write_number(flag, 2, 5, 8, nullptr);
    worksheet_write_number(flag, 2, 6, 10, nullptr);
    worksheet_write_number(flag, 2, 7, 9, nullptr);
    worksheet_write_formula_num(flag, 2, 8, "=SUM(D3:H3)", nullptr, 46.5);
    worksheet_write_number(flag, 3, 0, 1, nullptr);
    worksheet_write_string(flag, 3, 1, "初一（3）班", nullptr);
    worksheet_write_formula(flag, 3, 8, "=SUM(D4:H4)", nullptr);
    worksheet_write_boolean(flag, 4, 0, 1, nullptr);
    worksheet_write_string(flag, 4, 1, "三年级二班", nullptr);  // plain, beside B3's rich runs of the same text

    lxw_worksheet* classes = workbook_add_worksheet(wb, "班级");
    worksheet_write_string(classes, 0, 0, "班级", nullptr);
    worksheet_write_string(classes, 1, 0, "三年级二班", nullptr);
    worksheet_write_string(classes, 2, 0, "初一（3）班", nullptr);
    EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
    return read_bytes(file);
}

TEST(XlsxLibxlsxwriter, SheetsInTabOrderWithChineseNames) {
    ScratchFolder dir;
    const ReadResult r = read_xlsx_bytes(write_weekly_with_libxlsxwriter(dir.path() / "周报.xlsx"), "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.book->file_label, "周报.xlsx");
    ASSERT_EQ(r.book->sheets.size(), 3u);
    EXPECT_EQ(r.book->sheets[0].name, "学校");
    EXPECT_EQ(r.book->sheets[1].name, "流动红旗");
    EXPECT_EQ(r.book->sheets[2].name, "班级");
    EXPECT_FALSE(r.book->date1904);
    const Sheet& classes = sheet_named(*r.book, "班级");
    EXPECT_EQ(at(classes, "A2").text, "三年级二班");
    EXPECT_EQ(at(classes, "A3").text, "初一（3）班");
    EXPECT_EQ(at(classes, "A2").kind, Kind::text);
}

TEST(XlsxLibxlsxwriter, SharedAndRichStringsNumbersDatesFormulas) {
    ScratchFolder dir;
    const ReadResult r = read_xlsx_bytes(write_weekly_with_libxlsxwriter(dir.path() / "周报.xlsx"), "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Sheet& flag = sheet_named(*r.book, "流动红旗");
    // The merged title stays in A1; the rest of the range is empty.
    EXPECT_EQ(at(flag, "A1").text, "2023年秋季学期流动红旗评比表");
    EXPECT_TRUE(at(flag, "B1").is_empty());
    EXPECT_TRUE(at(flag, "I1").is_empty());
    EXPECT_EQ(at(flag, "F2").text, "课间操");
    // Rich text: the runs joined.
    EXPECT_EQ(at(flag, "B3").text, "三年级二班");
    EXPECT_EQ(at(flag, "B3").kind, Kind::text);
    // A date-time cell: the serial with its time, flagged as a date.
    EXPECT_EQ(at(flag, "C3").kind, Kind::number);
    EXPECT_TRUE(at(flag, "C3").is_date);
    EXPECT_DOUBLE_EQ(at(flag, "C3").number, 45173.3125);
    // Numbers with number formats that are not dates.
    EXPECT_DOUBLE_EQ(at(flag, "D3").number, 9.5);
    EXPECT_FALSE(at(flag, "D3").is_date);
    EXPECT_DOUBLE_EQ(at(flag, "E3").number, 10);
    EXPECT_FALSE(at(flag, "E3").is_date);  // [Red]0
    EXPECT_FALSE(at(flag, "F3").is_date);  // General
    // A formula with its saved value.
    EXPECT_TRUE(at(flag, "I3").formula);
    EXPECT_FALSE(at(flag, "I3").formula_without_value);
    EXPECT_DOUBLE_EQ(at(flag, "I3").number, 46.5);
    // worksheet_write_formula saves <v>0</v>: a value (0), not "no value". A
    // true no-value formula is in the hand-made and openpyxl fixtures below.
    EXPECT_TRUE(at(flag, "I4").formula);
    EXPECT_EQ(at(flag, "I4").kind, Kind::number);
    EXPECT_DOUBLE_EQ(at(flag, "I4").number, 0);
    EXPECT_EQ(at(flag, "A5").kind, Kind::boolean);
    EXPECT_DOUBLE_EQ(at(flag, "A5").number, 1);
    // Dates on the school sheet: a custom Chinese format and built-in id 14.
    const Sheet& school = sheet_named(*r.book, "学校");
    EXPECT_TRUE(at(school, "B3").is_date);
    EXPECT_DOUBLE_EQ(at(school, "B3").number, 45170);
    EXPECT_TRUE(at(school, "B4").is_date);
    const auto end = serial_to_datetime(at(school, "B4").number, r.book->date1904);
    ASSERT_TRUE(end);
    EXPECT_EQ(end->year, 2024);
    EXPECT_EQ(end->month, 1);
    EXPECT_EQ(end->day, 19);
}

//-----------------------------------------------------------------------------
// [SECTION] .xlsx written by LibreOffice and openpyxl
//-----------------------------------------------------------------------------

void expect_weekly_fixture(const Workbook& book) {
    ASSERT_EQ(book.sheets.size(), 3u);
    EXPECT_EQ(book.sheets[0].name, "学校");
    EXPECT_EQ(book.sheets[1].name, "班级");
    EXPECT_EQ(book.sheets[2].name, "流动红旗");
    const Sheet& school = sheet_named(book, "学校");
    EXPECT_EQ(at(school, "B2").text, "钢城实验小学");
    EXPECT_EQ(at(school, "B5").text, "2023年秋季学期");
    EXPECT_TRUE(at(school, "B6").is_date);
    EXPECT_DOUBLE_EQ(at(school, "B6").number, 45170);  // 2023-09-01
    EXPECT_TRUE(at(school, "B7").is_date);             // yyyy"年"m"月"d"日"
    const Sheet& classes = sheet_named(book, "班级");
    EXPECT_EQ(at(classes, "A3").text, "初一（3）班");
    EXPECT_TRUE(at(classes, "B4").is_empty());
    const Sheet& flag = sheet_named(book, "流动红旗");
    EXPECT_EQ(at(flag, "A1").text, "2023年秋季学期流动红旗评比表");
    EXPECT_TRUE(at(flag, "B1").is_empty());
    EXPECT_EQ(at(flag, "H2").text, "卫生");
    EXPECT_EQ(at(flag, "B3").text, "三年级二班");
    EXPECT_TRUE(at(flag, "C3").is_date);
    EXPECT_DOUBLE_EQ(at(flag, "C3").number, 45173);
    EXPECT_FALSE(at(flag, "D3").is_date);  // 0.00
    EXPECT_FALSE(at(flag, "E3").is_date);  // [Red]0
    EXPECT_DOUBLE_EQ(at(flag, "D3").number, 9.5);
    EXPECT_EQ(at(flag, "A5").kind, Kind::number);
    EXPECT_DOUBLE_EQ(at(flag, "A5").number, 2);
    EXPECT_TRUE(at(flag, "I3").formula);
}

TEST(XlsxLibreOffice, SavedByLibreOfficeCalc) {
    const ReadResult r = read_workbook((kWorkbooks / "libreoffice-weekly.xlsx").string());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.book->file_label, "libreoffice-weekly.xlsx");
    expect_weekly_fixture(*r.book);
    // LibreOffice computed the formulas openpyxl left without values.
    const Sheet& flag = sheet_named(*r.book, "流动红旗");
    EXPECT_FALSE(at(flag, "I3").formula_without_value);
    EXPECT_DOUBLE_EQ(at(flag, "I3").number, 46.5);
    EXPECT_DOUBLE_EQ(at(flag, "I5").number, 46);
}

TEST(XlsxOpenpyxl, FormulasWithoutSavedValues) {
    const ReadResult r = read_workbook((kWorkbooks / "openpyxl-weekly.xlsx").string());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    expect_weekly_fixture(*r.book);
    const Sheet& flag = sheet_named(*r.book, "流动红旗");
    for (std::string_view a1 : {"I3", "I4", "I5"}) {
        EXPECT_TRUE(at(flag, a1).formula_without_value) << a1;
        EXPECT_FALSE(at(flag, a1).is_empty()) << a1;
        EXPECT_EQ(at(flag, a1).kind, Kind::empty) << a1;
    }
}

//-----------------------------------------------------------------------------
// [SECTION] .xlsx: the scanner and expat read alike
//-----------------------------------------------------------------------------

// Every entry of a zip, in order.
std::vector<Part> unzip(const std::string& bytes) {
    std::vector<Part> parts;
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
    EXPECT_NE(zip, nullptr);
    if (zip == nullptr) return parts;
    for (zip_int64_t i = 0; i < zip_get_num_entries(zip, 0); ++i) {
        zip_stat_t st;
        zip_stat_index(zip, static_cast<zip_uint64_t>(i), 0, &st);
        std::string content(static_cast<std::size_t>(st.size), '\0');
        zip_file_t* file = zip_fopen_index(zip, static_cast<zip_uint64_t>(i), 0);
        EXPECT_EQ(zip_fread(file, content.data(), content.size()), static_cast<zip_int64_t>(content.size()));
        zip_fclose(file);
        parts.push_back({st.name, std::move(content)});
    }
    zip_discard(zip);
    zip_error_fini(&error);
    return parts;
}

// Everything a read gives, as text: each sheet's cells and every problem.
std::string dump(const ReadResult& r) {
    std::string out = all_problems(r);
    if (!r.book) return out + "no book\n";
    for (const Sheet& sheet : r.book->sheets) {
        out += "sheet " + sheet.name + "\n";
        for (int row = 0; row < sheet.row_count(); ++row) {
            const auto& cells = sheet.rows[static_cast<std::size_t>(row)];
            for (std::size_t col = 0; col < cells.size(); ++col) {
                const Cell& c = cells[col];
                char number[40];
                std::snprintf(number, sizeof number, "%.17g", c.number);
                out += CellRef{row, static_cast<int>(col)}.to_a1() + " " + std::to_string(static_cast<int>(c.kind)) + " [" +
                       c.text + "] " + number + (c.is_date ? " date" : "") + (c.formula ? " formula" : "") +
                       (c.formula_without_value ? " no-value" : "") + "\n";
            }
        }
    }
    return out;
}

// The workbook with a comment before the root of every worksheet and the
// shared strings: legal XML that the scanner leaves to expat.
std::string for_expat(const std::string& xlsx) {
    std::vector<Part> parts = unzip(xlsx);
    int changed = 0;
    for (Part& p : parts) {
        if (!p.name.starts_with("xl/worksheets/") && p.name != "xl/sharedStrings.xml") continue;
        const std::size_t decl = p.content.starts_with("<?xml") ? p.content.find("?>") + 2 : 0;
        p.content.insert(decl, "<!-- read by expat -->");
        ++changed;
    }
    EXPECT_GT(changed, 0);
    return make_zip(parts);
}

TEST(XlsxScanner, EveryWriterReadsTheSameThroughTheScannerAndThroughExpat) {
    ScratchFolder dir;
    const std::vector<std::pair<std::string, std::string>> books = {
        {"libxlsxwriter", write_weekly_with_libxlsxwriter(dir.path() / "周报.xlsx")},
        {"LibreOffice", read_bytes(kWorkbooks / "libreoffice-weekly.xlsx")},
        {"openpyxl", read_bytes(kWorkbooks / "openpyxl-weekly.xlsx")},
        // Cell problems too: the scanner's attempt leaves none behind when it gives up.
        {"hand-made", tiny_xlsx(R"(<row r="9"><c r="B9" t="s"><v>7</v></c><c r="C9"><v>九</v></c>)"
                                R"(<c r="D9" t="inlineStr"><is><t>&#19977;&#24180;&#32423; &amp; x</t></is></c></row>)",
                                R"(<si><t>纪律</t></si>)")},
    };
    for (const auto& [writer, bytes] : books) {
        const std::string scanned = dump(read_xlsx_bytes(bytes, "周报.xlsx"));
        const std::string parsed = dump(read_xlsx_bytes(for_expat(bytes), "周报.xlsx"));
        EXPECT_EQ(scanned, parsed) << writer;
        EXPECT_GT(std::count(scanned.begin(), scanned.end(), '\n'), 5) << writer << ": " << scanned;
    }
}

//-----------------------------------------------------------------------------
// [SECTION] .xlsx: the cell rules
//-----------------------------------------------------------------------------

TEST(XlsxCells, InlineStringsBooleansErrorsAndIsoDates) {
    const ReadResult r = read_xlsx_bytes(tiny_xlsx(
        R"(<row r="1"><c r="A1" t="inlineStr"><is><t>三年级二班</t></is></c>)"
        R"(<c r="B1" t="inlineStr"><is><r><t>初一</t></r><r><rPr><b/></rPr><t>（3）班</t></r></is></c>)"
        R"(<c r="C1" t="b"><v>0</v></c><c r="D1" t="e"><v>#DIV/0!</v></c>)"
        R"(<c r="E1" t="d"><v>2023-09-04T07:30:00</v></c><c r="F1" t="str"><f>A1&amp;""</f><v>三年级二班</v></c></row>)"),
        "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Sheet& s = r.book->sheets.at(0);
    EXPECT_EQ(at(s, "A1").text, "三年级二班");
    EXPECT_EQ(at(s, "B1").text, "初一（3）班");
    EXPECT_EQ(at(s, "C1").kind, Kind::boolean);
    EXPECT_DOUBLE_EQ(at(s, "C1").number, 0);
    EXPECT_EQ(at(s, "D1").kind, Kind::error);
    EXPECT_EQ(at(s, "D1").text, "#DIV/0!");
    EXPECT_TRUE(at(s, "E1").is_date);
    EXPECT_DOUBLE_EQ(at(s, "E1").number, 45173.3125);
    EXPECT_TRUE(at(s, "F1").formula);
    EXPECT_EQ(at(s, "F1").text, "三年级二班");
}

TEST(XlsxCells, SharedStringsJoinRunsSkipPhoneticsAndDecodeEscapes) {
    const ReadResult r = read_xlsx_bytes(
        tiny_xlsx(R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>)",
                  R"(<si><t>纪律</t></si>)"
                  R"(<si><r><t>出勤</t></r><r><rPr><sz val="11"/></rPr><t xml:space="preserve"> 课间操</t></r><rPh sb="0" eb="2"><t>チュウキン</t></rPh></si>)"
                  R"(<si><t>仪表_x000A_卫生</t></si>)"),
        "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Sheet& s = r.book->sheets.at(0);
    EXPECT_EQ(at(s, "A1").text, "纪律");
    EXPECT_EQ(at(s, "B1").text, "出勤 课间操");
    EXPECT_EQ(at(s, "C1").text, "仪表\n卫生");
}

TEST(XlsxCells, CellsAndRowsWithoutRContinueFromThePreviousOne) {
    const ReadResult r = read_xlsx_bytes(
        tiny_xlsx(R"(<row r="2"><c r="B2"><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>)"
                  R"(<row><c><v>4</v></c><c r="E3"><v>5</v></c><c><v>6</v></c></row><row><c><v>7</v></c></row>)"),
        "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Sheet& s = r.book->sheets.at(0);
    EXPECT_TRUE(at(s, "A1").is_empty());
    EXPECT_DOUBLE_EQ(at(s, "B2").number, 1);
    EXPECT_DOUBLE_EQ(at(s, "C2").number, 2);
    EXPECT_DOUBLE_EQ(at(s, "D2").number, 3);
    EXPECT_DOUBLE_EQ(at(s, "A3").number, 4);
    EXPECT_DOUBLE_EQ(at(s, "E3").number, 5);
    EXPECT_DOUBLE_EQ(at(s, "F3").number, 6);
    EXPECT_DOUBLE_EQ(at(s, "A4").number, 7);
    EXPECT_EQ(s.row_count(), 4);
}

TEST(XlsxCells, FormulaWithoutSavedValue) {
    const ReadResult r = read_xlsx_bytes(
        tiny_xlsx(R"(<row r="1"><c r="A1"><f>SUM(B1:C1)</f></c><c r="B1"><f>1+1</f><v></v></c>)"
                  R"(<c r="C1" t="str"><f>""</f><v></v></c><c r="D1"><f t="shared" si="0"/><v>3</v></c></row>)"),
        "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Sheet& s = r.book->sheets.at(0);
    EXPECT_TRUE(at(s, "A1").formula_without_value);
    EXPECT_FALSE(at(s, "A1").is_empty());
    EXPECT_TRUE(at(s, "B1").formula_without_value);  // openpyxl's <v></v>
    // A string formula whose value is "": a saved value, just empty.
    EXPECT_TRUE(at(s, "C1").formula);
    EXPECT_FALSE(at(s, "C1").formula_without_value);
    EXPECT_TRUE(at(s, "C1").is_empty());
    EXPECT_TRUE(at(s, "D1").formula);
    EXPECT_DOUBLE_EQ(at(s, "D1").number, 3);
}

TEST(XlsxCells, StylesDecideDates) {
    const std::string styles =
        R"(<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>)"
        R"(<numFmt numFmtId="165" formatCode="[Red]0"/><numFmt numFmtId="166" formatCode="0.0&quot;分&quot;"/></numFmts>)"
        R"(<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>)"
        R"(<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/>)"
        R"(<xf numFmtId="14"/><xf numFmtId="31"/><xf numFmtId="2"/></cellXfs>)";
    const ReadResult r = read_xlsx_bytes(
        tiny_xlsx(R"(<row r="1"><c r="A1" s="0"><v>45170</v></c><c r="B1" s="1"><v>45170</v></c><c r="C1" s="2"><v>45170</v></c>)"
                  R"(<c r="D1" s="3"><v>9.5</v></c><c r="E1" s="4"><v>45170</v></c><c r="F1" s="5"><v>45170</v></c>)"
                  R"(<c r="G1" s="6"><v>10</v></c><c r="H1" s="99"><v>1</v></c></row>)",
                  "", styles),
        "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Sheet& s = r.book->sheets.at(0);
    EXPECT_FALSE(at(s, "A1").is_date);  // General (cellStyleXfs' 14 is not a cell's format)
    EXPECT_TRUE(at(s, "B1").is_date);
    EXPECT_FALSE(at(s, "C1").is_date);
    EXPECT_FALSE(at(s, "D1").is_date);
    EXPECT_TRUE(at(s, "E1").is_date);   // built-in 14
    EXPECT_TRUE(at(s, "F1").is_date);   // built-in 31: yyyy"年"m"月"d"日"
    EXPECT_FALSE(at(s, "G1").is_date);  // built-in 2: 0.00
    EXPECT_FALSE(at(s, "H1").is_date);  // no such style
}

TEST(XlsxCells, Date1904AndPrefixedElementsAndAbsoluteTargets) {
    // Some generators write every element with a prefix (x:c) and targets from the root.
    std::vector<Part> parts = tiny_parts(
        {{"学校", R"(<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>)"
                  R"(<x:row r="1"><x:c r="A1" s="1"><x:v>43708</x:v></x:c></x:row></x:sheetData></x:worksheet>)"}},
        "", R"(<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>)", R"(<workbookPr date1904="1"/>)");
    for (Part& p : parts)
        if (p.name == "xl/_rels/workbook.xml.rels") {
            const std::string from = "Target=\"worksheets/sheet1.xml\"";
            p.content.replace(p.content.find(from), from.size(), "Target=\"/xl/worksheets/../worksheets/sheet1.xml\"");
        }
    const ReadResult r = read_xlsx_bytes(make_zip(parts), "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_TRUE(r.book->date1904);
    const Cell& c = at(r.book->sheets.at(0), "A1");
    ASSERT_TRUE(c.is_date);
    const auto d = serial_to_datetime(c.number, r.book->date1904);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->year, 2023);
    EXPECT_EQ(d->month, 9);
    EXPECT_EQ(d->day, 1);
}

TEST(XlsxCells, MergedRangesKeepOnlyTheTopLeftValue) {
    // LibreOffice can save the hidden contents of merged cells; Excel shows only the top-left.
    const ReadResult r = read_xlsx_bytes(
        make_zip(tiny_parts({{"流动红旗", worksheet(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>2023年秋季学期流动红旗评比表</t></is></c>)"
                                                   R"(<c r="B1"><v>1</v></c><c r="C1"><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>4</v></c></row>)",
                                                   R"(<mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells>)")}})),
        "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Sheet& s = r.book->sheets.at(0);
    EXPECT_EQ(at(s, "A1").text, "2023年秋季学期流动红旗评比表");
    EXPECT_TRUE(at(s, "B1").is_empty());
    EXPECT_TRUE(at(s, "C1").is_empty());
    EXPECT_DOUBLE_EQ(at(s, "B2").number, 4);
}

TEST(XlsxCells, OnlyCellsInsideSheetDataCount) {
    const ReadResult r = read_xlsx_bytes(
        make_zip(tiny_parts({{"流动红旗", worksheet(R"(<row r="1"><c r="A1"><v>1</v></c></row>)",
                                                   R"(<extLst><ext uri="{x}"><row r="5"><c r="B5"><v>9</v></c></row></ext></extLst>)")}})),
        "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.book->sheets.at(0).row_count(), 1);
}

TEST(XlsxCells, ABadCellIsNamedAndTheRestIsKept) {
    const ReadResult r = read_xlsx_bytes(
        tiny_xlsx(R"(<row r="9"><c r="B9" t="s"><v>7</v></c><c r="C9"><v>九</v></c><c r="D9"><v>9</v></c></row>)", R"(<si><t>纪律</t></si>)"),
        "周报.xlsx");
    ASSERT_TRUE(r.book.has_value());
    ASSERT_EQ(r.problems.size(), 2u) << all_problems(r);
    EXPECT_EQ(r.problems[0].where, "流动红旗!B9");
    EXPECT_TRUE(contains(r.problems[0].message, "共享文本")) << r.problems[0].message;
    EXPECT_EQ(r.problems[1].where, "流动红旗!C9");
    EXPECT_DOUBLE_EQ(at(r.book->sheets.at(0), "D9").number, 9);
}

TEST(XlsxCells, StyledBlanksAndClaimedDimensionsAllocateNothing) {
    // Excel writes a styled blank for every formatted empty cell; the dimension is only a claim.
    std::string row = R"(<row r="1"><c r="A1"><v>1</v></c>)";
    row += R"(<c r="XFD1" s="1"/></row><row r="1048576"><c r="A1048576" s="1"/></row>)";
    const ReadResult r = read_xlsx_bytes(
        make_zip(tiny_parts({{"流动红旗", "<?xml version=\"1.0\"?><worksheet " + std::string(kMainNs) +
                                            R"(><dimension ref="A1:XFD1048576"/><sheetData>)" + row + "</sheetData></worksheet>"}})),
        "周报.xlsx");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.book->sheets.at(0).row_count(), 1);
    EXPECT_EQ(r.book->sheets.at(0).rows.at(0).size(), 1u);
}

//-----------------------------------------------------------------------------
// [SECTION] .xlsx: broken and hostile files
//-----------------------------------------------------------------------------

TEST(XlsxRefused, EmptyFile) {
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes("", "周报.xlsx")), "空的"));
}

TEST(XlsxRefused, XlsAndEtSignature) {
    std::string ole2 = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    ole2.resize(4096, '\0');
    const std::string message = refusal(read_xlsx_bytes(ole2, "周报.xls"));
    EXPECT_TRUE(contains(message, ".xls")) << message;
    EXPECT_TRUE(contains(message, "另存为")) << message;
    EXPECT_TRUE(contains(message, "Excel 工作簿(*.xlsx)")) << message;
}

TEST(XlsxRefused, OpenDocumentSpreadsheet) {
    const std::string ods = make_zip({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, {"content.xml", "<x/>"}}, false);
    const std::string message = refusal(read_xlsx_bytes(ods, "周报.ods"));
    EXPECT_TRUE(contains(message, ".ods")) << message;
    EXPECT_TRUE(contains(message, "另存为")) << message;
}

TEST(XlsxRefused, OdsAndXlsAsLibreOfficeSavesThem) {
    const ReadResult ods = read_workbook((kWorkbooks / "libreoffice-weekly.ods").string());
    std::string message = refusal(ods);
    EXPECT_TRUE(contains(message, "OpenDocument（.ods）")) << message;
    EXPECT_TRUE(contains(message, "Excel 工作簿(*.xlsx)")) << message;
    const ReadResult xls = read_workbook((kWorkbooks / "libreoffice-weekly.xls").string());
    message = refusal(xls);
    EXPECT_TRUE(contains(message, "旧版 .xls")) << message;
    EXPECT_TRUE(contains(message, "WPS")) << message;
    EXPECT_TRUE(contains(message, "Excel 工作簿(*.xlsx)")) << message;
}

TEST(XlsxRefused, TruncatedZip) {
    const std::string whole = tiny_xlsx(R"(<row r="1"><c r="A1"><v>1</v></c></row>)");
    const std::string message = refusal(read_xlsx_bytes(whole.substr(0, whole.size() / 2), "周报.xlsx"));
    EXPECT_TRUE(contains(message, "不是有效的 .xlsx 文件（zip 损坏")) << message;
}

TEST(XlsxRefused, CorruptedEntryIsNamed) {
    std::string bytes = make_zip(tiny_parts({{"流动红旗", worksheet(std::string(2000, ' '))}}), false);
    // Flip bytes inside the stored worksheet: its CRC no longer matches.
    const std::size_t at_sheet = bytes.find("<sheetData>");
    ASSERT_NE(at_sheet, std::string::npos);
    bytes[at_sheet + 500] = 'X';
    const ReadResult r = read_xlsx_bytes(bytes, "周报.xlsx");
    const std::string message = refusal(r);
    EXPECT_TRUE(contains(message, "xl/worksheets/sheet1.xml")) << message;
    EXPECT_EQ(r.problems.at(0).where, "流动红旗");
}

TEST(XlsxRefused, BrokenXmlNamesThePart) {
    const ReadResult r = read_xlsx_bytes(tiny_xlsx(R"(<row r="1"><c r="A1"><v>1</v></row>)"), "周报.xlsx");
    const std::string message = refusal(r);
    EXPECT_EQ(r.problems.at(0).where, "流动红旗");
    EXPECT_TRUE(contains(message, "xl/worksheets/sheet1.xml 的 XML 损坏（第 1 行")) << message;
    EXPECT_TRUE(contains(message, "标签不配对")) << message;
    const ReadResult shared = read_xlsx_bytes(tiny_xlsx("", "<si><t>纪律</si>"), "周报.xlsx");
    EXPECT_TRUE(contains(refusal(shared), "xl/sharedStrings.xml")) << all_problems(shared);
}

TEST(XlsxRefused, DoctypeIsRefused) {
    std::vector<Part> parts = tiny_parts({{"流动红旗", worksheet("")}});
    for (Part& p : parts)
        if (p.name == "xl/workbook.xml")
            p.content = R"(<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>)"
                        "<workbook " + std::string(kMainNs) + R"(><sheets><sheet name="&b;" sheetId="1" r:id="rId1"/></sheets></workbook>)";
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes(make_zip(parts), "周报.xlsx")), "DTD"));
}

TEST(XlsxRefused, MissingWorkbookPartAndOtherOfficeFiles) {
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes(make_zip({{"a.txt", "x"}}), "周报.xlsx")), "xl/workbook.xml"));
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes(make_zip({{"word/document.xml", "<w/>"}}), "周报.docx")), "Word"));
    std::vector<Part> xlsb = tiny_parts({{"流动红旗", worksheet("")}});
    for (Part& p : xlsb)
        if (p.name == "_rels/.rels") p.content.replace(p.content.find("workbook.xml"), 12, "workbook.bin");
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes(make_zip(xlsb), "周报.xlsb")), ".xlsb"));
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes("班级,编号\n", "周报.xlsx")), "不是 .xlsx 文件"));
}

TEST(XlsxRefused, CellBeyondTheRowAndColumnLimits) {
    WorkbookLimits limits;
    limits.max_rows = 1000;
    limits.max_cols = 50;
    const ReadResult rows = read_xlsx_bytes(tiny_xlsx(R"(<row r="1048576"><c r="A1048576"><v>1</v></c></row>)"), "周报.xlsx", limits);
    std::string message = refusal(rows);
    EXPECT_TRUE(contains(message, "超过 1000 行")) << message;
    EXPECT_TRUE(contains(message, "流动红旗!A1048576")) << message;
    const ReadResult cols = read_xlsx_bytes(tiny_xlsx(R"(<row r="1"><c r="XFD1"><v>1</v></c></row>)"), "周报.xlsx", limits);
    message = refusal(cols);
    EXPECT_TRUE(contains(message, "超过 50 列")) << message;
    // Beyond Excel's own grid: the file is broken, whatever the limits.
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes(tiny_xlsx(R"(<row r="1"><c r="XFE1"><v>1</v></c></row>)"), "周报.xlsx")), "XFE1"));
}

TEST(XlsxRefused, TooManyCellsAndSheets) {
    WorkbookLimits limits;
    limits.max_cells = 10;
    std::string data = "<row r=\"1\">";
    for (int c = 0; c < 11; ++c) data += "<c><v>" + std::to_string(c) + "</v></c>";
    data += "</row>";
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes(tiny_xlsx(data), "周报.xlsx", limits)), "单元格超过 10 个"));
    limits = {};
    limits.max_sheets = 2;
    const std::string three = make_zip(tiny_parts({{"学校", worksheet("")}, {"班级", worksheet("")}, {"评比", worksheet("")}}));
    EXPECT_TRUE(contains(refusal(read_xlsx_bytes(three, "周报.xlsx", limits)), "工作表太多"));
}

TEST(XlsxRefused, OneLongSharedStringInManyCells) {
    // 64 KB of text, deflated to almost nothing, copied into 40 cells: 2.5 MB of cells from a tiny file.
    WorkbookLimits limits;
    limits.max_uncompressed_bytes = 1u << 20;
    std::string data = "<row r=\"1\">";
    for (int c = 0; c < 40; ++c) data += R"(<c t="s"><v>0</v></c>)";
    data += "</row>";
    const std::string message =
        refusal(read_xlsx_bytes(tiny_xlsx(data, "<si><t>" + std::string(64u << 10, 'x') + "</t></si>"), "周报.xlsx", limits));
    EXPECT_TRUE(contains(message, "文字加起来超过 1 MB")) << message;
}

TEST(XlsxRefused, MoreSharedStringsThanCells) {
    WorkbookLimits limits;
    limits.max_cells = 10;
    std::string shared;
    for (int i = 0; i < 11; ++i) shared += "<si/>";
    const std::string message = refusal(read_xlsx_bytes(tiny_xlsx("", shared), "周报.xlsx", limits));
    EXPECT_TRUE(contains(message, "共享文本超过 10 条")) << message;
}

TEST(XlsxRefused, ZipBombByDeclaredSize) {
    WorkbookLimits limits;
    limits.max_uncompressed_bytes = 1u << 20;
    // 1.5 MB of one row repeated deflates to a few KB.
    std::string rows;
    while (rows.size() < (3u << 19)) rows += R"(<row><c><v>0</v></c></row>)";
    const std::string bomb = make_zip(tiny_parts({{"流动红旗", worksheet(rows)}}));
    ASSERT_LT(bomb.size(), 32u << 10);
    const std::string message = refusal(read_xlsx_bytes(bomb, "周报.xlsx", limits));
    EXPECT_TRUE(contains(message, "压缩炸弹")) << message;
    EXPECT_TRUE(contains(message, "xl/worksheets/sheet1.xml")) << message;
}

TEST(XlsxRefused, ZipBombAcrossManySheets) {
    // Each part is under the budget; together they are over it.
    WorkbookLimits limits;
    limits.max_uncompressed_bytes = 256u << 10;
    std::string rows;
    while (rows.size() < (60u << 10)) rows += R"(<row><c><v>0</v></c></row>)";
    std::vector<TinySheet> sheets;
    for (int i = 0; i < 5; ++i) sheets.push_back({"表" + std::to_string(i), worksheet(rows)});
    const ReadResult r = read_xlsx_bytes(make_zip(tiny_parts(sheets)), "周报.xlsx", limits);
    const std::string message = refusal(r);
    EXPECT_TRUE(contains(message, "压缩炸弹")) << message;
    EXPECT_EQ(r.problems.at(0).where, "表4");
}

TEST(XlsxRefused, ZipBombThatLiesAboutItsSize) {
    // The headers claim 1 KB; the deflated stream holds 512 KB. Counting while
    // inflating stops it whatever the headers say.
    std::string rows;
    while (rows.size() < (512u << 10)) rows += R"(<row><c><v>0</v></c></row>)";
    const std::string sheet = worksheet(rows);
    std::string bytes = make_zip(tiny_parts({{"流动红旗", sheet}}));
    const std::string name = "xl/worksheets/sheet1.xml";
    auto patch_u32 = [&](std::size_t at, std::uint32_t v) {
        for (int k = 0; k < 4; ++k) bytes[at + static_cast<std::size_t>(k)] = static_cast<char>((v >> (8 * k)) & 0xFF);
    };
    int patched = 0;
    for (std::size_t at = 0; (at = bytes.find(name, at)) != std::string::npos; at += name.size()) {
        if (at >= 30 && bytes.compare(at - 30, 4, "PK\x03\x04") == 0) { patch_u32(at - 30 + 22, 1024); ++patched; }
        if (at >= 46 && bytes.compare(at - 46, 4, "PK\x01\x02") == 0) { patch_u32(at - 46 + 24, 1024); ++patched; }
    }
    ASSERT_EQ(patched, 2);
    const ReadResult r = read_xlsx_bytes(bytes, "周报.xlsx");
    const std::string message = refusal(r);
    EXPECT_TRUE(contains(message, "xl/worksheets/sheet1.xml")) << message;
    EXPECT_TRUE(contains(message, "比声明的大")) << message;
}

//-----------------------------------------------------------------------------
// [SECTION] CSV
//-----------------------------------------------------------------------------

TEST(Csv, QuotedFieldsWithCommasQuotesAndLineBreaks) {
    const ReadResult r = read_csv_bytes(
        "周次,班级,备注\r\n1,\"初一（3）班\",\"课间操队列不齐，\n周三补练, 再查\"\r\n2,三年级二班,\"卫生角\"\"整洁\"\"\"\n3,,\r4,\"\",x", "流动红旗",
        "周报");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Sheet& s = r.book->sheets.at(0);
    ASSERT_EQ(s.row_count(), 5);
    EXPECT_EQ(at(s, "B2").text, "初一（3）班");
    EXPECT_EQ(at(s, "C2").text, "课间操队列不齐，\n周三补练, 再查");
    EXPECT_EQ(at(s, "C3").text, "卫生角\"整洁\"");
    EXPECT_EQ(at(s, "A4").text, "3");  // CR alone ends a line too
    EXPECT_TRUE(at(s, "B4").is_empty());
    EXPECT_EQ(at(s, "A5").text, "4");  // the last line, without a line end
    EXPECT_TRUE(at(s, "B5").is_empty());
    EXPECT_EQ(at(s, "C5").text, "x");
    for (const auto& row : s.rows)
        for (const Cell& c : row) EXPECT_TRUE(c.kind == Kind::text || c.kind == Kind::empty);
    EXPECT_EQ(at(s, "A2").kind, Kind::text);  // "1" stays text: the feed step reads numbers
}

TEST(Csv, EmptyLinesAreEmptyRowsAndTheLastLineEndAddsNone) {
    const ReadResult r = read_csv_bytes("班级\n\n三年级二班\n\n", "班级", "周报");
    ASSERT_TRUE(r.ok());
    const Sheet& s = r.book->sheets.at(0);
    EXPECT_EQ(s.row_count(), 3);
    EXPECT_TRUE(s.rows.at(1).empty());
    EXPECT_EQ(at(s, "A3").text, "三年级二班");
    EXPECT_EQ(read_csv_bytes("", "班级", "周报").book->sheets.at(0).row_count(), 0);
}

TEST(Csv, UnclosedQuoteIsNamedAndKept) {
    const ReadResult r = read_csv_bytes("班级,备注\n三年级二班,\"没有闭合\n初一（3）班,x\n", "班级", "周报");
    ASSERT_TRUE(r.book.has_value());
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].where, "班级!B2");
    EXPECT_TRUE(contains(r.problems[0].message, "引号")) << r.problems[0].message;
    EXPECT_EQ(at(r.book->sheets.at(0), "B2").text, "没有闭合\n初一（3）班,x\n");
}

TEST(Csv, Utf8BomIsDropped) {
    const ReadResult r = read_csv_bytes("\xEF\xBB\xBF班级,编号\n三年级二班,3-2\n", "班级", "周报");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(at(r.book->sheets.at(0), "A1").text, "班级");
    const ReadResult bad = read_csv_bytes("\xEF\xBB\xBF班级\n\xB0\xE0\n", "班级", "周报");
    EXPECT_TRUE(contains(refusal(bad), "第 2 行"));
}

TEST(Csv, Gb18030IsConverted) {
    const auto gbk = te::gb18030_to_utf8("x");  // iconv present
    ASSERT_TRUE(gbk);
    const ReadResult r = read_csv_bytes("\xB0\xE0\xBC\xB6,\xB1\xE0\xBA\xC5\r\n\xB3\xF5\xD2\xBB\xA3\xA8\x33\xA3\xA9\xB0\xE0,7-3\r\n", "班级", "周报");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(at(r.book->sheets.at(0), "A1").text, "班级");
    EXPECT_EQ(at(r.book->sheets.at(0), "B1").text, "编号");
    EXPECT_EQ(at(r.book->sheets.at(0), "A2").text, "初一（3）班");
}

TEST(Csv, Utf16AndUtf32AreRefusedWithHowToSave) {
    const std::string utf16le_bom = read_bytes(kWorkbooks / "csv-utf16" / "班级.csv");
    ASSERT_GT(utf16le_bom.size(), 2u);
    std::string message = refusal(read_csv_bytes(utf16le_bom, "班级", "周报"));
    EXPECT_TRUE(contains(message, "UTF-16")) << message;
    EXPECT_TRUE(contains(message, "CSV UTF-8（逗号分隔）")) << message;
    EXPECT_TRUE(contains(message, "另存为")) << message;
    EXPECT_TRUE(contains(message, "文件类型")) << message;
    // Big-endian without a BOM: told by its NUL bytes. "班级,3" in UTF-16 BE.
    message = refusal(read_csv_bytes("\x73\xED\x7E\xA7\0,\0\x33"sv, "班级", "周报"));
    EXPECT_TRUE(contains(message, "UTF-16 BE")) << message;
    message = refusal(read_csv_bytes("\xFF\xFE\0\0\x2D\x73\0\0"sv, "班级", "周报"));
    EXPECT_TRUE(contains(message, "UTF-32")) << message;
}

TEST(Csv, NeitherUtf8NorGb18030) {
    // 0x80 and 0xFF are no lead byte in GB18030.
    const std::string message = refusal(read_csv_bytes("班级\n\x80\xFF\n"sv, "班级", "周报"));
    EXPECT_TRUE(contains(message, "GB18030")) << message;
    EXPECT_TRUE(contains(message, "第 2 行")) << message;
}

TEST(Csv, LimitsWhileReading) {
    WorkbookLimits limits;
    limits.max_rows = 3;
    EXPECT_TRUE(contains(refusal(read_csv_bytes("a\nb\nc\nd\n", "班级", "周报", limits)), "超过 3 行"));
    limits = {};
    limits.max_cols = 3;
    EXPECT_TRUE(contains(refusal(read_csv_bytes("a,b,c,d\n", "班级", "周报", limits)), "超过 3 列"));
    limits = {};
    limits.max_cells = 5;
    EXPECT_TRUE(contains(refusal(read_csv_bytes("a,b\nc,d\ne,f\n", "班级", "周报", limits)), "单元格超过 5 个"));
    limits = {};
    limits.max_file_bytes = 4;
    EXPECT_TRUE(contains(refusal(read_csv_bytes("a,b,c\n", "班级", "周报", limits)), "文件太大"));
}

//-----------------------------------------------------------------------------
// [SECTION] read_workbook()
//-----------------------------------------------------------------------------

TEST(ReadWorkbook, Gb18030Folder) {
    const ReadResult r = read_workbook((kWorkbooks / "csv-gb18030").string());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.book->file_label, "csv-gb18030");
    ASSERT_EQ(r.book->sheets.size(), 3u);
    // Sorted by the UTF-8 bytes of the names: 学 (E5 AD A6) < 流 (E6 B5 81) < 班 (E7 8F AD).
    EXPECT_EQ(r.book->sheets[0].name, "学校");
    EXPECT_EQ(r.book->sheets[1].name, "流动红旗");
    EXPECT_EQ(r.book->sheets[2].name, "班级");
    const Sheet& flag = sheet_named(*r.book, "流动红旗");
    EXPECT_EQ(at(flag, "A1").text, "2023年秋季学期流动红旗评比表");
    EXPECT_EQ(at(flag, "F2").text, "课间操");
    EXPECT_EQ(at(flag, "I3").text, "课间操队列不齐，\n周三补练");
    EXPECT_EQ(at(flag, "C4").text, "2023年9月4日");
    EXPECT_EQ(at(flag, "I4").text, "卫生角\"整洁\"，表扬");
    EXPECT_EQ(at(sheet_named(*r.book, "班级"), "A3").text, "初一（3）班");
}

TEST(ReadWorkbook, Utf8BomFolder) {
    const ReadResult r = read_workbook((kWorkbooks / "csv-utf8-bom").string() + "/");
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.book->file_label, "csv-utf8-bom");
    ASSERT_EQ(r.book->sheets.size(), 2u);
    EXPECT_EQ(at(sheet_named(*r.book, "学校"), "A1").text, "项目");
    EXPECT_EQ(at(sheet_named(*r.book, "学校"), "B4").text, "2023/9/1");
    EXPECT_EQ(at(sheet_named(*r.book, "班级"), "A3").text, "初一（3）班");
}

TEST(ReadWorkbook, OneBadCsvIsNamedAndTheOthersAreRead) {
    ScratchFolder dir;
    const fs::path folder = dir.path() / "周报";
    fs::create_directory(folder);
    write_bytes(folder / "班级.csv", "班级\n三年级二班\n");
    fs::copy_file(kWorkbooks / "csv-utf16" / "班级.csv", folder / "学校.csv");
    write_bytes(folder / "~$班级.csv", "lock");
    write_bytes(folder / "._班级.csv", "\0\0\0\0");
    write_bytes(folder / "说明.txt", "不是表");
    const ReadResult r = read_workbook(folder.string());
    ASSERT_TRUE(r.book.has_value());
    ASSERT_EQ(r.book->sheets.size(), 1u);
    EXPECT_EQ(r.book->sheets[0].name, "班级");
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].where, "学校");
    EXPECT_TRUE(contains(r.problems[0].message, "UTF-16"));
    EXPECT_EQ(r.book->file_label, "周报");
}

TEST(ReadWorkbook, GbkFileNamesBecomeUtf8SheetNames) {
    ScratchFolder dir;
    write_bytes(dir.path() / "\xB0\xE0\xBC\xB6.csv", "班级\n");  // 班级.csv, named in GBK
    const ReadResult r = read_workbook(dir.path().string());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.book->sheets.at(0).name, "班级");
}

TEST(ReadWorkbook, FolderWithoutCsv) {
    ScratchFolder dir;
    write_bytes(dir.path() / "周报.xlsx", "x");
    const std::string message = refusal(read_workbook(dir.path().string()));
    EXPECT_TRUE(contains(message, "没有 .csv 文件")) << message;
    EXPECT_TRUE(contains(message, dir.path().string())) << message;
    EXPECT_TRUE(contains(message, ".xlsx")) << message;
}

TEST(ReadWorkbook, MissingPath) {
    const std::string message = refusal(read_workbook("/nonexistent/周报.xlsx"));
    EXPECT_TRUE(contains(message, "找不到")) << message;
    EXPECT_TRUE(contains(message, "/nonexistent/周报.xlsx")) << message;
}

TEST(ReadWorkbook, PermissionDenied) {
    if (geteuid() == 0) GTEST_SKIP() << "root reads every file; run as a user to check this message";
    ScratchFolder dir;
    const fs::path file = dir.path() / "周报.xlsx";
    write_bytes(file, "PK\x03\x04");
    fs::permissions(file, fs::perms::none);
    const std::string message = refusal(read_workbook(file.string()));
    EXPECT_TRUE(contains(message, "没有权限")) << message;
    EXPECT_TRUE(contains(message, file.string())) << message;
}

TEST(ReadWorkbook, FilesAreSniffedNotJudgedByName) {
    ScratchFolder dir;
    // An .xls renamed to .xlsx is still refused as an .xls.
    std::string ole2 = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    ole2.resize(1024, '\0');
    write_bytes(dir.path() / "周报.xlsx", ole2);
    EXPECT_TRUE(contains(refusal(read_workbook((dir.path() / "周报.xlsx").string())), ".xls"));
    // An .xlsx named anything is read.
    write_bytes(dir.path() / "周报.dat", tiny_xlsx(R"(<row r="1"><c r="A1"><v>1</v></c></row>)"));
    const ReadResult r = read_workbook((dir.path() / "周报.dat").string());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.book->file_label, "周报.dat");
    // Empty, a lone CSV, and something else: each says what is accepted.
    write_bytes(dir.path() / "空.xlsx", "");
    EXPECT_TRUE(contains(refusal(read_workbook((dir.path() / "空.xlsx").string())), "空的"));
    write_bytes(dir.path() / "班级.csv", "班级\n");
    EXPECT_TRUE(contains(refusal(read_workbook((dir.path() / "班级.csv").string())), "文件夹"));
    write_bytes(dir.path() / "周报.txt", "hello");
    const std::string message = refusal(read_workbook((dir.path() / "周报.txt").string()));
    EXPECT_TRUE(contains(message, ".xlsx")) << message;
    EXPECT_TRUE(contains(message, ".csv")) << message;
}

TEST(ReadWorkbook, FileOverTheSizeLimitIsNotRead) {
    ScratchFolder dir;
    write_bytes(dir.path() / "周报.xlsx", std::string(2048, 'x'));
    WorkbookLimits limits;
    limits.max_file_bytes = 1024;
    EXPECT_TRUE(contains(refusal(read_workbook((dir.path() / "周报.xlsx").string(), limits)), "文件太大"));
}

}  // namespace
}  // namespace campus::publish
