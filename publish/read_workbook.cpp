// read_workbook(): a path → the right reader. A folder is a workbook of CSV
// files; a file is sniffed by its first bytes, not by its name (a clerk's
// "周报.xlsx" may be an .xls renamed, and the reverse).
//
// [SECTION] Files: reading with limits, messages that name the path
// [SECTION] CSV folder
// [SECTION] read_workbook()
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "publish/text_encoding.hpp"
#include "publish/workbook.hpp"

namespace campus::publish {

namespace fs = std::filesystem;

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Files
//-----------------------------------------------------------------------------

std::string mib(std::uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB"; }

std::string errno_message(int error, const std::string& path) {
    switch (error) {
        case ENOENT:
        case ENOTDIR: return "找不到文件或文件夹：" + path;
        case EACCES:
        case EPERM: return "没有权限读取：" + path + "（请检查文件的权限，或换一个位置保存）";
        case EISDIR: return "这是文件夹，不是文件：" + path;
        default: return "读不了 " + path + "：" + std::strerror(error);
    }
}

// The whole file, or the message why not (size checked before reading).
struct FileBytes {
    std::string bytes;
    std::string problem;
};

FileBytes read_file(const std::string& path, std::uint64_t max_bytes) {
    FileBytes out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        out.problem = errno_message(errno, path);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        out.problem = errno_message(errno, path);
        ::close(fd);
        return out;
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        out.problem = "文件太大（" + mib(static_cast<std::uint64_t>(st.st_size)) + "，最多 " + mib(max_bytes) + "）：" + path;
        ::close(fd);
        return out;
    }
    out.bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.bytes.size()) {
        const ssize_t n = ::read(fd, out.bytes.data() + done, out.bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.problem = errno_message(errno, path);
            break;
        }
        if (n == 0) break;  // the file shrank while we read: take what is there
        done += static_cast<std::size_t>(n);
    }
    out.bytes.resize(done);
    ::close(fd);
    return out;
}

// "周报.xlsx" for "/home/office/周报.xlsx", "红旗" for "data/红旗/".
std::string label_of(const fs::path& path) {
    fs::path p = path.lexically_normal();
    if (p.has_filename() == false && p.has_parent_path()) p = p.parent_path();
    std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..") {
        std::error_code ec;
        const fs::path absolute = fs::weakly_canonical(path, ec);
        if (!ec && absolute.has_filename()) name = absolute.filename().string();
    }
    return name.empty() ? path.string() : name;
}

bool ends_with_csv(const std::string& name) {
    if (name.size() < 4) return false;
    std::string ext = name.substr(name.size() - 4);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".csv";
}

//-----------------------------------------------------------------------------
// [SECTION] CSV folder
//-----------------------------------------------------------------------------

