// Civil dates, RFC 3339 instants and IANA time zones (see civil_time.hpp).
//
// [SECTION] Dates: days since the epoch, weekdays, leap years
// [SECTION] Parsing and formatting (dates, months, times, RFC 3339)
// [SECTION] POSIX TZ rules (the TZif footer)
// [SECTION] TZif reader (RFC 8536)
// [SECTION] TimeZone queries

#include "sync/civil_time.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace campus {

//-----------------------------------------------------------------------------
// [SECTION] Dates
//-----------------------------------------------------------------------------

namespace {

// Floor division: the calendar must count days before 1970 the same way as
// after (C++'s `/` truncates toward zero).
constexpr int64_t floor_div(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the whole
// proleptic Gregorian calendar, no tables, no loops.
constexpr int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = floor_div(y, 400);
    const int64_t yoe = y - era * 400;                                    // [0, 399]
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;   // [0, 365]
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
    return era * 146097 + doe - 719468;
}

struct CivilDate {
    int64_t y;
    int m, d;
};

constexpr CivilDate civil_from_days(int64_t z) {
    z += 719468;
    const int64_t era = floor_div(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = yoe + era * 400;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {y + (m <= 2 ? 1 : 0), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(19667).y == 2023 && civil_from_days(19667).m == 11 && civil_from_days(19667).d == 6);

constexpr int64_t kSecondsPerDay = 86400;

}  // namespace

bool is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && is_leap_year(year) ? 29 : days[static_cast<std::size_t>(month - 1)];
}

int64_t Date::days_since_epoch() const {
    return days_from_civil(year, month, day);
}

Date Date::from_days_since_epoch(int64_t days) {
    const CivilDate c = civil_from_days(days);
    return Date{static_cast<int>(c.y), c.m, c.d};
}

int Date::weekday() const {
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    const int64_t w = (days_since_epoch() + 3) % 7;
    return static_cast<int>(w < 0 ? w + 7 : w);
}

std::string Date::to_string() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

std::string YearMonth::to_string() const {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
    return buf;
}

//-----------------------------------------------------------------------------
// [SECTION] Parsing and formatting
//-----------------------------------------------------------------------------

namespace {

// Reads exactly `n` ASCII digits at `pos`; no sign, no spaces (strict on purpose:
// a feed that writes "2023-9-1" is wrong, and saying so early helps the office).
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        const char c = s[i];
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

std::optional<Date> parse_date_at(std::string_view s, std::size_t pos) {
    const auto y = digits(s, pos, 4);
    if (!y || pos + 4 >= s.size() || s[pos + 4] != '-') return std::nullopt;
    const auto m = digits(s, pos + 5, 2);
    if (!m || pos + 7 >= s.size() || s[pos + 7] != '-') return std::nullopt;
    const auto d = digits(s, pos + 8, 2);
    if (!d) return std::nullopt;
    if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m)) return std::nullopt;
    return Date{*y, *m, *d};
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
    if (text.size() != 10) return std::nullopt;
    return parse_date_at(text, 0);
}

std::optional<YearMonth> parse_year_month(std::string_view text) {
    if (text.size() != 7 || text[4] != '-') return std::nullopt;
    const auto y = digits(text, 0, 4);
    const auto m = digits(text, 5, 2);
    if (!y || !m || *m < 1 || *m > 12) return std::nullopt;
    return YearMonth{*y, *m};
}

std::optional<TimeOfDay> parse_time_of_day(std::string_view text) {
    if (text.size() != 5 && text.size() != 8) return std::nullopt;
    const auto h = digits(text, 0, 2);
    const auto mi = digits(text, 3, 2);
    if (!h || !mi || text[2] != ':' || *h > 23 || *mi > 59) return std::nullopt;
    int sec = 0;
    if (text.size() == 8) {
        const auto s = digits(text, 6, 2);
        if (text[5] != ':' || !s || *s > 59) return std::nullopt;
        sec = *s;
    }
    return TimeOfDay{*h, *mi, sec};
}

