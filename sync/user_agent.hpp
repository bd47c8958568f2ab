// What a screen tells the feed server on every poll: who asks and what it
// shows, in the User-Agent, so the office can see its fleet in the web
// server's access log (`kiosk-feed fleet`, publish/fleet.hpp) without any
// server-side program:
//
//   campus-kiosk/0.1.0 (screen lobby-east; feed v37; online)
//   campus-kiosk/0.1.0 (screen 3-2%E7%8F%AD; no feed; offline)
//
// The screen is the `screen_id` setting, else the host name. Bytes outside
// printable ASCII and the separators `;()%"\` are percent-encoded, so any
// name survives the header and the log and parses back whole. The condition
// is the last attempt's: online (the server confirmed the shown feed or sent
// a new one), offline (no answer), refused (an answer the screen may not show).
// The writer and the parser live together so that they cannot drift apart.
//
// Thread safety: pure functions; screen_name() reads the host name each call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace campus {

struct SyncState;

// The project version (CMake's PROJECT_VERSION), e.g. "0.1.0".
const char* kiosk_version();

// `configured` when not empty, else the host name ("unknown-host" if none).
std::string screen_name(const std::string& configured);

// The header's value. shown_version 0 = no feed shown yet.
std::string poll_user_agent(std::string_view screen, int64_t shown_version, const SyncState& state);

struct PollIdentity {
    std::string kiosk_version;  // "0.1.0"
    std::string screen;         // decoded
    int64_t feed_version = 0;   // 0 = "no feed"
    std::string condition;      // "online" | "offline" | "refused"
};

// nullopt when `user_agent` is not a campus-kiosk poll (a browser, curl, a
// bot, a screen of some future format this reader does not know).
std::optional<PollIdentity> parse_poll_user_agent(std::string_view user_agent);

}  // namespace campus
