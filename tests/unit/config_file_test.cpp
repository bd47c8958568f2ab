// The kiosk's settings and JSON config file (kiosk/config_file.hpp):
// defaults, every key, errors that name the file and the key, unknown and
// duplicate keys, wrong types, numbers too large to read, the command line
// winning over the file, and the settings table against docs/config.md and
// assets/kiosk.example.json.

#include "kiosk/config_file.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <type_traits>
#include <variant>

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace campus::kiosk {
namespace {

namespace fs = std::filesystem;

// The whole message of the ConfigError the text raises ("" and a failure if none).
std::string error_of(std::string_view json_text) {
    try {
        parse_config(json_text, "kiosk.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << json_text;
    return "";
}

const std::string kOfficeKey = "RWQnCeFwa5vqx+olHyQInihkWQ+MV5sxNqpM6fqtLJNOWL8cB3bWOhbQ";
const std::string kOtherKey = "RWQFDmaqVzrlxiaBR4VqxtQ4D8ELO4f+G26hkARvoAgvVhUjd8pYPUh8";

const std::set<std::string> kEveryKey = {"feed",         "trusted_keys", "role",  "class",   "grade",
                                         "screen_id",    "poll_seconds", "page_seconds", "pages", "hours",
                                         "monitor",      "cache_dir",    "status_file",  "calm",
                                         "metrics_file", "power.backend", "power.off_command",
                                         "power.on_command", "power.timeout_seconds"};

TEST(ConfigFileDefaults, AnEmptyObjectGivesEveryDefault) {
    const KioskConfig c = parse_config("{}", "kiosk.json");
    EXPECT_EQ(c.feed, "");
    EXPECT_TRUE(c.trusted_keys.empty());
    EXPECT_EQ(c.role, "lobby");
    EXPECT_EQ(c.class_id, "");
    EXPECT_EQ(c.grade, 0);
    EXPECT_EQ(c.screen_id, "");
    EXPECT_EQ(c.poll_seconds, 30);
    EXPECT_EQ(c.page_seconds, 15);
    EXPECT_TRUE(c.page_seconds_by_page.empty());
    EXPECT_TRUE(c.pages.empty());
    EXPECT_EQ(c.hours, "");
    EXPECT_EQ(c.monitor, 0);
    EXPECT_EQ(c.cache_dir, "");
    EXPECT_EQ(c.status_file, "");
    EXPECT_FALSE(c.calm);
}

TEST(ConfigFileKeys, EveryKeyIsRead) {
    const KioskConfig c = parse_config(R"({
        "feed": "https://school.example.cn/kiosk/feed.json",
        "trusted_keys": [")" + kOfficeKey + R"(", ")" + kOtherKey + R"("],
        "role": "classroom", "class": "3-2", "grade": 3, "screen_id": "room-302",
        "poll_seconds": 60,
        "page_seconds": {"default": 30, "standings": 45, "class": 60},
        "pages": ["class", "habit", "standings"],
        "hours": "mon-fri 07:00-18:30; sat 08:00-12:00",
        "monitor": 1, "cache_dir": "/var/cache/kiosk", "status_file": "/run/kiosk/status.json",
        "calm": true })",
                                       "kiosk.json");
    EXPECT_EQ(c.feed, "https://school.example.cn/kiosk/feed.json");
    EXPECT_EQ(c.trusted_keys, (std::vector<std::string>{kOfficeKey, kOtherKey}));
    EXPECT_EQ(c.role, "classroom");
    EXPECT_EQ(c.class_id, "3-2");
    EXPECT_EQ(c.grade, 3);
    EXPECT_EQ(c.screen_id, "room-302");
    EXPECT_EQ(c.poll_seconds, 60);
    EXPECT_EQ(c.page_seconds, 30);
    EXPECT_EQ(c.seconds_for_page("standings"), 45);
    EXPECT_EQ(c.seconds_for_page("class"), 60);
    EXPECT_EQ(c.seconds_for_page("goals"), 30);
    EXPECT_EQ(c.pages, (std::vector<std::string>{"class", "habit", "standings"}));
    EXPECT_EQ(c.hours, "mon-fri 07:00-18:30; sat 08:00-12:00");
    EXPECT_EQ(c.monitor, 1);
    EXPECT_EQ(c.cache_dir, "/var/cache/kiosk");
    EXPECT_EQ(c.status_file, "/run/kiosk/status.json");
    EXPECT_TRUE(c.calm);
}

TEST(ConfigFileKeys, PageSecondsAsAPlainNumber) {
    const KioskConfig c = parse_config(R"({"page_seconds": 20.5})", "kiosk.json");
    EXPECT_EQ(c.page_seconds, 20.5);
    EXPECT_EQ(c.seconds_for_page("goals"), 20.5);
}

TEST(ConfigFileErrors, ABadRoleNamesTheFileTheKeyAndTheChoices) {
    EXPECT_EQ(error_of(R"({"role": "hall"})"),
              "kiosk.json: /role: \"hall\" is not a role (lobby, corridor, classroom, assembly)");
}

TEST(ConfigFileErrors, AnUnknownKeyIsRejectedWithASuggestion) {
    EXPECT_EQ(error_of(R"({"rol": "lobby"})").rfind("kiosk.json: /rol: unknown key; did you mean \"role\"?", 0), 0u);
    EXPECT_NE(error_of(R"({"trusted-key": []})").find("did you mean \"trusted_keys\"?"), std::string::npos);
    EXPECT_NE(error_of(R"({"class_id": "3-2"})").find("did you mean \"class\"?"), std::string::npos);
    EXPECT_NE(error_of(R"({"hour": ""})").find("did you mean \"hours\"?"), std::string::npos);
    // Nothing close: no guess, but the list of keys.
    const std::string why = error_of(R"({"brightness": 80})");
    EXPECT_EQ(why.find("did you mean"), std::string::npos) << why;
    EXPECT_NE(why.find("kiosk.json: /brightness: unknown key"), std::string::npos) << why;
    EXPECT_NE(why.find("feed, trusted_keys, role"), std::string::npos) << why;
}

TEST(ConfigFileErrors, AWrongTypeSaysWhatWasExpectedAndWhatCame) {
    EXPECT_EQ(error_of(R"({"poll_seconds": "30"})"),
              "kiosk.json: /poll_seconds: expected a whole number, got the string \"30\"");
    EXPECT_EQ(error_of(R"({"grade": 3.5})"), "kiosk.json: /grade: expected a whole number, got the number 3.5");
    EXPECT_EQ(error_of(R"({"calm": "yes"})"), "kiosk.json: /calm: expected true or false, got the string \"yes\"");
    EXPECT_EQ(error_of(R"({"role": 1})"), "kiosk.json: /role: expected a string, got the number 1");
    EXPECT_EQ(error_of(R"({"trusted_keys": ")" + kOfficeKey + R"("})").rfind("kiosk.json: /trusted_keys: expected an array", 0),
              0u);
    EXPECT_EQ(error_of(R"({"pages": ["goals", 2]})"), "kiosk.json: /pages/1: expected a string, got the number 2");
    EXPECT_EQ(error_of(R"({"page_seconds": {"goals": null}})"),
              "kiosk.json: /page_seconds/goals: expected a number of seconds, got null");
    EXPECT_NE(error_of(R"({"page_seconds": "15"})").find("kiosk.json: /page_seconds: expected a number of seconds or an object"),
              std::string::npos);
    EXPECT_EQ(error_of(R"({"monitor": 4000000000})"), "kiosk.json: /monitor: 4000000000 is out of range");
}

TEST(ConfigFileErrors, ValuesOutOfTheirRules) {
    EXPECT_EQ(error_of(R"({"grade": 13})"), "kiosk.json: /grade: 13 is not a grade: 1 to 12");
    EXPECT_EQ(error_of(R"({"poll_seconds": 1})"),
              "kiosk.json: /poll_seconds: 1 is out of range: poll every 5 to 86400 seconds");
    EXPECT_EQ(error_of(R"({"page_seconds": 0.5})"),
              "kiosk.json: /page_seconds: 0.5 seconds is out of range: a page stays 3 to 3600 seconds");
    EXPECT_EQ(error_of(R"({"page_seconds": {"goal": 20}})"),
              "kiosk.json: /page_seconds/goal: \"goal\" is not a page; did you mean \"goals\"? "
              "(class, habit, standings, goals, events, announcements, gallery)");
    EXPECT_EQ(error_of(R"({"page_seconds": {"events": 7200}})"),
              "kiosk.json: /page_seconds/events: 7200 seconds is out of range: a page stays 3 to 3600 seconds");
    EXPECT_NE(error_of(R"({"pages": ["habit", "weather"]})").find("kiosk.json: /pages/1: \"weather\" is not a page"),
              std::string::npos);
    EXPECT_EQ(error_of(R"({"pages": ["habit", "habit"]})"), "kiosk.json: /pages/1: \"habit\" is listed twice");
    EXPECT_NE(error_of(R"({"pages": []})").find("kiosk.json: /pages: is empty"), std::string::npos);
    EXPECT_EQ(error_of(R"({"monitor": -1})"),
              "kiosk.json: /monitor: -1 is not a monitor index: 0 (the primary) or more");
    EXPECT_EQ(error_of(R"({"feed": ""})"), "kiosk.json: /feed: is empty: leave the key out to get the default");
}

TEST(ConfigFileErrors, BadHoursQuoteTheScheduleRule) {
    EXPECT_EQ(error_of(R"({"hours": "mon-fry 07:00-18:30"})"),
              "kiosk.json: /hours: in \"mon-fry 07:00-18:30\": \"fry\" is not a day "
              "(mon, tue, wed, thu, fri, sat, sun, daily)");
    EXPECT_NE(error_of(R"({"hours": "fri 22:00-02:00"})").find("crosses midnight"), std::string::npos);
    // The empty schedule is allowed: it says "always on" out loud.
    EXPECT_EQ(parse_config(R"({"hours": ""})", "kiosk.json").hours, "");
}

TEST(ConfigFileErrors, ABadTrustedKeyNamesItsIndex) {
    const std::string why = error_of(R"({"trusted_keys": [")" + kOfficeKey + R"(", "RWQnot-a-key"]})");
    EXPECT_EQ(why.rfind("kiosk.json: /trusted_keys/1: not a minisign public key", 0), 0u) << why;
}

TEST(ConfigFileErrors, DuplicateKeysAreRejected) {
    EXPECT_EQ(error_of(R"({"role": "lobby", "grade": 3, "role": "classroom"})"),
              "kiosk.json: /role: the key is given twice; keep one");
    EXPECT_EQ(error_of(R"({"pages": ["goals"], "page_seconds": {"goals": 10, "goals": 20}})"),
              "kiosk.json: /page_seconds/goals: the key is given twice; keep one");
}

TEST(ConfigFileErrors, NotJsonOrNotAnObject) {
    const std::string why = error_of("{\n  \"role\": \"lobby\",\n}");
    EXPECT_EQ(why.rfind("kiosk.json: not valid JSON: ", 0), 0u) << why;
    EXPECT_NE(why.find("line 3"), std::string::npos) << why;
    EXPECT_EQ(error_of(R"(["lobby"])").rfind("kiosk.json: expected a JSON object of settings", 0), 0u);
}

// nlohmann refuses a number too large for a double (out_of_range.406) while
// parsing; the kiosk used to die of the exception (exit 134). Wherever the
// number is, the error is the usual one line naming the place.
TEST(ConfigFileErrors, ANumberTooLargeToReadNamesItsPlace) {
    EXPECT_EQ(error_of(R"({"poll_seconds": 1e309})"), "kiosk.json: /poll_seconds: 1e309 is too large a number to read");
    EXPECT_EQ(error_of(R"({"role": "lobby", "page_seconds": {"default": 20, "goals": -1e400}})"),
              "kiosk.json: /page_seconds/goals: -1e400 is too large a number to read");
    EXPECT_EQ(error_of(R"({"pages": ["goals", 1E999]})"), "kiosk.json: /pages/1: 1E999 is too large a number to read");
    EXPECT_EQ(error_of(R"({"brightness": [{"level": 2e308}]})"),
              "kiosk.json: /brightness/0/level: 2e308 is too large a number to read");
    EXPECT_EQ(error_of("1e309"), "kiosk.json: 1e309 is too large a number to read");
    // The largest double still reads, and then meets the key's rule.
    EXPECT_EQ(error_of(R"({"page_seconds": 1.7e308})"),
              "kiosk.json: /page_seconds: 1.7e+308 seconds is out of range: a page stays 3 to 3600 seconds");
}

// A wrong string is quoted cut to 57 bytes; the cut used to fall inside a
// character ("a" then three-byte 大s), and quoting it threw type_error.316.
TEST(ConfigFileErrors, AQuotedStringIsCutBetweenCharacters) {
    std::string text = "a";
    for (int i = 0; i < 40; ++i) text += "大";
    const std::string why = error_of(R"({"poll_seconds": ")" + text + R"("})");
    EXPECT_EQ(why, "kiosk.json: /poll_seconds: expected a whole number, got the string \"a" +
                       [] {
                           std::string s;
                           for (int i = 0; i < 18; ++i) s += "大";
                           return s;
                       }() +
                       "...\"");
}

TEST(ConfigFileLoad, FromAFileAndAMissingFile) {
    const fs::path dir = fs::temp_directory_path() / ("kiosk-config-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path good = dir / "kiosk.json";
    std::ofstream(good) << R"({"role": "corridor", "grade": 4})";
    const KioskConfig c = load_config(good.string());
    EXPECT_EQ(c.role, "corridor");
    EXPECT_EQ(c.grade, 4);

    const fs::path bad = dir / "bad.json";
    std::ofstream(bad) << R"({"role": "hall"})";
    try {
        load_config(bad.string());
        ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), bad.string() + ": /role: \"hall\" is not a role (lobby, corridor, classroom, assembly)");
    }
    try {
        load_config((dir / "missing.json").string());
        ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()).rfind((dir / "missing.json").string() + ": cannot open the config file: ", 0), 0u)
            << e.what();
    }
    try {
        load_config(dir.string());
        ADD_FAILURE() << "accepted a directory";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), dir.string() + ": is a directory, not a config file");
    }
    fs::remove_all(dir);
}

