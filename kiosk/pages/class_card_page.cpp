// The classroom's own card, first in a classroom screen's rotation: the class
// (and its 班主任), then one panel per competition with this week's rank and
// flag, movement against last week, the flag streak, the total and every
// criterion's score, and the criterion to work on this week, said kindly
// ("本周加油：卫生"). Calm: the flag is drawn still, nothing moves.
//
// The panels sit side by side on a landscape screen, stacked on a portrait
// one. Each panel is placed by one routine, place_panel(), that measures and
// draws alike, so page_count() and draw() cannot disagree.
//
// A competition that shows only its winners (display "winners", "top:N") is
// not overruled here: a class outside what the school publishes sees its
// scores and what it needs for the flag, not its rank.
//
// Sections:
//   [words]  the card's sentences
//   [panel]  measuring and drawing one competition's panel
//   [plan]   choosing the type size and the panels' arrangement
//   [draw]
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "kiosk/page.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kTeacher = "班主任：";
constexpr const char* kNoClassTitle = "未找到本班";
constexpr const char* kNoClassDetail = "学校的数据中没有这个班级，请检查本屏的班级设置。";
constexpr const char* kNotStarted = "本学期评比尚未开始";
constexpr const char* kNoScore = "本周暂无本班的评比成绩";
constexpr const char* kKeepGoing = "继续努力";
constexpr const char* kCheer = "本周加油：";
constexpr const char* kAllFull = "各项满分，继续保持！";
constexpr const char* kTotal = "总分 ";
constexpr const char* kNoteLabel = "值周记录：";

// ---- [words] ---------------------------------------------------------------

std::string rank_text(const CompetitionStandings& st, const ClassStanding& s) {
    const bool by_grade = st.competition->scope == CompetitionScope::grade;
    int sharing = 0;
    for (const ClassStanding& other : st.standings)
        if (other.rank == s.rank && (!by_grade || other.grade == s.grade)) ++sharing;
    std::string text = by_grade ? "年级" : "全校";
    text += sharing > 1 ? "并列第" : "第";
    return text + std::to_string(s.rank) + "名";
}

std::string movement_text(const ClassStanding& s) {
    if (!s.movement) return "本周首次参评";
    if (*s.movement > 0) return "比上周上升" + std::to_string(*s.movement) + "名";
    if (*s.movement < 0) return "比上周下降" + std::to_string(-*s.movement) + "名";
    return "与上周名次相同";
}

// The round's week, not "本周": the round shown may be last week's.
std::string flag_text(const Competition& c, const Round& round, const ClassStanding& s) {
    if (s.streak >= 2) return "连续" + std::to_string(s.streak) + "周获得" + c.name;
    return "第" + std::to_string(round.week) + "周获得" + c.name;
}

// Points between this class and the flag: the lowest holder's total in its
// ranking group minus its own. nullopt when it holds the flag or there is
// nothing to catch up (a tie lost on the tiebreak).
std::optional<double> points_to_flag(const CompetitionStandings& st, const ClassStanding& s) {
    if (s.flag) return std::nullopt;
    std::optional<double> lowest;
    for (const ClassStanding& other : st.standings) {
        if (!other.flag) continue;
        if (st.competition->scope == CompetitionScope::grade && other.grade != s.grade) continue;
        lowest = lowest ? std::min(*lowest, other.total) : other.total;
    }
    if (!lowest || *lowest - s.total <= 0) return std::nullopt;
    return *lowest - s.total;
}

// ---- [panel] ---------------------------------------------------------------

// Type sizes for one attempt, largest first. The first two are for a screen
// with room to spare (one competition, or a portrait screen): the card then
// uses the height instead of leaving its lower half empty.
struct Level {
    TextStyle head, rank, text, small;
};
constexpr std::array<Level, 6> kLevels = {{
    {TextStyle::title, TextStyle::hero, TextStyle::title, TextStyle::subtitle},
    {TextStyle::subtitle, TextStyle::display, TextStyle::title, TextStyle::subtitle},
    {TextStyle::subtitle, TextStyle::display, TextStyle::subtitle, TextStyle::body},
    {TextStyle::subtitle, TextStyle::display, TextStyle::body, TextStyle::caption},
    {TextStyle::subtitle, TextStyle::title, TextStyle::body, TextStyle::caption},
    {TextStyle::body, TextStyle::subtitle, TextStyle::caption, TextStyle::caption},
}};

