// The kiosk's options: the settings table (kiosk/config_file.hpp's settings())
// registered with CLI11 for the command line; --config read by load_config;
// the flags actually given → KioskCliOverrides → merge → check_config.
//
// [SECTION] command line
// [SECTION] config
// [SECTION] conversion
// [SECTION] public
#include "kiosk/options.hpp"

#include <charconv>
#include <iostream>
#include <map>
#include <type_traits>
#include <variant>

#include <CLI/CLI.hpp>

#include "kiosk/config_file.hpp"
#include "sync/user_agent.hpp"  // kiosk_version()

namespace campus::kiosk {

namespace {

//-----------------------------------------------------------------------------
// [SECTION] command line
//-----------------------------------------------------------------------------
// CLI11 binds every flag of the table to a value of its type here; typed
// values (role, size, time) are converted afterwards so their errors can say
// what was expected. A flag that is also a config key is used only when given
// (count() > 0): an absent flag must leave the file's value, not impose
// CLI11's default.
using FlagValue = std::variant<std::string, std::vector<std::string>, int, double, bool>;

struct CommandLine {
    CLI::App app{"kiosk"};
    std::map<std::string_view, FlagValue> values;  // by flag; a map's nodes stay put for CLI11's references

    bool given(std::string_view flag) const { return app.count(std::string(flag)) > 0; }
    template <class T>
    const T& value(std::string_view flag) const {
        return std::get<T>(values.at(flag));
    }
};

template <class T>
void add_flag(CommandLine& cli, const Setting& s) {
    auto& value = cli.values[s.flag].emplace<T>();
    const std::string flag(s.flag), help(s.help);
    CLI::Option* option = nullptr;
    if constexpr (std::is_same_v<T, bool>) {
        option = cli.app.add_flag(flag, value, help);
    } else {
        option = cli.app.add_option(flag, value, help);
    }
    if (!s.value_name.empty()) option->type_name(std::string(s.value_name));
    if constexpr (std::is_same_v<T, int>) {
        if (s.has_range()) option->check(CLI::Range(static_cast<int>(s.min), static_cast<int>(s.max)));
    } else if constexpr (std::is_same_v<T, double>) {
        if (s.has_range()) option->check(CLI::Range(s.min, s.max));
    }
    if (!s.choices.empty()) option->check(CLI::IsMember(std::vector<std::string>(s.choices.begin(), s.choices.end())));
    if (s.delimiter != 0) option->delimiter(s.delimiter);
}

void define(CommandLine& cli) {
    cli.app.description(
        "campus-kiosk (校园屏): the school's goals, habit of the month and red-flag standings, full-screen.");
    for (const Setting& s : settings()) {
        if (!s.on_command_line()) continue;
        std::visit([&](const auto& field) { add_flag<typename std::decay_t<decltype(field)>::value_type>(cli, s); },
                   s.value);
    }
    // The version the package carries (CMake's project version): `kiosk --version`.
    cli.app.set_version_flag("--version", std::string(kiosk_version()), "print the kiosk's version and exit");
    for (const Setting& s : settings()) {
        if (!s.excludes.empty()) {
            cli.app.get_option(std::string(s.flag))->excludes(cli.app.get_option(std::string(s.excludes)));
        }
    }
}

//-----------------------------------------------------------------------------
// [SECTION] config
//-----------------------------------------------------------------------------

// The flags the command line gave, as overrides of the config's keys.
KioskCliOverrides overrides_of(const CommandLine& cli) {
    KioskCliOverrides o;
    for (const Setting& s : settings()) {
        if (!s.in_config() || !s.on_command_line() || !cli.given(s.flag)) continue;
        std::visit(
            [&](const auto& field) {
                using T = typename std::decay_t<decltype(field)>::value_type;
                o.*field.command_line = cli.value<T>(s.flag);
            },
            s.value);
    }
    return o;
}

// check_config names a key as a JSON pointer ("command line: /hours: …"); on
// the command line the operator typed a flag, so the message names that.
std::string as_flag_message(const std::string& message) {
    const std::string prefix = "command line: ";
    if (message.rfind(prefix, 0) != 0) return message;
    const std::string rest = message.substr(prefix.size());
    for (const Setting& s : settings()) {
        if (!s.in_config() || !s.on_command_line()) continue;
        const std::string pointer = key_pointer(s);
        const bool names_it = rest.rfind(pointer, 0) == 0 && rest.size() > pointer.size() &&
                              (rest[pointer.size()] == ':' || rest[pointer.size()] == '/');
        if (names_it) return std::string(s.flag) + rest.substr(pointer.size());
    }
    return rest;
}

//-----------------------------------------------------------------------------
// [SECTION] conversion
//-----------------------------------------------------------------------------

Options convert(const CommandLine& cli, const KioskConfig& config) {
    Options o;
    o.feed = config.feed;
    if (cli.given("--config")) o.config_file = cli.value<std::string>("--config");
    o.role = *parse_role(config.role);  // check_config checked it
    o.class_id = config.class_id;
    o.grade = config.grade;
    o.screen_id = config.screen_id;
    if (cli.given("--at")) {
        const std::string& at = cli.value<std::string>("--at");
        auto stamp = parse_rfc3339(at);
        if (!stamp)
            throw OptionsError("--at " + at + ": expected an RFC 3339 time with an offset, e.g. 2026-11-18T10:00:00+08:00");
        o.at = stamp->instant;
    }
    if (cli.given("--clock-from")) {
        const std::string& from = cli.value<std::string>("--clock-from");
        auto stamp = parse_rfc3339(from);
        if (!stamp)
            throw OptionsError("--clock-from " + from +
                               ": expected an RFC 3339 time with an offset, e.g. 2026-11-18T18:29:55+08:00");
        o.clock_from = stamp->instant;
    }
    if (cli.given("--size")) {
        const std::string& size = cli.value<std::string>("--size");
        o.size = parse_size(size);
        if (!o.size) throw OptionsError("--size " + size + ": expected WxH with each side 64..16384, e.g. 1920x1080");
    }
    o.windowed = cli.given("--windowed") && cli.value<bool>("--windowed");
    o.monitor = config.monitor;
    if (cli.given("--dump")) o.dump_dir = cli.value<std::string>("--dump");
    o.page_seconds_given = config.page_seconds_given;
    // A classroom is read during a lesson, not in passing: twice the lobby's turn.
    o.page_seconds = config.page_seconds_given || o.role != Role::classroom ? config.page_seconds : 30.0;
    o.page_seconds_by_page = config.page_seconds_by_page;
    o.pages = config.pages;
    o.hours = config.hours;
    o.calm = config.calm;
    if (cli.given("--max-fps")) o.max_fps = cli.value<double>("--max-fps");
    o.dump_transition = cli.given("--dump-transition") && cli.value<bool>("--dump-transition");
    if (cli.given("--bench-frames")) o.bench_frames = cli.value<int>("--bench-frames");
    o.poll_seconds = config.poll_seconds;
    o.trusted_keys = config.trusted_keys;
    o.cache_dir = config.cache_dir;
    o.status_file = config.status_file;
    o.metrics_file = config.metrics_file;
    o.power.backend = *power::parse_backend(config.power_backend);  // check_config checked it
    o.power.off_command = config.power_off_command;
    o.power.on_command = config.power_on_command;
    o.power.timeout = std::chrono::seconds(config.power_timeout_seconds);
    if (cli.given("--state-file")) o.state_file = cli.value<std::string>("--state-file");
    if (o.role == Role::classroom && o.class_id.empty())
        throw OptionsError("--role classroom needs --class ID (config key \"class\"): the class this screen belongs "
                           "to, e.g. 3-2");
    return o;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] public
//-----------------------------------------------------------------------------

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
    CommandLine cli;
    define(cli);
    std::vector<const char*> arg_pointers;
    for (const auto& arg : args) arg_pointers.push_back(arg.c_str());
    try {
        cli.app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
    } catch (const CLI::CallForHelp&) {
        std::cout << cli.app.help();
        return std::nullopt;
    } catch (const CLI::CallForVersion&) {
        std::cout << "kiosk " << kiosk_version() << "\n";
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        throw OptionsError(e.what());
    }

    KioskConfig config;
    try {
        if (cli.given("--config")) config = load_config(cli.value<std::string>("--config"));  // its errors name the file and the key
        config = merge(std::move(config), overrides_of(cli));
        check_config(config, "command line");
    } catch (const ConfigError& e) {
        throw OptionsError(as_flag_message(e.what()));
    }
    return convert(cli, config);
}

}  // namespace campus::kiosk
