// kiosk-feed: the publisher's tool. Checks a feed before it goes out, and shows
// the standings a screen would show at a given time.
//
//   kiosk-feed validate FILE... [--strict] exit 0 when every file is a valid feed;
//                                         else exit 1, one line per problem:
//                                         FILE: /json/pointer: message
//                                         Keys the contract does not know, and
//                                         text the screens will not draw (Uyghur,
//                                         Tibetan, private-use characters), are
//                                         warned about in the same form (exit 0;
//                                         with --strict they count as problems)
//   kiosk-feed standings FILE --at TIME [--text]
//                                         the standings of every competition at
//                                         TIME (RFC 3339), as JSON on stdout; with
//                                         --text the week's flag holders in words,
//                                         one line per competition (or grade)
//   kiosk-feed keygen DIR [--no-password] [--password-file F] [--force]
//                                         a minisign key pair: DIR/minisign.pub, DIR/minisign.key
//   kiosk-feed sign FEED --key KEY [--password-file F]
//                                         FEED.minisig, trusted comment feed_id=… version=…
//   kiosk-feed build BOOK [-o FEED]       the school's workbook (.xlsx or a folder
//                                         of CSV) to a feed: on stdout, or written
//                                         atomically to FEED; with any problem
//                                         nothing is written, exit 1, and every
//                                         problem on stderr: FILE: SHEET!CELL: message
//   kiosk-feed template -o BOOK.xlsx      a blank school workbook: every sheet of
//                                         the workbook contract, one example row each
//   kiosk-feed export FEED -o BOOK.xlsx   a feed as the workbook that builds it
//                                         (both refuse an existing BOOK unless --force)
//   kiosk-feed publish BOOK --to DIR --key KEY [--password-file F] [--dry-run] [--watch]
//                                         build, check, sign and publish into DIR (the
//                                         folder the web server serves); --watch: again
//                                         after every save of the workbook
//   kiosk-feed preview BOOK --at TIME -o DIR [--size WxH] [--role R [--class ID]] [--kiosk PROGRAM]
//                                         the screens at TIME as PNG, drawn by the kiosk
//   kiosk-feed fleet ACCESS_LOG [--screens A,B] [--silent 15m] [--feed DIR_OR_FEED] [--now TIME]
//                                         one line per screen from the web server's
//                                         access log (nginx's combined format): last
//                                         poll, version shown, behind the published
//                                         one?, silent?; exit 1 when any is silent
//                                         (or a screen in --screens never polled)
//
// Exit status: 0 fine, 1 an invalid or unreadable feed (publish, preview: the
// workbook has problems; fleet: a screen is silent), 2 a usage error, 3 publish,
// preview or fleet could not be done (the folder, the disk, the key, the kiosk
// program, the access log).
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "publish/fleet.hpp"
#include "publish/preview.hpp"
#include "publish/publisher.hpp"
#include "publish/signing.hpp"
#include "publish/standings_text.hpp"
#include "publish/undrawable_text.hpp"
#include "publish/unknown_keys.hpp"
#include "publish/workbook_feed.hpp"
#include "publish/workbook_export.hpp"
#include "publish/watch.hpp"
#include "publish/workbook_feed.hpp"
#include "sync/calendar.hpp"
#include "sync/feed_cache.hpp"  // write_file_atomically
#include "sync/feed_parse.hpp"
#include "sync/standings.hpp"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_invalid = 1;
constexpr int exit_usage = 2;

struct FileContents {
    std::string bytes;
    std::string error;  // empty when read
};

// parse_feed's own words for an oversized body, with the file's real size
// (only the first limit + 1 bytes are read).
std::string too_large(std::uintmax_t size, std::size_t limit) {
    return "the feed is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(limit) + " bytes";
}