struct CriterionRow {
    TextBlock name, value;
    float fraction = 0;
    bool weakest = false;
};

struct StatusLine {
    TextBlock text;
    ImU32 color = theme::ink;
    std::optional<int> movement;  // draws the arrow before the text
    bool is_new = false;
};

struct Panel {
    CompetitionStandings st;
    std::size_t own = 0;         // index into st.standings; valid when has_score
    bool has_score = false;
    TextBlock head;              // 流动红旗 · 第12周
    TextBlock message;           // not started / no score
    TextBlock rank;              // 全校第3名, or 继续努力
    bool hero_fits = true;       // the flag and the rank on one line in their column
    bool flag = false;
    std::vector<StatusLine> status;
    TextBlock total;             // 总分 96.5 / 100
    std::vector<CriterionRow> rows;
    TextBlock cheer;             // 本周加油：卫生
    bool cheer_full = false;     // every criterion at full marks
    TextBlock note;              // 值周记录：…
    float height = 0;
};

float panel_pad(const Canvas& canvas) { return 2.0f * canvas.metrics().unit(); }

// A panel is "wide" when the hero and the scores can stand side by side:
// the one competition of a landscape screen. Measured (measure_panel) at the
// width each part gets.
bool is_wide(const Canvas& canvas, float width) {
    return width - 2 * panel_pad(canvas) >= 100 * canvas.metrics().unit();
}
float hero_column(const Canvas& canvas, float inner) { return inner * 0.46f - 1.5f * canvas.metrics().unit(); }
float scores_column(const Canvas& canvas, float inner) { return inner * 0.54f - 1.5f * canvas.metrics().unit(); }

Panel measure_panel(Canvas& canvas, const PageContext& ctx, const Competition& competition, const Level& level,
                    float width) {
    const float u = canvas.metrics().unit();
    const float whole = std::max(1.0f, width - 2 * panel_pad(canvas));
    // Hero, status and encouragement wrap to their column in a wide panel;
    // the scores to theirs.
    const bool wide = is_wide(canvas, width);
    const float inner = wide ? hero_column(canvas, whole) : whole;
    const float scores_w = wide ? scores_column(canvas, whole) : whole;
    Panel p;
    p.st = standings_of(ctx, competition);
    std::string head = competition.name;
    if (p.st.round != nullptr) head += " · 第" + std::to_string(p.st.round->week) + "周";
    p.head = canvas.layout(head, level.head, whole);
    if (p.st.round == nullptr) {
        p.message = canvas.layout(kNotStarted, level.text, inner);
        return p;
    }
    const ClassStanding* s = p.st.find(ctx.class_id);
    if (s == nullptr) {
        p.message = canvas.layout(kNoScore, level.text, inner);
        return p;
    }
    p.has_score = true;
    p.own = static_cast<std::size_t>(s - p.st.standings.data());
    p.flag = s->flag;

    // Whether the school publishes this class's place this week.
    const auto shown = p.st.displayed();
    const bool rank_public = std::find(shown.begin(), shown.end(), s) != shown.end();
    p.rank = canvas.layout(rank_public ? rank_text(p.st, *s) : kKeepGoing, level.rank, inner);
    // place_hero() sets the flag (1.7 × the rank's height) and a gap before it.
    const float flag_w = p.flag ? p.rank.height * 1.7f + 1.5f * u : 0;
    p.hero_fits = p.rank.lines.size() <= 1 && flag_w + p.rank.width <= inner + 0.5f;

    if (s->flag)
        p.status.push_back(
            {canvas.layout(flag_text(competition, *p.st.round, *s), level.text, inner), theme::flag_red_dark, std::nullopt, false});
    if (const auto gap = points_to_flag(p.st, *s))
        p.status.push_back({canvas.layout("离" + competition.name + "还差" + pages::format_number(*gap) + "分",
                                          level.text, inner),
                            theme::ink, std::nullopt, false});
    if (rank_public && p.st.previous_round != nullptr) {
        const float mark = 0.7f * canvas.line_height(level.text);
        StatusLine line{canvas.layout(movement_text(*s), level.text, std::max(1.0f, inner - mark - 0.8f * u)),
                        theme::ink_secondary, s->movement.value_or(0), !s->movement.has_value()};
        p.status.push_back(std::move(line));
    }

    double max_total = 0;
    for (const Criterion& c : competition.criteria) max_total += c.max * c.weight;
    // Beside the scores (a wide panel) the left column has the height of
    // five criteria: the total, read second after the rank, takes a larger size.
    const TextStyle total_style = wide && level.text < TextStyle::title ? TextStyle::title : level.text;
    p.total = canvas.layout(kTotal + pages::format_number(s->total) + " / " + pages::format_number(max_total),
                            total_style, inner);
    const bool any_short = [&] {
        for (std::size_t k = 0; k < competition.criteria.size() && k < s->values.size(); ++k)
            if (s->values[k] < competition.criteria[k].max) return true;
        return false;
    }();
    for (std::size_t k = 0; k < competition.criteria.size() && k < s->values.size(); ++k) {
        const Criterion& c = competition.criteria[k];
        CriterionRow row;
        row.name = canvas.layout(c.name, level.text, scores_w / 2);
        row.value = canvas.layout(pages::format_number(s->values[k]) + " / " + pages::format_number(c.max), level.text,
                                  scores_w / 2);
        row.fraction = static_cast<float>(c.max > 0 ? s->values[k] / c.max : 0);
        row.weakest = any_short && static_cast<int>(k) == s->weakest_criterion;
        p.rows.push_back(std::move(row));
    }
    if (any_short && s->weakest_criterion >= 0 &&
        static_cast<std::size_t>(s->weakest_criterion) < competition.criteria.size()) {
        p.cheer = canvas.layout(kCheer + competition.criteria[static_cast<std::size_t>(s->weakest_criterion)].name,
                                level.text, inner - 2 * u);
    } else {
        p.cheer = canvas.layout(kAllFull, level.text, inner - 2 * u);
        p.cheer_full = true;
    }
    if (!s->note.empty()) {
        // Offices often write the label themselves: never "值周记录：值周记录：".
        const bool labelled = s->note.rfind(kNoteLabel, 0) == 0;
        p.note = canvas.layout(labelled ? s->note : kNoteLabel + s->note, level.small, scores_w);
    }
    return p;
}

