// One competition's standings (流动红旗 and the like) for the current round:
// rank, a drawn red flag for the holders, class, total, the score of every
// criterion, movement against last week and the flag streak.
//
// The table is measured first (every cell at the style tried), then its rows
// flow into as many table columns as fit side by side, then into pages. The
// style is the largest that needs no more pages than the floor style would,
// so a small school reads its table in big type and 80 classes still never go
// below TextStyle::caption. plan() does all of that; page_count() and draw()
// both read the same plan.
//
// A table wider than the page (ten or more criteria, a class named in 32
// characters, a portrait screen) adapts, in this order, and never runs off
// the edge or under the footer: the criteria's heads wrap onto two lines;
// long class names wrap in a narrower name column (their rows grow); the
// criteria are split into groups, each on screens of its own with the rank,
// class and total repeated (纪律 … 卫生 | 眼保健操 … 绿植养护).
//
// Sections:
//   [table]  columns, cells and their measured widths
//   [plan]   choosing the style, flowing rows into columns and pages
//   [draw]   the title, the "not started" message, the table
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "kiosk/page.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/text/utf8.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kNotStarted = "本学期评比尚未开始";
constexpr const char* kNotStartedDetail = "第一周评比结果公布后，这里将显示各班得分与流动红旗。";
constexpr const char* kNoScores = "本周评比结果尚未公布";

// ---- [table] ---------------------------------------------------------------

// Fixed columns around the criteria: flag, rank, class | criteria… | total,
// movement, streak.
constexpr std::size_t kFlagCol = 0, kRankCol = 1, kNameCol = 2, kFirstCriterion = 3;

struct Row {
    const ClassStanding* standing = nullptr;  // null for a grade heading
    // (a row's height grows when its class name wraps in a narrowed column)
    int grade = 0;
    bool own = false;                 // the classroom's own class, or a corridor's grade
    std::string name;                 // 三年级二班
    std::vector<TextBlock> cells;     // one per column; flag and movement cells hold no text
    TextBlock movement;               // "2" beside the arrow, or "新"
    TextBlock heading;                // 三年级 (grade headings only)
    float height = 0;
};

struct Table {
    TextStyle cell = TextStyle::body;
    TextStyle head = TextStyle::caption;
    std::size_t first_criterion = 0;  // the competition's criteria [first, first + criteria) are this table's
    std::size_t criteria = 0;
    std::vector<TextBlock> heads;     // one per column
    std::vector<float> widths;        // one per column, padding included
    float pad = 0;                    // horizontal padding each side of a cell
    float mark = 0;                   // movement arrow's square
    float head_h = 0, row_h = 0, width = 0;
    std::size_t total_col() const { return kFirstCriterion + criteria; }
    std::size_t move_col() const { return total_col() + 1; }
    std::size_t streak_col() const { return total_col() + 2; }
    std::size_t columns() const { return total_col() + 3; }
    float x_of(std::size_t col) const {
        float x = 0;
        for (std::size_t c = 0; c < col; ++c) x += widths[c];
        return x;
    }
};

std::string class_name(const Feed& feed, const std::string& id) {
    const SchoolClass* c = feed.find_class(id);
    return c != nullptr ? c->name : id;
}

TextStyle smaller(TextStyle style) {
    return style == TextStyle::caption ? style : static_cast<TextStyle>(static_cast<int>(style) - 1);
}

// ---- [plan] ----------------------------------------------------------------

// One group of criteria: its table, its rows (cells measured for it) and
// the screens its rows flow into.
struct Group {
    Table table;
    std::vector<Row> rows;
    std::vector<pages::FlowPage> pages;
    int table_columns = 1;
};

// One screen of the page: page `page` of group `group`.
struct Screen {
    std::size_t group = 0;
    std::size_t page = 0;
};

struct Plan {
    CompetitionStandings standings;
    std::string title;
    std::string subtitle;
    Rect content;
    std::vector<Group> groups;
    std::vector<Screen> screens;
    float table_gap = 0;
};

