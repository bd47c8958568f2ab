// The red flag's standings (sync/standings.hpp): ranking, ties, flags, grade
// scope, movement, streaks, display policy. Feeds are built in code so these
// tests do not depend on the parser.

#include "sync/standings.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <map>

namespace campus {
namespace {

struct ScoreRow {
    const char* class_id;
    std::vector<double> values;
};

Feed school_with_classes(std::initializer_list<std::pair<const char*, int>> classes) {
    Feed feed;
    feed.school.name = "实验小学";
    feed.school.timezone = TimeZone::fixed("UTC+8", 8 * 3600);
    for (const auto& [id, grade] : classes) {
        SchoolClass c;
        c.id = id;
        c.grade = grade;
        c.name = id;
        feed.classes.push_back(c);
    }
    return feed;
}

// A red flag with `n_criteria` criteria c0, c1, … each out of 20.
Competition red_flag(int awards, std::size_t n_criteria = 2) {
    Competition comp;
    comp.id = "red-flag";
    comp.name = "流动红旗";
    comp.awards = awards;
    for (std::size_t i = 0; i < n_criteria; ++i) {
        Criterion c;
        c.id = "c";  // not "c" + to_string(i): GCC 12 warns falsely (-Wrestrict) on that form
        c.id += std::to_string(i);
        c.name = c.id;
        c.max = 20;
        comp.criteria.push_back(c);
    }
    return comp;
}

Round round(int week, Date start, std::initializer_list<ScoreRow> rows) {
    Round r;
    r.week = week;
    r.start = start;
    for (const auto& row : rows) r.scores.push_back(Score{row.class_id, row.values, ""});
    return r;
}

// class id -> rank, for compact assertions.
std::map<std::string, int> ranks(const CompetitionStandings& s) {
    std::map<std::string, int> out;
    for (const auto& row : s.standings) out[row.class_id] = row.rank;
    return out;
}

std::vector<std::string> flag_holders(const CompetitionStandings& s) {
    std::vector<std::string> out;
    for (const auto& row : s.standings) {
        if (row.flag) out.push_back(row.class_id);
    }
    return out;
}

std::vector<std::string> ids(const std::vector<const ClassStanding*>& rows) {
    std::vector<std::string> out;
    for (const auto* row : rows) out.push_back(row->class_id);
    return out;
}

const Date kWeek10{2023, 11, 6};
const Date kWeek11{2023, 11, 13};
const Date kWeek12{2023, 11, 20};
const Date kWeek13{2023, 11, 27};

TEST(StandingsRanking, StandardCompetitionRankingHighestFirst) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}, {"1-4", 1}, {"1-5", 1}});
    Competition comp = red_flag(6);
    comp.rounds = {round(10, kWeek10, {{"1-1", {15, 15}},    // 30
                                       {"1-2", {20, 19}},    // 39
                                       {"1-3", {18, 18}},    // 36
                                       {"1-4", {19, 17}},    // 36
                                       {"1-5", {10, 10}}})}; // 20
    const auto s = compute_standings(feed, comp, kWeek10);
    ASSERT_EQ(s.round, &comp.rounds[0]);
    EXPECT_EQ(s.previous_round, nullptr);
    ASSERT_EQ(s.standings.size(), 5u);
    // Sorted by rank; the tie in feed order.
    EXPECT_EQ(s.standings[0].class_id, "1-2");
    EXPECT_EQ(s.standings[1].class_id, "1-3");
    EXPECT_EQ(s.standings[2].class_id, "1-4");
    EXPECT_EQ(s.standings[3].class_id, "1-1");
    EXPECT_EQ(s.standings[4].class_id, "1-5");
    EXPECT_EQ(ranks(s), (std::map<std::string, int>{{"1-2", 1}, {"1-3", 2}, {"1-4", 2}, {"1-1", 4}, {"1-5", 5}}));
    EXPECT_DOUBLE_EQ(s.standings[0].total, 39);
    EXPECT_EQ(s.standings[0].grade, 1);
    EXPECT_EQ(s.standings[0].values, (std::vector<double>{20, 19}));
    ASSERT_NE(s.find("1-4"), nullptr);
    EXPECT_EQ(s.find("1-4")->rank, 2);
    EXPECT_EQ(s.find("9-9"), nullptr);
}

