// An .xlsx as Excel, WPS or LibreOffice save it → the workbook model.
//
// [SECTION] Refusals: the messages, and the exception that carries them outside expat
// [SECTION] Zip: opening, the uncompressed budget, entries streamed into expat
// [SECTION] XML: the expat wrapper (local names, attributes, no DTD)
// [SECTION] Package: _rels/.rels, workbook.xml and its relationships
// [SECTION] Shared strings
// [SECTION] Styles: which cell formats are dates
// [SECTION] Worksheets
// [SECTION] read_xlsx_bytes()
//
// Why streaming (SAX) and no DOM: a 2,000-class × 20-week score sheet is
// ~40,000 rows and ~10 MB of XML; a DOM of it is several times that in heap
// nodes, and the office's program must read it in well under a second. Each
// part is inflated in 64 KiB chunks straight into expat's buffer, so no part is
// ever held whole in memory, and every limit (the zip's declared sizes, the
// bytes actually inflated, rows, columns, cells, sheets) is checked while the
// bytes arrive, before anything grows past it: a zip bomb stops at its first
// byte over the budget, a cell at XFD1048576 at that cell.
//
// Worksheets and shared strings, the bulk of a workbook, are first read by
// publish/xml_scan (a scanner for the plain XML spreadsheet writers emit,
// several times faster than expat on it). It gives up on anything outside
// that subset and on every error; the part is then read again from its first
// byte with expat, everything the first attempt stored thrown away, so every
// refusal and every result is the one expat gives.
//
// Exceptions never cross expat (a C library): handlers record a Refusal and
// stop the parser; the code around XML_ParseBuffer throws it.
#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "publish/text_encoding.hpp"
#include "publish/workbook.hpp"
#include "publish/xml_scan.hpp"

