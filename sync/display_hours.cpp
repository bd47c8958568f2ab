// Display hours and burn-in shift (see sync/display_hours.hpp).
//
// Sections: [parsing] [formatting] [on/off] [burn-in shift]
#include "sync/display_hours.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

namespace campus {

namespace {

constexpr int kDay = 24 * 3600;
constexpr std::array<std::string_view, 7> kDayNames{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

//-----------------------------------------------------------------------------
// [SECTION] parsing
//-----------------------------------------------------------------------------

std::string in_quotes(std::string_view s) {
    std::string out(1, '"');
    out += s;
    out += '"';
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string without_spaces(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (!std::isspace(static_cast<unsigned char>(c))) out += c;
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    while (true) {
        const std::size_t end = s.find(separator, begin);
        parts.push_back(s.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
        if (end == std::string_view::npos) break;
        begin = end + 1;
    }
    return parts;
}

[[noreturn]] void fail(std::string_view clause, const std::string& why) {
    throw DisplayHoursError("in " + in_quotes(clause) + ": " + why);
}

std::optional<int> day_index(std::string_view name) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::size_t i = 0; i < kDayNames.size(); ++i) {
        if (lower == kDayNames[i]) return static_cast<int>(i);
    }
    return std::nullopt;
}

// The days a clause names, as a set of weekday indices.
std::array<bool, 7> parse_days(std::string_view clause, std::string_view days_text) {
    std::array<bool, 7> days{};
    if (days_text.empty()) fail(clause, "name the days before the hours, e.g. \"mon-fri 07:00-18:30\"");
    const std::string no_spaces = without_spaces(days_text);
    for (std::string_view spec : split(no_spaces, ',')) {
        if (spec.empty()) fail(clause, "an empty day between commas");
        std::string lower;
        for (char c : spec) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "daily") {
            days.fill(true);
            continue;
        }
        const auto dash = spec.find('-');
        const std::string_view first_name = spec.substr(0, dash);
        const std::string_view last_name = dash == std::string_view::npos ? spec : spec.substr(dash + 1);
        const auto first = day_index(first_name);
        const auto last = day_index(last_name);
        for (const auto& [index, name] : {std::pair{first, first_name}, std::pair{last, last_name}}) {
            if (!index) fail(clause, in_quotes(name) + " is not a day (mon, tue, wed, thu, fri, sat, sun, daily)");
        }
        // "fri-mon" runs over the weekend: fri, sat, sun, mon.
        for (int d = *first;; d = (d + 1) % 7) {
            days[static_cast<std::size_t>(d)] = true;
            if (d == *last) break;
        }
    }
    return days;
}

// "HH:MM" or "H:MM" as seconds since midnight; 24:00 only where allowed (an end).
std::optional<int> parse_clock(std::string_view text, bool allow_24) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) return std::nullopt;
    int hour = 0, minute = 0;
    for (char c : text.substr(0, colon)) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        hour = hour * 10 + (c - '0');
    }
    for (char c : text.substr(colon + 1)) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        minute = minute * 10 + (c - '0');
    }
    if (minute > 59) return std::nullopt;
    if (hour == 24 && minute == 0 && allow_24) return kDay;
    if (hour > 23) return std::nullopt;
    return hour * 3600 + minute * 60;
}

std::string clock_text(int seconds) {
    const int h = seconds / 3600, m = seconds / 60 % 60;
    std::string s;
    s += static_cast<char>('0' + h / 10);
    s += static_cast<char>('0' + h % 10);
    s += ':';
    s += static_cast<char>('0' + m / 10);
    s += static_cast<char>('0' + m % 10);
    return s;
}

HoursRange parse_range(std::string_view clause, std::string_view days_text, std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
        fail(clause, in_quotes(text) + " is not a range of hours: write start-end, e.g. \"07:00-18:30\"");
    }
    const std::string_view start_text = text.substr(0, dash);
    const std::string_view end_text = text.substr(dash + 1);
    const auto start = parse_clock(start_text, false);
    if (!start) fail(clause, in_quotes(start_text) + " is not a time of day (HH:MM, 00:00 to 23:59)");
    const auto end = parse_clock(end_text, true);
    if (!end) fail(clause, in_quotes(end_text) + " is not a time of day (HH:MM, 00:00 to 24:00)");
    if (*end == *start) fail(clause, in_quotes(text) + " is empty: it ends when it starts");
    if (*end < *start) {
        fail(clause, in_quotes(text) + " crosses midnight, which a range may not: split it at midnight, as \"" +
                         std::string(days_text) + " " + std::string(start_text) + "-24:00\" and the next day's \"00:00-" +
                         std::string(end_text) + "\"");
    }
    return HoursRange{*start, *end};
}

// Sorts and joins overlapping or touching ranges, so that every boundary left
// is a real on/off change within the day.
void normalise(std::vector<HoursRange>& ranges) {
    std::sort(ranges.begin(), ranges.end(), [](const HoursRange& l, const HoursRange& r) { return l.start < r.start; });
    std::vector<HoursRange> joined;
    for (const HoursRange& r : ranges) {
        if (!joined.empty() && r.start <= joined.back().end) {
            joined.back().end = std::max(joined.back().end, r.end);
        } else {
            joined.push_back(r);
        }
    }
    ranges = std::move(joined);
}

}  // namespace

