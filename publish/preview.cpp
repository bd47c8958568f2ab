// The clerk's preview through the real screen program (publish/preview.hpp).
#include "publish/preview.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sync/civil_time.hpp"
#include "sync/feed_parse.hpp"

extern char** environ;

namespace campus::publish {

namespace fs = std::filesystem;

namespace {

bool is_executable(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

std::string on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return "";
    std::string_view rest(path);
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        if (dir.empty()) continue;
        const fs::path candidate = fs::path(dir) / name;
        if (is_executable(candidate)) return candidate.string();
    }
    return "";
}

// Runs argv and waits; returns the exit status, or -1 with *error set.
int run_child(const std::vector<std::string>& argv, std::string* error) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ);
    if (rc != 0) {
        *error = std::string("不能启动 ") + argv[0] + "：" + std::strerror(rc);
        return -1;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            *error = std::string("等待 ") + argv[0] + " 出错：" + std::strerror(errno);
            return -1;
        }
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    *error = argv[0] + std::string(" 被信号 ") + std::to_string(WTERMSIG(status)) + " 终止";
    return -1;
}

// "大厅" for lobby: the clerk's words for where the screen hangs.
std::string role_words(const std::string& role) {
    if (role == "lobby") return "大厅";
    if (role == "corridor") return "走廊";
    if (role == "classroom") return "教室";
    if (role == "assembly") return "集会";
    return role;
}

struct TempDir {
    std::string path;
    ~TempDir() {
        std::error_code ec;
        if (!path.empty()) fs::remove_all(path, ec);
    }
};

}  // namespace

std::string find_kiosk(const std::string& self_exe) {
    if (!self_exe.empty()) {
        const fs::path here = fs::path(self_exe).parent_path();
        for (const fs::path& candidate : {here / "kiosk", here.parent_path() / "kiosk" / "kiosk"})
            if (is_executable(candidate)) return candidate.string();
    }
    return on_path("kiosk");
}

PreviewOutcome run_preview(const PreviewRequest& request, const FeedBuilder& build) {
    PreviewOutcome out;
    if (!parse_rfc3339(request.at)) {
        out.exit_status = 2;
        out.lines.push_back("--at " + request.at + "：应为带时区的时间，例如 2026-11-16T08:00:00+08:00");
        return out;
    }
    std::string self;
    {
        std::error_code ec;
        self = fs::read_symlink("/proc/self/exe", ec).string();
    }
    const std::string kiosk = request.kiosk.empty() ? find_kiosk(self) : request.kiosk;
    if (kiosk.empty() || !is_executable(kiosk)) {
        out.exit_status = 3;
        out.lines.push_back("找不到屏幕程序 kiosk" + (request.kiosk.empty() ? std::string() : "（" + request.kiosk + "）") +
                            "：预览要用它画出每一页。请把 kiosk 装在 kiosk-feed 旁边或 PATH 里，或用 --kiosk 指定");
        return out;
    }

    BuildOptions options;
    options.version = 1;  // a preview is never published
    PathBuildResult built = build(request.workbook, options);
    if (!built.result.ok()) {
        for (const BuildProblem& p : built.result.problems) out.lines.push_back(format_problem(built.file_label, p));
        out.lines.push_back(built.file_label + "：工作簿有 " + std::to_string(built.result.problems.size()) +
                            " 个问题，没有预览。");
        out.exit_status = 1;
        return out;
    }
    const std::string body = feed_text(*built.result.feed);
    if (const ParseResult checked = parse_feed(body); !checked.ok()) {
        for (const Problem& p : checked.problems)
            out.lines.push_back(built.file_label + ": 生成的数据屏幕不会接受：" + to_string(p));
        out.exit_status = 1;
        return out;
    }

    TempDir temp;
    {
        std::string pattern = (fs::temp_directory_path() / "kiosk-feed-preview-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) {
            out.exit_status = 3;
            out.lines.push_back(std::string("不能建立临时文件夹：") + std::strerror(errno));
            return out;
        }
        temp.path = pattern;
    }
    const std::string feed_path = (fs::path(temp.path) / "feed.json").string();
    {
        std::ofstream f(feed_path, std::ios::binary);
        f << body;
        f.close();
        if (!f) {
            out.exit_status = 3;
            out.lines.push_back("不能写入临时文件 " + feed_path);
            return out;
        }
    }

    std::vector<std::string> argv;
    // The kiosk draws with OpenGL in a window even for --dump: with no display
    // (a server, ssh) a virtual one is made for it.
    const bool has_display = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
    if (!has_display) {
        const std::string xvfb = on_path("xvfb-run");
        if (xvfb.empty()) {
            out.exit_status = 3;
            out.lines.push_back("没有显示器（DISPLAY 没有设置），也找不到 xvfb-run：请在有桌面的电脑上预览，或安装 xvfb");
            return out;
        }
        std::string screen = request.size;
        // The X auth file in this preview's own temporary folder (-f): left to
        // itself, xvfb-run makes a folder of its own and, when removing it
        // fails, exits 5 in place of the kiosk's status, a good preview
        // reported as failed.
        argv = {xvfb, "-a", "-f", (fs::path(temp.path) / "Xauthority").string(), "-s", "-screen 0 " + screen + "x24"};
    }
    for (const std::string& a : {kiosk, std::string("--dump"), request.output_dir, std::string("--size"), request.size,
                                 std::string("--at"), request.at, std::string("--role"), request.role,
                                 std::string("--feed"), feed_path})
        argv.push_back(a);
    if (!request.class_id.empty()) {
        argv.push_back("--class");
        argv.push_back(request.class_id);
    }

    std::string error;
    const int rc = run_child(argv, &error);
    if (rc != 0) {
        out.exit_status = 3;
        out.lines.push_back(error.empty() ? "屏幕程序 " + kiosk + " 出错（退出码 " + std::to_string(rc) + "），预览没有完成"
                                          : error);
        return out;
    }
    // The dump's pages are NNN-<page>.png (kiosk/rotation.hpp's dump_stem):
    // in the order the screen shows them once sorted, and apart from any other
    // picture in the folder (an older preview's two-digit names included).
    const auto is_page = [](const std::string& name) {
        return name.size() > 8 && std::isdigit(static_cast<unsigned char>(name[0])) &&
               std::isdigit(static_cast<unsigned char>(name[1])) && std::isdigit(static_cast<unsigned char>(name[2])) &&
               name[3] == '-' && name.ends_with(".png");
    };
    std::vector<std::string> pngs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(request.output_dir, ec))
        if (is_page(entry.path().filename().string())) pngs.push_back(entry.path().filename().string());
    std::sort(pngs.begin(), pngs.end());
    out.lines.push_back(built.file_label + "：" + request.at + " " + role_words(request.role) + "屏幕，共 " +
                        std::to_string(pngs.size()) + " 页，图片在 " + request.output_dir + "：");
    for (const std::string& p : pngs) out.lines.push_back("  " + p);
    return out;
}

}  // namespace campus::publish
