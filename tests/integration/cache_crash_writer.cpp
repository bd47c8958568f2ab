// The crash-safety test of the cache (sync_tests.py crash_kill9_cache_writer).
//
//   cache_crash_writer DIR FEED_A FEED_B --count N
//       writes A, B, A, … N times into the cache in DIR (seeds it).
//   cache_crash_writer DIR FEED_A FEED_B --kill-test N [--seed S] [--max-delay-us U]
//       N times: fork a child that writes A and B alternately, as fast as it
//       can, forever; SIGKILL it after a random 0..U µs; then read the cache the
//       way a restarting screen does and require feed A or feed B, whole.
//       Prints a summary line; exit 0 only when every read was whole.
// Forking (instead of the test spawning a process per kill) keeps the victim's
// start-up (dynamic loading of libcurl & co, ~50 ms here) out of the loop, so
// 1,000 kills fit in well under a minute and most of them land in a write.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "sync/feed_cache.hpp"

namespace {

std::string slurp(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cache_crash_writer: cannot read %s\n", path);
        std::exit(2);
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: cache_crash_writer DIR FEED_A FEED_B --count N\n"
                 "       cache_crash_writer DIR FEED_A FEED_B --kill-test N [--seed S] [--max-delay-us U]\n");
    std::exit(2);
}

// Writes feeds[first], feeds[1-first], … `count` times (forever when count < 0).
int write_loop(const campus::FeedCache& cache, const campus::CachedFeed (&feeds)[2], int first, long count) {
    for (long i = 0; count < 0 || i < count; ++i) {
        if (auto err = cache.store_feed(feeds[(i + first) % 2]); !err.empty()) {
            std::fprintf(stderr, "cache_crash_writer: %s\n", err.c_str());
            return 1;
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) usage();
    long count = -1, kills = -1, max_delay_us = 60000;
    unsigned long seed = std::random_device{}();
    for (int i = 4; i + 1 < argc; i += 2) {
        const std::string opt = argv[i];
        const long value = std::strtol(argv[i + 1], nullptr, 10);
        if (opt == "--count") count = value;
        else if (opt == "--kill-test") kills = value;
        else if (opt == "--seed") seed = static_cast<unsigned long>(value);
        else if (opt == "--max-delay-us") max_delay_us = value;
        else usage();
    }
    campus::FeedCache cache(argv[1]);
    if (auto err = cache.prepare(); !err.empty()) {
        std::fprintf(stderr, "cache_crash_writer: %s\n", err.c_str());
        return 1;
    }
    campus::CachedFeed feeds[2];
    feeds[0].body = slurp(argv[2]);
    feeds[1].body = slurp(argv[3]);
    for (auto& f : feeds) {
        f.source = "file:///crash-test";
        f.etag = "\"crash\"";
        f.signature = "untrusted comment: none\n";
    }
    if (count >= 0) return write_loop(cache, feeds, 0, count);
    if (kills <= 0) usage();

    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<long> delay(0, max_delay_us);
    long seen[2] = {0, 0}, torn_temp_files = 0;
    for (long k = 0; k < kills; ++k) {
        const int first = static_cast<int>(rng() % 2);
        pid_t child = ::fork();
        if (child < 0) {
            std::perror("cache_crash_writer: fork");
            return 1;
        }
        if (child == 0) _exit(write_loop(cache, feeds, first, -1));
        ::usleep(static_cast<useconds_t>(delay(rng)));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        if (!WIFSIGNALED(status)) {
            std::fprintf(stderr, "kill %ld: the writer exited by itself (status %d)\n", k, status);
            return 1;
        }
        // What a screen restarting now would read.
        std::string error;
        auto loaded = cache.load_feed(&error);
        if (!loaded) {
            std::fprintf(stderr, "kill %ld (seed %lu): cache unreadable: %s\n", k, seed, error.c_str());
            return 1;
        }
        if (loaded->body == feeds[0].body) ++seen[0];
        else if (loaded->body == feeds[1].body) ++seen[1];
        else {
            std::fprintf(stderr, "kill %ld (seed %lu): cache holds neither feed\n", k, seed);
            return 1;
        }
        // A temp file left behind means the kill landed inside a write.
        for (const auto& entry : std::filesystem::directory_iterator(cache.dir()))
            if (entry.path().filename().string().find(".tmp-") != std::string::npos) {
                ++torn_temp_files;
                std::filesystem::remove(entry.path());
            }
    }
    std::printf("kills=%ld whole_a=%ld whole_b=%ld mid_write=%ld seed=%lu\n", kills, seen[0], seen[1],
                torn_temp_files, seed);
    return 0;
}
