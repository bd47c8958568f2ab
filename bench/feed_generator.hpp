// A synthetic campus feed (format 1) of any size, for benchmarks.
//
// Deterministic: the same FeedShape always gives the same bytes (splitmix64,
// not std::random, whose distributions differ between standard libraries), so
// figures from two machines or two commits measure the same document.
//
// The shape follows shared/feed-contract.md: classes spread over grades 1–12,
// a school-wide red flag with the five criteria (纪律 出勤 课间操 仪表 卫生)
// and a grade-scoped hygiene flag with weights and a tiebreak, one round a
// week from the term's first Monday, scores in half points so ties happen as
// they do in real schools. Criterion ids are one letter to keep the document
// near the size a real office would publish per class.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "sync/civil_time.hpp"

namespace campus::bench {

struct FeedShape {
    int classes = 2000;
    int rounds = 20;
    uint64_t seed = 20231106;
};

// splitmix64: tiny, fast, and good enough to vary scores.
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n).
    int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }

private:
    uint64_t state_;
};

namespace detail {

inline void append_int(std::string& out, long long v) { out += std::to_string(v); }

// A score in half points between lo and 20, written as a JSON number ("18.5", "20").
inline void append_half_points(std::string& out, SplitMix64& rng, int lo) {
    const int halves = lo * 2 + rng.below((20 - lo) * 2 + 1);
    append_int(out, halves / 2);
    if (halves % 2) out += ".5";
}

// The start of round r: one a week from the term's first Monday, 2023-09-04.
inline std::string round_start(int r) {
    return Date{2023, 9, 4}.plus_days(7 * static_cast<int64_t>(r)).to_string();
}

}  // namespace detail

inline std::string class_id(int index) {
    return std::to_string(1 + index % 12) + "-" + std::to_string(1 + index / 12);
}

inline std::string generate_feed_json(const FeedShape& shape) {
    using detail::append_half_points;
    using detail::append_int;
    SplitMix64 rng(shape.seed);
    std::string out;
    out.reserve(static_cast<std::size_t>(shape.classes) * static_cast<std::size_t>(shape.rounds) * 110 + 4096);

    out += R"({"format":"campus-kiosk-feed","format_version":1,"feed_id":"bench-school","version":)";
    append_int(out, 1000 + shape.rounds);
    out += R"(,"generated_at":"2023-11-06T07:30:00+08:00","expires_at":"2024-02-01T00:00:00+08:00",)";
    out += R"("school":{"name":"实验小学","short_name":"实小","motto":"勤学 守纪","timezone":"Asia/Shanghai"},)";
    out += R"("term":{"name":"2023—2024学年第一学期","start":"2023-09-01","end":"2024-01-19","theme":"每天提升一点点","goals":[)";
    static const char* const areas[] = {"德育", "教学", "安全", "体卫艺", "队伍", "后勤"};
    for (int g = 0; g < 12; ++g) {
        if (g) out += ',';
        out += R"({"id":"g)" + std::to_string(g) + R"(","category":")" + areas[g % 6] + R"(","title":"工作有新面貌")";
        if (g % 2 == 0) {
            out += R"(,"progress":{"current":)";
            append_int(out, rng.below(15));
            out += R"(,"target":15,"unit":"所"})";
        }
        out += '}';
    }
    out += R"(]},"habits":[)";
    static const char* const habits[] = {"楼内外的纪律和卫生", "大课间跑步和广播体操", "语言文明", "学生仪表", "读书习惯"};
    for (int m = 0; m < 5; ++m) {
        if (m) out += ',';
        char month[8];
        std::snprintf(month, sizeof month, "%04d-%02d", m < 4 ? 2023 : 2024, m < 4 ? 9 + m : 1);
        out += R"({"month":")" + std::string(month) + R"(","title":")" + habits[m] + R"(","tips":["每天一点点"]})";
    }

    out += R"(],"classes":[)";
    static const char* const digits_zh[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"};
    for (int i = 0; i < shape.classes; ++i) {
        if (i) out += ',';
        const int grade = 1 + i % 12;
        out += R"({"id":")" + class_id(i) + R"(","grade":)" + std::to_string(grade) + R"(,"name":")" +
               digits_zh[grade - 1] + "年级" + std::to_string(1 + i / 12) + R"(班","teacher":"王老师"})";
    }

    out += R"(],"competitions":[)";
    // The red flag: the whole school, five criteria, the seeds' six awards.
    out += R"({"id":"red-flag","name":"流动红旗","period":"week","awards":6,"scope":"school",)"
           R"("criteria":[{"id":"d","name":"纪律","max":20},{"id":"a","name":"出勤","max":20},)"
           R"({"id":"e","name":"课间操","max":20},{"id":"p","name":"仪表","max":20},{"id":"h","name":"卫生","max":20}],)"
           R"("ties":"share","display":"all","rounds":[)";
    for (int r = 0; r < shape.rounds; ++r) {
        if (r) out += ',';
        out += R"({"week":)" + std::to_string(r + 2) + R"(,"start":")" + detail::round_start(r) +
               R"(","scores":[)";
        for (int i = 0; i < shape.classes; ++i) {
            if (i) out += ',';
            out += R"({"class":")" + class_id(i) + '"';
            for (const char* c : {"d", "a", "e", "p", "h"}) {
                out += R"(,")";
                out += c;
                out += R"(":)";
                append_half_points(out, rng, 15);
            }
            out += '}';
        }
        out += "]}";
    }
    // The hygiene flag: per grade, one weighted criterion pair, tiebreak on 卫生.
    out += R"(]},{"id":"hygiene","name":"卫生流动红旗","period":"week","awards":1,"scope":"grade",)"
           R"("criteria":[{"id":"h","name":"卫生","max":20,"weight":0.7},{"id":"c","name":"整洁","max":10,"weight":0.3}],)"
           R"("ties":"tiebreak","tiebreak":["h"],"display":"winners","rounds":[)";
    for (int r = 0; r < shape.rounds; ++r) {
        if (r) out += ',';
        out += R"({"week":)" + std::to_string(r + 2) + R"(,"start":")" + detail::round_start(r) +
               R"(","scores":[)";
        for (int i = 0; i < shape.classes; ++i) {
            if (i) out += ',';
            out += R"({"class":")" + class_id(i) + R"(","h":)";
            append_half_points(out, rng, 15);
            out += R"(,"c":)";
            append_int(out, 7 + rng.below(4));
            out += '}';
        }
        out += "]}";
    }
    out += R"(]}],"announcements":[{"id":"a1","level":"urgent","title":"明天降温","body":"请添衣"},)"
           R"({"id":"a2","level":"info","title":"图书角开放","targets":["lobby","grade:3"]}],)"
           R"("events":[{"id":"sports-day","title":"秋季运动会","date":"2023-11-20","time":"08:30","place":"操场"},)"
           R"({"id":"final-exam","title":"期末考试","date":"2024-01-15"}]})";
    return out;
}

}  // namespace campus::bench