// Reads at most `limit` + 1 bytes: enough for parse_feed to see that a file is
// over the limit without loading a runaway file whole.
FileContents read_file(const std::string& path, std::size_t limit) {
    FileContents out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        out.error = std::strerror(errno);
        return out;
    }
    // open() takes a directory; read() would then say only "Is a directory".
    if (struct stat st {}; ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        out.error = "it is a directory, not a feed file (name the .json file inside it)";
        return out;
    }
    char buffer[1 << 16];
    while (out.bytes.size() <= limit) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            out.error = std::strerror(errno);
            break;
        }
        if (n == 0) break;
        out.bytes.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

// Whole totals print as 96, not 96.0: the office compares them with its sheet.
nlohmann::ordered_json number_json(double value) {
    if (std::trunc(value) == value && std::fabs(value) <= 9007199254740992.0) {
        return static_cast<std::int64_t>(value);
    }
    return value;
}

int validate(const std::vector<std::string>& files, bool strict) {
    const campus::FeedLimits limits;
    int status = exit_ok;
    for (const std::string& file : files) {
        const FileContents contents = read_file(file, limits.max_bytes);
        if (!contents.error.empty()) {
            std::cout << file << ": cannot read: " << contents.error << '\n';
            status = exit_invalid;
            continue;
        }
        if (contents.bytes.size() > limits.max_bytes) {
            std::error_code ec;
            const auto size = std::filesystem::file_size(file, ec);
            std::cout << file << ": " << too_large(ec ? contents.bytes.size() : size, limits.max_bytes) << '\n';
            status = exit_invalid;
            continue;
        }
        const campus::ParseResult result = campus::parse_feed(contents.bytes, limits);
        for (const campus::Problem& problem : result.problems) {
            std::cout << file << ": " << campus::to_string(problem) << '\n';
        }
        if (!result.ok()) status = exit_invalid;
        // A misspelt key is ignored by every screen (forward compatibility):
        // the feed is valid, and the announcement with `untill` never ends.
        const auto unknown = campus::publish::find_unknown_keys_in_bytes(contents.bytes);
        for (const campus::publish::UnknownKey& key : unknown) std::cout << file << ": " << to_string(key) << '\n';
        if (strict && !unknown.empty()) status = exit_invalid;
        // Valid, and the hallway would still not see it: a Uyghur name, a
        // private-use character from the office's fonts (sync/drawable_text).
        const auto undrawable = campus::publish::find_undrawable_text_in_bytes(contents.bytes);
        for (const campus::publish::UndrawableText& text : undrawable)
            std::cout << file << ": " << to_string(text) << '\n';
        if (strict && !undrawable.empty()) status = exit_invalid;
    }
    return status;
}

int standings(const std::string& file, campus::Instant at, bool text) {
    const campus::FeedLimits limits;
    const FileContents contents = read_file(file, limits.max_bytes);
    if (!contents.error.empty()) {
        std::cerr << file << ": cannot read: " << contents.error << '\n';
        return exit_invalid;
    }
    const campus::ParseResult result = campus::parse_feed(contents.bytes, limits);
    if (!result.ok()) {
        for (const campus::Problem& problem : result.problems) {
            std::cerr << file << ": " << campus::to_string(problem) << '\n';
        }
        return exit_invalid;
    }
    const campus::Feed& feed = *result.feed;
    const campus::Date today = campus::school_local_time(feed, at).date;
    if (text) {
        for (const std::string& line : campus::publish::standings_text(feed, today)) std::cout << line << '\n';
        return exit_ok;
    }

    // Every class of the current round, whatever the display policy: this is
    // the office's check of the ranking, not what a screen shows.
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const campus::Competition& competition : feed.competitions) {
        const campus::CompetitionStandings s = campus::compute_standings(feed, competition, today);
        nlohmann::ordered_json rows = nlohmann::ordered_json::array();
        for (const campus::ClassStanding& row : s.standings) {
            nlohmann::ordered_json r;
            r["class"] = row.class_id;
            r["total"] = number_json(row.total);
            r["rank"] = row.rank;
            r["flag"] = row.flag;
            r["movement"] = row.movement ? nlohmann::ordered_json(*row.movement) : nlohmann::ordered_json(nullptr);
            r["streak"] = row.streak;
            rows.push_back(std::move(r));
        }
        nlohmann::ordered_json entry;
        entry["week"] = s.round ? nlohmann::ordered_json(s.round->week) : nlohmann::ordered_json(nullptr);
        entry["standings"] = std::move(rows);
        out[competition.id] = std::move(entry);
    }
    std::cout << out.dump(2) << '\n';
    return exit_ok;
}

