// Keys the contract does not know (publish/unknown_keys): the distance, the
// suggestion, the walk, the table against the JSON Schema, and `kiosk-feed
// validate [--strict]` as a program.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "publish/unknown_keys.hpp"

namespace {

namespace fs = std::filesystem;
using namespace campus::publish;
using nlohmann::json;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

json sample() { return json::parse(slurp(fs::path(KIOSK_ASSETS_DIR) / "sample-feed.json")); }

std::vector<std::string> lines_of(const std::vector<UnknownKey>& keys) {
    std::vector<std::string> out;
    for (const UnknownKey& k : keys) out.push_back(to_string(k));
    return out;
}

TEST(EditDistance, CountsEditsSwapsAndCodePoints) {
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("untill", "until"), 1u);
    EXPECT_EQ(edit_distance("utnil", "until"), 1u);  // a swapped pair is one edit
    EXPECT_EQ(edit_distance("Title", "title"), 0u);  // ASCII case does not count
    EXPECT_EQ(edit_distance("卫生", "卫星"), 1u);    // code points, not bytes
    EXPECT_EQ(edit_distance("", "goals"), 5u);
    EXPECT_EQ(edit_distance("goals", "goals"), 0u);
}

TEST(NearestKey, SuggestsATypoNotAnotherWord) {
    const std::vector<std::string_view> term = {"name", "start", "end", "theme", "goals"};
    EXPECT_EQ(nearest_key("goal", term), "goals");
    EXPECT_EQ(nearest_key("Goals", term), "goals");
    EXPECT_EQ(nearest_key("thmee", term), "theme");
    EXPECT_EQ(nearest_key("starts", term), "start");
    EXPECT_EQ(nearest_key("motto", term), "");      // a real word of another object, far from these
    EXPECT_EQ(nearest_key("x", {"id"}), "");         // one letter is no evidence
    EXPECT_EQ(nearest_key("_comment", term), "");
    EXPECT_EQ(nearest_key("announcemnts", {"announcements", "events"}), "announcements");
}

TEST(UnknownKeys, NamesThePlaceAndTheNearestKey) {
    json feed = sample();
    feed["term"]["goal"] = feed["term"]["goals"];
    feed["announcements"][2]["untill"] = "2026-12-01T00:00:00+08:00";
    feed["school"]["Name"] = "x";
    feed["competitions"][0]["rounds"][0]["scores"][0]["hygeine"] = 3;  // beside the real "hygiene"
    feed["competitions"][1]["rounds"][0]["scores"][0]["hygiene"] = 3;  // a criterion of the other competition
    feed["_comment"] = "made by hand";
    feed["term"]["goals"][0]["progress"]["targte"] = 5;
    feed["events"][0]["a/b"] = 1;
    const auto found = find_unknown_keys(feed);
    // The hygiene flag's criteria are classroom, area and personal: "hygiene"
    // is a criterion of the red flag only, so not a key of this competition's rows.
    ASSERT_EQ(feed["competitions"][1]["criteria"][0]["id"], "classroom");
    const std::vector<std::string> expected = {
        "/_comment: unknown key",
        "/school/Name: unknown key; did you mean \"name\"?",
        "/term/goal: unknown key; did you mean \"goals\"?",
        "/term/goals/0/progress/targte: unknown key; did you mean \"target\"?",
        "/competitions/0/rounds/0/scores/0/hygeine: unknown key; did you mean \"hygiene\"?",
        "/competitions/1/rounds/0/scores/0/hygiene: unknown key",
        "/announcements/2/untill: unknown key; did you mean \"until\"?",
        "/events/0/a~1b: unknown key",
    };
    EXPECT_EQ(lines_of(found), expected);
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found[2].key, "goal");
    EXPECT_EQ(found[2].suggestion, "goals");
}

TEST(UnknownKeys, ShippedFeedsHaveNone) {
    EXPECT_TRUE(find_unknown_keys(sample()).empty()) << lines_of(find_unknown_keys(sample()))[0];
    for (const auto& entry : fs::directory_iterator(fs::path(KIOSK_FIXTURES_DIR) / "valid")) {
        const auto found = find_unknown_keys_in_bytes(slurp(entry.path()));
        EXPECT_TRUE(found.empty()) << entry.path() << ": " << to_string(found.front());
    }
}