namespace campus::publish {

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Refusals
//-----------------------------------------------------------------------------

constexpr std::string_view kSaveAsXlsx = "请在 Excel 或 WPS 里打开它，选“另存为”→“文件类型”：“Excel 工作簿(*.xlsx)”，再用保存的 .xlsx 文件";

// The file cannot be read at all: where (""/sheet) and why.
struct Refusal {
    std::string where;
    std::string message;
};

std::string mib(std::uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB"; }

constexpr std::size_t kMaxCellProblems = 100;  // beyond this one more line says "and more"

// Expat's reason in the clerk's words for the errors a damaged file shows;
// expat's own (English) words for the rest, which a helper can look up.
std::string xml_error_words(XML_Error code) {
    switch (code) {
        case XML_ERROR_TAG_MISMATCH: return "标签不配对";
        case XML_ERROR_UNCLOSED_TOKEN:
        case XML_ERROR_NO_ELEMENTS:
        case XML_ERROR_PARTIAL_CHAR: return "内容在中途断了";
        case XML_ERROR_INVALID_TOKEN:
        case XML_ERROR_BAD_CHAR_REF: return "有不合规的字符";
        case XML_ERROR_JUNK_AFTER_DOC_ELEMENT: return "结尾后还有多余的内容";
        case XML_ERROR_UNDEFINED_ENTITY: return "用了未定义的实体";
        case XML_ERROR_DUPLICATE_ATTRIBUTE: return "同一个属性写了两次";
        default: return XML_ErrorString(code);
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Zip
//-----------------------------------------------------------------------------

class Package {
public:
    Package(std::string_view bytes, const WorkbookLimits& limits) : limits_(limits) {
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
        if (source != nullptr) {
            zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
            if (zip_ == nullptr) zip_source_free(source);
        }
        zip_error_fini(&error);
        if (zip_ == nullptr) throw Refusal{"", "不是有效的 .xlsx 文件（zip 损坏，可能没有下载或复制完整）"};
    }
    ~Package() {
        if (zip_ != nullptr) zip_discard(zip_);
    }
    Package(const Package&) = delete;
    Package& operator=(const Package&) = delete;

    // The entry's index, part names compared as OPC says (case-insensitively).
    std::optional<zip_uint64_t> find(const std::string& name) const {
        const zip_int64_t index = zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE);
        if (index < 0) return std::nullopt;
        return static_cast<zip_uint64_t>(index);
    }
    bool has(const std::string& name) const { return find(name).has_value(); }

    // Streams the entry through `parser`: declared size checked against the
    // budget before inflating, inflated bytes counted against both while
    // inflating. `where` names the sheet for a worksheet's refusals.
    void parse(zip_uint64_t index, const std::string& name, XML_Parser parser, const std::string& where,
               const std::string* handler_refusal);
    // The same through the scanner. False when it gave up: nothing is
    // counted against the budget, and the caller reads the part with
    // parse(). The refusals that come before any byte is read are thrown
    // as parse() throws them.
    bool scan(zip_uint64_t index, const std::string& name, xml_scan::Scanner& scanner, const std::string& where);

    std::string read_small(zip_uint64_t index, const std::string& name, std::size_t max_bytes);

private:
    zip_uint64_t declared_size(zip_uint64_t index, const std::string& name, const std::string& where) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(zip_, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
            throw Refusal{where, "不是有效的 .xlsx 文件（zip 损坏：" + name + "）"};
        if (st.size > limits_.max_uncompressed_bytes - used_)
            throw Refusal{where, "解压后太大（" + name + " 声明 " + mib(st.size) + "，全部最多 " +
                                     mib(limits_.max_uncompressed_bytes) + "），可能是压缩炸弹，不读"};
        return st.size;
    }

    zip_t* zip_ = nullptr;
    const WorkbookLimits& limits_;
    std::uint64_t used_ = 0;  // inflated bytes of every entry read so far
};

void Package::parse(zip_uint64_t index, const std::string& name, XML_Parser parser, const std::string& where,
                    const std::string* handler_refusal) {
    const zip_uint64_t declared = declared_size(index, name, where);
    zip_file_t* file = zip_fopen_index(zip_, index, 0);
    if (file == nullptr) {
        const int code = zip_error_code_zip(zip_get_error(zip_));
        if (code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_NOPASSWD)
            throw Refusal{where, "文件加了密码，读不了。请在 Excel 或 WPS 里取消密码后另存为 .xlsx"};
        throw Refusal{where, "不是有效的 .xlsx 文件（zip 损坏：" + name + "）"};
    }
    struct Closer {
        zip_file_t* f;
        ~Closer() { zip_fclose(f); }
    } closer{file};
    constexpr int kChunk = 64 * 1024;
    std::uint64_t inflated = 0;
    while (true) {
        void* buffer = XML_GetBuffer(parser, kChunk);
        if (buffer == nullptr) throw Refusal{where, "内存不足，读不了 " + name};
        const zip_int64_t n = zip_fread(file, buffer, kChunk);
        if (n < 0) throw Refusal{where, "不是有效的 .xlsx 文件（zip 损坏：" + name + " 解压出错）"};
        inflated += static_cast<std::uint64_t>(n);
        used_ += static_cast<std::uint64_t>(n);
        if (inflated > declared)
            throw Refusal{where, "不是有效的 .xlsx 文件（" + name + " 解压后比声明的大，可能是压缩炸弹），不读"};
        if (used_ > limits_.max_uncompressed_bytes)
            throw Refusal{where, "解压后太大（全部最多 " + mib(limits_.max_uncompressed_bytes) + "），可能是压缩炸弹，不读"};
        if (XML_ParseBuffer(parser, static_cast<int>(n), n == 0) != XML_STATUS_OK) {
            if (handler_refusal != nullptr && !handler_refusal->empty()) throw Refusal{where, *handler_refusal};
            throw Refusal{where, name + " 的 XML 损坏（第 " + std::to_string(XML_GetCurrentLineNumber(parser)) + " 行第 " +
                                     std::to_string(XML_GetCurrentColumnNumber(parser) + 1) + " 列：" +
                                     xml_error_words(XML_GetErrorCode(parser)) + "）。" + std::string(kSaveAsXlsx)};
        }
        if (n == 0) break;
    }
}

bool Package::scan(zip_uint64_t index, const std::string& name, xml_scan::Scanner& scanner, const std::string& where) {
    const std::uint64_t used_before = used_;
    const zip_uint64_t declared = declared_size(index, name, where);
    zip_file_t* file = zip_fopen_index(zip_, index, 0);
    if (file == nullptr) return false;
    struct Closer {
        zip_file_t* f;
        ~Closer() { zip_fclose(f); }
    } closer{file};
    auto give_up = [&] {
        used_ = used_before;
        return false;
    };
    constexpr std::size_t kChunk = 64 * 1024;
    std::uint64_t inflated = 0;
    while (true) {
        char* buffer = scanner.buffer(kChunk);
        const zip_int64_t n = zip_fread(file, buffer, kChunk);
        if (n < 0) return give_up();
        inflated += static_cast<std::uint64_t>(n);
        used_ += static_cast<std::uint64_t>(n);
        // Over a limit: parse() says so, in its place among the XML's own errors.
        if (inflated > declared || used_ > limits_.max_uncompressed_bytes) return give_up();
        if (!scanner.parse(static_cast<std::size_t>(n), n == 0)) return give_up();
        if (n == 0) return true;
    }
}

std::string Package::read_small(zip_uint64_t index, const std::string& name, std::size_t max_bytes) {
    const zip_uint64_t declared = declared_size(index, name, "");
    if (declared > max_bytes) return {};
    std::string out(static_cast<std::size_t>(declared), '\0');
    zip_file_t* file = zip_fopen_index(zip_, index, 0);
    if (file == nullptr) return {};
    const zip_int64_t n = zip_fread(file, out.data(), out.size());
    zip_fclose(file);
    if (n < 0) return {};
    used_ += static_cast<std::uint64_t>(n);
    out.resize(static_cast<std::size_t>(n));
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] XML
//-----------------------------------------------------------------------------

// Local name: "x:c" → "c". OOXML writers use prefixes freely (some .NET
// libraries write every element as x:…); no two parts we read reuse a local
// name for different things, so namespace processing would only cost time.
// One pass (no strlen and then rfind): this runs for every element.
inline std::string_view local_name(const XML_Char* name) {
    const XML_Char* start = name;
    const XML_Char* p = name;
    for (; *p != '\0'; ++p)
        if (*p == ':') start = p + 1;
    return {start, static_cast<std::size_t>(p - start)};
}

// Is the NUL-terminated `name`'s local name `want`? Compares the bytes in
// place, so the unprefixed case ("r", "t", "s" on every <c>) needs no strlen.
inline bool local_is(const XML_Char* name, std::string_view want) {
    std::size_t i = 0;
    while (i < want.size() && name[i] == want[i]) ++i;
    if (i == want.size() && name[i] == '\0') return true;
    for (const XML_Char* p = name; *p != '\0'; ++p)  // a prefix: "x:r"
        if (*p == ':') return local_name(name) == want;
    return false;
}

// The attribute's value by local name, or nullptr.
inline const XML_Char* attribute(const XML_Char** attrs, std::string_view name) {
    for (; *attrs != nullptr; attrs += 2)
        if (local_is(attrs[0], name)) return attrs[1];
    return nullptr;
}

bool xml_true(const XML_Char* value) {
    if (value == nullptr) return false;
    const std::string_view v(value);
    return v == "1" || v == "true" || v == "on";
}

// An element-depth guard: nothing OOXML writes nests deeper than ~10.
constexpr int kMaxDepth = 128;

// One parser per part; the Handler gets start/end/text by virtual call (the
// indirection is noise next to expat's own work per element).
class Handler {
public:
    virtual ~Handler() = default;
    virtual void start(std::string_view name, const XML_Char** attrs) = 0;
    virtual void end(std::string_view name) = 0;
    virtual void text(const XML_Char*, int) {}

    // Called from inside a handler: the message the part is refused with.
    void refuse(std::string message) {
        if (refusal.empty()) refusal = std::move(message);
        if (parser != nullptr) XML_StopParser(parser, XML_FALSE);  // null under the scanner, which checks `refusal`
    }

    XML_Parser parser = nullptr;
    std::string refusal;
    int depth = 0;
};

void parse_part(Package& package, zip_uint64_t index, const std::string& name, Handler& handler,
                const std::string& where) {
    XML_Parser parser = XML_ParserCreate("UTF-8");  // the default; a UTF-16 part's BOM still switches
    if (parser == nullptr) throw Refusal{where, "内存不足，读不了 " + name};
    struct Freer {
        XML_Parser p;
        ~Freer() { XML_ParserFree(p); }
    } freer{parser};
    handler.parser = parser;
    XML_SetUserData(parser, &handler);
    XML_SetElementHandler(
        parser,
        [](void* data, const XML_Char* el, const XML_Char** attrs) {
            auto* h = static_cast<Handler*>(data);
            if (++h->depth > kMaxDepth) return h->refuse("XML 嵌套太深，不是 Excel 保存的文件");
            h->start(local_name(el), attrs);
        },
        [](void* data, const XML_Char* el) {
            auto* h = static_cast<Handler*>(data);
            --h->depth;
            h->end(local_name(el));
        });
    XML_SetCharacterDataHandler(parser, [](void* data, const XML_Char* s, int len) {
        static_cast<Handler*>(data)->text(s, len);
    });
    // OOXML has no DTD; refusing one rules out entity expansion (billion laughs) at its root.
    XML_SetStartDoctypeDeclHandler(parser, [](void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        static_cast<Handler*>(data)->refuse("XML 里有 DTD（<!DOCTYPE>），这不是 Excel 保存的文件。" + std::string(kSaveAsXlsx));
    });
    package.parse(index, name, parser, where, &handler.refusal);
}

// The scanner's events into a Handler, as parse_part's expat callbacks do.
// A refusal or the depth limit stops the scan: the expat run that follows
// reaches the same place and refuses in its own order. Typed by the final
// handler class, so that its start/end/text are called directly.
template <class H>
class ScanEvents final : public xml_scan::Events {
public:
    explicit ScanEvents(H& handler) : handler_(handler) {}
    bool start(const char* name, const char** attrs) override {
        if (++handler_.depth > kMaxDepth) return false;
        handler_.start(local_name(name), attrs);
        return handler_.refusal.empty();
    }
    bool end(const char* name) override {
        --handler_.depth;
        handler_.end(local_name(name));
        return handler_.refusal.empty();
    }
    bool text(const char* s, std::size_t len) override {
        handler_.text(s, static_cast<int>(len));
        return handler_.refusal.empty();
    }

private:
    H& handler_;
};

// The part through the scanner into `handler`; false when it gave up (the
// handler then holds a partial read, to be thrown away).
template <class H>
bool scan_part(Package& package, zip_uint64_t index, const std::string& name, H& handler, const std::string& where) {
    ScanEvents<H> events(handler);
    xml_scan::Scanner scanner(events);
    return package.scan(index, name, scanner, where);
}

//-----------------------------------------------------------------------------
// [SECTION] Package
//-----------------------------------------------------------------------------

struct Relationship {
    std::string id;
    std::string type;    // the full URI; matched by its last segment (transitional and strict differ)
    std::string target;  // resolved to a part name
};

bool type_is(std::string_view type, std::string_view last_segment) {
    return type.size() > last_segment.size() && type.ends_with(last_segment) &&
           type[type.size() - last_segment.size() - 1] == '/';
}

// A relationship target → a part name: "/xl/a.xml" is from the root,
// "worksheets/sheet1.xml" from the folder of the part whose rels these are.
std::string resolve_target(std::string_view base_dir, std::string_view target) {
    std::string joined = target.starts_with('/') ? std::string(target.substr(1)) : std::string(base_dir) + std::string(target);
    std::vector<std::string_view> segments;
    std::string_view rest(joined);
    while (!rest.empty()) {
        const std::size_t slash = rest.find_first_of("/\\");
        const std::string_view segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            if (!segments.empty()) segments.pop_back();
            continue;
        }
        segments.push_back(segment);
    }
    std::string out;
    for (const auto segment : segments) {
        if (!out.empty()) out += '/';
        out += segment;
    }
    return out;
}

std::string_view dir_of(std::string_view part) {
    const std::size_t slash = part.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : part.substr(0, slash + 1);
}

std::string rels_of(std::string_view part) {
    const std::size_t slash = part.rfind('/');
    const std::string_view dir = slash == std::string_view::npos ? std::string_view() : part.substr(0, slash + 1);
    const std::string_view file = slash == std::string_view::npos ? part : part.substr(slash + 1);
    return std::string(dir) + "_rels/" + std::string(file) + ".rels";
}

class RelsHandler final : public Handler {
public:
    explicit RelsHandler(std::string_view base_dir) : base_dir_(base_dir) {}
    void start(std::string_view name, const XML_Char** attrs) override {
        if (name != "Relationship") return;
        const XML_Char* id = attribute(attrs, "Id");
        const XML_Char* type = attribute(attrs, "Type");
        const XML_Char* target = attribute(attrs, "Target");
        const XML_Char* mode = attribute(attrs, "TargetMode");
        if (id == nullptr || type == nullptr || target == nullptr) return;
        if (mode != nullptr && std::string_view(mode) == "External") return;  // a hyperlink, not a part
        if (relationships.size() >= 100000) return refuse("关系表太长，不是 Excel 保存的文件");
        relationships.push_back({id, type, resolve_target(base_dir_, target)});
    }
    void end(std::string_view) override {}

    std::vector<Relationship> relationships;

private:
    std::string base_dir_;
};

struct SheetEntry {
    std::string name;
    std::string rel_id;
};

class WorkbookHandler final : public Handler {
public:
    explicit WorkbookHandler(std::size_t max_sheets) : max_sheets_(max_sheets) {}
    void start(std::string_view name, const XML_Char** attrs) override {
        if (name == "workbookPr") {
            date1904 = xml_true(attribute(attrs, "date1904"));
        } else if (name == "sheet") {
            if (sheets.size() >= max_sheets_)
                return refuse("工作表太多（最多 " + std::to_string(max_sheets_) + " 张）");
            const XML_Char* sheet_name = attribute(attrs, "name");
            const XML_Char* id = attribute(attrs, "id");  // r:id
            sheets.push_back({sheet_name ? sheet_name : "", id ? id : ""});
        }
    }
    void end(std::string_view) override {}

    bool date1904 = false;
    std::vector<SheetEntry> sheets;

private:
    std::size_t max_sheets_;
};

std::vector<Relationship> read_rels(Package& package, const std::string& rels_part, std::string_view base_dir) {
    RelsHandler handler(base_dir);
    if (const auto index = package.find(rels_part)) parse_part(package, *index, rels_part, handler, "");
    return std::move(handler.relationships);
}

//-----------------------------------------------------------------------------
// [SECTION] Shared strings
//-----------------------------------------------------------------------------

// <si><t>plain</t></si>, or rich text <si><r><rPr/><t>run</t></r>…</si> (runs
// joined), with phonetic guides <rPh><t>…</t></rPh> left out: they are the
// reading of the text shown, not part of it.
class SharedStringsHandler final : public Handler {
public:
    // No saved workbook lists more strings than it has cells (Excel and
    // LibreOffice keep only the strings in use); 10^7 `<si/>` would otherwise
    // be 10^7 heap strings out of 50 MB of XML.
    explicit SharedStringsHandler(std::size_t max_strings) : max_strings_(max_strings) {}
    void start(std::string_view name, const XML_Char** attrs) override {
        if (name == "si") {
            in_si_ = true;
            current_.clear();
        } else if (name == "rPh") {
            ++phonetic_depth_;
        } else if (name == "t") {
            in_t_ = in_si_ && phonetic_depth_ == 0;
        } else if (name == "sst") {
            // uniqueCount is a hint; bounded, a lie cannot make us allocate.
            if (const XML_Char* unique = attribute(attrs, "uniqueCount")) {
                std::size_t n = 0;
                const std::string_view v(unique);
                std::from_chars(v.data(), v.data() + v.size(), n);
                strings.reserve(std::min<std::size_t>(n, 1u << 16));
            }
        }
    }
    void end(std::string_view name) override {
        if (name == "t") {
            in_t_ = false;
        } else if (name == "rPh") {
            if (phonetic_depth_ > 0) --phonetic_depth_;
        } else if (name == "si") {
            if (strings.size() >= max_strings_)
                return refuse("共享文本超过 " + std::to_string(max_strings_) + " 条，不是 Excel 保存的文件");
            text_encoding::decode_ooxml_escapes(current_);
            strings.push_back(current_);
            in_si_ = false;
        }
    }
    void text(const XML_Char* s, int len) override {
        if (in_t_) current_.append(s, static_cast<std::size_t>(len));
    }

    std::vector<std::string> strings;

private:
    std::size_t max_strings_;
    bool in_si_ = false;
    bool in_t_ = false;
    int phonetic_depth_ = 0;
    std::string current_;
};

//-----------------------------------------------------------------------------
// [SECTION] Styles
//-----------------------------------------------------------------------------

// Built-in number formats that are dates or times: 14–22 (m/d/yyyy, h:mm …),
// 45–47 (mm:ss …) and the East Asian ones 27–36 and 50–58 (yyyy"年"m"月" …),
// which Chinese Excel and WPS use for their default date cells.
bool builtin_format_is_date(int id) {
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

}  // namespace

// A custom format code is a date/time when y, m, d, h or s (any case) stands
// outside "quoted text", [brackets] (colours, conditions, locales), \escapes
// and the character after _ (padding) or * (fill). "General", "0.00",
// "[Red]0" are not; "yyyy/m/d", "[$-804]yyyy\"年\"m\"月\"", "h:mm" are.
bool number_format_is_date(std::string_view code) {
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char c = code[i];
        switch (c) {
            case '"': {
                const std::size_t close = code.find('"', i + 1);
                if (close == std::string_view::npos) return false;
                i = close;
                break;
            }
            case '[': {
                const std::size_t close = code.find(']', i + 1);
                if (close == std::string_view::npos) return false;
                i = close;
                break;
            }
            case '\\':
            case '_':
            case '*': ++i; break;
            case ';': return false;  // only the first (positive) section says what the cell is
            default:
                switch (c | 0x20) {  // ASCII lower case
                    case 'y': case 'm': case 'd': case 'h': case 's': return true;
                    default: break;
                }
        }
    }
    return false;
}

namespace {

class StylesHandler final : public Handler {
public:
    void start(std::string_view name, const XML_Char** attrs) override {
        if (name == "numFmt") {
            const XML_Char* id = attribute(attrs, "numFmtId");
            const XML_Char* code = attribute(attrs, "formatCode");
            if (id != nullptr && code != nullptr) custom_[to_int(id)] = number_format_is_date(code);
        } else if (name == "cellXfs") {
            in_cell_xfs_ = true;
        } else if (name == "xf" && in_cell_xfs_) {
            if (format_of_xf_.size() >= 1000000) return refuse("styles.xml 的单元格格式太多，不是 Excel 保存的文件");
            const XML_Char* id = attribute(attrs, "numFmtId");
            format_of_xf_.push_back(id != nullptr ? to_int(id) : 0);
        }
    }
    void end(std::string_view name) override {
        if (name == "cellXfs") in_cell_xfs_ = false;
    }