// Measures the table of criteria [first, last) at `style`.
Table measure_table(Canvas& canvas, const Competition& competition, std::vector<Row>& rows, TextStyle style,
                    float available_w, bool has_previous, std::size_t first, std::size_t last) {
    const float u = canvas.metrics().unit();
    Table t;
    t.cell = style;
    t.head = smaller(style);
    t.first_criterion = first;
    t.criteria = last - first;
    t.pad = 1.0f * u;
    const float line = canvas.line_height(style);
    t.row_h = line + 1.0f * u;
    t.mark = 0.6f * line;

    const float unbounded = 1e6f;
    t.heads.assign(t.columns(), TextBlock{});
    t.heads[kRankCol] = canvas.layout("名次", t.head, unbounded);
    t.heads[kNameCol] = canvas.layout("班级", t.head, unbounded);
    for (std::size_t k = 0; k < t.criteria; ++k)
        t.heads[kFirstCriterion + k] = canvas.layout(competition.criteria[first + k].name, t.head, unbounded);
    t.heads[t.total_col()] = canvas.layout("总分", t.head, unbounded);
    if (has_previous) t.heads[t.move_col()] = canvas.layout("升降", t.head, unbounded);

    t.widths.assign(t.columns(), 0);
    t.widths[kFlagCol] = line * 1.1f + 2 * t.pad;
    for (Row& row : rows) {
        if (row.standing == nullptr) {
            row.heading = canvas.layout(pages::grade_name(row.grade), TextStyle::subtitle, unbounded);
            row.height = row.heading.height + 0.8f * u;
            continue;
        }
        const ClassStanding& s = *row.standing;
        row.height = t.row_h;
        row.cells.assign(t.columns(), TextBlock{});
        row.cells[kRankCol] = canvas.layout(std::to_string(s.rank), style, unbounded);
        row.cells[kNameCol] = canvas.layout(row.name, style, unbounded);
        for (std::size_t k = 0; k < t.criteria && first + k < s.values.size(); ++k)
            row.cells[kFirstCriterion + k] = canvas.layout(pages::format_number(s.values[first + k]), style, unbounded);
        row.cells[t.total_col()] = canvas.layout(pages::format_number(s.total), style, unbounded);
        if (has_previous) {
            if (!s.movement)
                row.movement = canvas.layout("新", t.head, unbounded);
            else if (*s.movement != 0)
                row.movement = canvas.layout(std::to_string(std::abs(*s.movement)), style, unbounded);
            else
                row.movement = TextBlock{};
        }
        if (s.streak >= 2)
            row.cells[t.streak_col()] = canvas.layout("连续" + std::to_string(s.streak) + "周", style, unbounded);
        for (std::size_t c = kRankCol; c < t.columns(); ++c)
            t.widths[c] = std::max(t.widths[c], row.cells[c].width);
        if (has_previous)
            t.widths[t.move_col()] = std::max(t.widths[t.move_col()], t.mark + 0.5f * u + row.movement.width);
    }
    for (std::size_t c = kRankCol; c < t.columns(); ++c) {
        if (c == t.move_col() && !has_previous) continue;
        if (t.widths[c] == 0 && t.heads[c].text.empty()) continue;  // e.g. no streaks this week
        t.widths[c] = std::max(t.widths[c], t.heads[c].width) + 2 * t.pad;
    }

    // Too wide for the screen: criterion heads (the longest words) wrap onto
    // two lines rather than the table running off the edge.
    t.width = t.x_of(t.columns());
    if (t.width > available_w) {
        for (std::size_t k = 0; k < t.criteria; ++k) {
            const std::size_t c = kFirstCriterion + k;
            float cells_w = 0;
            for (const Row& row : rows)
                if (row.standing != nullptr) cells_w = std::max(cells_w, row.cells[c].width);
            // Two even lines ("图书角 / 管理"); a head of three characters or
            // fewer stays whole (never "课间 / 操").
            const std::string& name = competition.criteria[first + k].name;
            if (text::count_codepoints(name) <= 3) continue;
            std::size_t half = (text::count_codepoints(name) + 1) / 2, cut = name.size();
            for (const text::Utf8Char ch : text::utf8_chars(name))
                if (half-- == 0) {
                    cut = ch.offset;
                    break;
                }
            const float first_line = canvas.layout(std::string_view(name).substr(0, cut), t.head, 1e6f).width;
            const float narrow = std::max({cells_w, 2 * canvas.px(t.head), first_line + 1.0f});
            t.heads[c] = canvas.layout(name, t.head, narrow);
            t.widths[c] = std::max(cells_w, t.heads[c].width) + 2 * t.pad;
        }
        t.width = t.x_of(t.columns());
    }
    // Still too wide: long class names wrap in a column narrowed by the
    // excess (never below six characters), and their rows grow to hold them.
    if (t.width > available_w) {
        const float excess = t.width - available_w;
        const float name_w = std::max(6 * canvas.px(style), t.widths[kNameCol] - 2 * t.pad - excess);
        float widest = t.heads[kNameCol].width;
        for (Row& row : rows) {
            if (row.standing == nullptr) continue;
            if (row.cells[kNameCol].width > name_w) row.cells[kNameCol] = canvas.layout(row.name, style, name_w);
            widest = std::max(widest, row.cells[kNameCol].width);
            row.height = std::max(t.row_h, row.cells[kNameCol].height + 1.0f * u);
        }
        t.widths[kNameCol] = widest + 2 * t.pad;
        t.width = t.x_of(t.columns());
    }
    t.head_h = 0;
    for (const TextBlock& h : t.heads) t.head_h = std::max(t.head_h, h.height);
    t.head_h += 1.0f * u;
    return t;
}

