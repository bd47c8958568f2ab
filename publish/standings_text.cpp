// The week's result in words. See standings_text.hpp.
#include "publish/standings_text.hpp"

#include <algorithm>

#include "sync/standings.hpp"

namespace campus::publish {

namespace {

constexpr const char* kDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

// 十二, not 一十二: the tens digit 1 is silent in everyday speech (as the screens say it).
std::string numeral(int n) {
    if (n < 0 || n > 99) return std::to_string(n);
    if (n < 10) return kDigits[n];
    std::string out;
    if (n / 10 > 1) out += kDigits[n / 10];
    out += "十";
    if (n % 10 != 0) out += kDigits[n % 10];
    return out;
}

std::string class_name(const Feed& feed, const std::string& id) {
    const SchoolClass* c = feed.find_class(id);
    return c ? c->name : id;  // a valid feed names only known classes
}

// "三年级二班、三年级一班（共2个班级）", for the flag holders among `rows`.
std::string holders_text(const Feed& feed, const Competition& competition, const std::vector<const ClassStanding*>& rows) {
    std::string names;
    int count = 0;
    int edge_rank = 0;
    for (const ClassStanding* row : rows) {
        if (!row->flag) continue;
        if (count++) names += "、";
        names += class_name(feed, row->class_id);
        edge_rank = std::max(edge_rank, row->rank);
    }
    std::string out = names + "（共" + std::to_string(count) + "个班级";
    // More flags than awards only happens when classes tie for the last flag.
    if (count > competition.awards) out += "，并列第" + std::to_string(edge_rank) + "名";
    return out + "）";
}

// Before the first round: say so, and when the first one comes.
std::string no_round_yet(const Competition& competition) {
    std::string out = competition.name + "：还没有评比结果";
    const Round* first = nullptr;
    for (const Round& r : competition.rounds)
        if (!first || r.start.days_since_epoch() < first->start.days_since_epoch()) first = &r;
    if (first)
        out += "，第" + std::to_string(first->week) + "周的评比从" + std::to_string(first->start.month) + "月" +
               std::to_string(first->start.day) + "日开始";
    return out;
}

}  // namespace

std::string grade_words(int grade) { return numeral(grade) + "年级"; }

std::vector<std::string> standings_text(const Feed& feed, Date today) {
    std::vector<std::string> lines;
    for (const Competition& competition : feed.competitions) {
        const CompetitionStandings s = compute_standings(feed, competition, today);
        if (!s.round) {
            lines.push_back(no_round_yet(competition));
            continue;
        }
        const std::string head = "第" + std::to_string(s.round->week) + "周" + competition.name;
        if (competition.scope == CompetitionScope::school) {
            std::vector<const ClassStanding*> rows;
            for (const ClassStanding& row : s.standings) rows.push_back(&row);
            lines.push_back(head + "：" + holders_text(feed, competition, rows));
            continue;
        }
        // Scope "grade": standings come sorted by grade, then rank.
        for (std::size_t i = 0; i < s.standings.size();) {
            const int grade = s.standings[i].grade;
            std::vector<const ClassStanding*> rows;
            for (; i < s.standings.size() && s.standings[i].grade == grade; ++i) rows.push_back(&s.standings[i]);
            lines.push_back(head + "（" + grade_words(grade) + "）：" + holders_text(feed, competition, rows));
        }
    }
    return lines;
}

}  // namespace campus::publish
