// The red flag's standings: who holds the flag this week, and how each class
// moved. The contract's "Rules a screen MUST apply" are implemented here and
// nowhere else; the screen and `kiosk-feed standings` both read this.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/feed.hpp"

namespace campus {

struct ClassStanding {
    std::string class_id;
    int grade = 0;
    double total = 0;                  // Σ score × weight
    std::vector<double> values;        // per criterion, as in the round
    int rank = 0;                      // standard competition ranking, 1-based, within its ranking group
    bool flag = false;                 // holds the flag this round
    std::optional<int> movement;       // previous rank − current rank; nullopt when absent from the previous round
    int streak = 0;                    // consecutive rounds with the flag, ending with this one
    int weakest_criterion = -1;        // index of the criterion with the lowest score/max this round
    std::string note;
};

// One competition's standings for the round current at a date.
struct CompetitionStandings {
    const Competition* competition = nullptr;
    const Round* round = nullptr;           // null when no round has started yet
    const Round* previous_round = nullptr;  // null for the first round
    // Every class of the current round, sorted: by grade then rank for
    // scope "grade", by rank for scope "school"; ties in feed order.
    std::vector<ClassStanding> standings;

    // The rows the display policy shows (all / winners / top:N), in order.
    std::vector<const ClassStanding*> displayed() const;
    const ClassStanding* find(std::string_view class_id) const;
};

// The current round is the latest whose start is on or before `today`.
CompetitionStandings compute_standings(const Feed& feed, const Competition& competition, Date today);

}  // namespace campus