// The example shipped to operators loads and shows every key, so it cannot
// drift from the code unnoticed.
TEST(ConfigFileLoad, TheExampleFileIsValidAndComplete) {
    const fs::path example = fs::path(KIOSK_ASSETS_DIR) / "kiosk.example.json";
    EXPECT_NO_THROW(load_config(example.string()));
    std::ifstream in(example);
    const nlohmann::json document = nlohmann::json::parse(in);
    std::set<std::string> keys;
    for (const auto& [key, value] : document.items()) {
        if (value.is_object() && key != "page_seconds") {  // a section: {"power": {"backend": …}}
            for (const auto& [member, inner] : value.items()) keys.insert(key + "." + member);
        } else {
            keys.insert(key);
        }
    }
    EXPECT_EQ(keys, kEveryKey);
    for (const std::string& key : keys) EXPECT_NE(setting_for_key(key), nullptr) << key;
}

// docs/config.md documents every key.
TEST(ConfigFileLoad, TheDocsNameEveryKey) {
    std::ifstream in(fs::path(KIOSK_ASSETS_DIR).parent_path() / "docs" / "config.md");
    ASSERT_TRUE(in);
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const std::string& key : kEveryKey) EXPECT_NE(doc.find("| `" + key + "`"), std::string::npos) << key;
}

