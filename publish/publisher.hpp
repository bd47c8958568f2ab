// Publishing: the workbook in, a signed feed out, into the folder the screens'
// web server serves (`kiosk-feed publish BOOK --to DIR --key KEY`).
//
// One publish: build the workbook (publish/workbook_feed.hpp) with version =
// the version already published in DIR + 1 → check it as a screen will
// (sync/feed_parse) → refuse a DIR that holds another school's feed or a
// broken one → do nothing when no screen would show anything different →
// sign → write feed.json.minisig and feed.json atomically (see publisher.cpp,
// [SECTION] writing, for the order and its reason) → keep the last 50 versions
// under DIR/history/. DIR is the truth about the version, so two office PCs
// publishing into the same folder can never make the version go backwards.
//
// Whatever fails (the workbook, the folder, the disk, the key), DIR is left
// exactly as it was: files are written under temporary names, fsync'ed, and
// only then renamed into place.
//
// Thread safety: publish_workbook() is reentrant; two processes publishing into
// the same DIR are serialised by an flock on the folder itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "publish/workbook_feed.hpp"
#include "sync/civil_time.hpp"

namespace campus::publish {

// Makes the detached .minisig text for `bytes`, with `trusted_comment` (the
// feed contract's `feed_id=<id> version=<n>`) as the signed trusted comment.
// Throws std::exception with a message for the clerk when it cannot sign.
// kiosk-feed binds it to the office's secret key (publish/signing.hpp).
using Signer = std::function<std::string(std::string_view bytes, std::string_view trusted_comment)>;

// The workbook → feed step; build_feed_from_path in kiosk-feed, a fake in tests.
using FeedBuilder = std::function<PathBuildResult(const std::string& path, const BuildOptions& options)>;

struct PublishRequest {
    std::string workbook;    // an .xlsx file or a folder of .csv files
    std::string target_dir;  // DIR: the folder nginx serves
    bool dry_run = false;    // report what would change; write nothing, sign nothing
    // History kept under DIR/history/: the last N versions (feed-<v>.json and
    // its .minisig). 50 is a term's weekly publishes with room to spare.
    int history_keep = 50;
};

struct PublishHooks {
    FeedBuilder build;  // required
    Signer sign;        // required unless dry_run
    // "Now" for the standings and the change summary, and the wall clock the
    // new feed's mtime is compared with. Default: the system clock.
    std::function<std::chrono::system_clock::time_point()> now;
    // Tests only: called before each step that changes the disk
    // ("write feed.json", "rename feed.json.minisig", "rename history/feed-3.json", …);
    // a non-zero return fails that step with that errno (ENOSPC, EIO …).
    std::function<int(std::string_view step)> fault;
};

struct PublishOutcome {
    enum class Status {
        published,          // the new version is live
        unchanged,          // same content as the version in DIR: nothing written
        dry_run,            // would publish `version`; nothing written
        workbook_problems,  // the workbook does not build: `problems`, nothing written
        refused,            // DIR holds another school's feed or a broken one: `error`
        failed,             // DIR, disk or key: `error`; nothing half-written
    };
    Status status = Status::failed;
    std::string file_label;             // the workbook as messages name it
    std::vector<std::string> problems;  // "FILE: SHEET!CELL: message", one per problem
    std::string error;                  // for refused / failed, in Chinese, naming the path
    std::vector<std::string> warnings;  // published, but e.g. the history copy failed
    std::vector<std::string> notes;     // the build's notes (a sheet nothing read), whatever the status
    std::string feed_id;
    std::int64_t version = 0;           // the new (or would-be) version
    std::int64_t previous_version = 0;  // the version in DIR before; 0 = none
    std::vector<std::string> changes;   // what the screens will show differently (change_summary)

    bool ok() const {
        return status == Status::published || status == Status::unchanged || status == Status::dry_run;
    }
};

PublishOutcome publish_workbook(const PublishRequest& request, const PublishHooks& hooks);

// The outcome as kiosk-feed prints it, one line each, in Chinese: the
// changes, the version, the problems or the error.
std::vector<std::string> outcome_lines(const PublishOutcome& outcome, const PublishRequest& request);

// Exit status of `kiosk-feed publish` for an outcome: 0 published, unchanged or
// dry run; 1 the workbook has problems; 3 could not publish (DIR, disk, key).
int outcome_exit_status(const PublishOutcome& outcome);

// The trusted comment signed with version `version` of feed `feed_id`.
std::string trusted_comment_for(std::string_view feed_id, std::int64_t version);

// The mtime a newly published file gets: `now`, unless the clock has not moved
// past `previous` (same second, or a clock set back), then previous + 1 s:
// nginx's ETag is mtime-size and Last-Modified has whole seconds, so a
// republish within one second at the same size would otherwise look unchanged
// to every screen's conditional request.
struct timespec next_mtime(const struct timespec& previous, const struct timespec& now);

}  // namespace campus::publish