TEST(StandingsTies, ShareAtTheAwardEdgeGivesMoreFlags) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}, {"1-4", 1}});
    Competition comp = red_flag(2);
    comp.ties = TiePolicy::share;
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20}}, {"1-2", {19, 19}}, {"1-3", {20, 18}}, {"1-4", {10, 10}}})};
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(ranks(s), (std::map<std::string, int>{{"1-1", 1}, {"1-2", 2}, {"1-3", 2}, {"1-4", 4}}));
    // Two awards, three flags: the tie at rank 2 is shared.
    EXPECT_EQ(flag_holders(s), (std::vector<std::string>{"1-1", "1-2", "1-3"}));
}

TEST(StandingsTies, ShareJustPastTheEdgeGivesNoExtraFlag) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}});
    Competition comp = red_flag(1);
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20}}, {"1-2", {19, 19}}, {"1-3", {19, 19}}})};
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(flag_holders(s), (std::vector<std::string>{"1-1"}));
    EXPECT_EQ(s.find("1-3")->rank, 2);
}

TEST(StandingsTies, TiebreakResolvesTheEdge) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}, {"1-4", 1}});
    Competition comp = red_flag(2, 3);
    comp.ties = TiePolicy::tiebreak;
    comp.tiebreak = {2, 0};  // c2 first, then c0
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20, 20}},    // 60
                                       {"1-2", {20, 19, 18}},    // 57, c2 18
                                       {"1-3", {18, 20, 19}},    // 57, c2 19: wins the tiebreak
                                       {"1-4", {10, 10, 10}}})};
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(ranks(s), (std::map<std::string, int>{{"1-1", 1}, {"1-3", 2}, {"1-2", 3}, {"1-4", 4}}));
    EXPECT_EQ(s.standings[1].class_id, "1-3");
    EXPECT_EQ(flag_holders(s), (std::vector<std::string>{"1-1", "1-3"}));
}

TEST(StandingsTies, TiebreakUsesTheNextCriterionWhenTheFirstIsEqual) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}});
    Competition comp = red_flag(1, 3);
    comp.ties = TiePolicy::tiebreak;
    comp.tiebreak = {2, 0};
    comp.rounds = {round(10, kWeek10, {{"1-1", {18, 20, 19}}, {"1-2", {19, 19, 19}}})};  // both 57, c2 equal
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(ranks(s), (std::map<std::string, int>{{"1-2", 1}, {"1-1", 2}}));
    EXPECT_EQ(flag_holders(s), (std::vector<std::string>{"1-2"}));
}

TEST(StandingsTies, StillTiedAfterTiebreakIsShared) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}, {"1-4", 1}});
    Competition comp = red_flag(2, 3);
    comp.ties = TiePolicy::tiebreak;
    comp.tiebreak = {0};
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20, 20}},
                                       {"1-2", {19, 20, 18}},    // 57, c0 19
                                       {"1-3", {19, 18, 20}},    // 57, c0 19: still tied
                                       {"1-4", {18, 20, 19}}})}; // 57, c0 18: behind both
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(ranks(s), (std::map<std::string, int>{{"1-1", 1}, {"1-2", 2}, {"1-3", 2}, {"1-4", 4}}));
    EXPECT_EQ(flag_holders(s), (std::vector<std::string>{"1-1", "1-2", "1-3"}));
}

TEST(StandingsTies, TiebreakListIsIgnoredUnderShare) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}});
    Competition comp = red_flag(1, 2);
    comp.ties = TiePolicy::share;
    comp.tiebreak = {0};
    comp.rounds = {round(10, kWeek10, {{"1-1", {18, 20}}, {"1-2", {20, 18}}})};
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(ranks(s), (std::map<std::string, int>{{"1-1", 1}, {"1-2", 1}}));
    EXPECT_EQ(flag_holders(s).size(), 2u);
}

TEST(StandingsWeights, TotalIsWeightedSum) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}});
    Competition comp = red_flag(1, 2);
    comp.criteria[0].weight = 2;
    comp.criteria[1].weight = 0.5;
    // Weighted, 1-1 leads; unweighted, 1-2 would.
    comp.rounds = {round(10, kWeek10, {{"1-1", {12, 10}},    // 24 + 5 = 29 (plain 22)
                                       {"1-2", {10, 14}}})}; // 20 + 7 = 27 (plain 24)
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_DOUBLE_EQ(s.find("1-1")->total, 29);
    EXPECT_DOUBLE_EQ(s.find("1-2")->total, 27);
    EXPECT_EQ(s.standings[0].class_id, "1-1");
    comp.criteria[0].weight = 1;
    comp.criteria[1].weight = 1;
    EXPECT_EQ(compute_standings(feed, comp, kWeek10).standings[0].class_id, "1-2");
}