// [SECTION] the power section --------------------------------------------------------

TEST(ConfigFilePower, ASectionOfItsOwnReadIntoItsKeys) {
    const KioskConfig c = parse_config(R"({"power": {"backend": "command", "off_command": ["/usr/local/bin/tv", "off"],
        "on_command": ["/usr/local/bin/tv", "on"], "timeout_seconds": 5}})",
                                       "kiosk.json");
    EXPECT_EQ(c.power_backend, "command");
    EXPECT_EQ(c.power_off_command, (std::vector<std::string>{"/usr/local/bin/tv", "off"}));
    EXPECT_EQ(c.power_on_command, (std::vector<std::string>{"/usr/local/bin/tv", "on"}));
    EXPECT_EQ(c.power_timeout_seconds, 5);
    const KioskConfig defaults = parse_config("{}", "kiosk.json");
    EXPECT_EQ(defaults.power_backend, "none");
    EXPECT_EQ(parse_config(R"({"power": {"backend": "dpms"}})", "kiosk.json").power_backend, "dpms");
}

TEST(ConfigFilePower, MistakesNameTheKeyInsideTheSection) {
    const auto error_of = [](const std::string& text) {
        try {
            parse_config(text, "kiosk.json");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(error_of(R"({"power": {"backend": "dmps"}})"),
              "kiosk.json: /power/backend: \"dmps\" is not a power backend; did you mean \"dpms\"? (none, dpms, cec, "
              "command)");
    EXPECT_EQ(error_of(R"({"power": {"backend": "dpms", "of_command": ["x"]}})"),
              "kiosk.json: /power/of_command: unknown key; did you mean \"off_command\"? (the keys of \"power\" are "
              "backend, off_command, on_command, timeout_seconds)");
    EXPECT_EQ(error_of(R"({"power": "dpms"})"),
              "kiosk.json: /power: expected an object of backend, off_command, on_command, timeout_seconds, got the "
              "string \"dpms\"");
    EXPECT_EQ(error_of(R"({"power": {"backend": "command", "off_command": ["tv", "off"]}})"),
              "kiosk.json: /power/on_command: is missing: the backend \"command\" runs it to switch the display on (an "
              "argument list, no shell: [\"/usr/local/bin/tv\", \"on\"])");
    EXPECT_EQ(error_of(R"({"power": {"backend": "dpms", "off_command": ["tv", "off"]}})"),
              "kiosk.json: /power/off_command: is only used with \"backend\": \"command\" (the backend is \"dpms\")");
    EXPECT_EQ(error_of(R"({"power": {"backend": "command", "off_command": ["", "off"], "on_command": ["tv"]}})"),
              "kiosk.json: /power/off_command/0: the program's name is empty");
    EXPECT_EQ(error_of(R"({"power": {"timeout_seconds": 0}})"),
              "kiosk.json: /power/timeout_seconds: 0 is out of range: 1 to 120 seconds");
    EXPECT_EQ(error_of(R"({"power": {"off_command": "tv off"}})"),
              "kiosk.json: /power/off_command: expected an array of strings, got the string \"tv off\"");
    // The table's dotted name is not a key of the file.
    EXPECT_EQ(error_of(R"({"power.backend": "dpms"})").rfind("kiosk.json: /power.backend: unknown key", 0), 0u);
}

TEST(ConfigFilePower, TheCommandLineSetsTheBackend) {
    const KioskConfig file = parse_config(R"({"power": {"backend": "dpms"}})", "kiosk.json");
    KioskCliOverrides cli;
    cli.power_backend = "none";
    EXPECT_EQ(merge(file, cli).power_backend, "none");
    EXPECT_EQ(merge(file, {}).power_backend, "dpms");
}

TEST(ConfigFileMerge, TheCommandLineWinsKeyByKey) {
    const KioskConfig file = parse_config(R"({
        "feed": "https://school.example.cn/feed.json", "role": "lobby", "poll_seconds": 60,
        "trusted_keys": [")" + kOfficeKey + R"("], "calm": true, "hours": "mon-fri 07:00-18:30" })",
                                          "kiosk.json");
    KioskCliOverrides cli;
    cli.role = "classroom";
    cli.class_id = "3-2";
    cli.trusted_keys = std::vector<std::string>{kOtherKey};
    cli.calm = false;
    const KioskConfig c = merge(file, cli);
    EXPECT_EQ(c.role, "classroom");
    EXPECT_EQ(c.class_id, "3-2");
    EXPECT_EQ(c.trusted_keys, std::vector<std::string>{kOtherKey});  // replaced, not added to
    EXPECT_FALSE(c.calm);                                             // an explicit false wins too
    // Not on the command line: the file's values stay.
    EXPECT_EQ(c.feed, "https://school.example.cn/feed.json");
    EXPECT_EQ(c.poll_seconds, 60);
    EXPECT_EQ(c.hours, "mon-fri 07:00-18:30");
    // Neither: the default.
    EXPECT_EQ(c.monitor, 0);
    // Nothing set: the file unchanged.
    const KioskConfig same = merge(file, KioskCliOverrides{});
    EXPECT_EQ(same.role, "lobby");
    EXPECT_TRUE(same.calm);
}

