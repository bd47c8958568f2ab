// The red flag's standings (see standings.hpp and the contract's "Rules a
// screen MUST apply").
//
// [SECTION] Comparing totals: why not `==` on doubles
// [SECTION] Ranking one round
// [SECTION] Current and previous round, movement, streak
// [SECTION] Display policy

#include "sync/standings.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace campus {

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Comparing totals
//-----------------------------------------------------------------------------
// A total is Σ score × weight in doubles. With weights like 0.1, two classes
// whose scores are the same numbers in another order get totals that differ in
// the last bit (19.5, 18, 18.5 sum to 5.6 at weight 0.1; 19.5, 18.5, 18 to
// 5.6000000000000005, see StandingsWeights.TenthWeightsDoNotBreakTies), and an exact
// comparison would rank them 1 and 2 where the duty team sees a tie. Scores are
// written with a few decimals at most, so two totals closer than a billionth of
// their size are the same total. The tolerance is measured from the first
// class of a tie group (not pairwise), so grouping stays transitive and a
// chain of near-equal totals cannot drift into one long tie.
bool same_total(double leader, double total) {
    const double scale = std::max({1.0, std::fabs(leader), std::fabs(total)});
    return std::fabs(leader - total) <= 1e-9 * scale;
}

// NaN cannot come out of a valid feed (scores are in [0, max], max finite), but
// std::sort must never see one: it would break the ordering and the sort.
double sortable(double total) {
    return std::isnan(total) ? -HUGE_VAL : total;
}

//-----------------------------------------------------------------------------
// [SECTION] Ranking one round
//-----------------------------------------------------------------------------

// One class in one round, as far as ranking needs it. Only the current round
// is turned into ClassStandings; earlier rounds (needed for movement and
// streaks) stay in this light form, so a term of 20 rounds copies no scores.
struct Entry {
    const Score* score = nullptr;
    std::size_t feed_index = 0;  // position in the round's scores
    int class_index = 0;         // dense index of the class (see ClassIndex)
    int grade = 0;
    double total = 0;
    int rank = 0;
    bool flag = false;
};

// Class ids to dense indices, so each round can say where a class stands
// with a plain vector instead of a hash map per round.
struct ClassIndex {
    std::unordered_map<std::string_view, int> index;
    std::vector<int> grade;
    std::vector<int> of_position;  // index of feed.classes[i]'s id
    const Feed& feed;

    explicit ClassIndex(const Feed& f) : feed(f) {
        index.reserve(feed.classes.size());
        of_position.reserve(feed.classes.size());
        for (const SchoolClass& c : feed.classes) {
            const auto [it, added] = index.try_emplace(c.id, static_cast<int>(grade.size()));
            if (added) grade.push_back(c.grade);
            of_position.push_back(it->second);
        }
    }
    // A valid feed names only known classes; an unknown one (a hand-built
    // Feed) gets its own index and grade 0 rather than being dropped.
    // `position` is the score's place in its round: offices list scores in
    // the order of /classes, so the class there is tried before the hash.
    int of(std::string_view id, std::size_t position) {
        if (position < feed.classes.size()) {
            const std::string& there = feed.classes[position].id;
            if (there.size() == id.size() && std::equal(id.begin(), id.end(), there.begin())) return of_position[position];
        }
        const auto [it, added] = index.try_emplace(id, static_cast<int>(grade.size()));
        if (added) grade.push_back(0);
        return it->second;
    }
};

struct RankedRound {
    std::vector<Entry> entries;  // in output order: by grade (scope grade), then rank, ties in feed order
    std::vector<int> position;   // class index -> position in `entries`, -1 when absent

    const Entry* find(int class_index) const {
        if (class_index < 0 || static_cast<std::size_t>(class_index) >= position.size()) return nullptr;
        const int p = position[static_cast<std::size_t>(class_index)];
        return p < 0 ? nullptr : &entries[static_cast<std::size_t>(p)];
    }
};

