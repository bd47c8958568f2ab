// The workbook → feed builder, 通知 and 活动: announcements and events
// (see workbook_feed.hpp; the contract is shared/workbook-contract.md).
//
// [SECTION] 通知, 活动
#include "publish/workbook_build.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "publish/cell_values.hpp"
#include "sync/calendar.hpp"
#include "sync/civil_time.hpp"

namespace campus::publish::workbook_build {

//-----------------------------------------------------------------------------
// [SECTION] 通知, 活动
//-----------------------------------------------------------------------------

namespace {

// Why `url` cannot be a notice's or an event's 链接 (shown on the screens as a
// QR code that parents scan), or "" when it can: an https:// address with a
// host and nothing a phone's scanner would cut it at.
std::string link_problem(std::string_view url) {
    constexpr std::string_view scheme = "https://";
    const bool https = url.size() > scheme.size() && std::equal(scheme.begin(), scheme.end(), url.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
    });
    if (!https) return quote_cn(url) + " 不是网址：链接要以 https:// 开头（屏幕把它画成二维码，家长扫码打开）";
    const std::string_view rest = url.substr(scheme.size());
    if (rest.empty() || rest.front() == '/') return quote_cn(url) + " 没有网站名：请写完整的网址，如 https://www.example.edu.cn/通知";
    if (rest.find_first_of(" \t\r\n") != std::string_view::npos) return quote_cn(url) + " 里有空格或换行：网址里不能有空格";
    return {};
}

}  // namespace

void Builder::read_link(const Table& t, int row, std::size_t spec, Json& into, const std::string& at) {
    bool bad = false;
    auto url = text(t, row, spec, bad);
    if (!url) return;
    if (std::string why = link_problem(*url); !why.empty()) {
        problem(t, row, spec, std::move(why));
        return;
    }
    into["link"] = *url;
    record(child(at, "link"), t, row, spec);
}

void Builder::read_announcements() {
    const Sheet* sheet = find_sheet({words::sheet_announcements, "announcements"});
    if (!sheet) return;
    announcements_ = Json::array();
    record_sheet("/announcements", *sheet);
    auto table = open_table(*sheet, {{{words::col_announcement_level, "level"}, true},
                                     {{words::col_announcement_title, "title"}, true},
                                     {{words::col_announcement_body, "body"}},
                                     {{words::col_announcement_from, "from", "开始时间"}},
                                     {{words::col_announcement_until, "until", "结束时间"}},
                                     {{words::col_announcement_targets, "targets"}},
                                     {{"编号", "id"}},
                                     {{words::col_link, "link"}},
                                     {{words::col_image, "image"}}});
    if (!table) return;
    const Table& t = *table;
    enum { level, title, body, from, until, targets, id, link, image };
    static const std::unordered_map<std::string, std::string> levels = {
        {"通知", "info"}, {"重要", "urgent"}, {"紧急", "emergency"},
        {"info", "info"}, {"urgent", "urgent"}, {"emergency", "emergency"}};
    static const std::unordered_map<std::string, std::string> words = {
        {"全部", "all"},   {"全校", "all"}, {"all", "all"},           {"大厅", "lobby"},         {"lobby", "lobby"},
        {"走廊", "corridor"}, {"corridor", "corridor"}, {"教室", "classroom"}, {"classroom", "classroom"},
        {"集会", "assembly"}, {"assembly", "assembly"}};
    std::unordered_map<std::string, int> ids;
    std::size_t n = 0;
    for (int r : t.data_rows()) {
        ++n;
        bool bad = false;
        const std::string at = child("/announcements", announcements_->size());
        record(at, t, r, title);
        Json a = Json::object();
        auto given_id = text(t, r, id, bad);
        const std::string a_id = given_id ? *given_id : numbered_id('a', n);
        if (auto [it, fresh] = ids.try_emplace(a_id, r); !fresh) {
            problem(t, r, given_id ? id : title,
                    "编号" + quote_cn(a_id) + "重复：第 " + std::to_string(it->second + 1) + " 行的通知已用这个编号");
        }
        a["id"] = a_id;
        record(child(at, "id"), t, r, given_id ? id : title);
        std::string level_value = "info";
        if (auto l = text(t, r, level, bad)) {
            if (auto it = levels.find(fold_name(*l)); it != levels.end()) {
                level_value = it->second;
            } else {
                problem(t, r, level, quote_cn(*l) + " 不是级别：请写“通知”、“重要”（每页都显示）或“紧急”（占满屏幕）");
                taint(child(at, "level"));
            }
        } else {
            require(t, r, level, false, bad);
            taint(child(at, "level"));
        }
        a["level"] = level_value;
        record(child(at, "level"), t, r, level);
        auto title_text = text(t, r, title, bad);
        require(t, r, title, title_text.has_value(), bad);
        a["title"] = title_text.value_or("?");
        if (!title_text) taint(child(at, "title"));
        record(child(at, "title"), t, r, title);
        if (auto b = text(t, r, body, bad)) a["body"] = *b, record(child(at, "body"), t, r, body);
        bool bad_from = false, bad_until = false;
        const auto from_at = date_time(t, r, from, bad_from);
        const auto until_at = date_time(t, r, until, bad_until);
        std::optional<Instant> from_instant, until_instant;
        if (from_at) {
            a["from"] = stamp(*from_at, false);
            if (auto parsed = parse_rfc3339(a["from"].get<std::string>())) from_instant = parsed->instant;
            record(child(at, "from"), t, r, from);
        }
        if (until_at) {
            a["until"] = stamp(*until_at, true);
            if (auto parsed = parse_rfc3339(a["until"].get<std::string>())) until_instant = parsed->instant;
            record(child(at, "until"), t, r, until);
        }
        if (from_instant && until_instant && !(*from_instant < *until_instant)) {
            problem(t, r, until,
                    "结束（" + a["until"].get<std::string>() + "）不在开始（" + a["from"].get<std::string>() + "）之后");
            taint(child(at, "until"));
        }
        if (auto list = text(t, r, targets, bad)) {
            Json out = Json::array();
            for (const std::string& item : split_list(*list, ListSplit::any)) {
                const std::string f = fold_width(item);
                const std::string key = fold_name(item);
                if (auto w = words.find(key); w != words.end()) {
                    out.push_back(w->second);
                    continue;
                }
                // 年级:3 / grade:3, 屏幕:ID / screen:ID, class:ID as the screens write them.
                auto after = [&](std::initializer_list<std::string_view> prefixes) -> std::optional<std::string> {
                    for (std::string_view p : prefixes) {
                        if (key.rfind(p, 0) == 0) return std::string(trim(std::string_view(f).substr(f.find(':') + 1)));
                    }
                    return std::nullopt;
                };
                if (auto g = after({"年级:", "grade:"})) {
                    const auto grade = small_number(*g);
                    if (grade && *grade >= 1 && *grade <= 12) {
                        out.push_back("grade:" + std::to_string(*grade));
                    } else {
                        problem(t, r, targets, quote_cn(item) + " 不是年级：请写 年级:N，N 从 1 到 12（如 年级:3）");
                    }
                    continue;
                }
                if (auto s = after({"屏幕:", "screen:"})) {
                    if (s->empty()) {
                        problem(t, r, targets, quote_cn(item) + " 没有写屏幕编号：请写 屏幕:编号（如 屏幕:lobby-1）");
                    } else {
                        out.push_back("screen:" + *s);
                    }
                    continue;
                }
                if (auto grade = parse_grade_name(item)) {
                    out.push_back("grade:" + std::to_string(*grade));
                    continue;
                }
                std::optional<std::string> class_ref = after({"班级:", "class:"});
                if (auto k = find_class(class_ref ? *class_ref : item)) {
                    out.push_back("class:" + classes_list_[*k].id);
                    continue;
                }
                problem(t, r, targets,
                        "不认识的对象：" + item +
                            "（可写 全部、大厅、走廊、教室、集会、三年级、年级:3、班级名称或编号、屏幕:编号）");
            }
            if (!out.empty()) {
                a["targets"] = std::move(out);
                record(child(at, "targets"), t, r, targets);
            }
        }
        read_link(t, r, link, a, at);
        read_image(t, r, image, a, at);
        announcements_->push_back(std::move(a));
    }
}

