// workbook_read: how long the office's program takes to read a school's
// workbook (publish/read_workbook's two readers) of N classes × W weekly score
// rows: a 班级 sheet of N classes and a 流动红旗 score sheet of N × W rows
// (周次, 班级, 开始日期 as a date cell, the five criteria 纪律 出勤 课间操 仪表
// 卫生, and a 总分 =SUM formula with its value), as libxlsxwriter writes it,
// and the same two sheets as UTF-8 CSV. Both are made in memory before the
// timed region, so the disk is not measured; only the reading into cells.
//
//   workbook_read [--classes N[,N...]] [--weeks W] [--reps K] [--write FILE.xlsx]
//
// Prints per size, medians over K repetitions, wall time and this thread's CPU time:
//   workbook_read_xlsx_ms_2000_classes 240.1 ms
//   workbook_read_xlsx_cpu_ms_2000_classes 231.0 ms
//   workbook_read_csv_ms_2000_classes 40.2 ms
//   workbook_read_csv_cpu_ms_2000_classes 39.9 ms
// --write keeps the (last size's) .xlsx, e.g. to time another reader on it:
//   /usr/bin/python3 -c 'import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True);
//       [c for ws in wb for r in ws.iter_rows(values_only=True) for c in r]' FILE.xlsx

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "publish/workbook.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace campus::publish;

double thread_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Options {
    std::vector<int> classes{2000};
    int weeks = 20;
    int reps = 5;
    std::string write;
};

int parse_positive(const char* text) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (!end || *end != '\0' || v < 1 || v > 1'000'000) {
        std::fprintf(stderr, "workbook_read: expected a positive integer, got \"%s\"\n", text);
        std::exit(2);
    }
    return static_cast<int>(v);
}

// 一年级1班 … : N distinct class names, as many grades as it takes.
std::string class_name(int k) { return std::to_string(k / 40 + 1) + "年级" + std::to_string(k % 40 + 1) + "班"; }

double score(int k, int criterion, int week) { return static_cast<double>((k * 7 + criterion * 3 + week) % 11); }

std::string make_xlsx(int classes, int weeks, const std::filesystem::path& file) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;  // rows are written in order; keeps the generator small
    lxw_workbook* wb = workbook_new_opt(file.c_str(), &options);
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy/m/d");
    lxw_worksheet* roster = workbook_add_worksheet(wb, "班级");
    worksheet_write_string(roster, 0, 0, "班级", nullptr);
    worksheet_write_string(roster, 0, 1, "班主任", nullptr);
    for (int k = 0; k < classes; ++k) {
        worksheet_write_string(roster, static_cast<lxw_row_t>(k + 1), 0, class_name(k).c_str(), nullptr);
        worksheet_write_string(roster, static_cast<lxw_row_t>(k + 1), 1, "王老师", nullptr);
    }
    lxw_worksheet* flag = workbook_add_worksheet(wb, "流动红旗");
    const char* headers[] = {"周次", "班级", "开始日期", "纪律", "出勤", "课间操", "仪表", "卫生", "总分"};
    worksheet_write_string(flag, 0, 0, "2023年秋季学期流动红旗评比表", nullptr);
    for (lxw_col_t c = 0; c < 9; ++c) worksheet_write_string(flag, 1, c, headers[c], nullptr);
    lxw_row_t r = 2;
    for (int w = 1; w <= weeks; ++w) {
        for (int k = 0; k < classes; ++k, ++r) {
            worksheet_write_number(flag, r, 0, w, nullptr);
            worksheet_write_string(flag, r, 1, class_name(k).c_str(), nullptr);
            lxw_datetime monday{2023, 9, 4, 0, 0, 0};
            worksheet_write_datetime(flag, r, 2, &monday, date);
            double total = 0;
            for (lxw_col_t c = 3; c < 8; ++c) {
                total += score(k, c, w);
                worksheet_write_number(flag, r, c, score(k, c, w), nullptr);
            }
            const std::string formula = "=SUM(D" + std::to_string(r + 1) + ":H" + std::to_string(r + 1) + ")";
            worksheet_write_formula_num(flag, r, 8, formula.c_str(), nullptr, total);
        }
    }
    if (workbook_close(wb) != LXW_NO_ERROR) {
        std::fprintf(stderr, "workbook_read: libxlsxwriter could not write %s\n", file.c_str());
        std::exit(1);
    }
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string make_score_csv(int classes, int weeks) {
    std::string csv = "2023年秋季学期流动红旗评比表\r\n周次,班级,开始日期,纪律,出勤,课间操,仪表,卫生,总分\r\n";
    for (int w = 1; w <= weeks; ++w) {
        for (int k = 0; k < classes; ++k) {
            csv += std::to_string(w);
            csv += ',';
            csv += class_name(k);
            csv += ",2023-09-04";
            double total = 0;
            for (int c = 3; c < 8; ++c) {
                total += score(k, c, w);
                csv += ',';
                csv += std::to_string(static_cast<int>(score(k, c, w)));
            }
            csv += ',';
            csv += std::to_string(static_cast<int>(total));
            csv += "\r\n";
        }
    }
    return csv;
}