// The panel is placed by these routines, each measuring when `draw` is false
// and drawing the same geometry when true, so page_count() and draw() agree.
// Each returns the height it used from `y`.

// The flag when held and the rank; the status lines beside them when they
// fit, else beneath.
float place_hero(Canvas& canvas, const Panel& p, float left, float y, float inner, bool draw) {
    const float u = canvas.metrics().unit();
    const float flag_size = p.flag ? p.rank.height * 1.7f : 0;
    const float flag_gap = p.flag ? 1.5f * u : 0;
    const float rank_w = flag_size + flag_gap + p.rank.width;
    const float mark = p.status.empty() ? 0 : 0.7f * canvas.line_height(p.status.front().text.style);
    float status_w = 0, status_h = 0;
    for (const StatusLine& line : p.status) {
        const bool has_mark = line.movement.has_value() || line.is_new;
        status_w = std::max(status_w, line.text.width + (has_mark ? mark + 0.8f * u : 0));
        status_h += line.text.height + 0.4f * u;
    }
    const float beside_gap = 3 * u;
    const bool beside = !p.status.empty() && rank_w + beside_gap + status_w <= inner;
    const float hero_h = std::max(flag_size, p.rank.height);
    const float row_h = beside ? std::max(hero_h, status_h) : hero_h;
    float used = row_h;
    float sx = left + rank_w + beside_gap;
    float sy = y + (row_h - status_h) / 2;
    if (!beside && !p.status.empty()) {
        sx = left;
        sy = y + row_h + 1.0f * u;
        used += 1.0f * u + status_h;
    }
    if (!draw) return used;
    const float hy = y + (row_h - hero_h) / 2;
    if (p.flag) canvas.red_flag(Rect{left, hy, flag_size, flag_size}, 0.0f);  // calm: still cloth
    canvas.draw(p.rank, {left + flag_size + flag_gap, hy + (hero_h - p.rank.height) / 2},
                p.flag ? theme::flag_red_dark : theme::ink);
    for (const StatusLine& line : p.status) {
        float tx = sx;
        if (line.movement.has_value() || line.is_new) {
            const float lh = canvas.line_height(line.text.style);
            canvas.movement_mark(Rect{sx, sy + (lh - mark) / 2, mark, mark}, line.movement.value_or(0), line.is_new);
            tx += mark + 0.8f * u;
        }
        canvas.draw(line.text, {tx, sy}, line.color);
        sy += line.text.height + 0.4f * u;
    }
    return used;
}

