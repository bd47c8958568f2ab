// The frame around the pages. Sections: [words] [header] [footer] [waiting]
#include "kiosk/header.hpp"

#include <algorithm>
#include <cstdio>

#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"
#include "sync/calendar.hpp"
#include "sync/standings.hpp"

namespace campus::kiosk {

// [SECTION] words ------------------------------------------------------------------
std::string stamp_text(const ZonedStamp& stamp) {
    // The office's own wall time: instant + its offset, as a civil date/time.
    const auto local_seconds = stamp.instant.time_since_epoch().count() + stamp.offset_seconds;
    auto days = local_seconds / 86400;
    auto rest = local_seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        days -= 1;
    }
    const Date date = Date::from_days_since_epoch(days);
    TimeOfDay time;
    time.hour = static_cast<int>(rest / 3600);
    time.minute = static_cast<int>(rest % 3600 / 60);
    return std::to_string(date.month) + "月" + std::to_string(date.day) + "日 " + pages::time_text(time);
}

HeaderModel header_model(const Feed* feed, const SyncState& sync, Instant now, bool sample) {
    if (feed == nullptr) return header_model(feed, sync, now, sample, nullptr, {});
    const SchoolDay day = school_day(*feed, now);
    std::vector<CompetitionStandings> standings;
    standings.reserve(feed->competitions.size());
    for (const auto& competition : feed->competitions)
        standings.push_back(compute_standings(*feed, competition, day.local.date));
    return header_model(feed, sync, now, sample, &day, standings);
}

HeaderModel header_model(const Feed* feed, const SyncState& sync, Instant now, bool sample, const SchoolDay* known_day,
                         const std::vector<CompetitionStandings>& standings) {
    HeaderModel model;
    LocalTime local;
    if (feed != nullptr) {
        local = school_local_time(*feed, now);
    } else {
        // No feed, no zone yet: the contract's default zone, or UTC if even
        // tzdata is missing (the clock is then honest about being UTC).
        static const auto fallback = TimeZone::load("Asia/Shanghai");
        local = fallback ? fallback->to_local(now) : TimeZone::fixed("UTC", 0)->to_local(now);
    }
    model.date_line = pages::date_text(local.date) + " " + pages::weekday_name(local.date.weekday());
    model.time_line = pages::time_text(local.time);
    if (feed == nullptr) return model;

    model.school = feed->school.name;
    model.school_short = feed->school.short_name;
    const SchoolDay day = known_day != nullptr ? *known_day : school_day(*feed, now);
    model.term_line = feed->term.name;
    switch (day.phase) {
        case TermPhase::during:
            model.term_line += " 第" + std::to_string(day.week) + "周";
            break;
        case TermPhase::before:
            model.notices.push_back("本学期尚未开始（" + std::to_string(feed->term.start.month) + "月" +
                                    std::to_string(feed->term.start.day) + "日开学），显示最近数据");
            break;
        case TermPhase::after:
            model.notices.push_back("本学期已结束，显示最近数据");
            break;
    }
    for (const CompetitionStandings& st : standings) {
        if (st.competition != nullptr && st.round == nullptr)
            model.notices.push_back(st.competition->name + "本学期的第一次评比尚未开始");
    }
    if (sample) model.notices.push_back("示例数据：尚未配置学校的数据源");

    if (sync.offline || sync.stale) {
        model.status_mark = std::string(sync.offline ? "离线" : "数据已过期") + " · 数据更新于 " +
                            stamp_text(feed->generated_at);
    }
    return model;
}

// [SECTION] header -------------------------------------------------------------------
namespace {

// Horizontal margin of the frame: 3 % of the short side, the same as the pages'.
float side_margin(const Canvas& canvas) { return canvas.metrics().unit() * 3.0f; }

// The widest single-line style from `largest` down to `smallest`; wraps at
// `smallest` when even that does not fit on one line.
TextBlock one_line(const Canvas& canvas, const std::string& text, TextStyle largest, TextStyle smallest, float width) {
    return canvas.fit(text, largest, smallest, width, canvas.line_height(largest) * 1.01f);
}

}  // namespace