int write_template(const std::string& out, bool force) {
    const std::string error = campus::publish::write_plan(campus::publish::plan_template(), out, {force});
    if (!error.empty()) {
        std::cerr << error << '\n';
        return exit_invalid;
    }
    // The one thing the template cannot carry: `build` would otherwise be the first to say so.
    std::cerr << out << ": 示例照片“照片/运动会.jpg”（“活动”和“校园风采”表里）不随模板提供："
                        "请把本校的照片放到工作簿旁的“照片”文件夹里并改写这两格，或清空它们\n";
    return exit_ok;
}

int export_feed(const std::string& file, const std::string& out, bool force) {
    const campus::FeedLimits limits;
    const FileContents contents = read_file(file, limits.max_bytes);
    if (!contents.error.empty()) {
        std::cerr << file << ": cannot read: " << contents.error << '\n';
        return exit_invalid;
    }
    const campus::publish::ExportPlan plan = campus::publish::plan_export(contents.bytes);
    for (const std::string& problem : plan.problems) std::cerr << file << ": " << problem << '\n';
    if (!plan.ok()) return exit_invalid;
    const std::string error = campus::publish::write_plan(plan.plan, out, {force});
    if (!error.empty()) {
        std::cerr << error << '\n';
        return exit_invalid;
    }
    // What the workbook does not carry, so nobody is surprised after the next build.
    for (const std::string& note : plan.notes) std::cerr << file << ": note: " << note << '\n';
    return exit_ok;
}

// A new key pair for the office. The password is asked on the terminal (twice)
// or read from a file: never taken from the command line.
int keygen(const std::string& dir, bool no_password, const std::string& password_file, bool force) {
    std::optional<std::string> password;
    if (!no_password) {
        const auto source = password_file.empty() ? campus::publish::PasswordSource::from_prompt()
                                                  : campus::publish::PasswordSource::from_file(password_file);
        campus::publish::PasswordResult pw = campus::publish::read_password(source, true);
        if (!pw.password) {
            std::cerr << "kiosk-feed keygen: " << pw.error << '\n';
            return exit_invalid;
        }
        if (pw.password->empty()) {
            std::cerr << "kiosk-feed keygen: the password is empty; give one, or --no-password for an "
                         "unencrypted key\n";
            return exit_invalid;
        }
        password = std::move(pw.password);
    }
    if (password) std::cerr << "Deriving a key from the password (scrypt, about a second and 1 GiB)...\n";
    const campus::publish::KeyPairFiles pair = campus::publish::generate_key_pair(dir, password, force);
    if (!pair.error.empty()) {
        std::cerr << "kiosk-feed keygen: " << pair.error << '\n';
        return exit_invalid;
    }
    std::cout << "secret key: " << pair.secret_key_path << " (keep it secret" << (password ? "" : "; not encrypted")
              << ")\npublic key: " << pair.public_key_path << "\nkey id: " << pair.public_key.key_id_hex()
              << "\nscreens trust it with: --trusted-key ";
    std::string pub;
    {
        std::ifstream in(pair.public_key_path);
        std::getline(in, pub);  // the comment line
        std::getline(in, pub);
    }
    std::cout << pub << '\n';
    return exit_ok;
}

int sign(const std::string& feed, const std::string& key_path, const std::string& password_file) {
    const auto source = password_file.empty() ? campus::publish::PasswordSource::from_prompt()
                                              : campus::publish::PasswordSource::from_file(password_file);
    const campus::publish::SecretKeyResult key = campus::publish::load_secret_key(key_path, source);
    if (!key.key) {
        std::cerr << "kiosk-feed sign: " << key.error << '\n';
        return exit_invalid;
    }
    const campus::publish::SignedFeed signed_feed = campus::publish::sign_feed_file(feed, *key.key);
    if (!signed_feed.error.empty()) {
        std::cerr << signed_feed.error << '\n';
        return exit_invalid;
    }
    std::cout << signed_feed.signature_path << ": signed by key " << key.key->key_id_hex()
              << ", trusted comment: " << signed_feed.trusted_comment << '\n';
    return exit_ok;
}

