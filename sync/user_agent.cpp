// The poll's User-Agent, written and read. See user_agent.hpp.
#include "sync/user_agent.hpp"

#include <unistd.h>

#include <charconv>
#include <climits>

#include "sync/sync_state.hpp"

#ifndef CAMPUS_KIOSK_VERSION
#error "CAMPUS_KIOSK_VERSION must be defined (sync/CMakeLists.txt passes PROJECT_VERSION)"
#endif

namespace campus {

namespace {

constexpr std::string_view kProduct = "campus-kiosk/";

bool plain(unsigned char c) {
    return c > 0x20 && c < 0x7f && c != ';' && c != '(' && c != ')' && c != '%' && c != '"' && c != '\\';
}

std::string encode(std::string_view s) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (plain(c)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::optional<std::string> decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;  // a cut-off escape
        const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

bool consume(std::string_view& s, std::string_view prefix) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    s.remove_prefix(prefix.size());
    return true;
}

}  // namespace

const char* kiosk_version() { return CAMPUS_KIOSK_VERSION; }

std::string screen_name(const std::string& configured) {
    if (!configured.empty()) return configured;
    char host[HOST_NAME_MAX + 1] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "unknown-host";
    return host;
}

std::string poll_user_agent(std::string_view screen, int64_t shown_version, const SyncState& state) {
    std::string ua(kProduct);
    ua += kiosk_version();
    ua += " (screen ";
    ua += encode(screen.empty() ? std::string_view("unknown-host") : screen);
    ua += shown_version > 0 ? "; feed v" + std::to_string(shown_version) : std::string("; no feed");
    ua += state.refused ? "; refused)" : state.offline ? "; offline)" : "; online)";
    return ua;
}

std::optional<PollIdentity> parse_poll_user_agent(std::string_view ua) {
    PollIdentity id;
    if (!consume(ua, kProduct)) return std::nullopt;
    const auto space = ua.find(' ');
    if (space == std::string_view::npos || space == 0) return std::nullopt;
    id.kiosk_version = std::string(ua.substr(0, space));
    ua.remove_prefix(space);
    if (!consume(ua, " (screen ")) return std::nullopt;
    const auto semi = ua.find("; ");
    if (semi == std::string_view::npos || semi == 0) return std::nullopt;
    auto screen = decode(ua.substr(0, semi));
    if (!screen) return std::nullopt;
    id.screen = std::move(*screen);
    ua.remove_prefix(semi + 2);
    if (consume(ua, "feed v")) {
        const char* end = ua.data() + ua.size();
        auto [p, ec] = std::from_chars(ua.data(), end, id.feed_version);
        if (ec != std::errc{} || id.feed_version < 1) return std::nullopt;
        ua.remove_prefix(static_cast<std::size_t>(p - ua.data()));
    } else if (!consume(ua, "no feed")) {
        return std::nullopt;
    }
    if (!consume(ua, "; ")) return std::nullopt;
    for (std::string_view condition : {"online", "offline", "refused"}) {
        if (ua.substr(0, condition.size()) == condition && ua.substr(condition.size()) == ")") {
            id.condition = std::string(condition);
            return id;
        }
    }
    return std::nullopt;
}

}  // namespace campus