struct Attempt {
    std::vector<Group> groups;
    std::size_t screens() const {
        std::size_t n = 0;
        for (const Group& g : groups) n += g.pages.size();
        return n;
    }
    bool fits(float width) const {
        return std::all_of(groups.begin(), groups.end(), [&](const Group& g) { return g.table.width <= width + 0.5f; });
    }
};

// The rows of the standings as shown (grade headings, the screen's own class or grade marked).
std::vector<Row> rows_of(const Feed& feed, const CompetitionStandings& st, const PageContext& ctx) {
    std::vector<Row> rows;
    const bool by_grade = st.competition->scope == CompetitionScope::grade;
    const bool classroom = ctx.role == Role::classroom && !ctx.class_id.empty();
    // A corridor serves one floor: its grade's classes are highlighted, and a
    // per-grade ranking opens with its grade.
    const bool floor_grade = ctx.role == Role::corridor && ctx.grade > 0;
    std::vector<const ClassStanding*> shown = st.displayed();
    if (floor_grade && by_grade)
        std::stable_partition(shown.begin(), shown.end(), [&](const ClassStanding* s) { return s->grade == ctx.grade; });
    int last_grade = -1;
    for (const ClassStanding* s : shown) {
        if (by_grade && s->grade != last_grade) {
            Row heading;
            heading.grade = s->grade;
            rows.push_back(heading);
            last_grade = s->grade;
        }
        Row row;
        row.standing = s;
        row.grade = s->grade;
        row.own = (classroom && s->class_id == ctx.class_id) || (floor_grade && s->grade == ctx.grade);
        row.name = class_name(feed, s->class_id);
        rows.push_back(std::move(row));
    }
    return rows;
}

Group group_at(Canvas& canvas, const CompetitionStandings& st, const std::vector<Row>& rows, const Rect& content,
               TextStyle style, std::size_t first, std::size_t last) {
    const float gap = 3 * canvas.metrics().unit();
    Group g;
    g.rows = rows;
    g.table = measure_table(canvas, *st.competition, g.rows, style, content.w, st.previous_round != nullptr, first, last);
    g.table_columns = std::max(1, static_cast<int>((content.w + gap) / (g.table.width + gap)));
    std::vector<pages::FlowItem> items;
    for (const Row& row : g.rows) items.push_back({row.height, row.standing == nullptr, 0});
    const float column_h = content.h - g.table.head_h;
    g.pages = pages::flow_balanced(items, column_h, 0, g.table_columns);
    return g;
}