// Higher wins on the tiebreak criteria, in order: <0 when `a` is ahead, 0 when
// they are still tied. Nothing to compare under ties "share".
int compare_tiebreak(const Competition& competition, const Entry& a, const Entry& b) {
    if (competition.ties != TiePolicy::tiebreak) return 0;
    for (const int c : competition.tiebreak) {
        const auto ci = static_cast<std::size_t>(c);
        if (c < 0 || ci >= a.score->values.size() || ci >= b.score->values.size()) continue;
        const double va = a.score->values[ci], vb = b.score->values[ci];
        if (va > vb) return -1;
        if (va < vb) return 1;
    }
    return 0;
}

// What step 1 of rank_group sorts: small, so sorting moves little.
struct SortKey {
    std::uint64_t order;  // highest total first: see descending_order()
    std::uint32_t from;   // offset of the entry in its group, which is in feed order
};

// An unsigned number that sorts ascending as `total` sorts descending, equal
// exactly when the totals are equal (-0 is taken as 0; NaN never comes here).
std::uint64_t descending_order(double total) {
    if (total == 0) total = 0;  // -0.0 == 0.0, so they must share a key
    const auto bits = std::bit_cast<std::uint64_t>(total);
    const std::uint64_t ascending = (bits >> 63) ? ~bits : bits | (1ull << 63);
    return ~ascending;
}

// Sorts by `order`, stable (equal keys keep feed order). A least-significant-
// byte-first radix sort: totals of one round share most of their bytes (all
// of their low mantissa bytes, for scores in half points), and a byte that
// every key shares costs no pass, so a round sorts in a few linear passes
// instead of n log n comparisons.
void sort_keys(std::vector<SortKey>& keys, std::vector<SortKey>& spare) {
    const std::size_t n = keys.size();
    if (n < 1024) {  // below this, the byte counts cost more than comparisons
        std::stable_sort(keys.begin(), keys.end(), [](const SortKey& a, const SortKey& b) { return a.order < b.order; });
        return;
    }
    std::uint32_t counts[8][256] = {};
    for (const SortKey& k : keys) {
        for (int b = 0; b < 8; ++b) ++counts[b][(k.order >> (8 * b)) & 0xFF];
    }
    spare.resize(n);
    for (int b = 0; b < 8; ++b) {
        std::uint32_t* count = counts[b];
        if (count[(keys[0].order >> (8 * b)) & 0xFF] == n) continue;  // every key has this byte
        std::uint32_t sum = 0;
        for (int v = 0; v < 256; ++v) {
            const std::uint32_t c = count[v];
            count[v] = sum;
            sum += c;
        }
        for (const SortKey& k : keys) spare[count[(k.order >> (8 * b)) & 0xFF]++] = k;
        keys.swap(spare);
    }
}

// Ranks one ranking group (the whole school, or one grade) in place: on entry
// in feed order, on return in rank order with ties in feed order.
void rank_group(const Competition& competition, std::vector<Entry>::iterator first, std::vector<Entry>::iterator last,
                std::vector<SortKey>& keys, std::vector<SortKey>& spare, std::vector<Entry>& scratch) {
    const auto n = static_cast<std::size_t>(last - first);
    if (n == 0) return;

    // 1. Highest total first; equal totals in feed order. (Which order equal
    //    totals take does not matter for the result: step 3 orders every tie
    //    group completely. Feed order saves step 3 most of its work.)
    keys.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        keys[i] = SortKey{descending_order(sortable(first[static_cast<std::ptrdiff_t>(i)].total)),
                          static_cast<std::uint32_t>(i)};
    }
    sort_keys(keys, spare);
    scratch.assign(first, last);
    for (std::size_t i = 0; i < n; ++i) first[static_cast<std::ptrdiff_t>(i)] = scratch[keys[i].from];

    // 2. Tie groups by total, measured from each group's leader (kept in `rank`
    //    for now: the group number).
    int group = 0;
    double leader = sortable(first->total);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = sortable(first[static_cast<std::ptrdiff_t>(i)].total);
        if (i != 0 && !same_total(leader, t)) {
            ++group;
            leader = t;
        }
        first[static_cast<std::ptrdiff_t>(i)].rank = group;
    }

    // 3. Within a tie group, the tiebreak criteria, then feed order. Step 1
    //    ordered near-equal totals by their last bits, which must not show.
    //    Groups are contiguous, so each is sorted on its own.
    const auto tie_order = [&](const Entry& a, const Entry& b) {
        const int t = compare_tiebreak(competition, a, b);
        return t != 0 ? t < 0 : a.feed_index < b.feed_index;
    };
    for (auto begin = first; begin != last;) {
        auto end = begin + 1;
        while (end != last && end->rank == begin->rank) ++end;
        if (end - begin > 1 && !std::is_sorted(begin, end, tie_order)) std::sort(begin, end, tie_order);
        begin = end;
    }

    // 4. Standard competition ranking (1, 2, 2, 4): a class tied with the one
    //    before it takes its rank, otherwise its position. Every class whose
    //    rank is within the awards gets a flag, so an edge tie gives more.
    int previous_group = -1, previous_rank = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Entry& e = first[static_cast<std::ptrdiff_t>(i)];
        const int g = e.rank;
        const bool tied = i > 0 && g == previous_group &&
                          compare_tiebreak(competition, first[static_cast<std::ptrdiff_t>(i - 1)], e) == 0;
        e.rank = tied ? previous_rank : static_cast<int>(i) + 1;
        e.flag = e.rank <= competition.awards;
        previous_group = g;
        previous_rank = e.rank;
    }
}