TEST(UnknownKeys, WrongShapesAndNonJsonAreLeftToTheContractCheck) {
    EXPECT_TRUE(find_unknown_keys_in_bytes("{not json").empty());
    EXPECT_TRUE(find_unknown_keys_in_bytes("[1, 2]").empty());
    EXPECT_TRUE(find_unknown_keys_in_bytes(std::string(100000, '[')).empty());
    const auto found = find_unknown_keys_in_bytes(
        R"({"term": [], "classes": {"id": 1}, "competitions": [3, {"rounds": [{"scores": [{"class": "1-1", "x": 1}]}]}]})");
    EXPECT_EQ(lines_of(found), std::vector<std::string>{"/competitions/1/rounds/0/scores/0/x: unknown key"});
}

// The table says each object's keys once; the schema lists the same ones as
// `properties`. Extra keys in the table are only those marked contract_only
// (a field the contract has and the schema not yet).
TEST(UnknownKeys, TableMatchesTheSchema) {
    const json schema = json::parse(slurp(fs::path(KIOSK_SOURCE_DIR) / "sync" / "schema" / "campus-feed-1.schema.json"));
    auto properties = [&](const KnownObject& object) -> const json* {
        if (object.name == "feed") return &schema["properties"];
        if (object.name == "progress") return &schema["$defs"]["goal"]["properties"]["progress"]["properties"];
        const auto def = schema["$defs"].find(std::string(object.name));
        if (def == schema["$defs"].end()) return nullptr;
        return &(*def)["properties"];
    };
    std::set<std::string> schema_objects;
    for (const auto& [name, def] : schema["$defs"].items())
        if (def.contains("properties")) schema_objects.insert(name);
    for (const KnownObject& object : known_key_table()) {
        SCOPED_TRACE(std::string(object.name));
        schema_objects.erase(std::string(object.name));
        std::set<std::string> in_table(object.keys.begin(), object.keys.end());
        EXPECT_EQ(in_table.size(), object.keys.size()) << "a key listed twice";
        std::set<std::string> in_schema;
        if (const json* props = properties(object))
            for (const auto& [key, value] : props->items()) in_schema.insert(key);
        for (const std::string& key : in_schema) EXPECT_TRUE(in_table.count(key)) << key << " is in the schema only";
        std::set<std::string> extra;
        for (const std::string& key : in_table)
            if (!in_schema.count(key)) extra.insert(key);
        EXPECT_EQ(extra, std::set<std::string>(object.contract_only.begin(), object.contract_only.end()));
    }
    EXPECT_TRUE(schema_objects.empty()) << *schema_objects.begin() << " has properties the table does not list";
}

// kiosk-feed validate as the office runs it.
struct ToolOutput {
    int status = -1;
    std::string out;
};
ToolOutput run_validate(const std::string& args) {
    ToolOutput r;
    FILE* pipe = ::popen((std::string(KIOSK_FEED_TOOL) + " validate " + args + " 2>/dev/null").c_str(), "r");
    if (!pipe) return r;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
    const int status = ::pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(UnknownKeys, ValidateWarnsAndStrictFails) {
    json feed = sample();
    feed["term"]["goal"] = json::array();
    feed["announcements"][2]["untill"] = "2026-12-01T00:00:00+08:00";
    const fs::path file = fs::temp_directory_path() / ("unknown-keys-" + std::to_string(::getpid()) + ".json");
    std::ofstream(file) << feed.dump(1);
    const std::string expected = file.string() + ": /term/goal: unknown key; did you mean \"goals\"?\n" + file.string() +
                                 ": /announcements/2/untill: unknown key; did you mean \"until\"?\n";
    const ToolOutput warn = run_validate(file.string());
    EXPECT_EQ(warn.status, 0);
    EXPECT_EQ(warn.out, expected);
    const ToolOutput strict = run_validate("--strict " + file.string());
    EXPECT_EQ(strict.status, 1);
    EXPECT_EQ(strict.out, expected);
    // Strict and clean: still 0.
    const ToolOutput clean = run_validate("--strict " + (fs::path(KIOSK_ASSETS_DIR) / "sample-feed.json").string());
    EXPECT_EQ(clean.status, 0);
    EXPECT_EQ(clean.out, "");
    fs::remove(file);
}

}  // namespace