std::optional<ZonedStamp> parse_rfc3339(std::string_view s) {
    // full-date "T" partial-time time-offset; RFC 3339 §5.6 allows 't' and,
    // in its note, a space in place of 'T'.
    if (s.size() < 20) return std::nullopt;
    const auto date = parse_date_at(s, 0);
    if (!date) return std::nullopt;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    const auto h = digits(s, 11, 2);
    const auto mi = digits(s, 14, 2);
    const auto sec = digits(s, 17, 2);
    if (!h || !mi || !sec || s[13] != ':' || s[16] != ':') return std::nullopt;
    // Second 60 is a leap second (RFC 3339 §5.7). POSIX time has none, so it
    // is read as :59 rather than refusing a feed stamped at that moment.
    if (*h > 23 || *mi > 59 || *sec > 60) return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        const std::size_t first = ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == first) return std::nullopt;  // "." needs at least one digit
    }
    if (pos >= s.size()) return std::nullopt;  // the offset is required
    int offset = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        const auto oh = digits(s, pos + 1, 2);
        const auto om = digits(s, pos + 4, 2);
        if (!oh || !om || s[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
        offset = (*oh * 3600 + *om * 60) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    const int64_t local = date->days_since_epoch() * kSecondsPerDay + *h * 3600 + *mi * 60 + std::min(*sec, 59);
    return ZonedStamp{Instant{std::chrono::seconds{local - offset}}, offset};
}

std::string format_rfc3339(Instant t, int offset_seconds) {
    // RFC 3339 offsets have no seconds; local-mean-time offsets such as
    // +08:05:43 are cut to whole minutes, and the wall time printed with that
    // same offset so the stamp still names the right instant.
    const int offset = offset_seconds / 60 * 60;
    const int64_t local = t.time_since_epoch().count() + offset;
    const int64_t days = floor_div(local, kSecondsPerDay);
    const int64_t secs = local - days * kSecondsPerDay;
    const Date d = Date::from_days_since_epoch(days);
    char buf[64];
    const int hh = static_cast<int>(secs / 3600), mm = static_cast<int>(secs / 60 % 60), ss = static_cast<int>(secs % 60);
    if (offset == 0) {
        std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", d.to_string().c_str(), hh, mm, ss);
    } else {
        const int a = offset < 0 ? -offset : offset;
        std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d%c%02d:%02d", d.to_string().c_str(), hh, mm, ss,
                      offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    }
    return buf;
}

//-----------------------------------------------------------------------------
// [SECTION] POSIX TZ rules
//-----------------------------------------------------------------------------
// The TZif footer (RFC 8536 §3.3) says what happens after the last transition
// in the table, e.g. "CST-8" (fixed) or "CET-1CEST,M3.5.0,M10.5.0/3" (DST).
// TimeZone keeps only a sorted table, so at load time the rule is expanded
// into transitions up to kLastRuleYear; after that the last offset holds.
// Schools will not run this kiosk past 2100 without a tzdata update anyway.

namespace {

constexpr int kLastRuleYear = 2100;

struct RuleDate {
    enum class Kind { julian_no_leap, zero_based, month_week_day } kind = Kind::month_week_day;
    int a = 0, b = 0, c = 0;  // Jn: a=n; n: a=n; Mm.w.d: a=m b=w c=d
    int time = 7200;          // seconds after local midnight, default 02:00
};

struct PosixRule {
    int std_offset = 0;  // seconds east of UTC (POSIX writes them west: "CST-8")
    bool has_dst = false;
    int dst_offset = 0;
    bool has_rule = false;
    RuleDate start, end;
};

class PosixParser {
public:
    explicit PosixParser(std::string_view s) : s_(s) {}

    std::optional<PosixRule> parse() {
        PosixRule r;
        if (!name()) return std::nullopt;
        const auto std_off = hms(true);
        if (!std_off) return std::nullopt;
        r.std_offset = -*std_off;
        if (r.std_offset <= -26 * 3600 || r.std_offset >= 26 * 3600) return std::nullopt;
        if (at_end()) return r;
        if (!name()) return std::nullopt;
        r.has_dst = true;
        r.dst_offset = r.std_offset + 3600;
        if (!at_end() && peek() != ',') {
            const auto dst_off = hms(true);
            if (!dst_off) return std::nullopt;
            r.dst_offset = -*dst_off;
            if (r.dst_offset <= -26 * 3600 || r.dst_offset >= 26 * 3600) return std::nullopt;
        }
        if (at_end()) return r;  // DST named but no rule: caller falls back
        if (peek() != ',') return std::nullopt;
        ++pos_;
        const auto start = rule_date();
        if (!start || at_end() || peek() != ',') return std::nullopt;
        ++pos_;
        const auto end = rule_date();
        if (!end || !at_end()) return std::nullopt;
        r.has_rule = true;
        r.start = *start;
        r.end = *end;
        return r;
    }

private:
    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return s_[pos_]; }
    static bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
    static bool digit(char c) { return c >= '0' && c <= '9'; }

    // "CST" or "<+08>".
    bool name() {
        if (at_end()) return false;
        if (peek() == '<') {
            const std::size_t close = s_.find('>', pos_);
            if (close == std::string_view::npos || close - pos_ < 4) return false;
            pos_ = close + 1;
            return true;
        }
        const std::size_t first = pos_;
        while (!at_end() && alpha(peek())) ++pos_;
        return pos_ - first >= 3;
    }

    std::optional<int> number(int max_digits) {
        const std::size_t first = pos_;
        int v = 0;
        while (!at_end() && digit(peek()) && pos_ - first < static_cast<std::size_t>(max_digits)) {
            v = v * 10 + (peek() - '0');
            ++pos_;
        }
        if (pos_ == first) return std::nullopt;
        return v;
    }

    // [+-]hh[:mm[:ss]]; RFC 8536 §3.3.1 allows hours up to 167 in rule times.
    std::optional<int> hms(bool allow_sign) {
        int sign = 1;
        if (allow_sign && !at_end() && (peek() == '+' || peek() == '-')) {
            sign = peek() == '-' ? -1 : 1;
            ++pos_;
        }
        const auto h = number(3);
        if (!h || *h > 167) return std::nullopt;
        int total = *h * 3600;
        for (int mult : {60, 1}) {
            if (at_end() || peek() != ':') break;
            ++pos_;
            const auto v = number(2);
            if (!v || *v > 59) return std::nullopt;
            total += *v * mult;
        }
        return sign * total;
    }

    std::optional<RuleDate> rule_date() {
        RuleDate d;
        if (at_end()) return std::nullopt;
        if (peek() == 'J') {
            ++pos_;
            const auto n = number(3);
            if (!n || *n < 1 || *n > 365) return std::nullopt;
            d.kind = RuleDate::Kind::julian_no_leap;
            d.a = *n;
        } else if (peek() == 'M') {
            ++pos_;
            const auto m = number(2);
            if (!m || *m < 1 || *m > 12 || at_end() || peek() != '.') return std::nullopt;
            ++pos_;
            const auto w = number(1);
            if (!w || *w < 1 || *w > 5 || at_end() || peek() != '.') return std::nullopt;
            ++pos_;
            const auto wd = number(1);
            if (!wd || *wd > 6) return std::nullopt;
            d.kind = RuleDate::Kind::month_week_day;
            d.a = *m;
            d.b = *w;
            d.c = *wd;
        } else {
            const auto n = number(3);
            if (!n || *n > 365) return std::nullopt;
            d.kind = RuleDate::Kind::zero_based;
            d.a = *n;
        }
        if (!at_end() && peek() == '/') {
            ++pos_;
            const auto t = hms(true);
            if (!t) return std::nullopt;
            d.time = *t;
        }
        return d;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

// The local date a rule names in `year`, as days since the epoch.
int64_t rule_day(const RuleDate& d, int year) {
    const int64_t jan1 = days_from_civil(year, 1, 1);
    switch (d.kind) {
    case RuleDate::Kind::julian_no_leap:
        // Jn counts 1..365 and never names Feb 29.
        return jan1 + d.a - 1 + (is_leap_year(year) && d.a >= 60 ? 1 : 0);
    case RuleDate::Kind::zero_based:
        return jan1 + d.a;
    case RuleDate::Kind::month_week_day: {
        const int64_t first = days_from_civil(year, d.a, 1);
        const int first_sunday_based = Date::from_days_since_epoch(first).weekday() + 1;  // Mon=1 … Sun=7
        int day = 1 + ((d.c - first_sunday_based % 7) + 7) % 7 + (d.b - 1) * 7;
        while (day > days_in_month(year, d.a)) day -= 7;  // week 5 = the last such weekday
        return first + day - 1;
    }
    }
    return jan1;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] TZif reader
//-----------------------------------------------------------------------------

struct TimeZoneLoader {
    // Reads a TZif file (RFC 8536). For version 2 and later the 32-bit block is
    // skipped and the 64-bit one read, so times before 1901 and after 2038 work.
    // Leap-second records ("right/" zones) are skipped: school times are civil
    // times and POSIX seconds count no leap seconds.
    static std::shared_ptr<TimeZone> parse(std::string name, std::string_view data) {
        std::size_t pos = 0;
        const auto header = read_header(data, pos);
        if (!header) return nullptr;
        Header h = *header;
        if (h.version >= '2') {
            const std::size_t v1_size = h.timecnt * 5 + h.typecnt * 6 + h.charcnt + h.leapcnt * 8 + h.isstdcnt + h.isutcnt;
            if (data.size() - pos < v1_size) return nullptr;
            pos += v1_size;
            const auto h2 = read_header(data, pos);
            if (!h2) return nullptr;
            h = *h2;
        }
        const std::size_t time_size = h.version >= '2' ? 8 : 4;
        const std::size_t block = h.timecnt * (time_size + 1) + h.typecnt * 6 + h.charcnt +
                                  h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;
        if (data.size() - pos < block) return nullptr;

        auto zone = std::make_shared<TimeZone>();
        zone->name_ = std::move(name);

        std::vector<int64_t> times(h.timecnt);
        for (auto& t : times) {
            t = time_size == 8 ? static_cast<int64_t>(be(data, pos, 8)) : static_cast<int32_t>(be(data, pos, 4));
            pos += time_size;
        }
        std::vector<uint8_t> indices(h.timecnt);
        for (auto& i : indices) i = static_cast<uint8_t>(data[pos++]);
        std::vector<int> offsets(h.typecnt);
        for (auto& o : offsets) {
            o = static_cast<int32_t>(be(data, pos, 4));
            const auto desig = static_cast<uint8_t>(data[pos + 5]);
            pos += 6;
            // RFC 8536: utoff is never -2^31, and real zones stay within ±26 h.
            if (o <= -26 * 3600 || o >= 26 * 3600 || desig >= h.charcnt) return nullptr;
        }
        pos += h.charcnt + h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;

        // Local time before the first transition uses type 0 (RFC 8536 §3.2).
        zone->initial_offset_ = offsets[0];
        zone->transitions_.reserve(h.timecnt);
        for (std::size_t i = 0; i < h.timecnt; ++i) {
            if (indices[i] >= h.typecnt) return nullptr;
            if (i > 0 && times[i] <= times[i - 1]) return nullptr;  // must ascend
            zone->transitions_.push_back({times[i], offsets[indices[i]]});
        }

        if (h.version >= '2') {
            // Footer: "\n<POSIX TZ>\n".
            if (pos >= data.size() || data[pos] != '\n') return nullptr;
            const std::size_t end = data.find('\n', pos + 1);
            if (end == std::string_view::npos) return nullptr;
            zone->footer_tz_ = std::string(data.substr(pos + 1, end - pos - 1));
            if (!zone->footer_tz_.empty() && !apply_footer(*zone)) return nullptr;
        }
        return zone;
    }

private:
    struct Header {
        char version = 0;
        std::size_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
    };

    static uint64_t be(std::string_view d, std::size_t pos, std::size_t n) {
        uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(d[pos + i]);
        return v;
    }

    static std::optional<Header> read_header(std::string_view d, std::size_t& pos) {
        if (d.size() - pos < 44 || d.substr(pos, 4) != "TZif") return std::nullopt;
        Header h;
        h.version = d[pos + 4];
        if (h.version != 0 && (h.version < '2' || h.version > '4')) return std::nullopt;
        if (h.version == 0) h.version = '1';
        std::size_t* counts[] = {&h.isutcnt, &h.isstdcnt, &h.leapcnt, &h.timecnt, &h.typecnt, &h.charcnt};
        for (std::size_t i = 0; i < 6; ++i) *counts[i] = static_cast<std::size_t>(be(d, pos + 20 + 4 * i, 4));
        pos += 44;
        // Bounds that keep a hostile file from asking for gigabytes; real zones
        // have at most a few hundred transitions and a dozen types.
        if (h.typecnt == 0 || h.typecnt > 256 || h.timecnt > 100000 || h.charcnt == 0 || h.charcnt > 65536 ||
            h.leapcnt > 100000 || (h.isstdcnt != 0 && h.isstdcnt != h.typecnt) ||
            (h.isutcnt != 0 && h.isutcnt != h.typecnt))
            return std::nullopt;
        return h;
    }

    // Expands the footer rule into transitions after the table. A rule that
    // cannot be read rejects the file; a DST zone without a rule (legal POSIX,
    // never written by zic) keeps the last transition's offset.
    static bool apply_footer(TimeZone& zone) {
        const auto rule = PosixParser(zone.footer_tz_).parse();
        if (!rule) return false;
        auto& tr = zone.transitions_;
        const int last_offset = tr.empty() ? zone.initial_offset_ : tr.back().offset;
        const int64_t last_at = tr.empty() ? INT64_MIN : tr.back().at;
        if (!rule->has_dst || !rule->has_rule) {
            if (!rule->has_dst && rule->std_offset != last_offset) {
                // The table ends in a different offset than the rule: the rule
                // wins from the last transition on (or always, with no table).
                if (tr.empty()) zone.initial_offset_ = rule->std_offset;
                else tr.push_back({tr.back().at + 1, rule->std_offset});
            }
            return true;
        }
        const int first_year = tr.empty() ? 1970 : Date::from_days_since_epoch(floor_div(last_at, kSecondsPerDay)).year;
        std::vector<TimeZone::Transition> extra;
        for (int y = first_year; y <= kLastRuleYear; ++y) {
            // DST starts at a wall time read in standard time, ends at one read in DST.
            const int64_t start = rule_day(rule->start, y) * kSecondsPerDay + rule->start.time - rule->std_offset;
            const int64_t end = rule_day(rule->end, y) * kSecondsPerDay + rule->end.time - rule->dst_offset;
            extra.push_back({start, rule->dst_offset});
            extra.push_back({end, rule->std_offset});
        }
        std::stable_sort(extra.begin(), extra.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
        int current = last_offset;
        for (const auto& t : extra) {
            if (t.at <= last_at || t.offset == current) continue;
            if (!tr.empty() && t.at <= tr.back().at) continue;
            tr.push_back(t);
            current = t.offset;
        }
        return true;
    }
};

namespace {

// IANA names are made of [A-Za-z0-9_+-] parts joined by '/'. Refusing '.'
// outright shuts out "..", and with no leading '/' the name can only reach
// files under zoneinfo_dir() — the name comes from a downloaded feed.
bool is_iana_shaped(std::string_view name) {
    if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
    char prev = 0;
    for (const char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '+' || c == '-' || c == '/';
        if (!ok || (c == '/' && prev == '/')) return false;
        prev = c;
    }
    return name.find("..") == std::string_view::npos;
}

}  // namespace

std::string zoneinfo_dir() {
    const char* env = std::getenv("TZDIR");
    return env && *env ? std::string(env) : std::string("/usr/share/zoneinfo");
}

std::shared_ptr<const TimeZone> TimeZone::load(std::string_view iana_name) {
    if (!is_iana_shaped(iana_name)) return nullptr;
    const std::string path = zoneinfo_dir() + "/" + std::string(iana_name);
    std::ifstream in(path, std::ios::binary);
    if (!in) return nullptr;
    // Real TZif files are under 4 KiB; anything past 1 MiB is not one. Read in
    // small chunks so a normal zone costs one small allocation, not a megabyte.
    constexpr std::size_t kMaxBytes = 1u << 20;
    std::string data;
    char chunk[4096];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        data.append(chunk, static_cast<std::size_t>(in.gcount()));
        if (data.size() > kMaxBytes) return nullptr;
    }
    if (in.bad()) return nullptr;  // e.g. the name is a directory
    return TimeZoneLoader::parse(std::string(iana_name), data);
}

std::shared_ptr<const TimeZone> TimeZone::fixed(std::string name, int offset_seconds) {
    auto zone = std::make_shared<TimeZone>();
    zone->name_ = std::move(name);
    zone->initial_offset_ = offset_seconds;
    return zone;
}

//-----------------------------------------------------------------------------
// [SECTION] TimeZone queries
//-----------------------------------------------------------------------------

int TimeZone::offset_at(Instant t) const {
    const int64_t s = t.time_since_epoch().count();
    // The last transition at or before s.
    const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s,
                                     [](int64_t v, const Transition& tr) { return v < tr.at; });
    return it == transitions_.begin() ? initial_offset_ : std::prev(it)->offset;
}

LocalTime TimeZone::to_local(Instant t) const {
    const int offset = offset_at(t);
    const int64_t local = t.time_since_epoch().count() + offset;
    const int64_t days = floor_div(local, kSecondsPerDay);
    const int secs = static_cast<int>(local - days * kSecondsPerDay);
    return LocalTime{Date::from_days_since_epoch(days), TimeOfDay{secs / 3600, secs / 60 % 60, secs % 60}, offset};
}

Instant TimeZone::from_local(Date date, TimeOfDay time) const {
    const int64_t local = date.days_since_epoch() * kSecondsPerDay + time.seconds_since_midnight();
    // Offsets in force a day either side; no zone changes twice in two days.
    const int before = offset_at(Instant{std::chrono::seconds{local - kSecondsPerDay}});
    const int after = offset_at(Instant{std::chrono::seconds{local + kSecondsPerDay}});
    for (const int offset : {before, after}) {
        const Instant candidate{std::chrono::seconds{local - offset}};
        if (offset_at(candidate) == offset) return candidate;  // overlap: `before` wins, the earlier offset
    }
    return Instant{std::chrono::seconds{local - before}};  // in a gap: read with the offset before it
}

}  // namespace campus
