// The assembly (升旗仪式): the presenter's sequence for one competition, read
// from the back of a hall, 10–50 m away. Huge type, few words.
//
//   step 0          the title card: 第12周 流动红旗, the school's name, a flag
//   steps 1 … n     one flag holder each, in ranking order: its flag, big and
//                   waving; its name in hero type (the largest in the system);
//                   its rank and streak small. Ties at the edge included: every
//                   holder compute_standings() gives.
//   step n + 1      all the holders together in a grid
//
// page_count() is the number of steps; the app moves through them with the
// presenter's clicker. Before the week's result exists: the title card only,
// saying so.
//
// Sections:
//   [words]  the few words each step says
//   [title]  step 0
//   [holder] the reveal
//   [grid]   the closing list
#include <algorithm>
#include <array>
#include <cmath>

#include "kiosk/page.hpp"
#include "kiosk/pages/notice_util.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kNoResult = "本周评比结果尚未公布";

// ---- [words] ---------------------------------------------------------------

std::string class_name(const Feed& feed, const std::string& id) {
    const SchoolClass* c = feed.find_class(id);
    return c != nullptr ? c->name : id;
}

std::string week_title(const CompetitionStandings& st) {
    std::string title;
    if (st.round != nullptr) title = "第" + std::to_string(st.round->week) + "周 ";
    return title + st.competition->name;
}

std::vector<const ClassStanding*> holders_of(const CompetitionStandings& st) {
    std::vector<const ClassStanding*> out;
    for (const ClassStanding& s : st.standings)
        if (s.flag) out.push_back(&s);
    return out;
}

// "全校第1名", "三年级并列第6名 · 连续3周".
std::string holder_detail(const CompetitionStandings& st, const ClassStanding& s) {
    const bool by_grade = st.competition->scope == CompetitionScope::grade;
    int sharing = 0;
    for (const ClassStanding& other : st.standings)
        if (other.rank == s.rank && (!by_grade || other.grade == s.grade)) ++sharing;
    std::string text = by_grade ? pages::grade_name(s.grade) : std::string("全校");
    text += sharing > 1 ? "并列第" : "第";
    text += std::to_string(s.rank) + "名";
    if (s.streak >= 2) text += " · 连续" + std::to_string(s.streak) + "周";
    return text;
}

float wave_of(const PageContext& ctx) { return ctx.calm ? 0.0f : ctx.motion * 3.0f; }

// The competition and week in a corner, the step marker in the other: the
// presenter's bearings, small.
float draw_bearings(Canvas& canvas, const Rect& c, const CompetitionStandings& st, int index, int count) {
    const TextBlock where = canvas.layout(week_title(st), TextStyle::subtitle, c.w * 0.7f);
    canvas.draw(where, {c.x, c.y}, theme::ink_secondary);
    if (count > 1) {
        const TextBlock marker = canvas.layout(pages::page_marker(index, count), TextStyle::subtitle, c.w * 0.25f);
        canvas.draw(marker, {c.right() - marker.width, c.y}, theme::ink_secondary);
    }
    return where.height;
}

// ---- [title] ---------------------------------------------------------------

void draw_title_card(const PageContext& ctx, Canvas& canvas, const Rect& c, const CompetitionStandings& st,
                     std::size_t holders) {
    const float u = canvas.metrics().unit();
    const TextBlock school = canvas.fit(ctx.feed.school.name, TextStyle::display, TextStyle::subtitle, c.w, c.h * 0.2f);
    const TextBlock title =
        pages::balance_lines(canvas, canvas.fit(week_title(st), TextStyle::hero, TextStyle::title, c.w, c.h * 0.4f));
    std::string line = kNoResult;
    if (st.round != nullptr && holders > 0)
        // The week is in the title above (the round's, which need not be this one).
        line = "共" + std::to_string(holders) + "个班级获得" + st.competition->name;
    const TextBlock sub = canvas.fit(line, TextStyle::title, TextStyle::subtitle, c.w, c.h * 0.15f);
    const float gap = 3 * u;
    const float text_h = school.height + gap + title.height + gap + sub.height;
    const float flag = std::clamp(c.h - text_h - 2 * gap, 0.0f, c.h * 0.32f);
    const float block = (flag > 8 * u ? flag + gap : 0) + text_h;
    float y = c.y + std::max(0.0f, (c.h - block) / 2);
    if (flag > 8 * u) {
        canvas.red_flag(Rect{c.x + (c.w - flag) / 2, y, flag, flag}, wave_of(ctx));
        y += flag + gap;
    }
    canvas.draw(school, {c.x, y}, theme::ink_secondary, Align::center, c.w);
    y += school.height + gap;
    canvas.draw(title, {c.x, y}, theme::flag_red_dark, Align::center, c.w);
    y += title.height + gap;
    canvas.draw(sub, {c.x, y}, theme::ink, Align::center, c.w);
}