// One row per criterion: name, bar, score; the weakest on a warm band.
// `row_extra` is added to each row's height (a card stretched to its screen).
float place_criteria(Canvas& canvas, const Panel& p, float left, float y, float inner, bool draw,
                     float row_extra = 0) {
    const float u = canvas.metrics().unit();
    float name_w = 0, value_w = 0;
    for (const CriterionRow& row : p.rows) {
        name_w = std::max(name_w, row.name.width);
        value_w = std::max(value_w, row.value.width);
    }
    const float col_gap = 1.5f * u;
    const float bar_w = inner - name_w - value_w - 2 * col_gap - 2 * 0.8f * u;
    float cy = y;
    for (const CriterionRow& row : p.rows) {
        const float text_h = std::max(row.name.height, row.value.height);
        const float h = text_h + 0.6f * u + row_extra;
        if (draw) {
            if (row.weakest) canvas.fill(Rect{left, cy, inner, h}, theme::own_row, 0.5f * u);
            const float ty = cy + (h - text_h) / 2;
            canvas.draw(row.name, {left + 0.8f * u, ty}, row.weakest ? theme::status_warn : theme::ink);
            if (bar_w >= 4 * u) {
                const float bar_h = std::max(4.0f, 0.9f * u);
                canvas.progress_bar(Rect{left + 0.8f * u + name_w + col_gap, cy + (h - bar_h) / 2, bar_w, bar_h},
                                    row.fraction, row.weakest ? theme::gold : theme::progress_fill,
                                    theme::progress_track);
            }
            canvas.draw(row.value, {left + inner - 0.8f * u - value_w, ty}, theme::ink, Align::right, value_w);
        }
        cy += h;
    }
    return cy - y;
}

// The encouragement: a warm box with a gold edge, never red.
float place_cheer(Canvas& canvas, const Panel& p, float left, float y, float inner, bool draw) {
    const float u = canvas.metrics().unit();
    const float box_pad = 1.0f * u;
    const float box_h = p.cheer.height + 2 * box_pad;
    if (draw) {
        const ImU32 background = p.cheer_full ? theme::holder_row : theme::own_row;
        canvas.fill(Rect{left, y, inner, box_h}, background, 0.6f * u);
        canvas.fill(Rect{left, y, 0.6f * u, box_h}, p.cheer_full ? theme::flag_red : theme::gold);
        canvas.draw(p.cheer, {left + 2 * u, y + box_pad}, p.cheer_full ? theme::flag_red_dark : theme::status_warn);
    }
    return box_h;
}