struct Timing {
    double wall_ms, cpu_ms;
};

template <class Read>
Timing median_of(int reps, Read read) {
    std::vector<double> wall, cpu;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = Clock::now();
        const double c0 = thread_cpu_ms();
        read();
        cpu.push_back(thread_cpu_ms() - c0);
        wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (i + 1 >= argc) {
            std::fprintf(stderr, "usage: workbook_read [--classes N[,N...]] [--weeks W] [--reps K] [--write FILE.xlsx]\n");
            return 2;
        }
        if (arg == "--classes") {
            options.classes.clear();
            std::string list(argv[++i]);
            for (std::size_t start = 0; start <= list.size();) {
                const std::size_t comma = std::min(list.find(',', start), list.size());
                options.classes.push_back(parse_positive(list.substr(start, comma - start).c_str()));
                start = comma + 1;
            }
        } else if (arg == "--weeks") {
            options.weeks = parse_positive(argv[++i]);
        } else if (arg == "--reps") {
            options.reps = parse_positive(argv[++i]);
        } else if (arg == "--write") {
            options.write = argv[++i];
        } else {
            std::fprintf(stderr, "workbook_read: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    const std::filesystem::path scratch =
        options.write.empty() ? std::filesystem::temp_directory_path() / ("workbook_read_" + std::to_string(::getpid()) + ".xlsx")
                              : std::filesystem::path(options.write);
    for (const int n : options.classes) {
        std::fprintf(stderr, "workbook_read: %d classes x %d weeks\n", n, options.weeks);
        const std::string xlsx = make_xlsx(n, options.weeks, scratch);
        const std::string csv = make_score_csv(n, options.weeks);
        const std::size_t expected_rows = static_cast<std::size_t>(n) * static_cast<std::size_t>(options.weeks) + 2;
        bool ok = true;
        const Timing x = median_of(options.reps, [&] {
            const ReadResult r = read_xlsx_bytes(xlsx, "周报.xlsx");
            ok = ok && r.ok() && r.book->sheets.size() == 2 && r.book->sheets[1].rows.size() == expected_rows;
        });
        const Timing c = median_of(options.reps, [&] {
            const ReadResult r = read_csv_bytes(csv, "流动红旗", "周报");
            ok = ok && r.ok() && r.book->sheets[0].rows.size() == expected_rows;
        });
        if (!ok) {
            std::fprintf(stderr, "workbook_read: a read gave the wrong result\n");
            return 1;
        }
        std::printf("workbook_read_xlsx_ms_%d_classes %.1f ms\n", n, x.wall_ms);
        std::printf("workbook_read_xlsx_cpu_ms_%d_classes %.1f ms\n", n, x.cpu_ms);
        std::printf("workbook_read_csv_ms_%d_classes %.1f ms\n", n, c.wall_ms);
        std::printf("workbook_read_csv_cpu_ms_%d_classes %.1f ms\n", n, c.cpu_ms);
        std::fprintf(stderr, "workbook_read: .xlsx %zu bytes, CSV %zu bytes\n", xlsx.size(), csv.size());
    }
    if (options.write.empty()) std::filesystem::remove(scratch);
    return 0;
}