TEST(StandingsWeights, TenthWeightsDoNotBreakTies) {
    // 0.1 has no exact binary form: the same scores in another order sum to
    // totals that differ in the last bit. They must still tie.
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}});
    Competition comp = red_flag(1, 3);
    for (auto& c : comp.criteria) c.weight = 0.1;
    comp.rounds = {round(10, kWeek10, {{"1-1", {19.5, 18, 18.5}}, {"1-2", {19.5, 18.5, 18}}, {"1-3", {18.5, 18, 19.5}}})};
    double a = 0, b = 0;  // summed the way a total is: in criteria order
    for (const double v : {19.5, 18.0, 18.5}) a += v * 0.1;
    for (const double v : {19.5, 18.5, 18.0}) b += v * 0.1;
    ASSERT_NE(a, b) << "the premise: the doubles differ";
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(ranks(s), (std::map<std::string, int>{{"1-1", 1}, {"1-2", 1}, {"1-3", 1}}));
    // All three hold the flag, listed in feed order whatever the last bits say.
    EXPECT_EQ(flag_holders(s), (std::vector<std::string>{"1-1", "1-2", "1-3"}));
    // A real difference, however small in score terms, still separates them.
    comp.rounds = {round(10, kWeek10, {{"1-1", {19.5, 19.5, 19.5}}, {"1-2", {19.5, 19.5, 19.4}}})};
    const auto s2 = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(ranks(s2), (std::map<std::string, int>{{"1-1", 1}, {"1-2", 2}}));
}

TEST(StandingsScope, GradeRanksEachGradeWithItsOwnFlags) {
    const Feed feed = school_with_classes({{"3-1", 3}, {"1-1", 1}, {"1-2", 1}, {"3-2", 3}, {"1-3", 1}, {"3-3", 3}});
    Competition comp = red_flag(1);
    comp.scope = CompetitionScope::grade;
    comp.rounds = {round(10, kWeek10, {{"3-1", {20, 20}},    // grade 3: 40, 1st
                                       {"1-1", {10, 10}},    // grade 1: 20, 3rd
                                       {"1-2", {15, 15}},    // grade 1: 30, 1st (tie)
                                       {"3-2", {12, 12}},    // grade 3: 24, 2nd
                                       {"1-3", {16, 14}},    // grade 1: 30, 1st (tie)
                                       {"3-3", {11, 11}}})}; // grade 3: 22, 3rd
    auto s = compute_standings(feed, comp, kWeek10);
    ASSERT_EQ(s.standings.size(), 6u);
    // By grade, then rank, ties in feed order.
    std::vector<std::string> order;
    for (const auto& row : s.standings) order.push_back(row.class_id);
    EXPECT_EQ(order, (std::vector<std::string>{"1-2", "1-3", "1-1", "3-1", "3-2", "3-3"}));
    EXPECT_EQ(ranks(s),
              (std::map<std::string, int>{{"1-2", 1}, {"1-3", 1}, {"1-1", 3}, {"3-1", 1}, {"3-2", 2}, {"3-3", 3}}));
    // One flag per grade, and the grade-1 tie shares it.
    EXPECT_EQ(flag_holders(s), (std::vector<std::string>{"1-2", "1-3", "3-1"}));
    EXPECT_EQ(s.find("3-1")->grade, 3);

    // top:N is per grade: top 2 of each.
    comp.display = {DisplayPolicy::Kind::top, 2};
    s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(ids(s.displayed()), (std::vector<std::string>{"1-2", "1-3", "3-1", "3-2"}));
}