// ---- [holder] --------------------------------------------------------------

void draw_holder(const PageContext& ctx, Canvas& canvas, const Rect& c, const CompetitionStandings& st,
                 const ClassStanding& s) {
    const float u = canvas.metrics().unit();
    const std::string name = class_name(ctx.feed, s.class_id);
    const std::string detail = holder_detail(st, s);
    const float wave = wave_of(ctx);
    if (!canvas.metrics().portrait()) {
        // Flag left, name and detail right, the pair centred on the screen.
        const float flag = std::min(c.h * 0.7f, c.w * 0.32f);
        const float gap = 4 * u;
        const float text_w = c.w - flag - gap;
        const TextBlock title =
            pages::balance_lines(canvas, canvas.fit(name, TextStyle::hero, TextStyle::title, text_w, c.h * 0.6f));
        const TextBlock small = canvas.layout(detail, TextStyle::title, text_w);
        const float text_h = title.height + 2 * u + small.height;
        const float group_w = flag + gap + std::max(title.width, small.width);
        const float x = c.x + std::max(0.0f, (c.w - group_w) / 2);
        const float h = std::max(flag, text_h);
        const float y = c.y + std::max(0.0f, (c.h - h) / 2);
        canvas.red_flag(Rect{x, y + (h - flag) / 2, flag, flag}, wave);
        const float ty = y + (h - text_h) / 2;
        canvas.draw(title, {x + flag + gap, ty}, theme::ink);
        canvas.draw(small, {x + flag + gap, ty + title.height + 2 * u}, theme::flag_red_dark);
        return;
    }
    // Portrait: flag above, name and detail below, centred.
    const TextBlock title =
        pages::balance_lines(canvas, canvas.fit(name, TextStyle::hero, TextStyle::title, c.w, c.h * 0.4f));
    const TextBlock small = canvas.layout(detail, TextStyle::title, c.w);
    const float gap = 3 * u;
    const float text_h = title.height + gap + small.height;
    const float flag = std::clamp(c.h - text_h - 2 * gap, 0.0f, std::min(c.w * 0.8f, c.h * 0.45f));
    float y = c.y + std::max(0.0f, (c.h - flag - gap - text_h) / 2);
    canvas.red_flag(Rect{c.x + (c.w - flag) / 2, y, flag, flag}, wave);
    y += flag + gap;
    canvas.draw(title, {c.x, y}, theme::ink, Align::center, c.w);
    canvas.draw(small, {c.x, y + title.height + gap}, theme::flag_red_dark, Align::center, c.w);
}

// ---- [grid] ----------------------------------------------------------------

struct Grid {
    std::vector<TextBlock> names;
    int columns = 1;
    float cell_w = 0, cell_h = 0, flag = 0, gap = 0;
    bool fits = false;
};

Grid plan_grid(Canvas& canvas, const PageContext& ctx, const std::vector<const ClassStanding*>& holders,
               const Rect& c, TextStyle style) {
    const float u = canvas.metrics().unit();
    Grid g;
    g.gap = 2.5f * u;
    float name_w = 0;
    for (const ClassStanding* s : holders) {
        g.names.push_back(canvas.layout(class_name(ctx.feed, s->class_id), style, c.w));
        name_w = std::max(name_w, g.names.back().width);
    }
    float line = 0;
    for (const TextBlock& b : g.names) line = std::max(line, b.height);
    const float pad = 1.5f * u;
    g.flag = line;
    g.cell_h = line + 2 * pad;
    g.cell_w = pad + g.flag + 1.5f * u + name_w + pad;
    g.columns = std::max(1, static_cast<int>((c.w + g.gap) / (g.cell_w + g.gap)));
    g.columns = std::min(g.columns, static_cast<int>(holders.size()));
    // Fewer, longer columns while they still fit the height: a portrait
    // screen lists its holders one under the other, not 2 + 1.
    const auto height_at = [&](int columns) {
        const int r = (static_cast<int>(holders.size()) + columns - 1) / columns;
        return float(r) * g.cell_h + float(r - 1) * g.gap;
    };
    while (g.columns > 1 && height_at(g.columns - 1) <= c.h * 0.9f) --g.columns;
    // Even rows: 8 holders in 4 + 4 rather than 5 + 3.
    const int rows = (static_cast<int>(holders.size()) + g.columns - 1) / g.columns;
    g.columns = (static_cast<int>(holders.size()) + rows - 1) / rows;
    const float h = float(rows) * g.cell_h + float(rows - 1) * g.gap;
    g.fits = h <= c.h + 0.5f && g.cell_w <= c.w + 0.5f;
    return g;
}