// Scratch space of rank_round, reused by every round of a competition.
struct RankingScratch {
    std::vector<SortKey> keys, spare;
    std::vector<Entry> entries;
};

// Entries by grade, ascending, feed order kept within a grade (a stable
// counting sort: grades are few and small).
void sort_by_grade(std::vector<Entry>& entries, std::vector<Entry>& scratch) {
    int lowest = 0, highest = 0;
    for (const Entry& e : entries) {
        lowest = std::min(lowest, e.grade);
        highest = std::max(highest, e.grade);
    }
    if (lowest < 0 || highest > 255) {  // only a hand-built Feed has such grades
        std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.grade < b.grade; });
        return;
    }
    std::size_t starts[257] = {};
    for (const Entry& e : entries) ++starts[static_cast<std::size_t>(e.grade) + 1];
    for (std::size_t g = 1; g < 257; ++g) starts[g] += starts[g - 1];
    scratch.resize(entries.size());
    for (const Entry& e : entries) scratch[starts[static_cast<std::size_t>(e.grade)]++] = e;
    entries.swap(scratch);
}

RankedRound rank_round(const Competition& competition, const Round& round, ClassIndex& classes,
                       RankingScratch& scratch) {
    RankedRound result;
    result.entries.reserve(round.scores.size());
    const std::size_t criteria = competition.criteria.size();
    for (const Score& score : round.scores) {
        Entry e;
        e.score = &score;
        e.feed_index = result.entries.size();
        e.class_index = classes.of(score.class_id, e.feed_index);
        e.grade = classes.grade[static_cast<std::size_t>(e.class_index)];
        const std::size_t count = std::min(criteria, score.values.size());
        for (std::size_t i = 0; i < count; ++i) e.total += score.values[i] * competition.criteria[i].weight;
        result.entries.push_back(e);
    }

    auto& entries = result.entries;
    if (competition.scope == CompetitionScope::school) {
        rank_group(competition, entries.begin(), entries.end(), scratch.keys, scratch.spare, scratch.entries);
    } else {
        // One ranking per grade, grades in ascending order.
        sort_by_grade(entries, scratch.entries);
        for (auto begin = entries.begin(); begin != entries.end();) {
            auto end = begin;
            while (end != entries.end() && end->grade == begin->grade) ++end;
            rank_group(competition, begin, end, scratch.keys, scratch.spare, scratch.entries);
            begin = end;
        }
    }
    result.position.assign(classes.grade.size(), -1);
    // The first row of a class wins when a round names it twice.
    for (std::size_t i = entries.size(); i-- > 0;) {
        result.position[static_cast<std::size_t>(entries[i].class_index)] = static_cast<int>(i);
    }
    return result;
}