TEST(ConfigFileMerge, ACommandLinePageTimeAppliesToEveryPage) {
    const KioskConfig file = parse_config(R"({"page_seconds": {"default": 20, "standings": 40}})", "kiosk.json");
    KioskCliOverrides cli;
    cli.page_seconds = 5;
    const KioskConfig c = merge(file, cli);
    EXPECT_EQ(c.seconds_for_page("standings"), 5);
    EXPECT_EQ(c.seconds_for_page("goals"), 5);
    EXPECT_EQ(merge(file, {}).seconds_for_page("standings"), 40);
}

TEST(ConfigFileMerge, MergedValuesMeetTheSameRules) {
    KioskCliOverrides cli;
    cli.role = "hall";
    const KioskConfig c = merge(KioskConfig{}, cli);
    try {
        check_config(c, "command line");
        ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), "command line: /role: \"hall\" is not a role (lobby, corridor, classroom, assembly)");
    }
    EXPECT_NO_THROW(check_config(KioskConfig{}, "defaults"));
}

TEST(ConfigFileMerge, WhetherPageSecondsWasChosenAtAll) {
    // A classroom's slower default applies only when neither side chose.
    EXPECT_FALSE(parse_config(R"({"role": "lobby"})", "kiosk.json").page_seconds_given);
    EXPECT_TRUE(parse_config(R"({"page_seconds": 15})", "kiosk.json").page_seconds_given);
    EXPECT_TRUE(parse_config(R"({"page_seconds": {"standings": 40}})", "kiosk.json").page_seconds_given);
    KioskCliOverrides cli;
    cli.page_seconds = 15;
    EXPECT_TRUE(merge(KioskConfig{}, cli).page_seconds_given);
    EXPECT_FALSE(merge(KioskConfig{}, {}).page_seconds_given);
}

