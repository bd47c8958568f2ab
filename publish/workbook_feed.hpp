// The workbook → the feed: every rule of shared/workbook-contract.md.
//
// build_feed() reads the sheets (学校, 工作目标, 每月习惯, 班级, 评比, 评比项目,
// one score sheet per competition and its optional <名称>扣分 log, 通知, 活动),
// writes the feed as JSON (format 1), and then runs the screens' own check
// (sync/feed_parse) over it, so that a workbook builds only what every screen
// accepts. Every problem is reported once, at the cell it came from, in words a
// clerk can act on; a feed-contract problem is mapped back from its JSON
// pointer to the cell that produced the value. With any problem, no feed.
//
// Thread safety: reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "publish/workbook.hpp"

namespace campus::publish {

struct BuildProblem {
    std::string where;    // "SHEET!CELL", "SHEET", or "" for the workbook as a whole
    std::string message;  // Chinese, for the clerk
};

// "FILE: SHEET!CELL: message" (or "FILE: SHEET: message", "FILE: message").
std::string format_problem(const std::string& file_label, const BuildProblem& problem);

struct BuildOptions {
    std::int64_t version = 1;  // the feed's `version` (publish sets it: published + 1)
    // The feed's `generated_at`, RFC 3339 with offset; empty = now, in the
    // school's time zone.
    std::string generated_at;
};

struct BuildResult {
    // The feed, keys in the contract's order; set only when problems is empty.
    std::optional<nlohmann::ordered_json> feed;
    std::vector<BuildProblem> problems;
    bool ok() const { return feed.has_value(); }
};

BuildResult build_feed(const Workbook& book, const BuildOptions& options = {});

// read_workbook() then build_feed(); the reader's problems come first, in the same shape.
struct PathBuildResult {
    std::string file_label;
    BuildResult result;
};
PathBuildResult build_feed_from_path(const std::string& path, const BuildOptions& options = {});

// The feed as kiosk-feed writes it: UTF-8, two-space indent with small flat
// objects (a class, a score row) on one line, a final newline. A feed that
// would be over the screens' 4 MiB that way is written without whitespace.
std::string feed_text(const nlohmann::ordered_json& feed);

}  // namespace campus::publish