Rect draw_header(Canvas& canvas, const HeaderModel& model, const Rect& screen, float bleed, Rect* band_out) {
    const float u = canvas.metrics().unit();
    const float margin = side_margin(canvas);
    const float pad = u * 1.4f;
    const float gap = u * 3.0f;
    const float inner_w = screen.w - 2 * margin;

    // Right column first: the clock and the date never wrap and set their width.
    TextBlock time = canvas.layout(model.time_line, TextStyle::title, inner_w);
    TextBlock date = canvas.layout(model.date_line, TextStyle::body, inner_w);
    const float right_w = std::max(time.width, date.width);
    const float left_w = std::max(inner_w - right_w - gap, inner_w * 0.3f);

    TextBlock school = one_line(canvas, model.school, TextStyle::title, TextStyle::subtitle, left_w);
    if (!school.fits && !model.school_short.empty())
        school = one_line(canvas, model.school_short, TextStyle::title, TextStyle::subtitle, left_w);
    TextBlock term = one_line(canvas, model.term_line, TextStyle::body, TextStyle::caption, left_w);

    // Two rows, shared by both columns so the lines sit on common baselines:
    // the name with the clock, the term and week with the date.
    const float row1_h = std::max(model.school.empty() ? 0.0f : school.height, time.height);
    const float row2_h = std::max(model.term_line.empty() ? 0.0f : term.height, date.height);
    const float band_h = pad * 2 + row1_h + row2_h;
    const Rect band{screen.x, screen.y, screen.w, band_h};
    canvas.fill({band.x - bleed, band.y - bleed, band.w + 2 * bleed, band.h + bleed}, theme::header_background);
    if (band_out != nullptr) *band_out = Rect{band.x - bleed, band.y - bleed, band.w + 2 * bleed, band.h + bleed};

    const float row1_y = band.y + pad;
    const float row2_y = row1_y + row1_h;
    // Within a row, blocks of different sizes share their bottom edge (CJK
    // has no common baseline in ImGui; bottoms read as aligned).
    if (!model.school.empty()) canvas.draw(school, {band.x + margin, row1_y + row1_h - school.height}, theme::header_ink);
    if (!model.term_line.empty()) canvas.draw(term, {band.x + margin, row2_y}, theme::header_ink);
    const float right_x = band.right() - margin - right_w;
    canvas.draw(time, {right_x, row1_y + row1_h - time.height}, theme::header_ink, Align::right, right_w);
    canvas.draw(date, {right_x, row2_y}, theme::header_ink, Align::right, right_w);

    Rect rest = screen.below(band_h);
    if (model.notices.empty() && model.status_mark.empty()) return rest;

    // The notice line: plain words on the page colour, under the band.
    const float line_pad = u * 0.8f;
    float notice_y = rest.y + line_pad;
    float status_w = 0;
    TextBlock status;
    if (!model.status_mark.empty()) {
        status = canvas.layout(model.status_mark, TextStyle::caption, inner_w * 0.5f);
        status_w = status.width;
    }
    const float notice_w = status_w > 0 ? inner_w - status_w - gap : inner_w;
    float notices_h = 0;
    for (const auto& notice : model.notices) {
        TextBlock block = canvas.layout(notice, TextStyle::caption, notice_w);
        canvas.draw(block, {rest.x + margin, notice_y + notices_h}, theme::ink_secondary);
        notices_h += block.height;
    }
    if (!model.status_mark.empty()) {
        // A small warning dot before the words, so the mark reads as a status, not a notice.
        const float dot = canvas.px(TextStyle::caption) * 0.4f;
        const float status_x = rest.right() - margin - status_w;
        canvas.fill({status_x - dot * 2.2f, notice_y + canvas.line_height(TextStyle::caption) * 0.5f - dot * 0.5f, dot, dot},
                    theme::status_warn, dot * 0.5f);
        canvas.draw(status, {status_x, notice_y}, theme::status_warn, Align::right, status_w);
    }
    const float line_h = std::max(notices_h, status.height) + line_pad * 2;
    return rest.below(line_h);
}

// [SECTION] footer -------------------------------------------------------------------
float footer_height(const Canvas& canvas) { return canvas.metrics().unit() * 4.0f; }