// [SECTION] the settings table ----------------------------------------------------

// The code's default as docs/config.md's default column starts: `30`, `"lobby"`, `[]`.
std::string default_as_doc(const Setting& s) {
    const KioskConfig defaults;
    return std::visit(
        [&](const auto& field) -> std::string {
            const auto& value = defaults.*field.config;
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, double>) {
                std::ostringstream out;
                out << value;
                return "`" + out.str() + "`";
            } else {
                return "`" + nlohmann::json(value).dump() + "`";
            }
        },
        s.value);
}

std::string number_text(double x) {
    std::ostringstream out;
    out << x;
    return out.str();
}

TEST(SettingsTable, HoldsEveryKeyOnceAndEveryFlagOnce) {
    std::set<std::string> keys, flags;
    for (const Setting& s : settings()) {
        if (s.in_config()) {
            EXPECT_TRUE(keys.insert(std::string(s.key)).second) << s.key;
        }
        if (s.on_command_line()) {
            EXPECT_TRUE(flags.insert(std::string(s.flag)).second) << s.flag;
        }
        EXPECT_TRUE(s.in_config() || s.on_command_line());
    }
    EXPECT_EQ(keys, kEveryKey);
    // Every flag the kiosk has had stays (tests/render/check_cli.py and the scripts use them).
    const std::set<std::string> kEveryFlag = {
        "--feed",   "--trusted-key", "--role",     "--class",    "--grade",           "--screen-id",
        "--poll",   "--page-seconds", "--pages",   "--hours",    "--monitor",         "--cache-dir",
        "--status-file", "--calm",   "--config",   "--at",       "--size",            "--windowed",
        "--fullscreen", "--dump",    "--dump-transition", "--max-fps", "--bench-frames", "--state-file",
        "--metrics-file", "--power-backend", "--clock-from"};
    EXPECT_EQ(flags, kEveryFlag);
    EXPECT_EQ(setting_for_key("poll_seconds"), setting_for_flag("--poll"));
    EXPECT_EQ(setting_for_key("--poll"), nullptr);
    EXPECT_EQ(setting_for_flag("poll_seconds"), nullptr);
}

