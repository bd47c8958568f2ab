// Publishing into the served folder (publish/publisher.hpp).
//
// [SECTION] words: errno in the clerk's language
// [SECTION] the folder: lock, read, temp files
// [SECTION] what DIR holds now
// [SECTION] writing: the order, and why
// [SECTION] history
// [SECTION] publish_workbook
// [SECTION] what kiosk-feed prints
#include "publish/publisher.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "publish/change_summary.hpp"
#include "sync/feed_cache.hpp"  // write_file_atomically: the pictures
#include "sync/feed_parse.hpp"
#include "sync/minisign.hpp"

namespace campus::publish {

namespace {

constexpr const char* kFeedName = "feed.json";
constexpr const char* kSignatureName = "feed.json.minisig";
constexpr const char* kHistoryName = "history";
// Temp files: a prefix of our own, so that a publish can remove what a killed
// one left behind (under the folder's lock nobody else is writing) and never
// touch anyone else's file.
constexpr std::string_view kTempPrefix = ".kiosk-feed-";
constexpr std::string_view kTempSuffix = ".tmp";

// ---------------------------------------------------------------------------
// [SECTION] words: errno in the clerk's language

std::string errno_words(int err) {
    std::string sys = std::strerror(err);
    switch (err) {
        case ENOSPC: return "磁盘已满（" + sys + "）";
        case EDQUOT: return "超出磁盘配额（" + sys + "）";
        case EACCES:
        case EPERM: return "没有权限（" + sys + "）";
        case EROFS: return "文件夹是只读的（" + sys + "）";
        case ENOENT: return "不存在（" + sys + "）";
        case EIO: return "读写出错（" + sys + "）";
        case ENOTDIR: return "不是文件夹（" + sys + "）";
        default: return sys;
    }
}

// Every failure that is not the workbook's; carries the path and errno words.
struct DiskError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& what, int err) { throw DiskError(what + "：" + errno_words(err)); }

std::string path_in(const std::string& dir, const std::string& name) {
    if (!dir.empty() && dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

// ---------------------------------------------------------------------------
// [SECTION] the folder: lock, read, temp files

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int close() { return ::close(std::exchange(fd_, -1)); }

private:
    int fd_ = -1;
};

struct FileRead {
    bool exists = false;
    std::string bytes;
    struct timespec mtime {};
};

// Reads `name` in `dirfd` whole (at most `limit` + 1 bytes: enough to see it is too big).
FileRead read_at(int dirfd, const std::string& name, const std::string& label, std::size_t limit) {
    FileRead out;
    Fd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
        if (errno == ENOENT) return out;
        fail("不能读取 " + label, errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail("不能读取 " + label, errno);
    if (!S_ISREG(st.st_mode)) throw DiskError(label + " 不是普通文件");
    out.exists = true;
    out.mtime = st.st_mtim;
    char buffer[1 << 16];
    while (out.bytes.size() <= limit) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("不能读取 " + label, errno);
        }
        if (n == 0) break;
        out.bytes.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

bool is_our_temp(std::string_view name) {
    return name.size() > kTempPrefix.size() + kTempSuffix.size() && name.substr(0, kTempPrefix.size()) == kTempPrefix &&
           name.substr(name.size() - kTempSuffix.size()) == kTempSuffix;
}

std::vector<std::string> list_dir(int dirfd) {
    std::vector<std::string> names;
    const int dup = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dup < 0) return names;
    DIR* d = ::fdopendir(dup);
    if (!d) {
        ::close(dup);
        return names;
    }
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
    return names;
}

// What a killed publish left behind. Only called under the folder's lock.
void remove_stale_temps(int dirfd) {
    for (const std::string& name : list_dir(dirfd))
        if (is_our_temp(name)) ::unlinkat(dirfd, name.c_str(), 0);
}

using FaultHook = std::function<int(std::string_view)>;

void maybe_fault(const FaultHook& fault, const std::string& step, const std::string& what) {
    if (!fault) return;
    if (const int err = fault(step)) fail(what, err);
}

// A file written under a temporary name, fsync'ed, waiting for its rename.
// Removed on destruction unless renamed: a failure anywhere leaves nothing.
class PendingFile {
public:
    PendingFile(int dirfd, std::string dir_label, std::string final_name, std::string step_name)
        : dirfd_(dirfd), dir_label_(std::move(dir_label)), final_(std::move(final_name)), step_(std::move(step_name)) {
        temp_ = std::string(kTempPrefix) + final_ + "." + std::to_string(::getpid()) + std::string(kTempSuffix);
    }
    PendingFile(const PendingFile&) = delete;
    PendingFile& operator=(const PendingFile&) = delete;
    ~PendingFile() {
        if (created_ && !renamed_) ::unlinkat(dirfd_, temp_.c_str(), 0);
    }

    void write(std::string_view bytes, const struct timespec* mtime, const FaultHook& fault) {
        const std::string label = path_in(dir_label_, final_);
        maybe_fault(fault, "write " + step_, "不能写入 " + label);
        Fd fd(::openat(dirfd_, temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
        if (!fd) fail("不能在 " + dir_label_ + " 里写文件", errno);
        created_ = true;
        // The web server (www-data) must read it whatever our umask says.
        if (::fchmod(fd.get(), 0644) != 0) fail("不能写入 " + label, errno);
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail("不能写入 " + label, errno);
            }
            done += static_cast<std::size_t>(n);
        }
        if (mtime) {
            const struct timespec times[2] = {*mtime, *mtime};
            if (::futimens(fd.get(), times) != 0) fail("不能设置 " + label + " 的修改时间", errno);
        }
        // Durable before it can be renamed into place: after a power cut the
        // name points at either the old file or the whole new one.
        if (::fsync(fd.get()) != 0) fail("不能写入 " + label, errno);
        if (fd.close() != 0) fail("不能写入 " + label, errno);  // NFS and friends report late
    }

    void rename_into_place(const FaultHook& fault) {
        const std::string label = path_in(dir_label_, final_);
        maybe_fault(fault, "rename " + step_, "不能替换 " + label);
        if (::renameat(dirfd_, temp_.c_str(), dirfd_, final_.c_str()) != 0) fail("不能替换 " + label, errno);
        renamed_ = true;
    }

private:
    int dirfd_;
    std::string dir_label_;
    std::string final_;
    std::string step_;
    std::string temp_;
    bool created_ = false;
    bool renamed_ = false;
};

void fsync_dir(int dirfd, const std::string& label) {
    if (::fsync(dirfd) != 0) fail("不能把 " + label + " 写入磁盘", errno);
}

// ---------------------------------------------------------------------------
// [SECTION] what DIR holds now

struct Published {
    std::shared_ptr<const Feed> feed;  // null when DIR has no feed.json
    nlohmann::json json;
    FileRead body;
    FileRead signature;
    std::int64_t highest_version = 0;  // max of feed.json and history/
};

// Versions kept in history/: "feed-12.json" → 12.
std::optional<std::int64_t> history_version(std::string_view name) {
    constexpr std::string_view prefix = "feed-", suffix = ".json";
    if (name.size() <= prefix.size() + suffix.size() || name.substr(0, prefix.size()) != prefix ||
        name.substr(name.size() - suffix.size()) != suffix)
        return std::nullopt;
    const std::string_view digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (digits.empty() || digits.size() > 18 || digits.front() == '0') return std::nullopt;
    std::int64_t v = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// Whether the .minisig beside feed.json claims that feed's id and version.
// Not a cryptographic check (the publisher holds no public key): it catches a
// signature that is missing, unreadable, or of another version.
bool signature_claims(const FileRead& signature, const Feed& feed) {
    if (!signature.exists) return false;
    const auto parsed = parse_minisign_signature(signature.bytes);
    if (!parsed.value) return false;
    const FeedClaim claim = parse_feed_claim(parsed.value->trusted_comment);
    return claim.feed_id == feed.feed_id && claim.version == feed.version;
}

// ---------------------------------------------------------------------------
// [SECTION] history

// Keeps the `keep` highest versions (each feed-<v>.json with its .minisig).
// Returns a warning, or "".
std::string prune_history(int history_fd, const std::string& label, int keep, const FaultHook& fault) {
    std::vector<std::int64_t> versions;
    for (const std::string& name : list_dir(history_fd))
        if (auto v = history_version(name)) versions.push_back(*v);
    std::sort(versions.begin(), versions.end(), std::greater<>());
    std::string warning;
    for (std::size_t i = static_cast<std::size_t>(std::max(keep, 1)); i < versions.size(); ++i) {
        const std::string name = "feed-" + std::to_string(versions[i]) + ".json";
        for (const std::string& file : {name, name + ".minisig"}) {
            int err = fault ? fault("remove history/" + file) : 0;
            if (!err && ::unlinkat(history_fd, file.c_str(), 0) != 0 && errno != ENOENT) err = errno;
            if (err && warning.empty()) warning = "不能删除旧的历史版本 " + path_in(label, file) + "：" + errno_words(err);
        }
    }
    return warning;
}

}  // namespace

// ---------------------------------------------------------------------------
// [SECTION] writing: the order, and why

struct timespec next_mtime(const struct timespec& previous, const struct timespec& now) {
    if (now.tv_sec > previous.tv_sec) return now;
    struct timespec t {};
    t.tv_sec = previous.tv_sec + 1;
    t.tv_nsec = 0;
    return t;
}

std::string trusted_comment_for(std::string_view feed_id, std::int64_t version) {
    return "feed_id=" + std::string(feed_id) + " version=" + std::to_string(version);
}

namespace {

// DIR/media/<sha256>.<ext> for each picture not there yet. Throws DiskError.
void write_pictures(const std::string& dir, const std::vector<PictureFile>& pictures) {
    if (pictures.empty()) return;
    const std::string media_dir = dir + "/media";
    std::error_code ec;
    std::filesystem::create_directories(media_dir, ec);
    if (ec) throw DiskError("不能建立图片文件夹 " + media_dir + "：" + ec.message());
    for (const PictureFile& picture : pictures) {
        const std::string target = dir + "/" + picture.name;
        if (std::filesystem::exists(target, ec)) continue;
        std::string bytes = picture.bytes;
        if (!picture.source.empty()) {
            std::ifstream in(picture.source, std::ios::binary);
            std::ostringstream read;
            read << in.rdbuf();
            if (!in.good() && !in.eof()) throw DiskError("读不出图片 " + picture.source);
            bytes = read.str();
        }
        if (std::string err = write_file_atomically(target, bytes); !err.empty())
            throw DiskError("图片没有写进发布文件夹：" + err);
    }
}

struct timespec wall_clock() {
    struct timespec t {};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return t;
}

// Writes the new version into DIR. Throws DiskError; on a throw before the
// body's rename DIR is as it was (temp files removed, a history/ made for this
// publish removed again). Returns warnings about steps after the publish.
//
// THE ORDER. A screen polls feed.json with If-None-Match; only when the body
// changed (HTTP 200) does it fetch feed.json.minisig, right after, and it
// refuses a pair that does not match and tries again at the next poll
// (sync/feed_sync.cpp). So the signature goes first, then the body:
//   - between the two renames, a screen that polls sees its body unchanged
//     (304) and never looks at the new signature; only a screen downloading
//     the old body afresh in that instant (first start, lost cache) pairs it
//     with the new signature, refuses, and has the new pair one poll later;
//   - body first would instead hand every screen polling in that instant the
//     new body with the old signature;
//   - after a crash between the two renames, the folder holds the old body and
//     the new signature: screens keep showing the old version (their 304s say
//     nothing changed) instead of refusing the new body at every poll until
//     somebody publishes again.
// Both files are written and fsync'ed under temp names before either rename, so a
// full disk fails before anything a screen can see has changed. The body's
// mtime is strictly later than the previous body's (next_mtime), so nginx's
// ETag and Last-Modified change even within one second at the same size.
// History copies are renamed after the live pair: a history entry is always a
// version that was published.
std::vector<std::string> write_version(int dirfd, const std::string& dir_label, const Published& before,
                                       const std::string& body, const std::string& signature, std::int64_t version,
                                       int history_keep, const FaultHook& fault) {
    std::vector<std::string> warnings;
    remove_stale_temps(dirfd);

    // history/ first made (and fsync'ed) here is removed again if this publish fails.
    bool made_history = false;
    maybe_fault(fault, "mkdir history", "不能建立 " + path_in(dir_label, kHistoryName));
    if (::mkdirat(dirfd, kHistoryName, 0755) == 0) {
        made_history = true;
    } else if (errno != EEXIST) {
        fail("不能建立 " + path_in(dir_label, kHistoryName), errno);
    }
    Fd history(::openat(dirfd, kHistoryName, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!history) {
        const int err = errno;
        if (made_history) ::unlinkat(dirfd, kHistoryName, AT_REMOVEDIR);
        fail("不能打开 " + path_in(dir_label, kHistoryName), err);
    }
    struct HistoryGuard {
        int dirfd;
        bool armed;
        ~HistoryGuard() {
            if (armed) ::unlinkat(dirfd, kHistoryName, AT_REMOVEDIR);  // only succeeds when empty
        }
    } history_guard{dirfd, made_history};
    const std::string history_label = path_in(dir_label, kHistoryName);
    remove_stale_temps(history.get());

    const struct timespec clock = wall_clock();
    const struct timespec body_mtime = before.body.exists ? next_mtime(before.body.mtime, clock) : clock;
    const struct timespec sig_mtime = before.signature.exists ? next_mtime(before.signature.mtime, clock) : clock;

    const std::string history_name = "feed-" + std::to_string(version) + ".json";
    PendingFile history_body(history.get(), history_label, history_name, "history/" + history_name);
    PendingFile history_sig(history.get(), history_label, history_name + ".minisig",
                            "history/" + history_name + ".minisig");
    PendingFile live_sig(dirfd, dir_label, kSignatureName, kSignatureName);
    PendingFile live_body(dirfd, dir_label, kFeedName, kFeedName);
    history_body.write(body, nullptr, fault);
    history_sig.write(signature, nullptr, fault);
    live_sig.write(signature, &sig_mtime, fault);
    live_body.write(body, &body_mtime, fault);

    live_sig.rename_into_place(fault);
    try {
        live_body.rename_into_place(fault);
    } catch (const DiskError&) {
        // Put the old signature back, so the folder is as it was.
        try {
            if (before.signature.exists) {
                PendingFile restore(dirfd, dir_label, kSignatureName, "restore " + std::string(kSignatureName));
                restore.write(before.signature.bytes, &before.signature.mtime, nullptr);
                restore.rename_into_place(nullptr);
            } else {
                ::unlinkat(dirfd, kSignatureName, 0);
            }
        } catch (const DiskError& e) {
            throw DiskError(std::string(e.what()) + "；" + path_in(dir_label, kSignatureName) +
                            " 已是新版本的签名，屏幕会拒收，请再发布一次");
        }
        throw;
    }
    history_guard.armed = false;  // published: history/ stays
    try {
        fsync_dir(dirfd, dir_label);
    } catch (const DiskError& e) {
        warnings.push_back(std::string("已发布，但") + e.what());
    }

    try {
        history_body.rename_into_place(fault);
        history_sig.rename_into_place(fault);
        fsync_dir(history.get(), history_label);
    } catch (const DiskError& e) {
        warnings.push_back(std::string("已发布，但历史版本没有保存：") + e.what());
    }
    if (std::string w = prune_history(history.get(), history_label, history_keep, fault); !w.empty())
        warnings.push_back("已发布，但" + w);
    return warnings;
}

}  // namespace

// ---------------------------------------------------------------------------
// [SECTION] publish_workbook

PublishOutcome publish_workbook(const PublishRequest& request, const PublishHooks& hooks) {
    PublishOutcome out;
    const auto now_point = hooks.now ? hooks.now() : std::chrono::system_clock::now();
    const Instant now = std::chrono::floor<std::chrono::seconds>(now_point);
    const std::string& dir = request.target_dir;
    const FeedLimits limits;

    auto failed = [&](PublishOutcome::Status status, std::string error) {
        out.status = status;
        out.error = std::move(error);
        return out;
    };

    try {
        // The folder, and its lock: a second publish into it (another office
        // PC, --watch) waits until this one is done, so both read the version
        // the other wrote.
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0) {
            if (errno == ENOENT) return failed(PublishOutcome::Status::failed, "发布文件夹 " + dir + " 不存在");
            fail("不能打开发布文件夹 " + dir, errno);
        }
        if (!S_ISDIR(st.st_mode)) return failed(PublishOutcome::Status::failed, dir + " 不是文件夹");
        Fd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dirfd) fail("不能打开发布文件夹 " + dir, errno);
        while (::flock(dirfd.get(), request.dry_run ? LOCK_SH : LOCK_EX) != 0) {
            if (errno != EINTR) fail("不能锁定发布文件夹 " + dir, errno);
        }

        // What is published now. DIR is the truth about the version.
        Published before;
        before.body = read_at(dirfd.get(), kFeedName, path_in(dir, kFeedName), limits.max_bytes);
        before.signature = read_at(dirfd.get(), kSignatureName, path_in(dir, kSignatureName), 64 << 10);
        if (before.body.exists) {
            const ParseResult parsed = parse_feed(before.body.bytes, limits);
            if (!parsed.ok()) {
                std::string why = parsed.problems.empty() ? std::string("无法解析") : to_string(parsed.problems.front());
                if (parsed.problems.size() > 1) why += " 等 " + std::to_string(parsed.problems.size()) + " 个问题";
                return failed(PublishOutcome::Status::refused,
                              path_in(dir, kFeedName) + " 不是有效的数据（" + why +
                                  "），无法知道已发布的版本号，所以没有发布，什么也没有改动。请确认 --to 的文件夹是否正确；"
                                  "如果这个文件确实坏了，请把它移走后再发布");
            }
            before.feed = parsed.feed;
            try {
                before.json = nlohmann::json::parse(before.body.bytes);
            } catch (const nlohmann::json::exception& e) {  // what the screens accept, this reader should too
                return failed(PublishOutcome::Status::refused,
                              path_in(dir, kFeedName) + " 读不出来（" + e.what() + "），所以没有发布，什么也没有改动");
            }
            before.highest_version = before.feed->version;
        }
        if (Fd history{::openat(dirfd.get(), kHistoryName, O_RDONLY | O_DIRECTORY | O_CLOEXEC)}) {
            for (const std::string& name : list_dir(history.get()))
                if (auto v = history_version(name)) before.highest_version = std::max(before.highest_version, *v);
        }
        out.previous_version = before.feed ? before.feed->version : 0;

        // Build, then check the result exactly as a screen will.
        BuildOptions options;
        options.version = before.highest_version + 1;
        PathBuildResult built = hooks.build(request.workbook, options);
        out.file_label = built.file_label;
        if (!built.result.ok()) {
            for (const BuildProblem& p : built.result.problems) out.problems.push_back(format_problem(built.file_label, p));
            if (out.problems.empty()) out.problems.push_back(built.file_label + ": 没有生成数据（原因不明）");
            out.status = PublishOutcome::Status::workbook_problems;
            return out;
        }
        for (const BuildProblem& n : built.result.notes) out.notes.push_back(format_problem(built.file_label, n));
        const nlohmann::ordered_json& feed_doc = *built.result.feed;
        const std::string body = feed_text(feed_doc);
        const ParseResult checked = parse_feed(body, limits);
        if (!checked.ok()) {
            for (const Problem& p : checked.problems)
                out.problems.push_back(built.file_label + ": 生成的数据屏幕不会接受：" + to_string(p));
            out.status = PublishOutcome::Status::workbook_problems;
            return out;
        }
        const Feed& feed = *checked.feed;
        out.feed_id = feed.feed_id;
        out.version = feed.version;
        if (feed.version != options.version)  // the builder must use the version it is given
            return failed(PublishOutcome::Status::failed, "生成的数据版本号是 " + std::to_string(feed.version) +
                                                              "，应为 " + std::to_string(options.version) + "（程序错误）");

        if (before.feed && before.feed->feed_id != feed.feed_id)
            return failed(PublishOutcome::Status::refused,
                          path_in(dir, kFeedName) + " 是发布编号“" + before.feed->feed_id + "”的数据，而工作簿“学校”表的发布编号是“" +
                              feed.feed_id + "”。屏幕只接受同一个发布编号的数据，所以没有发布。请确认 --to 的文件夹和工作簿是否选对了");

        const nlohmann::json after_json = nlohmann::json::parse(body);
        // Unchanged content is published again only when the signature beside
        // it cannot be the one screens need (deleted, or left by a publish that
        // died between its two renames): else every screen would refuse it forever.
        const bool signature_fits = before.feed && signature_claims(before.signature, *before.feed);
        if (before.feed && signature_fits && same_screen_content(before.json, after_json)) {
            out.version = before.feed->version;
            out.status = PublishOutcome::Status::unchanged;
            return out;
        }
        out.changes = summarize_changes(FeedView{before.feed.get(), before.feed ? &before.json : nullptr},
                                        FeedView{&feed, &after_json}, now);
        if (before.feed && !signature_fits)
            out.changes.push_back(before.signature.exists ? "已发布的签名与数据不符（屏幕会拒收），重新签名发布"
                                                          : "已发布的数据没有签名（屏幕会拒收），重新签名发布");
        if (request.dry_run) {
            out.status = PublishOutcome::Status::dry_run;
            return out;
        }

        // A folder we cannot write is said before the key is used.
        if (::faccessat(dirfd.get(), ".", W_OK | X_OK, AT_EACCESS) != 0) fail("不能写入发布文件夹 " + dir, errno);

        if (!hooks.sign) return failed(PublishOutcome::Status::failed, "没有签名用的密钥（--key）");
        const std::string comment = trusted_comment_for(feed.feed_id, feed.version);
        std::string signature;
        try {
            signature = hooks.sign(body, comment);
        } catch (const std::exception& e) {
            return failed(PublishOutcome::Status::failed, std::string("签名失败：") + e.what());
        }
        // What a screen will check first: a signature that does not even parse,
        // or signs another claim, must not go out.
        const auto parsed_sig = parse_minisign_signature(signature);
        if (!parsed_sig.value)
            return failed(PublishOutcome::Status::failed, "签名失败：签名的格式不对（" + parsed_sig.error + "）");
        if (parsed_sig.value->trusted_comment != comment)
            return failed(PublishOutcome::Status::failed,
                          "签名失败：签名里的说明是“" + parsed_sig.value->trusted_comment + "”，应为“" + comment + "”");

        // The pictures before the feed that names them: a screen that gets the
        // new feed finds every picture already there. Named by their hash, a
        // picture already in DIR/media is the same bytes and is left alone.
        write_pictures(dir, built.result.pictures);
        out.warnings = write_version(dirfd.get(), dir, before, body, signature, feed.version, request.history_keep,
                                     hooks.fault);
        out.status = PublishOutcome::Status::published;
        return out;
    } catch (const DiskError& e) {
        return failed(PublishOutcome::Status::failed, e.what());
    }
}

// ---------------------------------------------------------------------------
// [SECTION] what kiosk-feed prints

std::vector<std::string> outcome_lines(const PublishOutcome& outcome, const PublishRequest& request) {
    std::vector<std::string> lines;
    const std::string& dir = request.target_dir;
    const std::string label = outcome.file_label.empty() ? request.workbook : outcome.file_label;
    auto version_words = [&] {
        std::string s = "第 " + std::to_string(outcome.version) + " 版";
        s += outcome.previous_version ? "（上一版：第 " + std::to_string(outcome.previous_version) + " 版）" : "（首次发布）";
        return s;
    };
    auto changes = [&] {
        if (outcome.changes.empty()) lines.push_back("  （屏幕上没有看得见的变化）");
        for (const std::string& c : outcome.changes) lines.push_back("  " + c);
    };
    // Before the outcome: a note (a sheet nothing read) may be why a change is missing.
    for (const std::string& n : outcome.notes) lines.push_back(n);
    switch (outcome.status) {
        case PublishOutcome::Status::published:
            lines.push_back(label + " → " + dir + "：已发布" + version_words() + "。屏幕上的变化：");
            changes();
            for (const std::string& w : outcome.warnings) lines.push_back("注意：" + w);
            lines.push_back("屏幕会在下一次查询时显示新版本（通常一分钟内）。");
            break;
        case PublishOutcome::Status::dry_run:
            lines.push_back(label + " → " + dir + "：试运行，将发布" + version_words() + "。屏幕上的变化：");
            changes();
            lines.push_back("试运行：什么也没有写入。");
            break;
        case PublishOutcome::Status::unchanged:
            lines.push_back(label + "：内容与已发布的第 " + std::to_string(outcome.version) +
                            " 版相同，屏幕上不会有变化，没有发布。");
            break;
        case PublishOutcome::Status::workbook_problems:
            for (const std::string& p : outcome.problems) lines.push_back(p);
            lines.push_back(label + "：工作簿有 " + std::to_string(outcome.problems.size()) + " 个问题，没有发布，" + dir +
                            " 没有任何改动。请改正后保存，再发布一次。");
            break;
        case PublishOutcome::Status::refused:
        case PublishOutcome::Status::failed:
            lines.push_back(label + "：没有发布：" + outcome.error);
            break;
    }
    return lines;
}

int outcome_exit_status(const PublishOutcome& outcome) {
    switch (outcome.status) {
        case PublishOutcome::Status::published:
        case PublishOutcome::Status::unchanged:
        case PublishOutcome::Status::dry_run: return 0;
        case PublishOutcome::Status::workbook_problems: return 1;
        case PublishOutcome::Status::refused:
        case PublishOutcome::Status::failed: break;
    }
    return 3;
}

}  // namespace campus::publish
