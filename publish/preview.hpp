// `kiosk-feed preview BOOK --at TIME -o DIR`: the clerk's look at the screens
// before publishing. Builds the feed (no signing, nothing published), writes it
// to a temp file, and runs the screen program itself:
//   kiosk --dump DIR --size 1920x1080 --at TIME --feed <temp feed>
// so what is in DIR (every page as PNG, plus the layout report) is exactly what
// a lobby screen will draw at TIME. A --dump of a file reads the file directly:
// no cache, no rollback guard of a real screen on the same machine is touched.
//
// Thread safety: run_preview() starts a child process and waits for it; call it
// from one thread.
#pragma once

#include <string>
#include <vector>

#include "publish/publisher.hpp"

namespace campus::publish {

struct PreviewRequest {
    std::string workbook;
    std::string at;          // RFC 3339 with offset, passed to the kiosk as is
    std::string output_dir;  // -o DIR
    std::string size = "1920x1080";
    std::string role = "lobby";
    std::string class_id;    // a classroom screen's class, e.g. 3-2 (kiosk --class)
    std::string kiosk;       // the kiosk program; empty = find_kiosk()
};

// The kiosk program: `kiosk` next to this program (an install puts both in one
// bin/), then the build tree's kiosk/kiosk beside publish/, then $PATH. Empty
// when none is found.
std::string find_kiosk(const std::string& self_exe);

struct PreviewOutcome {
    int exit_status = 0;             // 0 fine, 1 the workbook's problems, 3 the kiosk failed or is missing
    std::vector<std::string> lines;  // what to print, in Chinese
};

PreviewOutcome run_preview(const PreviewRequest& request, const FeedBuilder& build);

}  // namespace campus::publish