int build(const std::string& book, const std::string& output) {
    const campus::publish::PathBuildResult built = campus::publish::build_feed_from_path(book);
    if (!built.result.ok()) {
        for (const campus::publish::BuildProblem& problem : built.result.problems) {
            std::cerr << campus::publish::format_problem(built.file_label, problem) << '\n';
        }
        return exit_invalid;
    }
    for (const campus::publish::BuildProblem& note : built.result.notes)
        std::cerr << campus::publish::format_problem(built.file_label, note) << '\n';
    const std::string text = campus::publish::feed_text(*built.result.feed);
    if (output.empty()) {
        std::cout << text << std::flush;
        return std::cout ? exit_ok : exit_invalid;
    }
    // The sync side's atomic write (temp file, fsync, rename, fsync the folder): a web
    // server serving the feed sees the old file or the new one, never half of one.
    if (const std::string error = campus::write_file_atomically(output, text); !error.empty()) {
        std::cerr << "kiosk-feed build: " << error << '\n';
        return exit_invalid;
    }
    return exit_ok;
}

// ---------------------------------------------------------------------------
// publish and preview: the office's two verbs over publish/publisher.hpp

struct PublishArgs {
    std::string book, dir, key, password_file;
    bool dry_run = false, watch = false;
};

struct FleetArgs {
    std::string log;
    std::vector<std::string> screens;
    std::string silent = "15m";
    std::string feed;
    std::string now;  // RFC 3339; "" = the clock (tests pin it)
};

void add_fleet_command(CLI::App& app, FleetArgs& a, CLI::App*& cmd) {
    cmd = app.add_subcommand("fleet", "the screens as the feed server saw them: one line each, from its access log");
    cmd->add_option("ACCESS_LOG", a.log, "the web server's access log, nginx's default combined format")->required();
    cmd->add_option("--screens", a.screens, "screens that must have polled (comma-separated)")->delimiter(',');
    cmd->add_option("--silent", a.silent, "a screen is silent after this long without a poll (90s, 15m, 2h, 1d)");
    cmd->add_option("--feed", a.feed, "the published feed.json, or the folder it is published in");
    cmd->add_option("--now", a.now, "judge silence as of this RFC 3339 time (default: now)");
}

int fleet(const FleetArgs& a) {
    campus::FleetOptions options;
    auto silent = campus::parse_duration(a.silent);
    if (!silent) {
        std::cerr << "kiosk-feed fleet: --silent \"" << a.silent << "\" is not a duration like 90s, 15m, 2h or 1d\n";
        return exit_usage;
    }
    options.silent_after = *silent;
    options.expected_screens = a.screens;
    if (a.now.empty()) {
        options.now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    } else if (auto at = campus::parse_rfc3339(a.now)) {
        options.now = at->instant;
    } else {
        std::cerr << "kiosk-feed fleet: --now \"" << a.now << "\" is not an RFC 3339 time with an offset\n";
        return exit_usage;
    }
    if (!a.feed.empty()) {
        std::string error;
        auto version = campus::read_published_version(a.feed, &error);
        if (!version) {
            std::cerr << "kiosk-feed fleet: " << error << '\n';
            return 3;
        }
        options.published_version = *version;
    }
    std::ifstream in(a.log, std::ios::binary);
    if (!in) {
        std::cerr << "kiosk-feed fleet: " << a.log << ": cannot read the access log: " << std::strerror(errno) << '\n';
        return 3;
    }
    const campus::FleetReport report = campus::read_fleet(in, a.log, options);
    for (const auto& problem : report.problems) std::cerr << "kiosk-feed fleet: " << problem << '\n';
    if (report.bad_lines > static_cast<int64_t>(report.problems.size()))
        std::cerr << "kiosk-feed fleet: " << a.log << ": " << report.bad_lines - static_cast<int64_t>(report.problems.size())
                  << " more lines not in the combined format\n";
    std::cout << campus::format_fleet(report, options);
    return report.any_silent() ? exit_invalid : exit_ok;
}