TEST(StandingsRounds, CurrentIsTheLatestStartedNotTheLastListed) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}});
    Competition comp = red_flag(1);
    // Listed out of date order, with a future round in the middle.
    comp.rounds = {round(12, kWeek12, {{"1-1", {1, 1}}, {"1-2", {20, 20}}}),
                   round(10, kWeek10, {{"1-1", {20, 20}}, {"1-2", {1, 1}}}),
                   round(13, kWeek13, {{"1-1", {5, 5}}, {"1-2", {6, 6}}}),
                   round(11, kWeek11, {{"1-1", {19, 19}}, {"1-2", {18, 18}}})};
    // Before any round: nothing to show.
    auto s = compute_standings(feed, comp, Date{2023, 11, 5});
    EXPECT_EQ(s.round, nullptr);
    EXPECT_EQ(s.previous_round, nullptr);
    EXPECT_TRUE(s.standings.empty());
    EXPECT_TRUE(s.displayed().empty());
    // On the first round's Monday.
    s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(s.round, &comp.rounds[1]);
    EXPECT_EQ(s.previous_round, nullptr);
    // Mid-week 11: round 11 is current and round 10 previous, though listed last and second.
    s = compute_standings(feed, comp, Date{2023, 11, 15});
    EXPECT_EQ(s.round, &comp.rounds[3]);
    EXPECT_EQ(s.previous_round, &comp.rounds[1]);
    EXPECT_EQ(s.standings[0].class_id, "1-1");
    // Week 12: previous is 11, not 10 (the one listed just before it).
    s = compute_standings(feed, comp, Date{2023, 11, 26});
    EXPECT_EQ(s.round, &comp.rounds[0]);
    EXPECT_EQ(s.previous_round, &comp.rounds[3]);
    EXPECT_EQ(s.find("1-2")->movement, 1);   // 2nd -> 1st
    EXPECT_EQ(s.find("1-1")->movement, -1);  // 1st -> 2nd
    // Long after the last round, the last one stays current.
    s = compute_standings(feed, comp, Date{2024, 6, 1});
    EXPECT_EQ(s.round, &comp.rounds[2]);
    EXPECT_EQ(s.previous_round, &comp.rounds[0]);
}

TEST(StandingsMovement, FirstRoundHasNoMovement) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}});
    Competition comp = red_flag(1);
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20}}, {"1-2", {1, 1}}})};
    const auto s = compute_standings(feed, comp, kWeek10);
    for (const auto& row : s.standings) EXPECT_FALSE(row.movement) << row.class_id;
    EXPECT_EQ(s.find("1-1")->streak, 1);
    EXPECT_EQ(s.find("1-2")->streak, 0);
}

TEST(StandingsMovement, UpDownSameAndNew) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}, {"1-4", 1}});
    Competition comp = red_flag(1);
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20}}, {"1-2", {19, 19}}, {"1-3", {18, 18}}}),
                   round(11, kWeek11, {{"1-3", {20, 20}},     // 3rd -> 1st: +2
                                       {"1-1", {19, 19}},     // 1st -> 2nd: -1
                                       {"1-4", {18, 18}},     // absent last week: new
                                       {"1-2", {10, 10}}})};  // 2nd -> 4th: -2
    const auto s = compute_standings(feed, comp, kWeek11);
    EXPECT_EQ(s.find("1-3")->movement, 2);
    EXPECT_EQ(s.find("1-1")->movement, -1);
    EXPECT_EQ(s.find("1-2")->movement, -2);
    EXPECT_FALSE(s.find("1-4")->movement);

    comp.rounds[1] = round(11, kWeek11, {{"1-1", {20, 20}}, {"1-2", {19, 19}}, {"1-3", {18, 18}}});
    const auto same = compute_standings(feed, comp, kWeek11);
    EXPECT_EQ(same.find("1-2")->movement, 0);
}

TEST(StandingsMovement, GradeScopeComparesRanksWithinTheGrade) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"2-1", 2}, {"2-2", 2}});
    Competition comp = red_flag(1);
    comp.scope = CompetitionScope::grade;
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20}}, {"1-2", {1, 1}}, {"2-1", {2, 2}}, {"2-2", {3, 3}}}),
                   round(11, kWeek11, {{"1-1", {1, 1}}, {"1-2", {20, 20}}, {"2-1", {2, 2}}, {"2-2", {3, 3}}})};
    const auto s = compute_standings(feed, comp, kWeek11);
    EXPECT_EQ(s.find("1-2")->movement, 1);
    EXPECT_EQ(s.find("1-1")->movement, -1);
    EXPECT_EQ(s.find("2-2")->movement, 0);  // 1st of grade 2 both weeks, though 2-2 < 1-1 school-wide
    EXPECT_EQ(s.find("2-2")->streak, 2);
}