// Places the whole panel with its top-left at (x, y), `width` wide.
// `stretch` is height to spend beyond what the panel needs, when its screen
// has room: the criteria rows grow and the gaps open, so the card fills the
// screen instead of leaving its lower part empty (0 when measuring). Down to
// -snug() when the panel measures a little over: rows and gaps close by as much.
float place_panel(Canvas& canvas, const Panel& p, float x, float y, float width, bool draw, float stretch = 0) {
    const float u = canvas.metrics().unit();
    const float pad = panel_pad(canvas);
    const float inner = std::max(1.0f, width - 2 * pad);
    const float left = x + pad;
    float cy = y + pad;

    if (draw) canvas.draw(p.head, {left, cy}, theme::flag_red_dark);
    cy += p.head.height + 0.8f * u;
    if (draw) canvas.fill(Rect{left, cy, inner, std::max(1.0f, 0.15f * u)}, theme::panel_border);
    cy += 1.5f * u;

    if (!p.has_score) {
        if (draw) canvas.draw(p.message, {left, cy}, theme::ink_secondary);
        return cy + p.message.height + pad - y;
    }

    const float row_count = std::max(1.0f, static_cast<float>(p.rows.size()));
    if (is_wide(canvas, width)) {
        // Hero, total and encouragement on the left; the scores on the right.
        // Both columns end together: the encouragement sits at the foot of
        // the left one, level with the last criterion, and when the card is
        // stretched the right one's rows grow.
        const float left_w = hero_column(canvas, inner);
        const float right_w = scores_column(canvas, inner);
        const float hero_h = place_hero(canvas, p, left, 0, left_w, false);
        const float cheer_h = place_cheer(canvas, p, left, 0, left_w, false);
        const float left_h = hero_h + 2.5f * u + p.total.height + 2.0f * u + cheer_h;
        const float note_h = p.note.text.empty() ? 0 : 1.2f * u + p.note.height;
        const float right_h = place_criteria(canvas, p, 0, 0, right_w, false) + note_h;
        const float column_h = std::max(left_h, right_h) + stretch;
        const float left_open = column_h - left_h;
        const float row_extra = (column_h - right_h) / row_count;
        float ly = cy;
        ly += place_hero(canvas, p, left, ly, left_w, draw) + 2.5f * u;
        if (draw) canvas.draw(p.total, {left, ly}, theme::ink);
        ly += p.total.height + 2.0f * u + left_open;
        ly += place_cheer(canvas, p, left, ly, left_w, draw);
        const float rx = left + inner - right_w;
        if (draw) canvas.fill(Rect{rx - 1.5f * u, cy, std::max(1.0f, 0.15f * u), column_h}, theme::panel_border);
        float ry = cy + place_criteria(canvas, p, rx, cy, right_w, draw, row_extra);
        if (!p.note.text.empty()) {
            ry += 1.2f * u;
            if (draw) canvas.draw(p.note, {rx, ry}, theme::ink_secondary);
            ry += p.note.height;
        }
        return std::max(ly, ry) + pad - y;
    }

    // Stretched: half the room to the criteria rows, half to the three gaps.
    const float gap_open = stretch / 2 / 3;
    cy += place_hero(canvas, p, left, cy, inner, draw) + 2.0f * u + gap_open;
    if (draw) canvas.draw(p.total, {left, cy}, theme::ink);
    cy += p.total.height + 1.0f * u + gap_open;
    cy += place_criteria(canvas, p, left, cy, inner, draw, stretch / 2 / row_count) + 1.5f * u + gap_open;
    cy += place_cheer(canvas, p, left, cy, inner, draw);
    if (!p.note.text.empty()) {
        cy += 1.2f * u;
        if (draw) canvas.draw(p.note, {left, cy}, theme::ink_secondary);
        cy += p.note.height;
    }
    return cy + pad - y;
}

// ---- [plan] ----------------------------------------------------------------

struct Plan {
    const SchoolClass* school_class = nullptr;
    std::string title, subtitle;
    Rect content;
    std::vector<Panel> panels;
    int columns = 1;       // panels side by side (landscape)
    float panel_w = 0, gap = 0;
    // Per screen, which panels: [first, last), and for a stacked (portrait)
    // screen, one column holding several.
    std::vector<std::pair<std::size_t, std::size_t>> screens;
};

Plan plan_at(Canvas& canvas, const PageContext& ctx, const Rect& content, const Level& level, int columns) {
    const float u = canvas.metrics().unit();
    Plan plan;
    plan.content = content;
    plan.columns = columns;
    plan.gap = 3 * u;
    plan.panel_w = (content.w - float(columns - 1) * plan.gap) / float(columns);
    for (const Competition& c : ctx.feed.competitions) {
        Panel p = measure_panel(canvas, ctx, c, level, plan.panel_w);
        p.height = place_panel(canvas, p, 0, 0, plan.panel_w, false);
        plan.panels.push_back(std::move(p));
    }
    if (columns > 1) {
        // Side by side: `columns` panels a screen.
        for (std::size_t i = 0; i < plan.panels.size(); i += static_cast<std::size_t>(columns))
            plan.screens.emplace_back(i, std::min(plan.panels.size(), i + static_cast<std::size_t>(columns)));
    } else {
        std::vector<pages::FlowItem> items;
        for (const Panel& p : plan.panels) items.push_back({p.height, false, 0});
        for (const pages::FlowPage& page : pages::flow_into_pages(items, content.h, plan.gap, 1))
            plan.screens.emplace_back(page.columns.front().first, page.columns.front().last);
    }
    return plan;
}