// The criterion furthest from full marks; the first one on a tie.
int weakest_criterion(const Competition& competition, const Score& score) {
    int weakest = -1;
    double worst = HUGE_VAL;
    for (std::size_t i = 0; i < competition.criteria.size() && i < score.values.size(); ++i) {
        const double max = competition.criteria[i].max;
        const double fraction = max > 0 ? score.values[i] / max : 0.0;
        if (fraction < worst) {
            worst = fraction;
            weakest = static_cast<int>(i);
        }
    }
    return weakest;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Current and previous round, movement, streak
//-----------------------------------------------------------------------------

CompetitionStandings compute_standings(const Feed& feed, const Competition& competition, Date today) {
    CompetitionStandings out;
    out.competition = &competition;

    // Rounds by start date: the office may list them in any order. Equal
    // starts keep feed order, so the later-listed one counts as the later round.
    std::vector<const Round*> rounds;
    rounds.reserve(competition.rounds.size());
    for (const Round& r : competition.rounds) rounds.push_back(&r);
    std::stable_sort(rounds.begin(), rounds.end(), [](const Round* a, const Round* b) { return a->start < b->start; });

    // The current round: the latest that has started.
    const auto after_today = std::upper_bound(rounds.begin(), rounds.end(), today,
                                              [](const Date& d, const Round* r) { return d < r->start; });
    const auto count = static_cast<std::size_t>(after_today - rounds.begin());
    if (count == 0) return out;
    out.round = rounds[count - 1];
    out.previous_round = count >= 2 ? rounds[count - 2] : nullptr;

    // Started rounds are ranked with the same rules, the current and the
    // previous one always (standings and movement), earlier ones when a
    // streak reaches back to them: most streaks end within a round or two,
    // and a round nobody's streak reaches cannot change any figure.
    ClassIndex classes(feed);
    std::vector<RankedRound> ranked(count);  // ranked[i] is valid once is_ranked[i]
    std::vector<bool> is_ranked(count, false);
    RankingScratch scratch;
    const auto ranked_round = [&](std::size_t i) -> const RankedRound& {
        if (!is_ranked[i]) {
            ranked[i] = rank_round(competition, *rounds[i], classes, scratch);
            is_ranked[i] = true;
        }
        return ranked[i];
    };
    ranked_round(count - 1);
    if (count >= 2) ranked_round(count - 2);

    const RankedRound& current = ranked.back();
    const RankedRound* previous = count >= 2 ? &ranked[count - 2] : nullptr;
    out.standings.reserve(current.entries.size());
    for (const Entry& e : current.entries) {
        ClassStanding row;
        row.class_id = e.score->class_id;
        row.grade = e.grade;
        row.total = e.total;
        row.values = e.score->values;
        row.rank = e.rank;
        row.flag = e.flag;
        row.note = e.score->note;
        row.weakest_criterion = weakest_criterion(competition, *e.score);
        if (previous) {
            if (const Entry* before = previous->find(e.class_index)) row.movement = before->rank - e.rank;
        }
        // Consecutive flags back from the current round; a round the class
        // was missing from (or lost the flag in) ends the streak.
        for (std::size_t i = count; i-- > 0;) {
            const Entry* then = ranked_round(i).find(e.class_index);
            if (!then || !then->flag) break;
            ++row.streak;
        }
        out.standings.push_back(std::move(row));
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] Display policy
//-----------------------------------------------------------------------------

std::vector<const ClassStanding*> CompetitionStandings::displayed() const {
    std::vector<const ClassStanding*> rows;
    const DisplayPolicy policy = competition ? competition->display : DisplayPolicy{};
    for (const ClassStanding& row : standings) {
        bool show = true;
        switch (policy.kind) {
        case DisplayPolicy::Kind::all: show = true; break;
        case DisplayPolicy::Kind::winners: show = row.flag; break;
        // rank is within the ranking group, so for scope "grade" this is the
        // top N of each grade.
        case DisplayPolicy::Kind::top: show = row.rank <= policy.top_n; break;
        }
        if (show) rows.push_back(&row);
    }
    return rows;
}

const ClassStanding* CompetitionStandings::find(std::string_view class_id) const {
    for (const ClassStanding& row : standings) {
        if (row.class_id == class_id) return &row;
    }
    return nullptr;
}

}  // namespace campus