TEST(SettingsTable, EveryKeyHasItsFieldsAndEveryFlagWithoutAKeyHasNone) {
    for (const Setting& s : settings()) {
        std::visit(
            [&](const auto& field) {
                if (s.in_config()) {
                    EXPECT_NE(field.config, nullptr) << s.key;
                    EXPECT_EQ(field.command_line != nullptr, s.on_command_line()) << s.key;
                } else {
                    EXPECT_EQ(field.config, nullptr) << s.flag;
                    EXPECT_EQ(field.command_line, nullptr) << s.flag;
                }
            },
            s.value);
        if (s.in_config()) {
            EXPECT_FALSE(s.doc_type.empty()) << s.key;
            EXPECT_FALSE(s.doc.empty()) << s.key;
        }
        EXPECT_FALSE(s.help.empty()) << s.key << s.flag;
        if (!s.excludes.empty()) {
            EXPECT_NE(setting_for_flag(s.excludes), nullptr) << s.flag;
        }
    }
}

// The docs' default column starts with the code's default, so the two cannot drift.
TEST(SettingsTable, TheDocumentedDefaultIsTheCodesDefault) {
    for (const Setting& s : settings()) {
        if (!s.in_config()) continue;
        const std::string expected = default_as_doc(s);
        EXPECT_EQ(std::string(s.doc_default).rfind(expected, 0), 0u) << s.key << ": " << s.doc_default << " vs " << expected;
    }
}