// How far a panel may measure beyond its screen and still fit: its gaps and
// rows give that much back when it is drawn (a negative stretch). Type sizes
// are whole pixels at every screen size, so a card that fits 1920x1080
// exactly measures a few tenths of a unit over at 2560x1440, 4K or 8K; without
// this the same card would drop to a smaller size there.
float snug(const Canvas& canvas) { return 1.0f * canvas.metrics().unit(); }

// Every panel whole, and its rank on one line beside the flag: a rank
// broken over two lines ("全校第1 / 名") is no hero.
bool fits(const Plan& plan, float slack) {
    for (const Panel& p : plan.panels)
        if (p.height > plan.content.h + slack || !p.hero_fits) return false;
    return true;
}

Plan make_plan(Canvas& canvas, const PageContext& ctx, const Rect& area) {
    Plan plan;
    const Rect inner = pages::content_area(canvas, area);
    plan.school_class = ctx.feed.find_class(ctx.class_id);
    if (plan.school_class == nullptr) {
        plan.title = ctx.class_id.empty() ? std::string(kNoClassTitle) : kNoClassTitle + ("（" + ctx.class_id + "）");
        plan.content = pages::title_bar(canvas, inner, plan.title, {}, 0, 1, true);
        return plan;
    }
    plan.title = plan.school_class->name;
    if (!plan.school_class->teacher.empty()) plan.subtitle = kTeacher + plan.school_class->teacher;
    if (ctx.day.phase == TermPhase::during && ctx.day.week > 0) {
        if (!plan.subtitle.empty()) plan.subtitle += " · ";
        plan.subtitle += "第" + std::to_string(ctx.day.week) + "周";
    }
    const Rect content = pages::title_bar(canvas, inner, plan.title, plan.subtitle, 0, 1, true);
    const std::size_t n = ctx.feed.competitions.size();
    if (n == 0) {
        plan.content = content;
        plan.screens.emplace_back(0, 0);
        return plan;
    }
    // Landscape: up to three panels side by side, each at least 40 units
    // wide; portrait: one column of panels.
    const float u = canvas.metrics().unit();
    int columns = 1;
    if (!canvas.metrics().portrait()) {
        const int room = std::max(1, static_cast<int>((content.w + 3 * u) / (40 * u + 3 * u)));
        columns = std::min({static_cast<int>(n), 3, room});
    }
    // Fewest screens first, then the largest type that needs no more, with
    // every panel whole. When no type size keeps every panel whole side by
    // side (ten or more criteria, a long class name on a small screen), fewer
    // panels a screen: a wide panel holds its scores beside the rank, and the
    // other competitions go to the next screen, rather than under the footer.
    const auto fits_here = [slack = snug(canvas)](const Plan& p) { return fits(p, slack); };
    std::vector<Plan> plans;
    for (int cols = columns; cols >= 1; --cols) {
        plans.clear();
        for (const Level& level : kLevels) plans.push_back(plan_at(canvas, ctx, content, level, cols));
        if (std::any_of(plans.begin(), plans.end(), fits_here)) break;
    }
    std::size_t fewest = plans.back().screens.size();
    for (const Plan& p : plans)
        if (fits_here(p)) fewest = std::min(fewest, p.screens.size());
    Plan* chosen = &plans.back();
    for (Plan& p : plans) {
        if (fits_here(p) && p.screens.size() <= fewest) {
            chosen = &p;
            break;
        }
    }
    chosen->school_class = plan.school_class;
    chosen->title = plan.title;
    chosen->subtitle = plan.subtitle;
    return std::move(*chosen);
}

// ---- [draw] ----------------------------------------------------------------

class ClassCardPage final : public Page {
public:
    explicit ClassCardPage(std::string class_id) : fixed_class_(std::move(class_id)) {}

    // "class-3-2": the class is known once the page has seen its context
    // (or was made for one class); "class" before that.
    std::string name() const override {
        const std::string& id = fixed_class_.empty() ? seen_class_ : fixed_class_;
        return id.empty() ? std::string("class") : "class-" + id;
    }

