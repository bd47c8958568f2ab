// The kiosk's options: CLI11 for the command line, nlohmann::json for --config.
//
// Sections: [raw options] [config file] [conversion] [public]
#include "kiosk/options.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace campus::kiosk {

// [SECTION] raw options --------------------------------------------------------
// CLI11 binds to plain strings/numbers; typed values (role, size, time) are
// converted afterwards so their errors can say what was expected.
namespace {

struct RawOptions {
    std::string feed, config, role = "lobby", class_id, screen_id, at, size, dump;
    int grade = 0;
    bool windowed = false, fullscreen = false, calm = false;
    int monitor = 0;
    double page_seconds = 15;
    int poll = 30;
    std::vector<std::string> trusted_keys;
    std::string cache_dir, status_file;
};

void define(CLI::App& app, RawOptions& raw) {
    app.description("campus-kiosk (校园屏): the school's goals, habit of the month and red-flag standings, full-screen.");
    app.add_option("--feed", raw.feed,
                   "the school's feed: https:// or file:// URL, or a path (default: the bundled sample feed)");
    app.add_option("--config", raw.config, "JSON config file; keys are the long option names, the command line wins");
    app.add_option("--role", raw.role, "where the screen hangs: lobby, corridor, classroom or assembly (default lobby)")
        ->check(CLI::IsMember({"lobby", "corridor", "classroom", "assembly"}));
    app.add_option("--class", raw.class_id, "the class of a classroom screen, e.g. 3-2");
    app.add_option("--grade", raw.grade, "the grade a corridor screen favours, 1..12")->check(CLI::Range(1, 12));
    app.add_option("--screen-id", raw.screen_id, "this screen's id, for announcements targeted at screen:ID");
    app.add_option("--at", raw.at, "freeze \"now\" at an RFC 3339 time, e.g. 2026-11-18T10:00:00+08:00");
    app.add_option("--size", raw.size, "window or dump size WxH, e.g. 1920x1080 (default: the monitor's; dump: 1920x1080)");
    auto* windowed = app.add_flag("--windowed", raw.windowed, "a window instead of full-screen (a preview)");
    auto* fullscreen = app.add_flag("--fullscreen", raw.fullscreen, "full-screen (the default)");
    windowed->excludes(fullscreen);
    app.add_option("--monitor", raw.monitor, "monitor index for full-screen, 0 = primary")->check(CLI::NonNegativeNumber);
    app.add_option("--dump", raw.dump, "render every page of the rotation into DIR as PNG + layout report, then exit");
    app.add_option("--page-seconds", raw.page_seconds, "seconds each page stays on screen (default 15)")
        ->check(CLI::Range(1.0, 3600.0));
    app.add_flag("--calm", raw.calm, "no motion");
    app.add_option("--poll", raw.poll, "seconds between feed polls (default 30)")->check(CLI::Range(5, 86400));
    app.add_option("--trusted-key", raw.trusted_keys,
                   "minisign public key (base64) the feed must be signed with; repeatable");
    app.add_option("--cache-dir", raw.cache_dir, "where the last good feed is kept (default ~/.cache/campus-kiosk)");
    app.add_option("--status-file", raw.status_file, "write the sync status here as JSON");
}

// Runs CLI11 over argv; nullopt when help was printed.
std::optional<RawOptions> parse_raw(const std::vector<std::string>& args, CLI::App*& parsed_app,
                                    std::unique_ptr<CLI::App>& owner) {
    owner = std::make_unique<CLI::App>("kiosk");
    RawOptions raw;
    define(*owner, raw);
    std::vector<const char*> argv;
    argv.reserve(args.size());
    for (const auto& arg : args) argv.push_back(arg.c_str());
    try {
        owner->parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::CallForHelp&) {
        std::cout << owner->help();
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        throw OptionsError(e.what());
    }
    parsed_app = owner.get();
    return raw;
}

// [SECTION] config file ---------------------------------------------------------
// Turns the JSON object into command-line arguments for the keys the command
// line did not give, so both go through the same validation.
std::vector<std::string> config_arguments(const std::string& path, CLI::App& cli) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw OptionsError("--config " + path + ": cannot open the file");
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw OptionsError("--config " + path + ": not valid JSON: " + e.what());
    }
    if (!config.is_object()) throw OptionsError("--config " + path + ": expected a JSON object of option names");

    std::vector<std::string> args;
    for (const auto& [key, value] : config.items()) {
        const std::string where = "--config " + path + ": key \"" + key + "\"";
        if (key == "config" || key == "help") throw OptionsError(where + " is not allowed in a config file");
        CLI::Option* opt = cli.get_option_no_throw("--" + key);
        if (opt == nullptr) throw OptionsError(where + " is not a kiosk option (see kiosk --help)");
        if (opt->count() > 0) continue;  // the command line wins
        // --windowed and --fullscreen exclude each other: a command-line choice of one drops the other.
        if ((key == "windowed" && cli.count("--fullscreen") > 0) || (key == "fullscreen" && cli.count("--windowed") > 0))
            continue;
        const bool is_flag = opt->get_type_size_max() == 0;
        auto scalar = [&](const nlohmann::json& v) -> std::string {
            if (v.is_string()) return v.get<std::string>();
            if (v.is_number_integer()) return std::to_string(v.get<long long>());
            if (v.is_number()) return v.dump();
            throw OptionsError(where + ": expected a string or a number, got " + std::string(v.type_name()));
        };
        if (is_flag) {
            if (!value.is_boolean()) throw OptionsError(where + ": expected true or false");
            if (value.get<bool>()) args.push_back("--" + key);
        } else if (value.is_array()) {
            if (opt->get_items_expected_max() <= 1)
                throw OptionsError(where + ": takes one value, not a list");
            for (const auto& item : value) {
                args.push_back("--" + key);
                args.push_back(scalar(item));
            }
        } else if (!value.is_null()) {
            args.push_back("--" + key);
            args.push_back(scalar(value));
        }
    }
    return args;
}

