// The kiosk's options: CLI11 for the command line; kiosk/config_file.hpp for
// --config (load_config → the flags actually given as KioskCliOverrides →
// merge → check_config).
//
// Sections: [command line] [config] [conversion] [public]
#include "kiosk/options.hpp"

#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "kiosk/config_file.hpp"

namespace campus::kiosk {

namespace {

// [SECTION] command line ---------------------------------------------------------
// CLI11 binds to plain strings/numbers; typed values (role, size, time) are
// converted afterwards so their errors can say what was expected. Options that
// are also config keys are read only when given (count() > 0): an absent flag
// must leave the file's value, not impose CLI11's default.
struct RawOptions {
    std::string feed, config, role, class_id, screen_id, at, size, dump, hours;
    int grade = 0;
    bool windowed = false, fullscreen = false, calm = false;
    double max_fps = 30;  // motion (issue 6): command line only, not config keys
    bool dump_transition = false;
    int bench_frames = 0;
    int monitor = 0;
    double page_seconds = 15;
    int poll = 30;
    std::vector<std::string> trusted_keys, pages;
    std::string cache_dir, status_file, state_file;
};

std::string kinds_list() {
    std::string out;
    for (std::string_view kind : kPageKinds) out.append(out.empty() ? "" : ", ").append(kind);
    return out;
}

void define(CLI::App& app, RawOptions& raw) {
    app.description("campus-kiosk (校园屏): the school's goals, habit of the month and red-flag standings, full-screen.");
    app.add_option("--feed", raw.feed,
                   "the school's feed: https:// or file:// URL, or a path (default: the bundled sample feed)");
    app.add_option("--config", raw.config,
                   "JSON config file (docs/config.md: role, class, hours, page_seconds, …); flags given here win");
    app.add_option("--role", raw.role, "where the screen hangs: lobby, corridor, classroom or assembly (default lobby)")
        ->check(CLI::IsMember({"lobby", "corridor", "classroom", "assembly"}));
    app.add_option("--class", raw.class_id, "the class of a classroom screen, e.g. 3-2: its card first, its row highlighted");
    app.add_option("--grade", raw.grade, "the grade a corridor screen favours, 1..12")->check(CLI::Range(1, 12));
    app.add_option("--screen-id", raw.screen_id, "this screen's id, for announcements targeted at screen:ID");
    app.add_option("--at", raw.at, "freeze \"now\" at an RFC 3339 time, e.g. 2026-11-18T10:00:00+08:00");
    app.add_option("--size", raw.size, "window or dump size WxH, e.g. 1920x1080 (default: the monitor's; dump: 1920x1080)");
    auto* windowed = app.add_flag("--windowed", raw.windowed, "a window instead of full-screen (a preview)");
    auto* fullscreen = app.add_flag("--fullscreen", raw.fullscreen, "full-screen (the default)");
    windowed->excludes(fullscreen);
    app.add_option("--monitor", raw.monitor, "monitor index for full-screen, 0 = primary")->check(CLI::Range(0, 63));
    app.add_option("--dump", raw.dump, "render every page of the rotation into DIR as PNG + layout report, then exit");
    // The same range as the config's page_seconds (config_file.cpp says why).
    app.add_option("--page-seconds", raw.page_seconds,
                   "seconds each page stays on screen, 3..3600 (default 15; classroom 30)")
        ->check(CLI::Range(3.0, 3600.0));
    app.add_option("--pages", raw.pages, "page kinds to show, comma-separated: " + kinds_list() + " (default: all)")
        ->delimiter(',')
        ->check(CLI::IsMember(std::vector<std::string>(std::begin(kPageKinds), std::end(kPageKinds))));
    app.add_option("--hours", raw.hours,
                   "display hours in the school's time zone, e.g. \"mon-fri 07:00-18:30; sat 08:00-12:00\" "
                   "(default: always on)");
    app.add_flag("--calm", raw.calm, "no motion: a still flag, hard page cuts, plain paper (classrooms always)");
    app.add_option("--max-fps", raw.max_fps, "frame-rate cap while something moves (default 30)")
        ->check(CLI::Range(1.0, 120.0));
    app.add_flag("--dump-transition", raw.dump_transition,
                 "with --dump: also write transition-50.png, pages 1 → 2 halfway through the page transition");
    app.add_option("--bench-frames", raw.bench_frames,
                   "time N animated frames (page transitions, the waving flag) in a window, print frame_ms_p50/p95, "
                   "exit (bench/run)")
        ->check(CLI::Range(1, 100000));
    app.add_option("--poll", raw.poll, "seconds between feed polls (default 30)")->check(CLI::Range(5, 86400));
    app.add_option("--trusted-key", raw.trusted_keys,
                   "minisign public key (base64) the feed must be signed with; repeatable");
    app.add_option("--cache-dir", raw.cache_dir, "where the last good feed is kept (default ~/.cache/campus-kiosk)");
    app.add_option("--status-file", raw.status_file, "write the sync status here as JSON");
    app.add_option("--state-file", raw.state_file,
                   "write what the screen shows here as JSON whenever it changes (page, position, emergency)");
}

// [SECTION] config ----------------------------------------------------------------
// The flags the command line gave, as overrides of the config's keys.
KioskCliOverrides overrides_of(const CLI::App& cli, const RawOptions& raw) {
    KioskCliOverrides o;
    const auto given = [&cli](const char* flag) { return cli.count(flag) > 0; };
    if (given("--feed")) o.feed = raw.feed;
    if (given("--trusted-key")) o.trusted_keys = raw.trusted_keys;
    if (given("--role")) o.role = raw.role;
    if (given("--class")) o.class_id = raw.class_id;
    if (given("--grade")) o.grade = raw.grade;
    if (given("--screen-id")) o.screen_id = raw.screen_id;
    if (given("--poll")) o.poll_seconds = raw.poll;
    if (given("--page-seconds")) o.page_seconds = raw.page_seconds;
    if (given("--pages")) o.pages = raw.pages;
    if (given("--hours")) o.hours = raw.hours;
    if (given("--monitor")) o.monitor = raw.monitor;
    if (given("--cache-dir")) o.cache_dir = raw.cache_dir;
    if (given("--status-file")) o.status_file = raw.status_file;
    if (given("--calm")) o.calm = true;
    return o;
}

// check_config names a key as a JSON pointer ("command line: /hours: …"); on
// the command line the operator typed a flag, so the message names that.
std::string as_flag_message(const std::string& message) {
    static const std::pair<const char*, const char*> kFlags[] = {
        {"/trusted_keys", "--trusted-key"}, {"/poll_seconds", "--poll"}, {"/page_seconds", "--page-seconds"},
        {"/screen_id", "--screen-id"},      {"/cache_dir", "--cache-dir"}, {"/status_file", "--status-file"},
        {"/pages", "--pages"},              {"/hours", "--hours"},         {"/role", "--role"},
        {"/class", "--class"},              {"/grade", "--grade"},         {"/monitor", "--monitor"},
        {"/feed", "--feed"},
    };
    const std::string prefix = "command line: ";
    if (message.rfind(prefix, 0) != 0) return message;
    const std::string rest = message.substr(prefix.size());
    for (const auto& [pointer, flag] : kFlags) {
        if (rest.rfind(pointer, 0) == 0) return flag + rest.substr(std::string_view(pointer).size());
    }
    return rest;
}

// Whether the config file sets page_seconds at all: a classroom's slower
// default applies only when neither the file nor the command line chose.
bool file_sets_page_seconds(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const nlohmann::json document = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    return document.is_object() && document.contains("page_seconds");
}

// [SECTION] conversion -----------------------------------------------------------
Options convert(const RawOptions& raw, const KioskConfig& config, bool page_seconds_given) {
    Options o;
    o.feed = config.feed;
    o.config_file = raw.config;
    o.role = *parse_role(config.role);  // check_config checked it
    o.class_id = config.class_id;
    o.grade = config.grade;
    o.screen_id = config.screen_id;
    if (!raw.at.empty()) {
        auto stamp = parse_rfc3339(raw.at);
        if (!stamp)
            throw OptionsError("--at " + raw.at + ": expected an RFC 3339 time with an offset, e.g. 2026-11-18T10:00:00+08:00");
        o.at = stamp->instant;
    }
    if (!raw.size.empty()) {
        o.size = parse_size(raw.size);
        if (!o.size)
            throw OptionsError("--size " + raw.size + ": expected WxH with each side 64..16384, e.g. 1920x1080");
    }
    o.windowed = raw.windowed;
    o.monitor = config.monitor;
    o.dump_dir = raw.dump;
    o.page_seconds_given = page_seconds_given;
    // A classroom is read during a lesson, not in passing: twice the lobby's turn.
    o.page_seconds = page_seconds_given || o.role != Role::classroom ? config.page_seconds : 30.0;
    o.page_seconds_by_page = config.page_seconds_by_page;
    o.pages = config.pages;
    o.hours = config.hours;
    o.calm = config.calm;
    o.max_fps = raw.max_fps;
    o.dump_transition = raw.dump_transition;
    o.bench_frames = raw.bench_frames;
    o.poll_seconds = config.poll_seconds;
    o.trusted_keys = config.trusted_keys;
    o.cache_dir = config.cache_dir;
    o.status_file = config.status_file;
    o.state_file = raw.state_file;
    if (o.role == Role::classroom && o.class_id.empty())
        throw OptionsError("--role classroom needs --class ID (config key \"class\"): the class this screen belongs "
                           "to, e.g. 3-2");
    return o;
}

}  // namespace

// [SECTION] public -------------------------------------------------------------
double Options::seconds_for(std::string_view kind) const {
    const auto it = page_seconds_by_page.find(kind);
    return it != page_seconds_by_page.end() ? it->second : page_seconds;
}

std::optional<Role> parse_role(std::string_view name) {
    if (name == "lobby") return Role::lobby;
    if (name == "corridor") return Role::corridor;
    if (name == "classroom") return Role::classroom;
    if (name == "assembly") return Role::assembly;
    return std::nullopt;
}

const char* role_name(Role role) {
    switch (role) {
        case Role::lobby: return "lobby";
        case Role::corridor: return "corridor";
        case Role::classroom: return "classroom";
        case Role::assembly: return "assembly";
    }
    return "lobby";
}

std::optional<ScreenSize> parse_size(std::string_view text) {
    const auto x = text.find_first_of("xX");
    if (x == std::string_view::npos) return std::nullopt;
    auto number = [](std::string_view s) -> std::optional<int> {
        int value = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
        return value;
    };
    auto w = number(text.substr(0, x));
    auto h = number(text.substr(x + 1));
    // 64: below that nothing is legible; 16384: the largest renderbuffer llvmpipe offers.
    if (!w || !h || *w < 64 || *h < 64 || *w > 16384 || *h > 16384) return std::nullopt;
    return ScreenSize{*w, *h};
}

std::optional<Options> parse_options(int argc, const char* const* argv) {
    std::vector<std::string> args(argv, argv + argc);
    if (args.empty()) args.emplace_back("kiosk");
    CLI::App cli("kiosk");
    RawOptions raw;
    define(cli, raw);
    std::vector<const char*> arg_pointers;
    for (const auto& arg : args) arg_pointers.push_back(arg.c_str());
    try {
        cli.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
    } catch (const CLI::CallForHelp&) {
        std::cout << cli.help();
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        throw OptionsError(e.what());
    }

    KioskConfig config;
    bool page_seconds_given = cli.count("--page-seconds") > 0;
    try {
        if (!raw.config.empty()) {
            config = load_config(raw.config);  // its errors name the file and the key
            page_seconds_given = page_seconds_given || file_sets_page_seconds(raw.config);
        }
        config = merge(std::move(config), overrides_of(cli, raw));
        check_config(config, "command line");
    } catch (const ConfigError& e) {
        throw OptionsError(as_flag_message(e.what()));
    }
    return convert(raw, config, page_seconds_given);
}

}  // namespace campus::kiosk