Attempt plan_at(Canvas& canvas, const Feed& feed, const CompetitionStandings& st, const PageContext& ctx,
                const Rect& content, TextStyle style) {
    const std::vector<Row> rows = rows_of(feed, st, ctx);
    const std::size_t criteria = st.competition->criteria.size();
    // All the criteria in one table when it fits; else the fewest groups of
    // criteria whose tables all fit, as even as can be.
    Attempt a;
    for (std::size_t groups = 1; groups <= std::max<std::size_t>(1, criteria); ++groups) {
        a.groups.clear();
        const std::size_t per = (criteria + groups - 1) / groups;
        for (std::size_t first = 0; first < criteria || (criteria == 0 && a.groups.empty()); first += per) {
            a.groups.push_back(group_at(canvas, st, rows, content, style, first, std::min(criteria, first + per)));
            if (criteria == 0) break;
        }
        if (a.fits(content.w)) break;
    }
    return a;
}

Plan make_plan(Canvas& canvas, const PageContext& ctx, const Competition& competition, const Rect& area) {
    Plan plan;
    plan.standings = standings_of(ctx, competition);
    plan.title = competition.name;
    if (plan.standings.round != nullptr) {
        const std::string week = "第" + std::to_string(plan.standings.round->week) + "周";
        int holders = 0;
        for (const ClassStanding& s : plan.standings.standings) holders += s.flag ? 1 : 0;
        // The round's own week, never "本周": on Monday the header already
        // says 第4周 while last week's round is still the one shown. Said
        // once: in the holders' line when there is one, else in the title.
        // Named after the competition: a hygiene flag's holders hold 卫生流动红旗.
        if (holders > 0)
            plan.subtitle = week + " " + std::to_string(holders) + "个班级获得" + competition.name;
        else
            plan.title += " · " + week;
    }
    const Rect inner = pages::content_area(canvas, area);
    plan.content = pages::title_bar(canvas, inner, plan.title, plan.subtitle, 0, 1, /*measure_only=*/true);
    plan.table_gap = 3 * canvas.metrics().unit();
    if (plan.standings.round == nullptr || plan.standings.displayed().empty()) return plan;

    // The floor style decides how many pages are unavoidable; then the largest
    // style that needs no more than that wins.
    static constexpr std::array<TextStyle, 3> kStyles = {TextStyle::subtitle, TextStyle::body, TextStyle::caption};
    std::vector<Attempt> attempts;
    for (TextStyle style : kStyles)
        attempts.push_back(plan_at(canvas, ctx.feed, plan.standings, ctx, plan.content, style));
    const std::size_t fewest = attempts.back().screens();
    Attempt* chosen = &attempts.back();
    for (Attempt& a : attempts) {
        if (a.screens() <= fewest && a.fits(plan.content.w)) {
            chosen = &a;
            break;
        }
    }
    plan.groups = std::move(chosen->groups);
    for (std::size_t g = 0; g < plan.groups.size(); ++g)
        for (std::size_t p = 0; p < plan.groups[g].pages.size(); ++p) plan.screens.push_back({g, p});
    return plan;
}

// ---- [draw] ----------------------------------------------------------------

void draw_message(Canvas& canvas, const Rect& content, std::string_view message, std::string_view detail) {
    const float u = canvas.metrics().unit();
    const float w = std::min(content.w, content.w * 0.8f);
    const TextBlock big = canvas.fit(message, TextStyle::title, TextStyle::subtitle, w, content.h / 2);
    const TextBlock small = detail.empty() ? TextBlock{} : canvas.layout(detail, TextStyle::body, w);
    const float h = big.height + (detail.empty() ? 0 : 2 * u + small.height);
    const float x = content.x + (content.w - w) / 2;
    float y = content.y + std::max(0.0f, (content.h - h) / 2 - 4 * u);
    canvas.draw(big, {x, y}, theme::ink, Align::center, w);
    if (!detail.empty()) canvas.draw(small, {x, y + big.height + 2 * u}, theme::ink_secondary, Align::center, w);
}

