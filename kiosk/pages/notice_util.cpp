// Announcement words: see notice_util.hpp.
#include "kiosk/pages/notice_util.hpp"

#include <algorithm>

#include "kiosk/pages/page_util.hpp"

namespace campus::kiosk::pages {

namespace {

std::string day_text(const Date& date, const Date& today) {
    std::string text = std::to_string(date.month) + "月" + std::to_string(date.day) + "日";
    if (date.year != today.year) text = std::to_string(date.year) + "年" + text;
    return text;
}

}  // namespace

const Announcement* find_announcement(const Feed& feed, std::string_view id) {
    for (const Announcement& a : feed.announcements)
        if (a.id == id) return &a;
    return nullptr;
}

std::string window_text(const Feed& feed, const Announcement& announcement, Date today) {
    std::string first, last;
    if (announcement.from) first = day_text(school_local_time(feed, *announcement.from).date, today);
    if (announcement.until) {
        // `until` is the first moment it is no longer shown: until 00:00 on
        // the 28th means "to the 27th" to anyone reading the notice.
        const LocalTime end = school_local_time(feed, *announcement.until);
        Date last_day = end.date;
        if (end.time.seconds_since_midnight() == 0) last_day = last_day.plus_days(-1);
        last = day_text(last_day, today);
    }
    if (!first.empty() && !last.empty()) return first == last ? first : first + "—" + last;
    if (!first.empty()) return first + "起";
    if (!last.empty()) return "至" + last;
    return {};
}

std::string moment_text(const Feed& feed, Instant when, Date today) {
    const LocalTime local = school_local_time(feed, when);
    std::string day;
    if (local.date == today)
        day = "今天";
    else if (local.date == today.plus_days(-1))
        day = "昨天";
    else
        day = day_text(local.date, today);
    return day + " " + time_text(local.time);
}

TextBlock balance_lines(const Canvas& canvas, const TextBlock& block) {
    const std::size_t lines = block.lines.size();
    if (lines < 2 || !block.fits) return block;
    // Binary search on the width: the narrowest that still gives `lines` lines.
    float lo = block.width / static_cast<float>(lines), hi = block.width;
    TextBlock best = block;
    for (int i = 0; i < 12 && hi - lo > 1.0f; ++i) {
        const float mid = (lo + hi) / 2;
        TextBlock trial = canvas.layout(block.text, block.style, mid);
        if (trial.lines.size() <= lines && trial.style == block.style && trial.fits) {
            best = std::move(trial);
            hi = mid;
        } else {
            lo = mid;
        }
    }
    return best;
}

bool is_blank_line(std::string_view line) {
    for (std::size_t i = 0; i < line.size();) {
        const unsigned char c = static_cast<unsigned char>(line[i]);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            ++i;
        } else if (line.compare(i, 3, "\xE3\x80\x80") == 0) {  // U+3000 IDEOGRAPHIC SPACE
            i += 3;
        } else {
            return false;
        }
    }
    return true;
}

std::string body_text(std::string_view body) {
    std::string out;
    out.reserve(body.size());
    bool pending_break = false;  // blank lines seen since the last line of text
    bool any = false;
    std::size_t start = 0;
    while (start <= body.size()) {
        std::size_t end = body.find('\n', start);
        if (end == std::string_view::npos) end = body.size();
        const std::string_view line = body.substr(start, end - start);
        if (is_blank_line(line)) {
            pending_break = any;
        } else {
            if (any) out += pending_break ? "\n\n" : "\n";
            out.append(line);
            any = true;
            pending_break = false;
        }
        if (end == body.size()) break;
        start = end + 1;
    }
    return out;
}

std::vector<TextBlock> split_into_screens(const Canvas& canvas, const TextBlock& whole, std::size_t lines_per_screen) {
    lines_per_screen = std::max<std::size_t>(1, lines_per_screen);
    std::vector<TextBlock> screens;
    const std::size_t n = whole.lines.size();
    std::size_t first = 0;
    while (first < n) {
        while (first < n && is_blank_line(whole.lines[first])) ++first;  // never open a screen with a gap
        if (first == n) break;
        std::size_t last = std::min(n, first + lines_per_screen);
        std::size_t end = last;
        while (end > first && is_blank_line(whole.lines[end - 1])) --end;  // nor close one with it
        screens.push_back(slice_lines(canvas, whole, first, end));
        first = last;
    }
    return screens;
}

TextBlock slice_lines(const Canvas& canvas, const TextBlock& whole, std::size_t first, std::size_t last) {
    TextBlock part;
    part.style = whole.style;
    part.px = whole.px;
    part.lines.assign(whole.lines.begin() + static_cast<std::ptrdiff_t>(first),
                      whole.lines.begin() + static_cast<std::ptrdiff_t>(last));
    for (const std::string& line : part.lines) part.text += line;
    part.visible = part.text;
    // The characters the screen left out are reported once, with the first part.
    if (first == 0) part.missing = whole.missing;
    part.width = whole.width;
    part.height = static_cast<float>(part.lines.size()) * canvas.line_height(whole.style);
    return part;
}

}  // namespace campus::kiosk::pages