void draw_grid(const PageContext& ctx, Canvas& canvas, const Rect& area, const CompetitionStandings& st,
               const std::vector<const ClassStanding*>& holders) {
    const float u = canvas.metrics().unit();
    const TextBlock title = canvas.fit(week_title(st), TextStyle::display, TextStyle::title, area.w, area.h * 0.25f);
    canvas.draw(title, {area.x, area.y}, theme::flag_red_dark, Align::center, area.w);
    float top = area.y + title.height + 1.5f * u;
    pages::accent_rule(canvas, {area.x + area.w / 2 - 6 * u, top}, 12 * u);
    top += 3.5f * u;
    const Rect c{area.x, top, area.w, area.bottom() - top};

    static constexpr std::array<TextStyle, 4> kStyles = {TextStyle::display, TextStyle::title, TextStyle::subtitle,
                                                         TextStyle::body};
    Grid g;
    for (TextStyle style : kStyles) {
        g = plan_grid(canvas, ctx, holders, c, style);
        if (g.fits) break;
    }
    const int rows = (static_cast<int>(holders.size()) + g.columns - 1) / g.columns;
    const float grid_h = float(rows) * g.cell_h + float(rows - 1) * g.gap;
    const float y0 = c.y + std::max(0.0f, (c.h - grid_h) / 2);
    const float wave = wave_of(ctx);
    for (std::size_t i = 0; i < holders.size(); ++i) {
        const int row = static_cast<int>(i) / g.columns;
        const int col = static_cast<int>(i) % g.columns;
        // The last row centred under the others.
        const int in_row = std::min(g.columns, static_cast<int>(holders.size()) - row * g.columns);
        const float row_w = float(in_row) * g.cell_w + float(in_row - 1) * g.gap;
        const float x = c.x + (c.w - row_w) / 2 + float(col) * (g.cell_w + g.gap);
        const float y = y0 + float(row) * (g.cell_h + g.gap);
        const Rect cell{x, y, g.cell_w, g.cell_h};
        canvas.fill(cell, theme::holder_row, 0.8f * u);
        const float pad = 1.5f * u;
        // The flags wave out of step, so the grid ripples rather than pulses.
        canvas.red_flag(Rect{x + pad, y + pad, g.flag, g.flag}, wave == 0 ? 0 : wave + 0.7f * float(i));
        const TextBlock& name = g.names[i];
        canvas.draw(name, {x + pad + g.flag + 1.5f * u, y + (g.cell_h - name.height) / 2}, theme::ink);
    }
}

// ---- the page --------------------------------------------------------------

class AssemblySequence final : public Page {
public:
    explicit AssemblySequence(std::string competition_id) : competition_id_(std::move(competition_id)) {}

    std::string name() const override { return "assembly-" + competition_id_; }

    int page_count(const PageContext& ctx, Canvas&, const Rect&) override {
        const Competition* competition = find(ctx);
        if (competition == nullptr) return 0;
        const CompetitionStandings st = standings_of(ctx, *competition);
        const std::size_t holders = st.round != nullptr ? holders_of(st).size() : 0;
        return holders == 0 ? 1 : static_cast<int>(holders) + 2;
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const Competition* competition = find(ctx);
        if (competition == nullptr) return;
        const CompetitionStandings st = standings_of(ctx, *competition);
        const std::vector<const ClassStanding*> holders =
            st.round != nullptr ? holders_of(st) : std::vector<const ClassStanding*>{};
        const int count = holders.empty() ? 1 : static_cast<int>(holders.size()) + 2;
        if (index < 0 || index >= count) return;
        const float u = canvas.metrics().unit();
        const Rect c = area.inset(3 * u);
        const Rect previous_clip = canvas.clip();
        canvas.set_clip(area);
        if (index == 0) {
            if (count > 1) draw_bearings_marker(canvas, c, index, count);
            draw_title_card(ctx, canvas, c, st, holders.size());
        } else if (index <= static_cast<int>(holders.size())) {
            const float top = draw_bearings(canvas, c, st, index, count) + 2 * u;
            draw_holder(ctx, canvas, c.below(top), st, *holders[static_cast<std::size_t>(index - 1)]);
        } else {
            draw_bearings_marker(canvas, c, index, count);
            draw_grid(ctx, canvas, c, st, holders);
        }
        canvas.set_clip(previous_clip);
    }

private:
    static void draw_bearings_marker(Canvas& canvas, const Rect& c, int index, int count) {
        const TextBlock marker = canvas.layout(pages::page_marker(index, count), TextStyle::subtitle, c.w);
        canvas.draw(marker, {c.right() - marker.width, c.y}, theme::ink_secondary);
    }

    const Competition* find(const PageContext& ctx) const {
        for (const Competition& c : ctx.feed.competitions)
            if (c.id == competition_id_) return &c;
        return nullptr;
    }

    std::string competition_id_;
};

}  // namespace

std::unique_ptr<Page> make_assembly_sequence(std::string competition_id) {
    return std::make_unique<AssemblySequence>(std::move(competition_id));
}

}  // namespace campus::kiosk