// A range is said where it is documented: the type column, the help line.
TEST(SettingsTable, RangesAndChoicesAreDocumented) {
    for (const Setting& s : settings()) {
        if (s.has_range()) {
            const std::string dots = number_text(s.min) + ".." + number_text(s.max);
            if (s.in_config()) {
                const std::string dash = number_text(s.min) + "–" + number_text(s.max);
                EXPECT_NE(std::string(s.doc_type).find(dash), std::string::npos) << s.key << ": " << s.doc_type;
            }
            EXPECT_NE(std::string(s.help).find(dots), std::string::npos) << s.flag << ": " << s.help;
        }
        for (std::string_view choice : s.choices) {
            std::string quoted = "`";
            quoted.append(choice).append("`");
            EXPECT_NE(std::string(s.doc).find(quoted), std::string::npos) << s.key << ": " << choice;
        }
        if (s.in_config() && s.on_command_line()) {
            EXPECT_NE(std::string(s.help).find("default"), std::string::npos) << s.flag << ": " << s.help;
        }
    }
}

// [SECTION] docs/config.md ---------------------------------------------------------
// The page's lists of keys and flags are generated from the table, between
// markers; a test run with KIOSK_UPDATE_DOCS=1 rewrites them.

struct DocPart {
    SettingsDoc part;
    const char* name;
};
constexpr DocPart kDocParts[] = {
    {SettingsDoc::keys, "keys"}, {SettingsDoc::flags, "flags"}, {SettingsDoc::command_line_only, "command-line-only"}};

TEST(ConfigDocs, TheListsOfKeysAndFlagsAreTheTablesOwn) {
    const fs::path path = fs::path(KIOSK_ASSETS_DIR).parent_path() / "docs" / "config.md";
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    const char* update = std::getenv("KIOSK_UPDATE_DOCS");
    const bool rewrite = update != nullptr && std::string(update) == "1";
    bool changed = false;
    for (const DocPart& part : kDocParts) {
        const std::string begin = "<!-- settings: " + std::string(part.name);
        const std::string end = "<!-- end of settings: " + std::string(part.name) + " -->";
        const std::size_t b = doc.find(begin);
        ASSERT_NE(b, std::string::npos) << path << " has no " << begin << " … -->";
        const std::size_t body = doc.find("-->\n", b);
        ASSERT_NE(body, std::string::npos);
        const std::size_t first = body + 4;
        const std::size_t e = doc.find(end, first);
        ASSERT_NE(e, std::string::npos) << path << " has no " << end;
        const std::string expected = settings_markdown(part.part);
        if (doc.compare(first, e - first, expected) == 0) continue;
        if (rewrite) {
            doc.replace(first, e - first, expected);
            changed = true;
        } else {
            ADD_FAILURE() << path.string() << ": the list of " << part.name
                          << " differs from the settings table (kiosk/config_file.cpp). Rewrite it with\n"
                          << "  KIOSK_UPDATE_DOCS=1 build/tests/unit_tests --gtest_filter='ConfigDocs.*'\n"
                          << "The table gives:\n"
                          << expected;
        }
    }
    if (changed) {
        std::ofstream(path, std::ios::binary) << doc;
        std::cout << "rewrote " << path.string() << "\n";
    }
}

TEST(ConfigDocs, TheGeneratedTablesHaveARowPerSetting) {
    const auto rows = [](const std::string& table) {
        std::size_t n = 0;
        for (std::size_t at = table.find('\n'); at != std::string::npos; at = table.find('\n', at + 1)) ++n;
        return n - 2;  // the header and its rule
    };
    std::size_t keys = 0, command_line_only = 0;
    for (const Setting& s : settings()) (s.in_config() ? keys : command_line_only) += 1;
    EXPECT_EQ(rows(settings_markdown(SettingsDoc::keys)), keys);
    EXPECT_EQ(rows(settings_markdown(SettingsDoc::flags)), keys);
    EXPECT_EQ(rows(settings_markdown(SettingsDoc::command_line_only)), command_line_only);
    // A "|" inside a cell is escaped (--feed URL|PATH), or the row would split.
    EXPECT_NE(settings_markdown(SettingsDoc::flags).find("`--feed URL\\|PATH`"), std::string::npos);
}

}  // namespace
}  // namespace campus::kiosk
