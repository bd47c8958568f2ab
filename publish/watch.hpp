// `kiosk-feed publish … --watch`: publish each time the clerk saves the workbook.
//
// Excel and WPS never write a workbook in place: they write a temp file
// (Excel: an 8-hex-digit name; WPS: `.~周报.xlsx`), rename the old file away
// and the temp file to the workbook's name, and keep a lock file
// (`~$周报.xlsx`) while it is open. A watch on the file itself would follow the
// old inode into the bin, so the watch is on the workbook's FOLDER
// (IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE), filtered by name; for a CSV
// folder, any .csv in it (and a .csv deleted or moved away: a sheet removed).
// A save is a burst of events: on_save() runs once the folder has been quiet
// for `quiet` (1.5 s), so it reads the finished file, not half of it.
//
// Thread safety: one WorkbookWatch per thread; the functions are reentrant.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace campus::publish {

struct WatchTarget {
    std::string folder;     // the folder inotify watches
    std::string file_name;  // the workbook's name in it; empty for a CSV folder
    bool csv_folder = false;
};

// For an .xlsx: its folder and name. For a folder of CSV files: the folder itself.
WatchTarget watch_target_for(const std::string& workbook_path);

// Whether a change to `name` in the watched folder is a save of the workbook.
// Never Excel's lock files (`~$*`) nor WPS's temp files (`.~*`), nor other
// hidden files; for an .xlsx, only its own name; for a CSV folder, `*.csv`
// (any case).
bool is_workbook_change(const WatchTarget& target, std::string_view name);

struct WatchOptions {
    std::chrono::milliseconds quiet{1500};
    // Readable when the watch should end (a signalfd for SIGINT/SIGTERM, a
    // pipe in tests). Required.
    int stop_fd = -1;
};

// Watches until stop_fd becomes readable; calls on_save() after each burst of
// saves. Returns "" when stopped, or why the watch could not go on (the
// folder could not be watched, or was deleted or unmounted).
std::string watch_workbook(const WatchTarget& target, const WatchOptions& options,
                           const std::function<void()>& on_save);

// Log lines for a long-running process. Under systemd (JOURNAL_STREAM names
// our stderr) each line gets the journal's priority prefix (<3> error,
// <4> warning, <6> info) and no time stamp, as the journal adds its own; on a
// terminal or in a file each line starts with the local time,
// "2026-11-16 07:30:05 ".
class ServiceLog {
public:
    enum class Level { error = 3, warning = 4, info = 6 };
    ServiceLog();  // decides journal or not from the environment
    explicit ServiceLog(bool journal) : journal_(journal) {}
    void line(Level level, std::string_view text) const;  // to stderr, one write per line
    std::string format(Level level, std::string_view text) const;
    bool journal() const { return journal_; }

private:
    bool journal_ = false;
};

}  // namespace campus::publish