TEST(StandingsStreak, BrokenAndResumed) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}});
    Competition comp = red_flag(1);
    const Date w14{2023, 12, 4};
    comp.rounds = {
        round(10, kWeek10, {{"1-1", {20, 20}}, {"1-2", {10, 10}}, {"1-3", {20, 20}}}),  // 1-1, 1-3 flag (shared)
        round(11, kWeek11, {{"1-1", {10, 10}}, {"1-2", {20, 20}}, {"1-3", {20, 20}}}),  // 1-1 loses it
        round(12, kWeek12, {{"1-1", {20, 20}}, {"1-2", {10, 10}}, {"1-3", {20, 20}}}),  // 1-1 back
        round(13, kWeek13, {{"1-1", {20, 20}}, {"1-2", {20, 20}}}),                       // 1-3 absent
        round(14, w14, {{"1-1", {20, 20}}, {"1-2", {1, 1}}, {"1-3", {20, 20}}}),
    };
    auto s = compute_standings(feed, comp, w14);
    EXPECT_EQ(s.find("1-1")->streak, 3);  // weeks 12, 13, 14; week 11 broke it
    EXPECT_EQ(s.find("1-3")->streak, 1);  // absent in week 13: broken despite flags in 10-12
    EXPECT_EQ(s.find("1-2")->streak, 0);  // no flag this week
    EXPECT_FALSE(s.find("1-3")->movement);  // absent from the previous round

    s = compute_standings(feed, comp, kWeek12);
    EXPECT_EQ(s.find("1-3")->streak, 3);
    EXPECT_EQ(s.find("1-1")->streak, 1);
    EXPECT_EQ(s.find("1-2")->streak, 0);
    s = compute_standings(feed, comp, kWeek13);
    EXPECT_EQ(s.find("1-2")->streak, 1);  // flag in 11 and 13, but not in 12
}

TEST(StandingsStreak, UsesTheSameTieRulesInEarlierRounds) {
    // Week 10: 1-2 wins only under share (tied at the edge); under tiebreak it loses.
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}});
    Competition comp = red_flag(1, 2);
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 18}}, {"1-2", {18, 20}}}),
                   round(11, kWeek11, {{"1-1", {10, 10}}, {"1-2", {20, 20}}})};
    comp.ties = TiePolicy::share;
    EXPECT_EQ(compute_standings(feed, comp, kWeek11).find("1-2")->streak, 2);
    comp.ties = TiePolicy::tiebreak;
    comp.tiebreak = {0};
    EXPECT_EQ(compute_standings(feed, comp, kWeek11).find("1-2")->streak, 1);
}

TEST(StandingsWeakest, LowestShareOfMaxFirstOnTies) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}});
    Competition comp = red_flag(1, 3);
    comp.criteria[1].max = 10;
    comp.rounds = {round(10, kWeek10, {{"1-1", {18, 8, 19}},     // 0.9, 0.8, 0.95 -> c1
                                       {"1-2", {16, 8, 16}}})};  // 0.8, 0.8, 0.8 -> c0 (first)
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(s.find("1-1")->weakest_criterion, 1);
    EXPECT_EQ(s.find("1-2")->weakest_criterion, 0);
}

TEST(StandingsDisplay, AllWinnersAndTop) {
    const Feed feed = school_with_classes({{"1-1", 1}, {"1-2", 1}, {"1-3", 1}, {"1-4", 1}});
    Competition comp = red_flag(1);
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20}}, {"1-2", {20, 20}}, {"1-3", {18, 18}}, {"1-4", {17, 17}}})};
    comp.display = {DisplayPolicy::Kind::all, 0};
    EXPECT_EQ(ids(compute_standings(feed, comp, kWeek10).displayed()),
              (std::vector<std::string>{"1-1", "1-2", "1-3", "1-4"}));
    comp.display = {DisplayPolicy::Kind::winners, 0};
    EXPECT_EQ(ids(compute_standings(feed, comp, kWeek10).displayed()), (std::vector<std::string>{"1-1", "1-2"}));
    comp.display = {DisplayPolicy::Kind::top, 3};
    EXPECT_EQ(ids(compute_standings(feed, comp, kWeek10).displayed()),
              (std::vector<std::string>{"1-1", "1-2", "1-3"}));
    comp.display = {DisplayPolicy::Kind::top, 2};  // ranks 1, 1, 3: the tie is kept whole
    EXPECT_EQ(ids(compute_standings(feed, comp, kWeek10).displayed()), (std::vector<std::string>{"1-1", "1-2"}));
}

TEST(StandingsRanking, NotesAreCarried) {
    const Feed feed = school_with_classes({{"1-1", 1}});
    Competition comp = red_flag(1);
    comp.rounds = {round(10, kWeek10, {{"1-1", {20, 20}}})};
    comp.rounds[0].scores[0].note = "升旗仪式表现突出";
    const auto s = compute_standings(feed, comp, kWeek10);
    EXPECT_EQ(s.standings[0].note, "升旗仪式表现突出");
    EXPECT_EQ(s.competition, &comp);
}

}  // namespace
}  // namespace campus