ReadResult read_csv_folder(const fs::path& folder, const std::string& shown, const WorkbookLimits& limits) {
    ReadResult result;
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    if (ec) {
        result.problems.push_back({"", errno_message(ec.value(), shown)});
        return result;
    }
    std::vector<std::string> csv_files;
    bool has_workbook_file = false;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const std::string name = it->path().filename().string();
        // Lock files of Excel/WPS ("~$班级.csv"), hidden files (macOS copies'
        // "._班级.csv", LibreOffice's ".~lock.…") are not sheets.
        if (name.starts_with("~$") || name.starts_with(".")) continue;
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec)) continue;
        if (ends_with_csv(name)) csv_files.push_back(name);
        else if (name.ends_with(".xlsx") || name.ends_with(".XLSX")) has_workbook_file = true;
    }
    if (ec) {
        result.problems.push_back({"", errno_message(ec.value(), shown)});
        return result;
    }
    if (csv_files.empty()) {
        std::string message = "文件夹里没有 .csv 文件：" + shown;
        if (has_workbook_file) message += "（里面有 .xlsx 工作簿：请直接选那个文件）";
        result.problems.push_back({"", std::move(message)});
        return result;
    }
    if (csv_files.size() > limits.max_sheets) {
        result.problems.push_back({"", "文件夹里的 .csv 文件太多（" + std::to_string(csv_files.size()) + " 个，最多 " +
                                           std::to_string(limits.max_sheets) + " 个）：" + shown});
        return result;
    }
    // Byte order of the UTF-8 names: the same on every machine, whatever its locale.
    std::sort(csv_files.begin(), csv_files.end());

    Workbook book;
    book.file_label = label_of(folder);
    std::uint64_t bytes_read = 0;
    std::size_t cells_used = 0;
    for (const std::string& file_name : csv_files) {
        std::string sheet_name = file_name.substr(0, file_name.size() - 4);
        if (!text_encoding::is_valid_utf8(sheet_name)) {
            // A name from a Windows zip or USB stick can be GBK bytes.
            if (auto converted = text_encoding::gb18030_to_utf8(sheet_name)) {
                sheet_name = std::move(*converted);
            } else {
                result.problems.push_back({"", "文件名不是有效的 UTF-8 或 GBK 文字，请给这个文件改名：" +
                                                   (folder / file_name).string()});
                continue;
            }
        }
        FileBytes file = read_file((folder / file_name).string(), limits.max_file_bytes);
        if (!file.problem.empty()) {
            result.problems.push_back({sheet_name, std::move(file.problem)});
            continue;
        }
        bytes_read += file.bytes.size();
        if (bytes_read > limits.max_uncompressed_bytes) {
            result.problems.push_back({"", "文件夹里的 .csv 文件加起来太大（最多 " + mib(limits.max_uncompressed_bytes) + "）：" + shown});
            return ReadResult{std::nullopt, std::move(result.problems)};
        }
        WorkbookLimits remaining = limits;
        remaining.max_cells = limits.max_cells - cells_used;
        ReadResult one = read_csv_bytes(file.bytes, sheet_name, book.file_label, remaining);
        for (auto& p : one.problems) result.problems.push_back(std::move(p));
        if (!one.book) continue;
        for (Sheet& sheet : one.book->sheets) {
            for (const auto& row : sheet.rows) cells_used += row.size();
            book.sheets.push_back(std::move(sheet));
        }
    }
    result.book = std::move(book);
    return result;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] read_workbook()
//-----------------------------------------------------------------------------

ReadResult read_workbook(const std::string& path, const WorkbookLimits& limits) {
    ReadResult result;
    auto refuse = [&](std::string message) {
        result.problems.push_back({"", std::move(message)});
        return result;
    };
    if (path.empty()) return refuse("没有给出工作簿的路径");
    const fs::path p(path);
    std::error_code ec;
    const fs::file_status status = fs::status(p, ec);
    if (status.type() == fs::file_type::not_found) return refuse("找不到文件或文件夹：" + path);
    if (ec) return refuse(errno_message(ec.value(), path));
    if (status.type() == fs::file_type::directory) return read_csv_folder(p, path, limits);
    if (status.type() != fs::file_type::regular) return refuse("不是普通文件：" + path);

    FileBytes file = read_file(path, limits.max_file_bytes);
    if (!file.problem.empty()) return refuse(std::move(file.problem));
    const std::string_view bytes(file.bytes);
    if (bytes.empty()) return refuse("文件是空的（0 字节），可能没有保存完整：" + path);
    if (bytes.starts_with("PK\x03\x04") || bytes.starts_with("PK\x05\x06") ||
        bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
        return read_xlsx_bytes(bytes, label_of(p), limits);  // it refuses an OLE2 (.xls/.et) itself
    if (ends_with_csv(p.filename().string()))
        return refuse("一个 .csv 文件只是一张工作表。请把各张表的 .csv 文件（学校.csv、班级.csv …）放在同一个文件夹里，然后选这个文件夹：" +
                      path);
    return refuse("不是能读的工作簿：" + path +
                  "。能读的是 Excel 或 WPS 保存的 .xlsx 工作簿，或放着各张表 .csv 文件（UTF-8 或 GBK 编码）的文件夹");
}

}  // namespace campus::publish