class StandingsPage final : public Page {
public:
    explicit StandingsPage(std::string competition_id) : competition_id_(std::move(competition_id)) {}

    std::string name() const override { return "standings-" + competition_id_; }

    int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) override {
        const Plan* plan = plan_for(ctx, canvas, area);
        if (plan == nullptr) return 0;
        // Before the first round the page still says so plainly: one screen.
        return std::max(1, static_cast<int>(plan->screens.size()));
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const Plan* plan = plan_for(ctx, canvas, area);
        if (plan == nullptr) return;
        const int count = std::max(1, static_cast<int>(plan->screens.size()));
        if (index < 0 || index >= count) return;
        pages::title_bar(canvas, pages::content_area(canvas, area), plan->title, plan->subtitle, index, count,
                         false);
        if (plan->standings.round == nullptr) {
            draw_message(canvas, plan->content, kNotStarted, kNotStartedDetail);
            return;
        }
        if (plan->screens.empty()) {
            draw_message(canvas, plan->content, kNoScores, {});
            return;
        }
        const Rect previous_clip = canvas.clip();
        canvas.set_clip(plan->content);
        const Screen& screen = plan->screens[static_cast<std::size_t>(index)];
        const Group& group = plan->groups[screen.group];
        const pages::FlowPage& page = group.pages[screen.page];
        const float used_w = float(page.columns.size()) * group.table.width +
                             float(page.columns.size() - 1) * plan->table_gap;
        // Tables sit centred as a group when they leave room on the sides.
        const float x0 = plan->content.x + std::max(0.0f, (plan->content.w - used_w) / 2);
        const float wave = ctx.calm ? 0.0f : ctx.motion;  // seconds into the flag's wave (Canvas::red_flag)
        for (std::size_t c = 0; c < page.columns.size(); ++c) {
            const float x = x0 + float(c) * (group.table.width + plan->table_gap);
            draw_column(canvas, group, page.columns[c], x, plan->content.y, wave);
        }
        canvas.set_clip(previous_clip);
    }