void add_publish_command(CLI::App& app, PublishArgs& a, CLI::App*& cmd) {
    cmd = app.add_subcommand("publish", "build the workbook, check it, sign it and publish it into DIR");
    cmd->add_option("BOOK", a.book, "the workbook: an .xlsx file, or a folder of .csv files")->required();
    cmd->add_option("--to", a.dir, "the folder the web server serves to the screens")->required();
    cmd->add_option("--key", a.key, "the office's minisign secret key (kiosk-feed keygen)");
    cmd->add_option("--password-file", a.password_file, "read the key's password from the first line of F");
    auto* dry = cmd->add_flag("--dry-run", a.dry_run, "say what would change on the screens; write nothing");
    cmd->add_flag("--watch", a.watch, "stay running; publish again each time the workbook is saved")->excludes(dry);
}

struct PreviewArgs {
    campus::publish::PreviewRequest request;
};

void add_preview_command(CLI::App& app, PreviewArgs& a, CLI::App*& cmd) {
    cmd = app.add_subcommand("preview", "draw the screens at a time from the workbook, as PNG (nothing is published)");
    cmd->add_option("BOOK", a.request.workbook, "the workbook: an .xlsx file, or a folder of .csv files")->required();
    cmd->add_option("--at", a.request.at, "the time, RFC 3339 with offset, e.g. 2026-11-16T08:00:00+08:00")->required();
    cmd->add_option("-o,--output", a.request.output_dir, "folder for the pages (PNG + layout report)")->required();
    cmd->add_option("--size", a.request.size, "screen size WxH (default 1920x1080)");
    cmd->add_option("--role", a.request.role, "lobby, corridor, classroom or assembly (default lobby)");
    cmd->add_option("--class", a.request.class_id, "with --role classroom: the class, e.g. 3-2");
    cmd->add_option("--kiosk", a.request.kiosk, "the screen program (default: kiosk beside kiosk-feed, then PATH)");
}

campus::publish::PathBuildResult build_workbook(const std::string& path, const campus::publish::BuildOptions& options) {
    return campus::publish::build_feed_from_path(path, options);
}

void print_lines(const std::vector<std::string>& lines, std::ostream& out) {
    for (const std::string& line : lines) out << line << '\n';
    out.flush();
}

// The office's key, loaded once (a --watch asks for the password once, at
// start). Returns the signer, or prints why not and returns null.
campus::publish::Signer load_signer(const PublishArgs& a) {
    using namespace campus::publish;
    const auto source =
        a.password_file.empty() ? PasswordSource::from_prompt() : PasswordSource::from_file(a.password_file);
    SecretKeyResult key = load_secret_key(a.key, source);
    if (!key.key) {
        std::cerr << "kiosk-feed publish: 不能使用签名密钥：" << key.error << '\n';
        return nullptr;
    }
    auto secret = std::make_shared<const SecretKey>(std::move(*key.key));
    return [secret](std::string_view bytes, std::string_view trusted_comment) {
        return sign_detached(bytes, *secret, trusted_comment);
    };
}

// One log line per outcome line, at the level the outcome deserves.
void log_outcome(const campus::publish::ServiceLog& log, const campus::publish::PublishOutcome& outcome,
                 const campus::publish::PublishRequest& request) {
    using Level = campus::publish::ServiceLog::Level;
    const bool quiet = outcome.warnings.empty() && outcome.notes.empty();
    const Level level = outcome.ok() ? (quiet ? Level::info : Level::warning) : Level::error;
    for (const std::string& line : campus::publish::outcome_lines(outcome, request)) log.line(level, line);
}

