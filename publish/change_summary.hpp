// What the screens will show differently after a publish, in the clerk's words.
//
//   第10周流动红旗：三年级二班、四年级一班、…（共6个班级）   (publish/standings_text)
//   新通知：期中考试安排
//   结束通知：国庆放假
//   家访联系：60% → 80%
//   新活动：11月24日 秋季运动会
//   其他更改：每月习惯、班级
//
// Things are matched by what the clerk typed (a goal's or a notice's title, an
// event's title and date), not by id: ids the workbook does not give are made
// from row order (g1, g2 …), so inserting a row renumbers them without changing
// anything on a screen.
//
// Thread safety: pure functions; call from any thread.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/feed.hpp"

namespace campus::publish {

// Two feeds show the same on every screen at every time when they are equal
// apart from `version` and `generated_at` (key order does not matter; 80 and
// 80.0 are the same number).
bool same_screen_content(const nlohmann::json& a, const nlohmann::json& b);

// One feed as both the model and the JSON it came from: the model for
// standings and announcement windows, the JSON for the sections the model
// does not hold (media, gallery) and for "did this section change at all".
struct FeedView {
    const Feed* feed = nullptr;
    const nlohmann::json* json = nullptr;
};

// Lines in the order: flag holders per competition (or grade) that changed,
// a round entered ahead of its week, announcements, goals,
// events, then one line naming every other section that changed. `before`
// with a null feed is a first publish. `now` is when the screens will show it.
std::vector<std::string> summarize_changes(const FeedView& before, const FeedView& after, Instant now);

}  // namespace campus::publish