private:
    static void draw_column(Canvas& canvas, const Group& plan, const pages::FlowColumn& column, float x, float y,
                            float wave) {
        const Table& t = plan.table;
        const float u = canvas.metrics().unit();
        const float thin = std::max(1.0f, 0.12f * u);

        // Column heads, bottom-aligned, centred over their numbers.
        for (std::size_t c = kRankCol; c < t.columns(); ++c) {
            const TextBlock& head = t.heads[c];
            if (head.text.empty()) continue;
            const Align align = c == kNameCol ? Align::left : Align::center;
            canvas.draw(head, {x + t.x_of(c) + t.pad, y + t.head_h - 0.5f * u - head.height}, theme::ink_secondary,
                        align, t.widths[c] - 2 * t.pad);
        }
        y += t.head_h;
        canvas.fill(Rect{x, y - thin, t.width, thin}, theme::ink_secondary);

        for (std::size_t i = column.first; i < column.last; ++i) {
            // Whole pixels, so every hairline between rows renders alike.
            y = std::round(y);
            const Row& row = plan.rows[i];
            if (row.standing == nullptr) {
                const float top = y + 0.4f * u;
                canvas.draw(row.heading, {x + t.pad, top}, theme::flag_red_dark);
                y += row.height;
                canvas.fill(Rect{x, y - thin, t.width, thin}, theme::panel_border);
                continue;
            }
            draw_row(canvas, t, row, x, y, wave);
            y += row.height;
            // A red rule closes the flag holders of a ranking, so the winners
            // read as one block from across the hall.
            const bool last_holder = row.standing->flag &&
                                     (i + 1 >= plan.rows.size() || plan.rows[i + 1].standing == nullptr ||
                                      !plan.rows[i + 1].standing->flag);
            if (last_holder)
                canvas.fill(Rect{x, y - 0.3f * u, t.width, 0.3f * u}, theme::flag_red);
            else
                canvas.fill(Rect{x, y - thin, t.width, thin}, theme::panel_border);
        }
    }

    static void draw_row(Canvas& canvas, const Table& t, const Row& row, float x, float y, float wave) {
        const ClassStanding& s = *row.standing;
        const float u = canvas.metrics().unit();
        const float row_h = row.height;  // taller than t.row_h when the class name wraps
        const Rect band{x, y, t.width, row_h};
        if (row.own)
            canvas.fill(band, theme::own_row);
        else if (s.flag)
            canvas.fill(band, theme::holder_row);
        if (row.own) canvas.outline(band.inset(0.15f * u), theme::gold, 0.3f * u);

        const float line = canvas.line_height(t.cell);
        const float text_y = y + (row_h - line) / 2;
        if (s.flag) {
            const float size = std::min(t.widths[kFlagCol] - 2 * t.pad, t.row_h * 0.9f);
            canvas.red_flag(Rect{x + (t.widths[kFlagCol] - size) / 2, y + (row_h - size) / 2, size, size}, wave);
        }
        for (std::size_t c = kRankCol; c < t.columns(); ++c) {
            const TextBlock& cell = row.cells[c];
            if (c == t.move_col() || cell.text.empty()) continue;
            if (c == kNameCol && cell.lines.size() > 1) {  // a wrapped name: its lines centred in the row
                canvas.draw(cell, {x + t.x_of(c) + t.pad, y + (row_h - cell.height) / 2}, theme::ink);
                continue;
            }
            const bool numbers = c != kNameCol && c != t.streak_col();
            ImU32 color = theme::ink;
            if (c >= kFirstCriterion && c < t.total_col()) color = theme::ink_secondary;
            if (c == t.streak_col()) color = theme::flag_red_dark;
            canvas.draw(cell, {x + t.x_of(c) + t.pad, text_y}, color, numbers ? Align::center : Align::left,
                        t.widths[c] - 2 * t.pad);
        }
        // Movement: the drawn arrow, then how many places.
        if (!t.heads[t.move_col()].text.empty()) {
            const float cx = x + t.x_of(t.move_col()) + t.pad;
            const float inner = t.widths[t.move_col()] - 2 * t.pad;
            const float w = t.mark + (row.movement.text.empty() ? 0 : 0.5f * u + row.movement.width);
            const float mx = cx + (inner - w) / 2;
            canvas.movement_mark(Rect{mx, y + (row_h - t.mark) / 2, t.mark, t.mark}, s.movement.value_or(0),
                                 !s.movement.has_value());
            if (!row.movement.text.empty()) {
                const float ly = y + (row_h - canvas.line_height(row.movement.style)) / 2;
                canvas.draw(row.movement, {mx + t.mark + 0.5f * u, ly}, theme::ink);
            }
        }
    }

    const Plan* plan_for(const PageContext& ctx, Canvas& canvas, const Rect& area) {
        const Competition* competition = nullptr;
        for (const Competition& c : ctx.feed.competitions)
            if (c.id == competition_id_) competition = &c;
        if (competition == nullptr) return nullptr;
        const Key key{&ctx.feed, ctx.feed.version, ctx.feed.generated_at.instant, ctx.day.local.date, ctx.role, ctx.class_id,
                      ctx.grade, area.x, area.y, area.w, area.h, canvas.metrics().width, canvas.metrics().height};
        if (!cached_ || !(cached_->first == key))
            cached_.emplace(key, make_plan(canvas, ctx, *competition, area));
        return &cached_->second;
    }
    // The plan depends on the (immutable) feed, the day, the role and the area.
    struct Key {
        const Feed* feed;
        int64_t version;
        Instant generated_at;  // with the address and version: this exact feed
        Date today;
        Role role;
        std::string class_id;
        int grade;
        float x, y, w, h;
        int screen_w, screen_h;
        bool operator==(const Key&) const = default;
    };
    std::string competition_id_;
    std::optional<std::pair<Key, Plan>> cached_;
};

}  // namespace

std::unique_ptr<Page> make_standings_page(std::string competition_id) {
    return std::make_unique<StandingsPage>(std::move(competition_id));
}

}  // namespace campus::kiosk