DisplayHours parse_display_hours(std::string_view schedule) {
    DisplayHours hours;
    if (trim(schedule).empty()) return hours;
    hours.always_on = false;
    for (std::string_view raw_clause : split(schedule, ';')) {
        const std::string_view clause = trim(raw_clause);
        if (clause.empty()) continue;  // "…; " and ";;" are harmless
        const auto first_digit = clause.find_first_of("0123456789");
        if (first_digit == std::string_view::npos) {
            fail(clause, "no hours after the days: write e.g. \"mon-fri 07:00-18:30\"");
        }
        const std::string_view days_text = trim(clause.substr(0, first_digit));
        const std::array<bool, 7> days = parse_days(clause, days_text);
        const std::string ranges_text = without_spaces(clause.substr(first_digit));
        std::vector<HoursRange> ranges;
        for (std::string_view range_text : split(ranges_text, ',')) {
            if (range_text.empty()) fail(clause, "an empty range between commas");
            ranges.push_back(parse_range(clause, days_text, range_text));
        }
        for (std::size_t d = 0; d < 7; ++d) {
            if (days[d]) hours.by_weekday[d].insert(hours.by_weekday[d].end(), ranges.begin(), ranges.end());
        }
    }
    for (auto& day : hours.by_weekday) normalise(day);
    // Only separators (";;"): nothing was said, so nothing is switched off.
    if (std::all_of(hours.by_weekday.begin(), hours.by_weekday.end(), [](const auto& d) { return d.empty(); })) {
        hours.always_on = true;
    }
    return hours;
}

//-----------------------------------------------------------------------------
// [SECTION] formatting
//-----------------------------------------------------------------------------

std::string format_display_hours(const DisplayHours& hours) {
    if (hours.always_on) return "";
    std::string out;
    std::size_t d = 0;
    while (d < 7) {
        std::size_t last = d;
        while (last + 1 < 7 && hours.by_weekday[last + 1] == hours.by_weekday[d]) ++last;
        if (!hours.by_weekday[d].empty()) {
            if (!out.empty()) out += "; ";
            out += kDayNames[d];
            if (last != d) {
                out += '-';
                out += kDayNames[last];
            }
            out += ' ';
            bool first = true;
            for (const HoursRange& r : hours.by_weekday[d]) {
                if (!first) out += ", ";
                out += clock_text(r.start) + "-" + clock_text(r.end);
                first = false;
            }
        }
        d = last + 1;
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] on/off
//-----------------------------------------------------------------------------

bool screen_on(const DisplayHours& hours, const LocalTime& local) {
    if (hours.always_on) return true;
    const int t = local.time.seconds_since_midnight();
    const auto& ranges = hours.by_weekday[static_cast<std::size_t>(local.date.weekday())];
    return std::any_of(ranges.begin(), ranges.end(), [t](const HoursRange& r) { return r.start <= t && t < r.end; });
}

bool screen_on(const DisplayHours& hours, const TimeZone& zone, Instant now) {
    return screen_on(hours, zone.to_local(now));
}

std::optional<Instant> next_change(const DisplayHours& hours, const TimeZone& zone, Instant now) {
    if (hours.always_on) return std::nullopt;
    // The state only changes at a range's start or end. Walk those boundaries
    // in time order and return the first at which the state differs from now:
    // boundaries that change nothing (a Monday ending at 24:00 and a Tuesday
    // starting at 00:00) are stepped over. The week repeats, so eight days
    // cover every boundary there is.
    const bool on_now = screen_on(hours, zone, now);
    const Date today = zone.to_local(now).date;
    for (int offset = 0; offset <= 8; ++offset) {
        const Date day = today.plus_days(offset);
        for (const HoursRange& r : hours.by_weekday[static_cast<std::size_t>(day.weekday())]) {
            for (const int boundary : {r.start, r.end}) {
                const Instant at = boundary == kDay
                                       ? zone.from_local(day.plus_days(1))
                                       : zone.from_local(day, TimeOfDay{boundary / 3600, boundary / 60 % 60, 0});
                if (at > now && screen_on(hours, zone, at) != on_now) return at;
            }
        }
    }
    return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] burn-in shift
//-----------------------------------------------------------------------------

namespace {

int64_t step_index(Instant now) {
    const int64_t s = now.time_since_epoch().count();
    const int64_t step = burn_in_step.count();
    return s >= 0 ? s / step : -((-s + step - 1) / step);  // floor, also before 1970
}

}  // namespace

Shift burn_in_shift(Instant now, int max_px) {
    if (max_px <= 0) return {};
    // About one step per pixel of circumference, so each move is ~1 px: small
    // enough that nobody sees the page jump, and a turn (2π·max_px steps, 19
    // at 3 px: under an hour) spreads every edge over the whole ring.
    const auto steps_per_turn =
        std::max<int64_t>(8, static_cast<int64_t>(std::ceil(2.0 * std::numbers::pi * max_px)));
    const int64_t k = ((step_index(now) % steps_per_turn) + steps_per_turn) % steps_per_turn;
    const double angle = 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(steps_per_turn);
    return Shift{static_cast<int>(std::lround(max_px * std::cos(angle))),
                 static_cast<int>(std::lround(max_px * std::sin(angle)))};
}

Instant next_burn_in_step(Instant now) {
    return Instant{std::chrono::seconds{(step_index(now) + 1) * burn_in_step.count()}};
}

}  // namespace campus