int publish_watch(const PublishArgs& a, campus::publish::PublishRequest request, campus::publish::PublishHooks hooks) {
    using namespace campus::publish;
    // SIGINT/SIGTERM end the watch between publishes, never inside one: they
    // are blocked here and read from a signalfd by the watch loop.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    if (::sigprocmask(SIG_BLOCK, &signals, nullptr) != 0) {
        std::cerr << "kiosk-feed publish --watch: sigprocmask: " << std::strerror(errno) << '\n';
        return 3;
    }
    const int stop_fd = ::signalfd(-1, &signals, SFD_CLOEXEC);
    if (stop_fd < 0) {
        std::cerr << "kiosk-feed publish --watch: signalfd: " << std::strerror(errno) << '\n';
        return 3;
    }
    const ServiceLog log;
    const WatchTarget target = watch_target_for(a.book);
    log.line(ServiceLog::Level::info, "开始监视 " + (target.csv_folder ? target.folder + " 里的 .csv 文件"
                                                                       : target.folder + " 里的 " + target.file_name) +
                                          "，每次保存后发布到 " + a.dir);
    // A publish that throws (out of memory, a bug) is logged; the watch goes on.
    auto publish_once = [&] {
        try {
            log_outcome(log, publish_workbook(request, hooks), request);
        } catch (const std::exception& e) {
            log.line(ServiceLog::Level::error, std::string("没有发布：") + e.what());
        }
    };
    WatchOptions options;
    options.stop_fd = stop_fd;
    // What is saved now goes out first (the workbook may have changed while
    // the service was down), once the watch is in place.
    options.on_ready = publish_once;
    const std::string why = watch_workbook(target, options, [&] {
        log.line(ServiceLog::Level::info, "工作簿已保存，正在发布");
        publish_once();
    });
    ::close(stop_fd);
    if (!why.empty()) {
        log.line(ServiceLog::Level::error, "停止：" + why);
        return 3;
    }
    log.line(ServiceLog::Level::info, "收到停止信号，不再监视");
    return 0;
}

int publish(const PublishArgs& a) {
    using namespace campus::publish;
    PublishRequest request;
    request.workbook = a.book;
    request.target_dir = a.dir;
    request.dry_run = a.dry_run;
    PublishHooks hooks;
    hooks.build = build_workbook;
    if (!a.dry_run) {
        if (a.key.empty()) {
            std::cerr << "kiosk-feed publish: 需要 --key（办公室的签名密钥，kiosk-feed keygen 生成）；只看变化请加 --dry-run\n";
            return exit_usage;
        }
        hooks.sign = load_signer(a);
        if (!hooks.sign) return 3;
    }
    if (a.watch) return publish_watch(a, request, hooks);
    const PublishOutcome outcome = publish_workbook(request, hooks);
    print_lines(outcome_lines(outcome, request), outcome.ok() ? std::cout : std::cerr);
    return outcome_exit_status(outcome);
}

