// workbook_build: how long the office's program takes to turn a workbook into a
// feed — read the .xlsx (or CSV folder), apply every rule of the workbook
// contract, and check the result as a screen would (kiosk-feed build without
// the file write). bench/run writes the workbooks (bench/lib/make_workbook.py)
// and times Python's openpyxl on the same files beside this.
//
//   workbook_build BOOK [--reps K]
//
// Prints two lines on stdout, medians over K repetitions (default 5): wall time,
// and the CPU time of this thread, which waiting for a core on a shared machine
// does not inflate:
//   workbook_build_ms 123.4 ms
//   workbook_build_cpu_ms 120.1 ms
// A workbook that does not build is an error (exit 1, its problems on stderr):
// a figure for a failed build would measure nothing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "publish/workbook_feed.hpp"

namespace {

double thread_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string book;
    int reps = 5;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--reps" && i + 1 < argc) {
            reps = std::max(1, std::atoi(argv[++i]));
        } else if (book.empty() && arg.rfind("--", 0) != 0) {
            book = arg;
        } else {
            std::fprintf(stderr, "usage: workbook_build BOOK [--reps K]\n");
            return 2;
        }
    }
    if (book.empty()) {
        std::fprintf(stderr, "usage: workbook_build BOOK [--reps K]\n");
        return 2;
    }
    campus::publish::BuildOptions options;
    options.generated_at = "2026-11-20T07:30:00+08:00";  // fixed: the clock is not what is measured
    std::vector<double> wall, cpu;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = thread_cpu_ms();
        const campus::publish::PathBuildResult built = campus::publish::build_feed_from_path(book, options);
        const double c1 = thread_cpu_ms();
        const auto t1 = std::chrono::steady_clock::now();
        if (!built.result.ok()) {
            for (const auto& problem : built.result.problems)
                std::fprintf(stderr, "%s\n", campus::publish::format_problem(built.file_label, problem).c_str());
            return 1;
        }
        wall.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        cpu.push_back(c1 - c0);
        std::fprintf(stderr, "workbook_build: run %d: %.1f ms\n", i + 1, wall.back());
    }
    std::printf("workbook_build_ms %.1f ms\nworkbook_build_cpu_ms %.1f ms\n", median(wall), median(cpu));
    return 0;
}
