// The kiosk's JSON config file (kiosk/config_file.hpp): defaults, every key,
// errors that name the file and the key, unknown and duplicate keys, wrong
// types, and the command line winning over the file.

#include "kiosk/config_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

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
                                         "monitor",      "cache_dir",    "status_file",  "calm"};

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
              "(class, habit, standings, goals, events, announcements)");
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
    for (const auto& [key, value] : document.items()) keys.insert(key);
    EXPECT_EQ(keys, kEveryKey);
}

// docs/config.md documents every key.
TEST(ConfigFileLoad, TheDocsNameEveryKey) {
    std::ifstream in(fs::path(KIOSK_ASSETS_DIR).parent_path() / "docs" / "config.md");
    ASSERT_TRUE(in);
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const std::string& key : kEveryKey) EXPECT_NE(doc.find("| `" + key + "`"), std::string::npos) << key;
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

}  // namespace
}  // namespace campus::kiosk