    // Per cell style index (the cell's s="…"): is it a date format?
    std::vector<bool> xf_is_date() const {
        std::vector<bool> out;
        out.reserve(format_of_xf_.size());
        for (const int id : format_of_xf_) {
            const auto custom = custom_.find(id);
            out.push_back(custom != custom_.end() ? custom->second : builtin_format_is_date(id));
        }
        return out;
    }

private:
    static int to_int(const XML_Char* s) {
        int v = -1;
        const std::string_view t(s);
        std::from_chars(t.data(), t.data() + t.size(), v);
        return v;
    }
    bool in_cell_xfs_ = false;
    std::unordered_map<int, bool> custom_;  // a custom code may also redefine a built-in id
    std::vector<int> format_of_xf_;
};

//-----------------------------------------------------------------------------
// [SECTION] Worksheets
//-----------------------------------------------------------------------------

constexpr int kExcelMaxRows = 1048576;
constexpr int kExcelMaxCols = 16384;

// "B9" → {8, 1}; letters only (col set, row = -1) for a ref like "B"; false when malformed.
bool parse_ref(std::string_view ref, int& row, int& col) {
    std::size_t i = 0;
    int c = 0;
    while (i < ref.size() && i < 4) {
        const char ch = static_cast<char>(ref[i] & ~0x20);  // upper case
        if (ch < 'A' || ch > 'Z') break;
        c = c * 26 + (ch - 'A' + 1);
        ++i;
    }
    if (i == 0 || c > kExcelMaxCols) return false;
    // A leading '$' (absolute refs) is not written in r="…"; no need to accept it.
    int r = 0;
    const std::size_t digits_start = i;
    while (i < ref.size() && ref[i] >= '0' && ref[i] <= '9' && i - digits_start < 8) {
        r = r * 10 + (ref[i] - '0');
        ++i;
    }
    if (i != ref.size() || i == digits_start || r < 1 || r > kExcelMaxRows) return false;
    row = r - 1;
    col = c - 1;
    return true;
}

// ISO 8601 "2023-09-01" or "2023-09-01T07:30:00" (t="d" cells) → a 1900-system serial.
std::optional<double> iso_to_serial(std::string_view s, bool date1904) {
    auto num = [&](std::size_t pos, std::size_t len, int& out) {
        if (pos + len > s.size()) return false;
        out = 0;
        for (std::size_t k = pos; k < pos + len; ++k) {
            if (s[k] < '0' || s[k] > '9') return false;
            out = out * 10 + (s[k] - '0');
        }
        return true;
    };
    int y, m, d, hh = 0, mm = 0, ss = 0;
    if (!num(0, 4, y) || s.size() < 10 || s[4] != '-' || !num(5, 2, m) || s[7] != '-' || !num(8, 2, d)) return std::nullopt;
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    if (s.size() >= 19 && s[10] == 'T') {
        if (!num(11, 2, hh) || !num(14, 2, mm) || !num(17, 2, ss) || hh > 23 || mm > 59 || ss > 59) return std::nullopt;
    }
    // Days from civil (Howard Hinnant), then 1970-01-01 = serial 25569.
    const int yy = y - (m <= 2 ? 1 : 0);
    const int era = (yy >= 0 ? yy : yy - 399) / 400;
    const int yoe = yy - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const long long days = static_cast<long long>(era) * 146097 + doe - 719468;
    double serial = static_cast<double>(days + 25569);
    if (!date1904 && serial < 61) serial -= 1;  // Lotus's phantom 1900-02-29
    if (date1904) serial -= 1462;
    return serial + (hh * 3600 + mm * 60 + ss) / 86400.0;
}

// What the sheets read so far hold, against the workbook's limits. Cell text
// counts too: a 1 MB shared string in 10^5 cells would be 100 GB of copies
// from a file of a few MB, so the text stored is bounded by the same budget
// as the bytes inflated.
struct Usage {
    std::size_t cells = 0;
    std::uint64_t text_bytes = 0;
};

// An element's local name against a short literal, compared inline: a
// string_view == calls memcmp, and start()/end() run for every <c> and <v>.
inline bool is(std::string_view name, std::string_view want) {
    if (name.size() != want.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i)
        if (name[i] != want[i]) return false;
    return true;
}

// "19", "-3", "46265": up to 15 digits, so exactly a double; nullopt for
// anything else (a point, an exponent, a sign alone), left to from_chars.
inline std::optional<double> small_whole_number(std::string_view v) {
    std::size_t i = v.starts_with('-') ? 1 : 0;
    if (v.size() == i || v.size() - i > 15) return std::nullopt;
    std::int64_t n = 0;
    for (std::size_t k = i; k < v.size(); ++k) {
        const char c = v[k];
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (i && n == 0) return std::nullopt;  // "-0" is -0.0
    return static_cast<double>(i ? -n : n);
}

// Streams one worksheet's <sheetData> into a Sheet. Only cells with a value
// (or a formula) are stored: styled blanks, which Excel writes for every
// formatted empty cell, would otherwise fill rows out to their last format.
class WorksheetHandler final : public Handler {
public:
    WorksheetHandler(Sheet& sheet, const std::vector<std::string>& shared, const std::vector<bool>& xf_is_date,
                     bool date1904, const WorkbookLimits& limits, Usage& usage,
                     std::vector<ReadProblem>& problems)
        : sheet_(sheet), shared_(shared), xf_is_date_(xf_is_date), date1904_(date1904), limits_(limits),
          usage_(usage), problems_(problems) {}

    void start(std::string_view name, const XML_Char** attrs) override {
        if (in_cell_) {
            if (is(name, "v")) {
                in_v_ = true;
                has_v_ = true;
            } else if (is(name, "f")) {
                has_f_ = true;
            } else if (is(name, "is")) {
                in_is_ = true;
                has_is_ = true;
            } else if (is(name, "rPh")) {
                ++phonetic_depth_;
            } else if (is(name, "t") && in_is_ && phonetic_depth_ == 0) {
                in_t_ = true;
            }
            return;
        }
        // <c> and <row> count only inside <sheetData>: an extension part may reuse the local names.
        if (in_sheet_data_) {
            if (is(name, "c")) return start_cell(attrs);
            if (is(name, "row")) return start_row(attrs);
        } else if (is(name, "sheetData")) {
            in_sheet_data_ = true;
        } else if (is(name, "mergeCell")) {
            add_merge(attrs);
        }
    }

    void end(std::string_view name) override {
        if (!in_cell_) {
            if (is(name, "sheetData")) in_sheet_data_ = false;
            return;
        }
        if (is(name, "v")) in_v_ = false;
        else if (is(name, "t")) in_t_ = false;
        else if (is(name, "is")) in_is_ = false;
        else if (is(name, "rPh")) { if (phonetic_depth_ > 0) --phonetic_depth_; }
        else if (is(name, "c")) finish_cell();
    }

    void text(const XML_Char* s, int len) override {
        if (in_v_ || in_t_) value_.append(s, static_cast<std::size_t>(len));
    }

    // Merged ranges: only the top-left cell keeps a value, as Excel keeps it
    // (LibreOffice can save the hidden cells' old contents).
    void apply_merges() {
        std::size_t work = 0;
        for (const auto& m : merges_) {
            for (int r = m.r1; r <= m.r2 && r < sheet_.row_count(); ++r) {
                auto& row = sheet_.rows[static_cast<std::size_t>(r)];
                const int last = std::min(m.c2, static_cast<int>(row.size()) - 1);
                for (int c = m.c1; c <= last; ++c) {
                    if (r == m.r1 && c == m.c1) continue;
                    // Overlapping ranges (no writer makes them) must not make this quadratic.
                    if (++work > limits_.max_cells) return;
                    row[static_cast<std::size_t>(c)] = Cell{};
                }
                ++work;
            }
        }
    }

private:
    struct Merge {
        int r1, c1, r2, c2;
    };
    enum class Type : std::uint8_t { number, shared, str, inline_str, boolean, error, date };

    void start_row(const XML_Char** attrs) {
        const XML_Char* r = attribute(attrs, "r");
        int row = row_ + 1;  // a row without r follows the one before
        if (r != nullptr) {
            int parsed = 0;
            const std::string_view v(r);
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
            if (ec != std::errc() || p != v.data() + v.size() || parsed < 1 || parsed > kExcelMaxRows)
                return refuse("第 " + std::string(v) + " 行的行号无效，这个文件可能损坏了。" + std::string(kSaveAsXlsx));
            row = parsed - 1;
        }
        row_ = row;
        next_col_ = 0;
    }

    void start_cell(const XML_Char** attrs) {
        in_cell_ = true;
        has_v_ = has_f_ = has_is_ = in_v_ = in_t_ = in_is_ = false;
        phonetic_depth_ = 0;
        value_.clear();
        cell_row_ = row_ < 0 ? 0 : row_;
        cell_col_ = next_col_;
        type_ = Type::number;
        style_ = 0;
        for (const XML_Char** a = attrs; *a != nullptr; a += 2) {
            // Single-letter names, tested in place: this loop runs for every cell.
            const XML_Char* key = a[0];
            const char k = key[0] != '\0' && key[1] == '\0' ? key[0] : local_name(key).size() == 1 ? local_name(key)[0] : '\0';
            if (k == '\0') continue;
            const std::string_view v(a[1]);
            if (k == 'r') {
                if (!parse_ref(v, cell_row_, cell_col_))
                    return refuse("单元格位置“" + std::string(v) + "”无效，这个文件可能损坏了。" + std::string(kSaveAsXlsx));
            } else if (k == 't') {
                if (v == "s") type_ = Type::shared;
                else if (v == "str") type_ = Type::str;
                else if (v == "inlineStr") type_ = Type::inline_str;
                else if (v == "b") type_ = Type::boolean;
                else if (v == "e") type_ = Type::error;
                else if (v == "d") type_ = Type::date;
                else type_ = Type::number;  // "n", and anything unknown is read as a number
            } else if (k == 's') {
                std::from_chars(v.data(), v.data() + v.size(), style_);
            }
        }
    }

    std::string place() const { return sheet_.name + "!" + CellRef{cell_row_, cell_col_}.to_a1(); }

    void cell_problem(std::string message) {
        if (problems_.size() < kMaxCellProblems) problems_.push_back({place(), std::move(message)});
        else if (problems_.size() == kMaxCellProblems) problems_.push_back({sheet_.name, "还有更多问题，没有一一列出"});
    }

    void finish_cell() {
        in_cell_ = false;
        next_col_ = cell_col_ + 1;
        row_ = cell_row_;
        Cell cell;
        cell.formula = has_f_;
        const bool has_value = has_is_ || (has_v_ && (!value_.empty() || type_ == Type::str));
        if (!has_value) {
            if (!has_f_) return;  // a styled blank
            cell.formula_without_value = true;
        } else {
            switch (type_) {
                case Type::shared: {
                    std::size_t index = 0;
                    const auto [p, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), index);
                    if (ec != std::errc() || p != value_.data() + value_.size() || index >= shared_.size()) {
                        cell_problem("引用了不存在的共享文本（编号 " + value_ + "），这个文件可能损坏了");
                        return;
                    }
                    cell.text = shared_[index];
                    if (!cell.text.empty()) cell.kind = Cell::Kind::text;
                    break;
                }
                case Type::str:
                case Type::inline_str:
                    text_encoding::decode_ooxml_escapes(value_);
                    cell.text = value_;
                    if (!cell.text.empty()) cell.kind = Cell::Kind::text;
                    break;
                case Type::boolean:
                    cell.kind = Cell::Kind::boolean;
                    cell.number = (value_ == "1" || value_ == "true" || value_ == "TRUE") ? 1 : 0;
                    break;
                case Type::error:
                    cell.kind = Cell::Kind::error;
                    cell.text = value_;
                    break;
                case Type::date: {
                    const auto serial = iso_to_serial(value_, date1904_);
                    if (!serial) {
                        cell_problem("日期“" + value_ + "”无法识别");
                        return;
                    }
                    cell.kind = Cell::Kind::number;
                    cell.number = *serial;
                    cell.is_date = true;
                    break;
                }
                case Type::number: {
                    double number = 0;
                    const char* first = value_.data();
                    const char* last = value_.data() + value_.size();
                    if (const auto whole = small_whole_number(value_)) {
                        number = *whole;  // most scores: exactly what from_chars gives, without its cost
                    } else if (const auto [p, ec] = std::from_chars(first, last, number);
                               ec != std::errc() || p != last || !std::isfinite(number)) {
                        cell_problem("数值“" + value_ + "”无法识别，这个文件可能损坏了");
                        return;
                    }
                    cell.kind = Cell::Kind::number;
                    cell.number = number;
                    cell.is_date = style_ >= 0 && static_cast<std::size_t>(style_) < xf_is_date_.size() &&
                                   xf_is_date_[static_cast<std::size_t>(style_)];
                    break;
                }
            }
        }
        store(std::move(cell));
    }

    void store(Cell&& cell) {
        if (cell.is_empty() && !cell.formula) return;  // an empty inline string: nothing to keep
        if (cell_row_ >= limits_.max_rows)
            return refuse("工作表超过 " + std::to_string(limits_.max_rows) + " 行（" + place() + "），文件太大");
        if (cell_col_ >= limits_.max_cols)
            return refuse("工作表超过 " + std::to_string(limits_.max_cols) + " 列（" + place() + "），文件太大");
        usage_.text_bytes += cell.text.size();
        if (usage_.text_bytes > limits_.max_uncompressed_bytes)
            return refuse("单元格里的文字加起来超过 " + mib(limits_.max_uncompressed_bytes) + "（" + place() + "），文件太大");
        auto& rows = sheet_.rows;
        if (static_cast<std::size_t>(cell_row_) >= rows.size()) {
            // The previous row's width is the best guess for this one's.
            const std::size_t width = rows.empty() ? 0 : rows.back().size();
            rows.resize(static_cast<std::size_t>(cell_row_) + 1);
            rows.back().reserve(width);
        }
        auto& row = rows[static_cast<std::size_t>(cell_row_)];
        if (static_cast<std::size_t>(cell_col_) >= row.size()) {
            const std::size_t added = static_cast<std::size_t>(cell_col_) + 1 - row.size();
            if (added > limits_.max_cells - usage_.cells)
                return refuse("单元格超过 " + std::to_string(limits_.max_cells) + " 个（" + place() + "），文件太大");
            usage_.cells += added;
            row.resize(static_cast<std::size_t>(cell_col_) + 1);
        }
        row[static_cast<std::size_t>(cell_col_)] = std::move(cell);
    }

    void add_merge(const XML_Char** attrs) {
        const XML_Char* ref = attribute(attrs, "ref");
        if (ref == nullptr) return;
        const std::string_view v(ref);
        const std::size_t colon = v.find(':');
        if (colon == std::string_view::npos) return;
        Merge m{};
        if (!parse_ref(v.substr(0, colon), m.r1, m.c1) || !parse_ref(v.substr(colon + 1), m.r2, m.c2)) return;
        if (m.r1 > m.r2) std::swap(m.r1, m.r2);
        if (m.c1 > m.c2) std::swap(m.c1, m.c2);
        if (merges_.size() < 1000000) merges_.push_back(m);
    }

    Sheet& sheet_;
    const std::vector<std::string>& shared_;
    const std::vector<bool>& xf_is_date_;
    bool date1904_;
    const WorkbookLimits& limits_;
    Usage& usage_;
    std::vector<ReadProblem>& problems_;

    bool in_sheet_data_ = false;
    int row_ = -1;  // the current <row>'s index
    int next_col_ = 0;
    bool in_cell_ = false, in_v_ = false, in_t_ = false, in_is_ = false;
    bool has_v_ = false, has_f_ = false, has_is_ = false;
    int phonetic_depth_ = 0;
    int cell_row_ = 0, cell_col_ = 0;
    Type type_ = Type::number;
    int style_ = 0;
    std::string value_;  // the <v> or inline <t> text; reused, so no allocation per cell
    std::vector<Merge> merges_;
};

//-----------------------------------------------------------------------------
// [SECTION] read_xlsx_bytes()
//-----------------------------------------------------------------------------

// What the zip is when it is not a workbook: an OpenDocument or another Office file.
void refuse_other_zip(Package& package) {
    if (const auto index = package.find("mimetype")) {
        const std::string mime = package.read_small(*index, "mimetype", 256);
        if (mime.starts_with("application/vnd.oasis.opendocument"))
            throw Refusal{"", "这是 OpenDocument（.ods）文件，读不了。" + std::string(kSaveAsXlsx)};
    }
    if (package.has("word/document.xml"))
        throw Refusal{"", "这是 Word 文档，不是 Excel 工作簿。请选学校的 .xlsx 工作簿"};
    if (package.has("ppt/presentation.xml"))
        throw Refusal{"", "这是 PowerPoint 演示文稿，不是 Excel 工作簿。请选学校的 .xlsx 工作簿"};
    throw Refusal{"", "不是有效的 .xlsx 文件（里面没有 xl/workbook.xml）。" + std::string(kSaveAsXlsx)};
}

Workbook read_package(std::string_view bytes, const WorkbookLimits& limits, std::vector<ReadProblem>& problems) {
    Package package(bytes, limits);

    // The workbook part, where the package's root relationships say it is.
    std::string workbook_part = "xl/workbook.xml";
    for (const auto& rel : read_rels(package, "_rels/.rels", "")) {
        if (type_is(rel.type, "officeDocument")) {
            workbook_part = rel.target;
            break;
        }
    }
    if (workbook_part.ends_with(".bin"))
        throw Refusal{"", "这是 Excel 二进制工作簿（.xlsb），读不了。" + std::string(kSaveAsXlsx)};
    const auto workbook_index = package.find(workbook_part);
    if (!workbook_index) refuse_other_zip(package);

    WorkbookHandler workbook_handler(limits.max_sheets);
    parse_part(package, *workbook_index, workbook_part, workbook_handler, "");
    const auto rels = read_rels(package, rels_of(workbook_part), dir_of(workbook_part));

    auto part_of_type = [&](std::string_view type, std::string fallback) {
        for (const auto& rel : rels)
            if (type_is(rel.type, type)) return rel.target;
        return fallback;
    };
    const std::string base(dir_of(workbook_part));

    SharedStringsHandler shared(limits.max_cells);
    const std::string shared_part = part_of_type("sharedStrings", base + "sharedStrings.xml");
    if (const auto index = package.find(shared_part)) {
        if (!scan_part(package, *index, shared_part, shared, "")) {
            SharedStringsHandler again(limits.max_cells);
            parse_part(package, *index, shared_part, again, "");
            shared.strings = std::move(again.strings);
        }
    }

    StylesHandler styles;
    const std::string styles_part = part_of_type("styles", base + "styles.xml");
    if (const auto index = package.find(styles_part)) parse_part(package, *index, styles_part, styles, "");
    const std::vector<bool> xf_is_date = styles.xf_is_date();

    Workbook book;
    book.date1904 = workbook_handler.date1904;
    book.sheets.reserve(workbook_handler.sheets.size());
    Usage usage;
    std::unordered_map<std::string_view, const Relationship*> rel_by_id;
    for (const auto& r : rels) rel_by_id[r.id] = &r;  // the last one, if an id is written twice
    for (const SheetEntry& entry : workbook_handler.sheets) {
        Sheet& sheet = book.sheets.emplace_back();
        sheet.name = entry.name;
        const auto found = rel_by_id.find(entry.rel_id);
        const Relationship* rel = found == rel_by_id.end() ? nullptr : found->second;
        if (rel == nullptr) {
            problems.push_back({sheet.name, "工作簿里找不到这张工作表的内容（关系 " + entry.rel_id + " 不存在），文件可能损坏了"});
            continue;
        }
        // Chart sheets and dialog sheets hold no cells: an empty sheet.
        if (!type_is(rel->type, "worksheet")) continue;
        const auto index = package.find(rel->target);
        if (!index) {
            problems.push_back({sheet.name, "工作表的内容 " + rel->target + " 不在文件里，文件可能损坏了"});
            continue;
        }
        const Usage usage_before = usage;
        const std::size_t problems_before = problems.size();
        {
            WorksheetHandler handler(sheet, shared.strings, xf_is_date, book.date1904, limits, usage, problems);
            if (scan_part(package, *index, rel->target, handler, sheet.name)) {
                handler.apply_merges();
                continue;
            }
        }
        // Given up: what it stored goes, and expat reads the part from the start.
        sheet.rows.clear();
        usage = usage_before;
        problems.resize(problems_before);
        WorksheetHandler handler(sheet, shared.strings, xf_is_date, book.date1904, limits, usage, problems);
        parse_part(package, *index, rel->target, handler, sheet.name);
        handler.apply_merges();
    }
    return book;
}

}  // namespace

ReadResult read_xlsx_bytes(std::string_view bytes, std::string file_label, const WorkbookLimits& limits) {
    ReadResult result;
    auto refuse = [&](std::string message) {
        result.problems.push_back({"", std::move(message)});
        return result;
    };
    if (bytes.empty()) return refuse("文件是空的（0 字节），可能没有保存完整。请重新保存后再试");
    if (bytes.size() > limits.max_file_bytes)
        return refuse("文件太大（" + mib(bytes.size()) + "，最多 " + mib(limits.max_file_bytes) + "）");
    if (bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
        return refuse("这是旧版 .xls 格式（或 WPS 的 .et 格式，或加了密码的工作簿），读不了。" + std::string(kSaveAsXlsx) +
                      "（有密码的先取消密码）");
    if (!bytes.starts_with("PK\x03\x04") && !bytes.starts_with("PK\x05\x06"))
        return refuse("不是 .xlsx 文件。" + std::string(kSaveAsXlsx));
    try {
        Workbook book = read_package(bytes, limits, result.problems);
        book.file_label = std::move(file_label);
        result.book = std::move(book);
    } catch (const Refusal& refusal) {
        result.problems.push_back({refusal.where, refusal.message});
    } catch (const std::bad_alloc&) {
        result.problems.push_back({"", "内存不足，读不了这个文件"});
    }
    return result;
}

}  // namespace campus::publish
