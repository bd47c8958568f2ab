// feed_load: how long a screen takes to take in a new feed — parse_feed plus
// the standings of every competition — for a school of N classes with R
// weekly rounds. The document is generated in memory (bench/feed_generator.hpp),
// so disk and network are not measured.
//
//   feed_load [--classes N[,N...]] [--rounds R] [--reps K]
//
// Prints two lines per size on stdout, medians over K repetitions: wall time,
// and the CPU time of this thread (CLOCK_THREAD_CPUTIME_ID), which time spent
// waiting for a core on a shared machine does not inflate:
//   feed_load_ms_2000_classes 123.4 ms
//   feed_load_cpu_ms_2000_classes 120.1 ms
// Progress goes to stderr so scripts can read stdout as is. The feed is
// generated before the timed region; the result is freed after it.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "bench/feed_generator.hpp"
#include "sync/feed_parse.hpp"
#include "sync/standings.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// CPU time this thread has used, in milliseconds.
double thread_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Options {
    std::vector<int> classes{2000};
    int rounds = 20;
    int reps = 7;
};

int parse_positive(std::string_view flag, const char* text) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (!end || *end != '\0' || v < 1 || v > 10'000'000) {
        std::fprintf(stderr, "feed_load: %.*s needs a positive integer, got \"%s\"\n", static_cast<int>(flag.size()),
                     flag.data(), text);
        std::exit(2);
    }
    return static_cast<int>(v);
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--classes" || arg == "--rounds" || arg == "--reps") && i + 1 < argc) {
            const char* value = argv[++i];
            if (arg == "--classes") {
                o.classes.clear();
                std::string list = value;
                for (std::size_t start = 0; start <= list.size();) {
                    const std::size_t comma = std::min(list.find(',', start), list.size());
                    o.classes.push_back(parse_positive(arg, list.substr(start, comma - start).c_str()));
                    start = comma + 1;
                }
            } else if (arg == "--rounds") {
                o.rounds = parse_positive(arg, value);
            } else {
                o.reps = parse_positive(arg, value);
            }
        } else {
            std::fprintf(stderr, "usage: feed_load [--classes N[,N...]] [--rounds R] [--reps K]\n");
            std::exit(2);
        }
    }
    return o;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    for (const int classes : options.classes) {
        const std::string json = campus::bench::generate_feed_json({classes, options.rounds});

        // The contract's default limits (4 MiB, 5,000 array items) are what a
        // screen enforces, and a school never has more than a few hundred
        // classes. Past 2,000 classes the synthetic document outgrows them, so
        // the limits are raised to measure the code rather than the rejection;
        // up to 2,000 the defaults stay, as on a real screen.
        campus::FeedLimits limits;
        if (classes > 2000 || json.size() > limits.max_bytes) {
            limits.max_bytes = json.size() + 1;
            limits.max_array_items = static_cast<std::size_t>(std::max(classes, options.rounds)) + 16;
            std::fprintf(stderr, "feed_load: %d classes: limits raised to %zu bytes, %zu array items\n", classes,
                         limits.max_bytes, limits.max_array_items);
        }
        std::fprintf(stderr, "feed_load: %d classes x %d rounds, %.2f MiB of JSON\n", classes, options.rounds,
                     static_cast<double>(json.size()) / (1 << 20));

        // "Today" is in the last round's week, so every round counts for streaks.
        const campus::Date today = campus::Date{2023, 9, 4}.plus_days(7 * static_cast<int64_t>(options.rounds - 1) + 2);
        std::vector<double> times_ms, cpu_ms;
        std::size_t checksum = 0;  // keeps the work observable, so nothing is optimised away
        for (int rep = 0; rep < options.reps; ++rep) {
            const double cpu_start = thread_cpu_ms();
            const auto start = Clock::now();
            const campus::ParseResult result = campus::parse_feed(json, limits);
            if (!result.ok()) {
                std::fprintf(stderr, "feed_load: the generated feed was rejected:\n");
                for (std::size_t i = 0; i < result.problems.size() && i < 10; ++i) {
                    std::fprintf(stderr, "  %s\n", campus::to_string(result.problems[i]).c_str());
                }
                return 1;
            }
            const auto parsed = Clock::now();
            for (const campus::Competition& competition : result.feed->competitions) {
                const campus::CompetitionStandings standings = campus::compute_standings(*result.feed, competition, today);
                checksum += standings.standings.size() + standings.displayed().size();
            }
            const auto end = Clock::now();
            cpu_ms.push_back(thread_cpu_ms() - cpu_start);
            times_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
            std::fprintf(stderr, "  rep %d: %.1f ms, cpu %.1f ms (parse %.1f, standings %.1f)\n", rep + 1,
                         times_ms.back(), cpu_ms.back(),
                         std::chrono::duration<double, std::milli>(parsed - start).count(),
                         std::chrono::duration<double, std::milli>(end - parsed).count());
        }
        if (checksum == 0) {
            std::fprintf(stderr, "feed_load: no standings computed\n");
            return 1;
        }
        std::printf("feed_load_ms_%d_classes %.1f ms\n", classes, median(times_ms));
        std::printf("feed_load_cpu_ms_%d_classes %.1f ms\n", classes, median(cpu_ms));
        std::fflush(stdout);
    }
    return 0;
}