    int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) override {
        const PageContext own = with_class(ctx);
        if (own.class_id.empty()) return 0;
        return std::max(1, static_cast<int>(make_plan(canvas, own, area).screens.size()));
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const PageContext own = with_class(ctx);
        if (own.class_id.empty()) return;
        const Plan plan = make_plan(canvas, own, area);
        const int count = std::max(1, static_cast<int>(plan.screens.size()));
        if (index < 0 || index >= count) return;
        const Rect inner = pages::content_area(canvas, area);
        pages::title_bar(canvas, inner, plan.title, plan.subtitle, index, count, false);
        const Rect previous_clip = canvas.clip();
        canvas.set_clip(plan.content);
        if (plan.school_class == nullptr) {
            canvas.text(kNoClassDetail, TextStyle::subtitle, {plan.content.x, plan.content.y}, plan.content.w,
                        theme::ink_secondary);
        } else if (!plan.screens.empty()) {
            draw_screen(canvas, plan, plan.screens[static_cast<std::size_t>(index)]);
        }
        canvas.set_clip(previous_clip);
    }

private:
    // A card grows into the room its screen leaves, by at most this share of
    // its own height: beyond that its rows would read as gaps.
    static constexpr float kMostStretch = 0.6f;

    static void draw_screen(Canvas& canvas, const Plan& plan, std::pair<std::size_t, std::size_t> screen) {
        const float u = canvas.metrics().unit();
        const Rect& c = plan.content;
        if (plan.columns > 1) {
            // Side by side, the same height, so the panels read as a set;
            // as tall as the screen allows.
            float tallest = 0;
            for (std::size_t i = screen.first; i < screen.second; ++i)
                tallest = std::max(tallest, plan.panels[i].height);
            // A panel up to snug() taller than the screen is drawn to the screen's
            // height, its gaps a little closer; one taller still (no size fitted) whole.
            const float box_h = tallest <= c.h + snug(canvas) ? std::min(c.h, tallest * (1 + kMostStretch)) : tallest;
            const auto n = static_cast<float>(screen.second - screen.first);
            const float used = n * plan.panel_w + (n - 1) * plan.gap;
            float x = c.x + std::max(0.0f, (c.w - used) / 2);
            for (std::size_t i = screen.first; i < screen.second; ++i) {
                const Panel& p = plan.panels[i];
                const Rect box{x, c.y, plan.panel_w, box_h};
                draw_box(canvas, p, box, u, p.has_score ? box_h - p.height : 0);
                x += plan.panel_w + plan.gap;
            }
            return;
        }
        // Stacked: the room below the last card is shared by the cards with scores.
        float used = 0;
        int scored = 0;
        for (std::size_t i = screen.first; i < screen.second; ++i) {
            used += (i == screen.first ? 0 : plan.gap) + plan.panels[i].height;
            scored += plan.panels[i].has_score ? 1 : 0;
        }
        // Negative (at most snug()) when the cards measure a little over the screen.
        const float share = scored > 0 ? std::max(-snug(canvas), c.h - used) / float(scored) : 0;
        float y = c.y;
        for (std::size_t i = screen.first; i < screen.second; ++i) {
            const Panel& p = plan.panels[i];
            const float stretch = p.has_score ? std::min(share, p.height * kMostStretch) : 0;
            const Rect box{c.x, y, plan.panel_w, p.height + stretch};
            draw_box(canvas, p, box, u, stretch);
            y += box.h + plan.gap;
        }
    }

    static void draw_box(Canvas& canvas, const Panel& p, const Rect& box, float u, float stretch) {
        canvas.fill(box, theme::panel, 0.8f * u);
        // A holder's panel has the flag's red edge; the others a quiet one.
        canvas.outline(box, p.flag ? theme::flag_red : theme::panel_border, std::max(1.0f, (p.flag ? 0.3f : 0.15f) * u),
                       0.8f * u);
        place_panel(canvas, p, box.x, box.y, box.w, true, stretch);
    }

    PageContext with_class(const PageContext& ctx) {
        PageContext own = ctx;
        if (!fixed_class_.empty()) own.class_id = fixed_class_;
        seen_class_ = own.class_id;
        return own;
    }

    std::string fixed_class_;
    std::string seen_class_;
};

}  // namespace

std::unique_ptr<Page> make_class_card_page(std::string class_id) {
    return std::make_unique<ClassCardPage>(std::move(class_id));
}

}  // namespace campus::kiosk