void Builder::read_events() {
    const Sheet* sheet = find_sheet({words::sheet_events, "events"});
    if (!sheet) return;
    events_ = Json::array();
    record_sheet("/events", *sheet);
    auto table = open_table(*sheet, {{{words::col_event_title, "title", "event"}, true},
                                     {{words::col_event_date, "date"}, true},
                                     {{words::col_event_time, "time"}},
                                     {{words::col_event_place, "place"}},
                                     {{"编号", "id"}},
                                     {{words::col_link, "link"}},
                                     {{words::col_image, "image"}}});
    if (!table) return;
    const Table& t = *table;
    enum { title, date_spec, time_spec, place, id, link, image };
    std::unordered_map<std::string, int> ids;
    std::size_t n = 0;
    for (int r : t.data_rows()) {
        ++n;
        bool bad = false;
        const std::string at = child("/events", events_->size());
        record(at, t, r, title);
        Json e = Json::object();
        auto given_id = text(t, r, id, bad);
        const std::string e_id = given_id ? *given_id : numbered_id('e', n);
        if (auto [it, fresh] = ids.try_emplace(e_id, r); !fresh) {
            problem(t, r, given_id ? id : title,
                    "编号" + quote_cn(e_id) + "重复：第 " + std::to_string(it->second + 1) + " 行的活动已用这个编号");
        }
        e["id"] = e_id;
        record(child(at, "id"), t, r, given_id ? id : title);
        auto title_text = text(t, r, title, bad);
        require(t, r, title, title_text.has_value(), bad);
        e["title"] = title_text.value_or("?");
        if (!title_text) taint(child(at, "title"));
        record(child(at, "title"), t, r, title);
        const auto when = date_time(t, r, date_spec, bad);
        require(t, r, date_spec, when.has_value(), bad);
        e["date"] = when ? when->date.to_string() : "2000-01-01";
        if (!when) taint(child(at, "date"));
        record(child(at, "date"), t, r, date_spec);
        // Plain values rather than an optional: GCC 12 warns falsely on the latter here.
        TimeOfDay time{};
        bool has_time = when && when->time;
        if (has_time) time = *when->time;
        int time_col = date_spec;
        const Cell& time_cell = t.cell(r, time_spec);
        if (!time_cell.is_empty() && !(time_cell.kind == Cell::Kind::text && trim(time_cell.text).empty())) {
            if (auto v = cell_time(time_cell, book_.date1904)) {
                time = *v;
                has_time = true;
                time_col = time_spec;
            } else {
                problem(t, r, time_spec, v.error);
            }
        }
        if (has_time) {
            char buffer[16];
            if (time.second) {
                std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d", time.hour, time.minute, time.second);
            } else {
                std::snprintf(buffer, sizeof buffer, "%02d:%02d", time.hour, time.minute);
            }
            e["time"] = buffer;
            record(child(at, "time"), t, r, static_cast<std::size_t>(time_col));
        }
        if (auto p = text(t, r, place, bad)) e["place"] = *p, record(child(at, "place"), t, r, place);
        read_link(t, r, link, e, at);
        read_image(t, r, image, e, at);
        events_->push_back(std::move(e));
    }
}

}  // namespace campus::publish::workbook_build
