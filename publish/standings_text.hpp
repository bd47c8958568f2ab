// The week's red-flag result in words, as the Monday broadcast reads it out:
//   第3周流动红旗：三年级二班、四年级一班、…（共7个班级，并列第6名）
//   第3周年级流动红旗（三年级）：三年级二班、三年级一班（共2个班级）
// One line per competition, or per grade when the competition's scope is
// "grade"; the flag holders by class name in rank order (ties in feed order);
// "共N个班级" their number; "并列第N名" only when a tie at the edge gives more
// flags than awards (N the rank the tied classes share). Before the first
// round: a plain sentence saying that there is no result yet.
//
// `kiosk-feed standings FEED --at TIME --text` prints these lines. The ranking
// itself is sync/standings.hpp's, the one the screens show.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "sync/civil_time.hpp"
#include "sync/feed.hpp"

namespace campus::publish {

// The lines for every competition of `feed`, for the round current on `today`
// (a date in the school's time zone).
std::vector<std::string> standings_text(const Feed& feed, Date today);

// "三年级", "十二年级": grade N as the screens name it.
std::string grade_words(int grade);

}  // namespace campus::publish
