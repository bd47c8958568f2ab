// Watching the workbook's folder (publish/watch.hpp).
#include "publish/watch.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace campus::publish {

WatchTarget watch_target_for(const std::string& workbook_path) {
    namespace fs = std::filesystem;
    WatchTarget t;
    std::error_code ec;
    // Absolute: the log names the folder, and a service's working directory says nothing.
    fs::path p = fs::absolute(workbook_path, ec);
    if (ec) p = workbook_path;
    p = p.lexically_normal();
    if (p.has_filename() == false && p.has_parent_path()) p = p.parent_path();  // "dir/" → "dir"
    if (fs::is_directory(p, ec)) {
        t.folder = p.string();
        t.csv_folder = true;
        return t;
    }
    // Trailing slashes were a folder; what is left names a file.
    t.file_name = p.filename().string();
    t.folder = p.parent_path().string();
    return t;
}

namespace {

bool ends_with_csv(std::string_view name) {
    if (name.size() <= 4) return false;
    std::string tail(name.substr(name.size() - 4));
    for (char& c : tail) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return tail == ".csv";
}

}  // namespace

bool is_workbook_change(const WatchTarget& target, std::string_view name) {
    if (name.empty()) return false;
    // ~$周报.xlsx (Excel's owner file), .~周报.xlsx (WPS), .周报.xlsx.swp …
    if (name.substr(0, 2) == "~$" || name.front() == '.') return false;
    if (target.csv_folder) return ends_with_csv(name);
    return name == target.file_name;
}

std::string watch_workbook(const WatchTarget& target, const WatchOptions& options,
                           const std::function<void()>& on_save) {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return std::string("不能监视文件夹（inotify）：") + std::strerror(errno);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    if (target.csv_folder) mask |= IN_DELETE | IN_MOVED_FROM;  // a sheet removed changes the workbook
    if (::inotify_add_watch(fd, target.folder.c_str(), mask) < 0)
        return "不能监视文件夹 " + target.folder + "：" + std::strerror(errno);

    using clock = std::chrono::steady_clock;
    bool pending = false;
    clock::time_point last_change{};
    alignas(struct inotify_event) char buffer[16 * 1024];

    for (;;) {
        int timeout_ms = -1;
        if (pending) {
            const auto due = last_change + options.quiet;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - clock::now()).count();
            timeout_ms = left < 0 ? 0 : static_cast<int>(left) + 1;
        }
        struct pollfd fds[2] = {{fd, POLLIN, 0}, {options.stop_fd, POLLIN, 0}};
        const int n = ::poll(fds, 2, timeout_ms);
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::string("监视出错：") + std::strerror(errno);
        }
        if (fds[1].revents) return "";
        if (fds[0].revents & POLLIN) {
            for (;;) {
                const ssize_t len = ::read(fd, buffer, sizeof buffer);
                if (len < 0) {
                    if (errno == EINTR) continue;
                    if (errno == EAGAIN) break;
                    return std::string("监视出错：") + std::strerror(errno);
                }
                if (len == 0) break;
                for (ssize_t off = 0; off < len;) {
                    const auto* e = reinterpret_cast<const struct inotify_event*>(buffer + off);
                    off += static_cast<ssize_t>(sizeof(struct inotify_event) + e->len);
                    if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT))
                        return "文件夹 " + target.folder + " 被删除、移走或卸载了，停止监视";
                    if (e->mask & IN_Q_OVERFLOW) {  // lost events: assume a save
                        pending = true;
                        last_change = clock::now();
                        continue;
                    }
                    if (e->mask & IN_ISDIR) continue;
                    const std::string_view name = e->len ? std::string_view(e->name) : std::string_view();
                    if (is_workbook_change(target, name)) {
                        pending = true;
                        last_change = clock::now();
                    }
                }
            }
        }
        if (pending && clock::now() - last_change >= options.quiet) {
            pending = false;
            on_save();
        }
    }
}

// ---------------------------------------------------------------------------

namespace {

// systemd sets JOURNAL_STREAM=<device>:<inode> of the stream it connected to
// stderr; a match means our lines go to the journal (a pipe to `tee` does not).
bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
    struct stat st {};
    if (::fstat(STDERR_FILENO, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

}  // namespace

ServiceLog::ServiceLog() : journal_(stderr_is_journal()) {}

std::string ServiceLog::format(Level level, std::string_view text) const {
    std::string out;
    if (journal_) {
        out += '<';  // (not "<" + to_string(): GCC 12's -Wrestrict false positive)
        out += std::to_string(static_cast<int>(level));
        out += '>';
    } else {
        const std::time_t t = std::time(nullptr);
        struct tm local {};
        ::localtime_r(&t, &local);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S ", &local);
        out = stamp;
    }
    // One event, one journal line: a message's own newlines would split it.
    for (char c : text) out += (c == '\n' ? ' ' : c);
    out += '\n';
    return out;
}

void ServiceLog::line(Level level, std::string_view text) const {
    const std::string s = format(level, text);
    std::size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(STDERR_FILENO, s.data() + done, s.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace campus::publish