// [SECTION] conversion -----------------------------------------------------------
Options convert(const RawOptions& raw) {
    Options o;
    o.feed = raw.feed;
    o.config_file = raw.config;
    o.role = *parse_role(raw.role);  // IsMember checked it
    o.class_id = raw.class_id;
    o.grade = raw.grade;
    o.screen_id = raw.screen_id;
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
    o.monitor = raw.monitor;
    o.dump_dir = raw.dump;
    o.page_seconds = raw.page_seconds;
    o.calm = raw.calm;
    o.poll_seconds = raw.poll;
    o.trusted_keys = raw.trusted_keys;
    o.cache_dir = raw.cache_dir;
    o.status_file = raw.status_file;
    if (o.role == Role::classroom && o.class_id.empty())
        throw OptionsError("--role classroom needs --class ID (the class this screen belongs to, e.g. 3-2)");
    return o;
}

}  // namespace

// [SECTION] public -------------------------------------------------------------
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
    std::unique_ptr<CLI::App> first_owner;
    CLI::App* first = nullptr;
    auto raw = parse_raw(args, first, first_owner);
    if (!raw) return std::nullopt;
    if (raw->config.empty()) return convert(*raw);

    // Second pass: the config's arguments first, then the command line's.
    auto from_config = config_arguments(raw->config, *first);
    std::vector<std::string> merged{args.front()};
    merged.insert(merged.end(), from_config.begin(), from_config.end());
    merged.insert(merged.end(), args.begin() + 1, args.end());
    std::unique_ptr<CLI::App> second_owner;
    CLI::App* second = nullptr;
    try {
        raw = parse_raw(merged, second, second_owner);
    } catch (const OptionsError& e) {
        throw OptionsError(std::string(e.what()) + " (after reading --config " + raw->config + ")");
    }
    if (!raw) return std::nullopt;
    return convert(*raw);
}

}  // namespace campus::kiosk