int preview(const PreviewArgs& a) {
    const campus::publish::PreviewOutcome out = campus::publish::run_preview(a.request, build_workbook);
    print_lines(out.lines, out.exit_status == 0 ? std::cout : std::cerr);
    return out.exit_status;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"kiosk-feed: the school office's campus feed: publish the workbook, preview, check a feed"};
    app.require_subcommand(1);

    std::vector<std::string> validate_files;
    CLI::App* validate_cmd = app.add_subcommand("validate", "check feeds against the contract; one line per problem");
    validate_cmd->add_option("FILE", validate_files, "feed files (JSON)")->required();
    bool validate_strict = false;
    validate_cmd->add_flag("--strict", validate_strict,
                           "unknown keys and text the screens will not draw count as problems (exit 1)");

    std::string standings_file;
    std::string at_text;
    CLI::App* standings_cmd =
        app.add_subcommand("standings", "print every competition's standings at a time, as JSON");
    standings_cmd->add_option("FILE", standings_file, "feed file (JSON)")->required();
    standings_cmd->add_option("--at", at_text, "the time, RFC 3339 with offset, e.g. 2023-11-08T09:00:00+08:00")
        ->required();
    bool standings_text = false;
    standings_cmd->add_flag("--text", standings_text,
                            "the week's flag holders in words, as the Monday broadcast reads them");

    std::string keygen_dir, keygen_password_file;
    bool keygen_no_password = false, keygen_force = false;
    CLI::App* keygen_cmd = app.add_subcommand("keygen", "make a minisign key pair: DIR/minisign.pub, DIR/minisign.key");
    keygen_cmd->add_option("DIR", keygen_dir, "folder for the two files (made when missing)")->required();
    auto* no_pw = keygen_cmd->add_flag("--no-password", keygen_no_password,
                                       "leave the secret key unencrypted (as minisign -G -W)");
    keygen_cmd->add_option("--password-file", keygen_password_file, "read the password from the first line of F")
        ->excludes(no_pw);
    keygen_cmd->add_flag("--force", keygen_force, "replace an existing key pair");

    std::string sign_feed, sign_key, sign_password_file;
    CLI::App* sign_cmd = app.add_subcommand("sign", "write FEED.minisig with the feed's feed_id and version");
    sign_cmd->add_option("FEED", sign_feed, "feed file (JSON)")->required();
    sign_cmd->add_option("--key", sign_key, "minisign secret key file")->required();
    sign_cmd->add_option("--password-file", sign_password_file, "read the key's password from the first line of F");

    std::string build_book;
    std::string build_output;
    CLI::App* build_cmd = app.add_subcommand("build", "turn the school's workbook into a feed");
    build_cmd->add_option("BOOK", build_book, "the workbook: an .xlsx file or a folder of .csv files")->required();
    build_cmd->add_option("-o,--output", build_output, "write the feed here (atomically) instead of to stdout");
    std::string template_out;
    bool template_force = false;
    CLI::App* template_cmd =
        app.add_subcommand("template", "write a blank school workbook (.xlsx) with one example row per sheet");
    template_cmd->add_option("-o,--output", template_out, "the workbook to write, e.g. 学校数据.xlsx")->required();
    template_cmd->add_flag("--force", template_force, "replace an existing file");

    std::string export_file;
    std::string export_out;
    bool export_force = false;
    CLI::App* export_cmd = app.add_subcommand("export", "write a feed as the school workbook (.xlsx) that builds it");
    export_cmd->add_option("FEED", export_file, "feed file (JSON)")->required();
    export_cmd->add_option("-o,--output", export_out, "the workbook to write")->required();
    export_cmd->add_flag("--force", export_force, "replace an existing file");
    PublishArgs publish_args;
    CLI::App* publish_cmd = nullptr;
    add_publish_command(app, publish_args, publish_cmd);
    PreviewArgs preview_args;
    CLI::App* preview_cmd = nullptr;
    add_preview_command(app, preview_args, preview_cmd);
    FleetArgs fleet_args;
    CLI::App* fleet_cmd = nullptr;
    add_fleet_command(app, fleet_args, fleet_cmd);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_usage;
    }

    try {
        if (*validate_cmd) return validate(validate_files, validate_strict);
        if (*keygen_cmd) return keygen(keygen_dir, keygen_no_password, keygen_password_file, keygen_force);
        if (*sign_cmd) return sign(sign_feed, sign_key, sign_password_file);
        if (*build_cmd) return build(build_book, build_output);
        if (*publish_cmd) return publish(publish_args);
        if (*preview_cmd) return preview(preview_args);
        if (*fleet_cmd) return fleet(fleet_args);
        if (*standings_cmd) {
            const auto at = campus::parse_rfc3339(at_text);
            if (!at) {
                std::cerr << "kiosk-feed standings: --at \"" << at_text
                          << "\" is not an RFC 3339 time with an offset, e.g. 2023-11-08T09:00:00+08:00\n";
                return exit_usage;
            }
            return standings(standings_file, at->instant, standings_text);
        }
        if (*template_cmd) return write_template(template_out, template_force);
        if (*export_cmd) return export_feed(export_file, export_out, export_force);
    } catch (const std::exception& e) {
        std::cerr << "kiosk-feed: " << e.what() << '\n';
        return exit_invalid;
    }
    return exit_usage;
}
