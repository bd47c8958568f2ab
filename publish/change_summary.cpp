// What the screens will show differently (publish/change_summary.hpp).
//
// [SECTION] words: dates, progress, notice levels
// [SECTION] same content
// [SECTION] rounds ahead of their week
// [SECTION] announcements, goals, events
// [SECTION] every other section
// [SECTION] summarize_changes
#include "publish/change_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "publish/standings_text.hpp"
#include "sync/announcements.hpp"
#include "sync/calendar.hpp"
#include "sync/standings.hpp"

namespace campus::publish {

namespace {

// ---------------------------------------------------------------------------
// [SECTION] words: dates, progress, notice levels

std::string month_day(const Date& d) { return std::to_string(d.month) + "月" + std::to_string(d.day) + "日"; }

std::string two_digits(int n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", n);
    return buf;
}

// "12月5日 08:00" in the school's time zone: the clerk's own wall clock.
std::string local_stamp(const Feed& feed, Instant t) {
    const LocalTime local = school_local_time(feed, t);
    return month_day(local.date) + " " + two_digits(local.time.hour) + ":" + two_digits(local.time.minute);
}

// 80, 87.6, 0.25: as the clerk typed it, no trailing zeros.
std::string number_words(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

// What the goal's bar says, in the clerk's own numbers: "60%" for a goal
// counted in per cent ("家访联系：60% → 80%"), "13/20节" for one with a target.
std::string progress_words(const GoalProgress& p) {
    if (p.unit == "%" || p.unit == "％") return number_words(p.current) + "%";
    return number_words(p.current) + "/" + number_words(p.target) + p.unit;
}

std::string level_word(AnnouncementLevel level) {
    switch (level) {
        case AnnouncementLevel::emergency: return "紧急通知";
        case AnnouncementLevel::urgent: return "重要通知";
        case AnnouncementLevel::info: break;
    }
    return "通知";
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// [SECTION] same content

bool same_screen_content(const nlohmann::json& a, const nlohmann::json& b) {
    if (!a.is_object() || !b.is_object()) return a == b;
    nlohmann::json x = a, y = b;
    for (const char* key : {"version", "generated_at"}) {
        x.erase(key);
        y.erase(key);
    }
    return x == y;
}

// ---------------------------------------------------------------------------
// [SECTION] rounds ahead of their week

namespace {

const Competition* find_competition(const Feed& feed, const std::string& id) {
    for (const Competition& c : feed.competitions)
        if (c.id == id) return &c;
    return nullptr;
}

// The first round that starts after today: scores the clerk entered ahead of
// their week (a Monday's round published on Sunday), shown from its start.
const Round* next_round(const Feed& feed, const Competition& competition, Instant now) {
    const Date today = school_local_time(feed, now).date;
    const Round* next = nullptr;
    for (const Round& r : competition.rounds)
        if (r.start > today && (!next || r.start < next->start)) next = &r;
    return next;
}

}  // namespace

// ---------------------------------------------------------------------------
// [SECTION] announcements, goals, events

namespace {

std::string notice_key(const Announcement& a) { return level_word(a.level) + "\x1f" + a.title; }

void announcement_lines(const Feed* before, const Feed& after, Instant now, std::vector<std::string>& lines) {
    // A notice "shows" when it is inside its window now; one whose window opens
    // later is new too, said with when it starts.
    std::set<std::string> shown_before, known_before;
    if (before) {
        for (const Announcement& a : before->announcements) {
            known_before.insert(notice_key(a));
            if (is_active(a, now)) shown_before.insert(notice_key(a));
        }
    }
    std::set<std::string> shown_after;
    for (const Announcement& a : after.announcements) {
        const std::string key = notice_key(a);
        if (is_active(a, now)) {
            shown_after.insert(key);
            if (!shown_before.count(key)) lines.push_back("新" + level_word(a.level) + "：" + a.title);
        } else if (a.from && *a.from > now && !known_before.count(key)) {
            lines.push_back("新" + level_word(a.level) + "：" + a.title + "（" + local_stamp(after, *a.from) + " 起显示）");
        }
    }
    if (!before) return;
    for (const Announcement& a : before->announcements) {
        const std::string key = notice_key(a);
        if (shown_before.count(key) && !shown_after.count(key)) {
            lines.push_back("结束" + level_word(a.level) + "：" + a.title);
            shown_before.erase(key);  // a title listed twice ends once
        }
    }
}

void goal_lines(const Feed* before, const Feed& after, std::vector<std::string>& lines) {
    std::map<std::string, const Goal*> old_goals;
    if (before)
        for (const Goal& g : before->term.goals) old_goals.emplace(g.title, &g);
    for (const Goal& g : after.term.goals) {
        auto it = old_goals.find(g.title);
        if (it == old_goals.end()) {
            if (before)
                lines.push_back("新目标：" + g.title + (g.progress ? "（" + progress_words(*g.progress) + "）" : ""));
            continue;
        }
        const Goal& old = *it->second;
        if (!g.progress || !old.progress) continue;
        if (old.progress->current == g.progress->current && old.progress->target == g.progress->target &&
            old.progress->unit == g.progress->unit)
            continue;
        lines.push_back(g.title + "：" + progress_words(*old.progress) + " → " + progress_words(*g.progress));
    }
}

std::string event_key(const SchoolEvent& e) { return e.date.to_string() + "\x1f" + e.title; }

// Only coming events: the screens count down to them and never show past ones.
void event_lines(const Feed* before, const Feed& after, Instant now, std::vector<std::string>& lines) {
    const Date today = school_local_time(after, now).date;
    std::set<std::string> old_events;
    if (before)
        for (const SchoolEvent& e : before->events) old_events.insert(event_key(e));
    std::set<std::string> new_events;
    for (const SchoolEvent& e : after.events) {
        new_events.insert(event_key(e));
        if (!old_events.count(event_key(e)) && e.date >= today)
            lines.push_back("新活动：" + month_day(e.date) + " " + e.title + (e.place.empty() ? "" : "（" + e.place + "）"));
    }
    if (!before) return;
    for (const SchoolEvent& e : before->events)
        if (!new_events.count(event_key(e)) && e.date >= today) lines.push_back("取消活动：" + month_day(e.date) + " " + e.title);
}

// ---------------------------------------------------------------------------
// [SECTION] every other section

const nlohmann::json& member(const nlohmann::json* doc, const char* key) {
    static const nlohmann::json absent;
    if (!doc || !doc->is_object()) return absent;
    auto it = doc->find(key);
    return it == doc->end() ? absent : *it;
}

// The term without its goals: the goals have their own lines.
nlohmann::json term_without_goals(const nlohmann::json* doc) {
    nlohmann::json term = member(doc, "term");
    if (term.is_object()) term.erase("goals");
    return term;
}

nlohmann::json goals_of(const nlohmann::json* doc) {
    const nlohmann::json& term = member(doc, "term");
    if (!term.is_object() || !term.contains("goals")) return nullptr;
    return term["goals"];
}

}  // namespace

// ---------------------------------------------------------------------------
// [SECTION] summarize_changes

std::vector<std::string> summarize_changes(const FeedView& before, const FeedView& after, Instant now) {
    std::vector<std::string> lines;
    const Feed& feed = *after.feed;

    // The week's flag holders, as the Monday broadcast reads them
    // (publish/standings_text): every line that is not already on the screens.
    bool flags_told = false;
    {
        const std::vector<std::string> now_lines = standings_text(feed, school_local_time(feed, now).date);
        std::set<std::string> shown;
        if (before.feed) {
            for (std::string& line : standings_text(*before.feed, school_local_time(*before.feed, now).date))
                shown.insert(std::move(line));
        }
        for (const std::string& line : now_lines) {
            if (shown.count(line)) continue;
            lines.push_back(line);
            flags_told = true;
        }
    }
    // A round entered ahead of its week: the clerk should see that it is not
    // on the screens yet, and from when it will be.
    for (const Competition& competition : feed.competitions) {
        const Competition* old = before.feed ? find_competition(*before.feed, competition.id) : nullptr;
        if (const Round* next = next_round(feed, competition, now)) {
            const Round* old_next = old ? next_round(*before.feed, *old, now) : nullptr;
            if (!old_next || old_next->start != next->start) {
                lines.push_back("第" + std::to_string(next->week) + "周" + competition.name + "：" +
                                month_day(next->start) + "起显示");
                flags_told = true;
            }
        }
    }

    const std::size_t before_notices = lines.size();
    announcement_lines(before.feed, feed, now, lines);
    const bool notices_told = lines.size() > before_notices;
    const std::size_t before_goals = lines.size();
    goal_lines(before.feed, feed, lines);
    const bool goals_told = lines.size() > before_goals;
    const std::size_t before_events = lines.size();
    event_lines(before.feed, feed, now, lines);
    const bool events_told = lines.size() > before_events;

    if (!before.feed) return lines;

    // Sections that changed without a line of their own above.
    std::vector<std::string> others;
    auto section = [&](const char* word, bool told, const nlohmann::json& was, const nlohmann::json& is) {
        if (!told && was != is) others.push_back(word);
    };
    section("学校信息", false, member(before.json, "school"), member(after.json, "school"));
    section("学期信息", false, term_without_goals(before.json), term_without_goals(after.json));
    section("工作目标", goals_told, goals_of(before.json), goals_of(after.json));
    section("每月习惯", false, member(before.json, "habits"), member(after.json, "habits"));
    section("班级", false, member(before.json, "classes"), member(after.json, "classes"));
    section("评比分数", flags_told, member(before.json, "competitions"), member(after.json, "competitions"));
    section("通知", notices_told, member(before.json, "announcements"), member(after.json, "announcements"));
    section("活动", events_told, member(before.json, "events"), member(after.json, "events"));
    section("校园风采", false, member(before.json, "gallery"), member(after.json, "gallery"));
    section("图片", false, member(before.json, "media"), member(after.json, "media"));
    section("过期时间", false, member(before.json, "expires_at"), member(after.json, "expires_at"));
    if (!others.empty()) lines.push_back("其他更改：" + join(others, "、"));
    return lines;
}

}  // namespace campus::publish
