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
// Accepted beyond the contract's letter, never against its meaning: an
// optional 编号 column in 工作目标, 通知 and 活动 (the ids g1…, a1…, e1…
// stand in only where it is empty); 第3周 for 周次; 全校 as an 对象 for all;
// a 结束 given as a bare date means through that day; a 编号 that Excel
// turned into a date (3-2 → 3月2日) is read back as typed; a deduction's
// 原因 becomes the class's note in the round it makes.
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
    // Where the 图片 cells' paths start: the workbook's folder (a CSV
    // workbook: the folder itself). build_feed_from_path sets it; "" = the
    // current directory.
    std::string picture_dir;
};

// A picture the feed names, for publish to put at DIR/<name>: the office's
// file as it is, or (larger than 3840 px on its long side, or a JPEG carrying
// EXIF, which may hold where it was taken) a shrunk, upright JPEG without metadata.
struct PictureFile {
    std::string name;    // "media/<sha256>.<ext>": the feed's url for it
    std::string source;  // the office's file, copied byte for byte; "" when `bytes` holds the picture
    std::string bytes;   // the rewritten picture
};

struct BuildResult {
    // The feed, keys in the contract's order; set only when problems is empty.
    std::optional<nlohmann::ordered_json> feed;
    std::vector<BuildProblem> problems;
    // Nothing wrong, but worth the clerk's eye (a sheet nothing read): printed, never fatal.
    std::vector<BuildProblem> notes;
    std::vector<PictureFile> pictures;  // the files of the feed's media (set with the feed)
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