void draw_footer(Canvas& canvas, const Rect& footer, std::size_t position, std::size_t count,
                 const std::string& events_line) {
    const float u = canvas.metrics().unit();
    const float footer_h = footer.h;
    const float dot = u * 1.0f;
    const float step = dot * 2.6f;
    const float dots_w = count < 2 ? 0.0f : step * static_cast<float>(count - 1) + dot;
    const bool as_dots = dots_w <= footer.w * 0.6f;

    if (!events_line.empty()) {
        // Left of the centred dots (or of the "3/12"), with the frame's margin
        // and a gap; one line at the floor style or not at all: half a line
        // of an event reads as a glitch.
        const float margin = side_margin(canvas);
        const float middle_w = count < 2 ? 0.0f : (as_dots ? dots_w : footer.w * 0.1f);
        const float room = (footer.w - middle_w) * 0.5f - margin - u * 2;
        const TextBlock line = canvas.layout(events_line, TextStyle::caption, std::max(room, 1.0f));
        if (line.lines.size() == 1 && line.width <= room)
            canvas.draw(line, {footer.x + margin, footer.y + (footer_h - line.height) * 0.5f}, theme::ink_secondary);
    }
    if (count < 2) return;
    if (as_dots) {
        float x = footer.x + (footer.w - dots_w) * 0.5f;
        const float y = footer.y + (footer_h - dot) * 0.5f;
        for (std::size_t i = 0; i < count; ++i, x += step) {
            const Rect r{x, y, dot, dot};
            if (i == position)
                canvas.fill(r, theme::header_background, dot * 0.5f);
            else
                canvas.fill(r.inset(dot * 0.15f), theme::panel_border, dot * 0.5f);
        }
    } else {
        // Too many for dots to mean anything at a glance: say where we are.
        const std::string where = std::to_string(position + 1) + "/" + std::to_string(count);
        TextBlock block = canvas.layout(where, TextStyle::caption, footer.w);
        canvas.draw(block, {footer.x, footer.y + (footer_h - block.height) * 0.5f}, theme::ink_secondary, Align::center,
                    footer.w);
    }
}

// [SECTION] waiting -------------------------------------------------------------------
void draw_waiting(Canvas& canvas, const Rect& area, const std::string& detail) {
    draw_waiting(canvas, area, WaitingWords{"正在等待学校的数据…", detail, {}});
}

namespace {
// At most `max_bytes` of `text`, cut before a UTF-8 continuation byte, never inside a character.
std::string utf8_prefix(const std::string& text, std::size_t max_bytes) {
    std::size_t end = std::min(max_bytes, text.size());
    while (end > 0 && end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}
}  // namespace

WaitingWords waiting_words(const SyncState& sync) {
    WaitingWords words;
    if (sync.refused) {
        switch (sync.refusal) {
            case FeedRefusal::signature: words.headline = "数据签名不符，请联系学校管理员"; break;
            case FeedRefusal::invalid: words.headline = "学校的数据有误，暂不能显示，请联系学校管理员"; break;
            case FeedRefusal::rollback: words.headline = "收到的数据比已显示过的旧，已拒绝，请联系学校管理员"; break;
            case FeedRefusal::other_feed: words.headline = "收到的不是本屏所属学校的数据，请联系学校管理员"; break;
            case FeedRefusal::none: words.headline = "学校的数据未通过检查，请联系学校管理员"; break;
        }
        words.detail = "数据修正后，本屏会自动显示";
        // A reason can list several problems and a URL: enough to act on, not a wall.
        constexpr std::size_t kMaxTechnical = 400;
        words.technical = sync.last_error.size() <= kMaxTechnical ? sync.last_error
                                                                  : utf8_prefix(sync.last_error, kMaxTechnical) + "…";
        return words;
    }
    words.headline = "正在等待学校的数据…";
    if (sync.offline) words.detail = "暂时无法连接学校的服务器，稍后自动重试";
    return words;
}

void draw_waiting(Canvas& canvas, const Rect& area, const WaitingWords& words) {
    const float u = canvas.metrics().unit();
    const float width = area.w - u * 12;
    TextBlock message = canvas.layout(words.headline, TextStyle::title, width);
    TextBlock second, third;
    if (!words.detail.empty()) second = canvas.layout(words.detail, TextStyle::caption, width);
    if (!words.technical.empty()) third = canvas.layout(words.technical, TextStyle::caption, width);
    const float gap = u * 2;
    const float total = message.height + (words.detail.empty() ? 0 : gap + second.height) +
                        (words.technical.empty() ? 0 : gap + third.height);
    float y = area.y + (area.h - total) * 0.45f;  // a little above centre reads as centred
    const float x = area.x + (area.w - width) * 0.5f;
    canvas.draw(message, {x, y}, theme::ink, Align::center, width);
    y += message.height;
    if (!words.detail.empty()) {
        canvas.draw(second, {x, y + gap}, theme::ink_secondary, Align::center, width);
        y += gap + second.height;
    }
    if (!words.technical.empty()) canvas.draw(third, {x, y + gap}, theme::ink_secondary, Align::center, width);
}

}  // namespace campus::kiosk
