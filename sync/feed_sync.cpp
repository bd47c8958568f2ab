// FeedSync: the sync thread. See feed_sync.hpp for the pipeline.
//
// [SECTION] helpers: clock, RFC 3339 for the status file
// [SECTION] Impl: state owned by the sync thread
// [SECTION] checking a candidate: signature, contract, claim, rollback guard
// [SECTION] one attempt against the network
// [SECTION] the feed's pictures
// [SECTION] publishing: snapshot swap, status file, metrics file
// [SECTION] the thread: poll, jitter, backoff, stop
#include "sync/feed_sync.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "sync/feed_cache.hpp"
#include "sync/feed_fetch.hpp"
#include "sync/media_store.hpp"
#include "sync/minisign.hpp"
#include "sync/user_agent.hpp"

namespace campus {

namespace {

// ---------------------------------------------------------------------------
// [SECTION] helpers

Instant now_instant() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::string utc_rfc3339(Instant t) {
    std::time_t tt = static_cast<std::time_t>(t.time_since_epoch().count());
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// A signature is a few hundred bytes; anything near this is not one.
constexpr std::size_t kMaxSignatureBytes = 64u << 10;

std::string join_problems(const std::vector<Problem>& problems) {
    std::string out;
    const std::size_t shown = std::min<std::size_t>(problems.size(), 3);
    for (std::size_t i = 0; i < shown; ++i) {
        if (i) out += "; ";
        out += to_string(problems[i]);
    }
    if (problems.size() > shown) out += "; and " + std::to_string(problems.size() - shown) + " more";
    return out;
}

}  // namespace

const char* refusal_name(FeedRefusal refusal) {
    switch (refusal) {
        case FeedRefusal::signature: return "signature";
        case FeedRefusal::invalid: return "invalid";
        case FeedRefusal::rollback: return "rollback";
        case FeedRefusal::other_feed: return "feed_id";
        case FeedRefusal::none: break;
    }
    return "";
}

// ---------------------------------------------------------------------------
// [SECTION] Impl

struct FeedSync::Impl {
    explicit Impl(FeedSyncConfig c)
        : config(std::move(c)), cache(config.cache_dir), media_store(cache.dir(), config.media_limits),
          screen(screen_name(config.screen_id)),
          rng(std::random_device{}()) {}

    FeedSyncConfig config;
    FeedCache cache;
    MediaStore media_store;
    std::string screen;  // the screen_id, else the host name
    std::vector<MinisignPublicKey> keys;
    std::string key_problem;  // set when keys were configured but none is usable

    // The published snapshot: the only state shared with other threads.
    mutable std::mutex snapshot_mutex;
    std::shared_ptr<const FeedSnapshot> published = std::make_shared<FeedSnapshot>();

    std::mutex wake_mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::atomic<bool> cancel_transfer{false};  // stop() aborts a transfer in flight
    bool started = false;
    std::thread thread;
    std::function<void()> on_update;

    // Owned by the sync thread (and by start() before the thread exists).
    std::shared_ptr<const Feed> shown;
    CachedFeed shown_record;  // body, signature, validators of `shown`
    RollbackGuard guard;
    SyncState state;
    int consecutive_failures = 0;
    std::mt19937_64 rng;
    std::string last_status_error;
    // The cache does not hold `shown_record` (disk full, read-only directory).
    // While true, every successful attempt retries the write: a 304 brings
    // nothing new to write, and the cache would otherwise stay behind until
    // the next feed change (and a restart while offline show an older feed).
    bool cache_behind = false;
    std::string cache_write_error;  // the failure last logged; "" after a successful write
    bool guard_behind = false;      // the same for guard.json: `guard` is not on disk yet
    // Why the cache directory cannot be created or written ("" = it can): the
    // last write's outcome, or what start() found. In the status file and the
    // metrics, not only in the log, since nobody reads a screen's log.
    std::string cache_problem;
    uint64_t fetch_failures = 0;    // campus_kiosk_fetch_failures_total
    ScreenCounters screen_counters;
    std::string last_metrics_error;
    std::string guard_write_error;  // the guard's failure last logged
    // The pictures: what the screen may show, whether a pass is due for the
    // shown feed, and the problems last logged (once per reason, not per poll).
    std::shared_ptr<const MediaFiles> media_files = std::make_shared<const MediaFiles>();
    bool media_pending = false;
    bool reached_server = false;  // the last attempt got an answer (the pictures may be fetched)
    std::vector<std::string> media_problems_logged;

    bool signatures_required() const { return !config.trusted_keys.empty(); }

    struct Verdict {
        std::shared_ptr<const Feed> feed;
        std::string refusal;  // empty when accepted
        FeedRefusal kind = FeedRefusal::none;
    };
    Verdict check(std::string_view body, std::string_view signature, const std::string& signature_where) const;
    void accept(std::shared_ptr<const Feed> feed, CachedFeed record, FeedSource source);
    void load_cache();
    void attempt();
    void update_media();
    FetchRequest transfer_request() const;
    void publish();
    void write_status();
    void write_metrics();
    void store_shown_record();
    void store_guard_if_cache_holds();
    std::chrono::milliseconds next_delay();
    void run();
};

// ---------------------------------------------------------------------------
// [SECTION] checking a candidate

FeedSync::Impl::Verdict FeedSync::Impl::check(std::string_view body, std::string_view signature,
                                              const std::string& signature_where) const {
    Verdict v;
    std::string trusted_comment;
    if (signatures_required()) {
        if (!key_problem.empty()) {
            v.refusal = key_problem;
            v.kind = FeedRefusal::signature;
            return v;
        }
        if (signature.empty()) {
            v.refusal = "no signature (" + signature_where + ") and trusted keys are configured";
            v.kind = FeedRefusal::signature;
            return v;
        }
        auto verdict = verify_minisign(body, signature, keys);
        if (!verdict.ok) {
            v.refusal = "signature " + signature_where + ": " + verdict.error;
            v.kind = FeedRefusal::signature;
            return v;
        }
        trusted_comment = verdict.trusted_comment;
    }

    ParseResult parsed = parse_feed(body, config.limits);
    if (!parsed.ok()) {
        v.refusal = "invalid feed: " + join_problems(parsed.problems);
        v.kind = FeedRefusal::invalid;
        return v;
    }
    const Feed& feed = *parsed.feed;

    if (signatures_required()) {
        // The signature covers the bytes; the claim ties them to this school and
        // this version, so an old signed feed cannot be replayed as a new one.
        FeedClaim claim = parse_feed_claim(trusted_comment);
        if (claim.feed_id != feed.feed_id || claim.version != feed.version) {
            v.refusal = "signed trusted comment '" + trusted_comment + "' does not match the feed (feed_id=" +
                        feed.feed_id + " version=" + std::to_string(feed.version) + ")";
            v.kind = FeedRefusal::signature;
            return v;
        }
    }
    if (!guard.feed_id.empty() && guard.feed_id != feed.feed_id) {
        v.refusal = "feed_id '" + feed.feed_id + "' is not the pinned feed_id '" + guard.feed_id +
                    "' (reset the rollback guard to follow another feed)";
        v.kind = FeedRefusal::other_feed;
        return v;
    }
    if (feed.version < guard.highest_version) {
        v.refusal = "version " + std::to_string(feed.version) + " is older than version " +
                    std::to_string(guard.highest_version) + " already shown (rollback refused)";
        v.kind = FeedRefusal::rollback;
        return v;
    }
    // A version names one document: the same number with other bytes is a
    // publish that forgot to count up (or a stale copy served by a mirror),
    // and the screens would disagree about what version 37 says. Only the
    // shown feed's body is known; at start-up `shown` is unset and the cached
    // body checked here is the shown one. The same bytes again never reach
    // check() (attempt() takes them as "unchanged").
    if (shown && feed.version == shown->version && feed.version == guard.highest_version &&
        body != shown_record.body) {
        v.refusal = "version " + std::to_string(feed.version) +
                    " is already shown with other content (a version names one document; publish a new version)";
        v.kind = FeedRefusal::rollback;
        return v;
    }
    v.feed = parsed.feed;
    return v;
}

void FeedSync::Impl::accept(std::shared_ptr<const Feed> feed, CachedFeed record, FeedSource source) {
    RollbackGuard next{feed->feed_id, std::max(guard.highest_version, feed->version)};
    shown = std::move(feed);
    media_pending = !shown->media.empty();
    state.etag = record.etag;
    shown_record = std::move(record);
    state.source = source;
    // Feed first, guard second, and the guard only once the feed is on disk:
    // the guard on disk is never above what the cache can show, or a restart
    // while offline would refuse the older cached feed as a rollback and show
    // the waiting screen. A crash in between leaves a cache above the guard,
    // which load_cache() accepts. In memory the guard moves at once, so this
    // process never goes back either way.
    if (source == FeedSource::network) store_shown_record();
    if (next.feed_id != guard.feed_id || next.highest_version != guard.highest_version) {
        guard = next;
        guard_behind = true;
        store_guard_if_cache_holds();
    }
}

void FeedSync::Impl::store_guard_if_cache_holds() {
    // cache_behind: feed.cache holds an older version (or none); the guard
    // waits until confirmed() has written the feed shown.
    if (!guard_behind || cache_behind) return;
    const std::string err = cache.store_guard(guard);
    if (!err.empty() && err != guard_write_error)
        spdlog::warn("feed sync: rollback guard not written: {}", err);
    cache_problem = err;
    guard_behind = !err.empty();
    guard_write_error = err;
}

void FeedSync::Impl::store_shown_record() {
    std::string err = cache.store_feed(shown_record);
    cache_behind = !err.empty();
    cache_problem = err;
    if (err.empty()) {
        if (!cache_write_error.empty())
            spdlog::info("feed sync: cache written again ({}, version {}) after: {}", cache.feed_path(),
                         shown->version, cache_write_error);
    } else if (err != cache_write_error) {
        // Once per reason, not once per poll: a full disk must not fill the log too.
        spdlog::warn("feed sync: cache not written, the feed will not survive a restart: {}", err);
    }
    cache_write_error = std::move(err);
}

void FeedSync::Impl::load_cache() {
    if (auto err = cache.prepare(); !err.empty()) {
        spdlog::warn("feed sync: {}", err);
        cache_problem = err;
    } else if (::access(cache.dir().c_str(), W_OK | X_OK) != 0) {
        // Found now rather than at the first write, which may be days away
        // (every poll a 304): the screen would not survive a restart meanwhile.
        cache_problem = "cache directory " + cache.dir() + " is not writable: " + std::strerror(errno);
        spdlog::warn("feed sync: {}", cache_problem);
    }
    std::string guard_error;
    guard = config.reset_rollback_guard ? RollbackGuard{} : cache.load_guard(&guard_error);
    if (!guard_error.empty()) spdlog::warn("feed sync: {}", guard_error);
    if (config.reset_rollback_guard) {
        spdlog::info("feed sync: rollback guard reset by the operator (pinned feed_id and highest version forgotten)");
        if (auto err = cache.store_guard(guard); !err.empty()) spdlog::warn("feed sync: {}", err);
    }

    std::string cache_error;
    auto cached = cache.load_feed(&cache_error);
    if (!cached) {
        if (!cache_error.empty()) spdlog::warn("feed sync: cached feed ignored: {}", cache_error);
        return;
    }
    Verdict v = check(cached->body, cached->signature, "in the cache");
    if (!v.feed) {
        // accept() never writes the guard above the cache, so a rollback here
        // means the cache was replaced behind our back; anything else failing
        // means it is not trustworthy. Either way: ignore it.
        spdlog::warn("feed sync: cached feed {} ignored: {}", cache.feed_path(), v.refusal);
        return;
    }
    spdlog::info("feed sync: showing cached feed {} version {}", v.feed->feed_id, v.feed->version);
    if (cached->fetched_at > 0) state.last_success = Instant{std::chrono::seconds{cached->fetched_at}};
    accept(v.feed, std::move(*cached), FeedSource::cache);
    // The cached pictures at once, by a stat each: a screen booting offline
    // shows them from its first frame (the first pass reads them back).
    if (auto err = media_store.prepare(); !err.empty()) spdlog::warn("feed sync: {}", err);
    media_files = std::make_shared<const MediaFiles>(media_store.on_disk(*shown));
}

// ---------------------------------------------------------------------------
// [SECTION] one attempt

FetchRequest FeedSync::Impl::transfer_request() const {
    FetchRequest request;
    request.url = config.source;
    request.ca_file = config.ca_file;
    request.proxy = config.proxy;
    // Who asks and what it shows (the last attempt's condition): the office
    // reads its fleet from the server's access log (kiosk-feed fleet).
    request.user_agent = poll_user_agent(screen, shown ? shown->version : 0, state);
    request.limits.connect_timeout = config.connect_timeout;
    request.limits.total_timeout = config.total_timeout;
    request.limits.low_speed_bytes = config.low_speed_bytes;
    request.limits.low_speed_time = config.low_speed_time;
    request.limits.max_bytes = config.limits.max_bytes;
    request.cancel = &cancel_transfer;
    return request;
}

void FeedSync::Impl::attempt() {
    const Instant now = now_instant();
    state.last_attempt = now;
    reached_server = false;

    FetchRequest request = transfer_request();
    // Validators only belong to the URL that issued them.
    if (shown && shown_record.source == config.source) {
        request.etag = shown_record.etag;
        request.last_modified = shown_record.last_modified;
    }

    // The server did not answer, or not with a whole reply: back off.
    auto fail = [&](std::string error) {
        spdlog::warn("feed sync: {}", error);
        ++fetch_failures;
        state.offline = true;
        state.refused = false;
        state.refusal = FeedRefusal::none;
        state.last_error = std::move(error);
        ++consecutive_failures;
    };
    // The server answered with something this screen may not show. Not a
    // failure of the network: the next poll comes at the normal interval, so
    // a publish fixed upstream (or a signature that arrived after its body)
    // shows within one poll. The shown feed stays.
    auto refuse = [&](std::string error, FeedRefusal kind) {
        spdlog::warn("feed sync: {}", error);
        state.offline = false;
        state.refused = true;
        state.refusal = kind;
        state.last_error = std::move(error);
        consecutive_failures = 0;
    };
    // retry_cache: false right after accept() tried the write in this same attempt.
    auto confirmed = [&](bool retry_cache = true) {
        state.offline = false;
        state.refused = false;
        state.refusal = FeedRefusal::none;
        state.last_error.clear();
        state.last_success = now;
        state.source = FeedSource::network;
        consecutive_failures = 0;
        reached_server = true;
        if (retry_cache && cache_behind) store_shown_record();  // the disk may have room again
        if (retry_cache) store_guard_if_cache_holds();  // after the feed: never ahead of it
    };

    FetchResult result = fetch_source(request);
    if (cancel_transfer) return;  // stopping: neither a success nor a failure worth reporting
    if (!result.ok()) {
        fail(result.error);
        return;
    }
    if (result.outcome == FetchResult::Outcome::not_modified) {
        if (!shown) {
            fail(result.effective_url + ": HTTP 304 to a request without validators");
            return;
        }
        confirmed();
        return;
    }
    if (shown && result.body == shown_record.body) {
        // Unchanged, but served without validators (file://, a server without ETag).
        if (result.etag != shown_record.etag || result.last_modified != shown_record.last_modified ||
            shown_record.source != config.source) {
            shown_record.etag = result.etag;
            shown_record.last_modified = result.last_modified;
            shown_record.source = config.source;
            shown_record.fetched_at = now.time_since_epoch().count();
            state.etag = result.etag;
            cache_behind = true;  // confirmed() writes the new validators
        }
        confirmed();
        return;
    }

    std::string signature;
    const std::string sig_url = signature_url(config.source);
    if (signatures_required()) {
        FetchRequest sig_request = request;
        sig_request.url = config.source + ".minisig";
        sig_request.etag.clear();
        sig_request.last_modified.clear();
        sig_request.limits.max_bytes = kMaxSignatureBytes;
        FetchResult sig = fetch_source(sig_request);
        if (cancel_transfer) return;  // stopping, as above
        if (sig.outcome == FetchResult::Outcome::http_error && sig.http_status >= 400 && sig.http_status < 500) {
            // A body without its signature (yet): the office publishes the two
            // one after the other, and a poll in between sees only one. A 5xx
            // is the server failing, and backs off below like any failure.
            refuse("refused: signature missing: " + sig.error, FeedRefusal::signature);
            return;
        }
        if (sig.outcome == FetchResult::Outcome::failed || sig.outcome == FetchResult::Outcome::http_error) {
            fail(sig.error.empty() ? sig_url + ": signature transfer failed" : sig.error);
            return;
        }
        if (!sig.ok() || sig.outcome != FetchResult::Outcome::body) {
            // A 304 to a request sent without validators: an answer, but no signature.
            refuse("refused: " + (sig.error.empty() ? sig_url + ": no signature body" : sig.error),
                   FeedRefusal::signature);
            return;
        }
        signature = std::move(sig.body);
    }

    Verdict v = check(result.body, signature, sig_url);
    if (!v.feed) {
        refuse("refused " + result.effective_url + ": " + v.refusal, v.kind);
        return;
    }
    CachedFeed record;
    record.body = std::move(result.body);
    record.signature = std::move(signature);
    record.source = config.source;
    record.etag = result.etag;
    record.last_modified = result.last_modified;
    record.fetched_at = now.time_since_epoch().count();
    spdlog::info("feed sync: accepted {} version {} from {}", v.feed->feed_id, v.feed->version, result.effective_url);
    accept(v.feed, std::move(record), FeedSource::network);
    confirmed(false);
}

// ---------------------------------------------------------------------------
// [SECTION] the feed's pictures

// After the feed: its text shows at once, its pictures as they arrive. A
// pass reads back the cached pictures this process has not verified, fetches
// the missing ones when the server answered this attempt, and, after a
// successful update, removes the pictures the shown feed no longer names.
void FeedSync::Impl::update_media() {
    if (!shown) return;
    const bool due = media_pending || !media_store.complete(*shown);
    if (due) {
        if (auto err = media_store.prepare(); !err.empty()) spdlog::warn("feed sync: {}", err);
        FetchRequest prototype = transfer_request();
        prototype.limits.total_timeout = config.media_total_timeout;
        const MediaPass pass = media_store.update(*shown, config.source, prototype, reached_server);
        if (cancel_transfer) return;
        if (pass.problems != media_problems_logged) {
            for (const std::string& p : pass.problems) spdlog::warn("feed sync: picture {}", p);
            media_problems_logged = pass.problems;
        }
        if (pass.fetched > 0 || pass.verified > 0)
            spdlog::info("feed sync: pictures: {} fetched, {} read back from the cache, {} left out", pass.fetched,
                         pass.verified, pass.missing);
        // Offline, the cached files stay offered until read back (on_disk);
        // once read back, only verified ones are.
        MediaFiles next = media_store.available(*shown);
        if (!reached_server) {
            for (auto& [id, file] : media_store.on_disk(*shown).by_id) next.by_id.emplace(id, file);
        }
        if (!(next == *media_files)) media_files = std::make_shared<const MediaFiles>(std::move(next));
        media_pending = false;
    }
    if (reached_server) {
        std::string err;
        const std::size_t removed = media_store.remove_unreferenced(*shown, &err);
        if (removed > 0) spdlog::info("feed sync: removed {} picture(s) the feed no longer names", removed);
        if (!err.empty()) spdlog::warn("feed sync: {}", err);
    }
}

// ---------------------------------------------------------------------------
// [SECTION] publishing

void FeedSync::Impl::publish() {
    const Instant now = now_instant();
    state.stale = shown && shown->expires_at && now > shown->expires_at->instant;
    auto next = std::make_shared<FeedSnapshot>();
    next->feed = shown;
    next->state = state;
    next->media = media_files;
    next->media_pending = media_pending;
    {
        std::lock_guard lock(snapshot_mutex);
        published = std::move(next);
    }
    if (on_update) on_update();
}

void FeedSync::Impl::write_status() {
    if (config.status_file.empty()) return;
    using nlohmann::json;
    auto time_or_null = [](const std::optional<Instant>& t) { return t ? json(utc_rfc3339(*t)) : json(nullptr); };
    json status = {
        {"feed_id", shown ? json(shown->feed_id) : json(nullptr)},
        {"feed_version", shown ? json(shown->version) : json(nullptr)},
        {"source", state.source == FeedSource::network ? json("network")
                   : state.source == FeedSource::cache ? json("cache")
                                                        : json(nullptr)},
        {"last_attempt", time_or_null(state.last_attempt)},
        {"last_success", time_or_null(state.last_success)},
        {"last_error", state.last_error.empty() ? json(nullptr) : json(state.last_error)},
        {"offline", state.offline},
        {"refused", state.refused},
        {"refusal", state.refused ? json(refusal_name(state.refusal)) : json(nullptr)},
        {"stale", state.stale},
        {"etag", state.etag.empty() ? json(nullptr) : json(state.etag)},
        {"cache_writable", cache_problem.empty()},
        {"cache_error", cache_problem.empty() ? json(nullptr) : json(cache_problem)},
    };
    if (shown && !shown->media.empty()) {
        // The pictures, by media id: which the screen may show, which not (the log says why).
        json available = json::array(), missing = json::array();
        for (const MediaItem& m : shown->media) (media_files->find(m.id) ? available : missing).push_back(m.id);
        status["media_available"] = std::move(available);
        status["media_missing"] = std::move(missing);
        status["media_pending"] = media_pending;
    }
    // The screen's side, once it said anything (kiosk-sync has no screen):
    // whether the display is lit, and what its power switch last failed at.
    if (screen_counters.reported.load(std::memory_order_relaxed)) {
        const int on = screen_counters.display_on.load(std::memory_order_relaxed);
        status["display_on"] = on < 0 ? json(nullptr) : json(on == 1);
        const std::string power = screen_counters.power_problem();
        status["power_error"] = power.empty() ? json(nullptr) : json(power);
    }
    std::string err = write_file_atomically(
        config.status_file, status.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
    // A read-only status path must not flood the log every poll: report changes.
    if (err != last_status_error && !err.empty()) spdlog::warn("feed sync: status file not written: {}", err);
    last_status_error = err;
}

void FeedSync::Impl::write_metrics() {
    if (config.metrics_file.empty()) return;
    SyncMetrics m;
    m.feed_version = shown ? shown->version : 0;
    m.last_success = state.last_success;
    m.offline = state.offline;
    m.stale = shown && shown->expires_at && now_instant() > shown->expires_at->instant;
    m.refused = state.refused;
    m.fetch_failures = fetch_failures;
    m.cache_writable = cache_problem.empty();
    std::string err = write_metrics_file(config.metrics_file, m, &screen_counters);
    if (err != last_metrics_error && !err.empty()) spdlog::warn("feed sync: metrics file not written: {}", err);
    last_metrics_error = err;
}

// ---------------------------------------------------------------------------
// [SECTION] the thread

std::chrono::milliseconds FeedSync::Impl::next_delay() {
    using namespace std::chrono;
    const double poll_ms = static_cast<double>(duration_cast<milliseconds>(config.poll).count());
    double base = poll_ms;
    if (consecutive_failures > 0) {
        // Double per failure, capped; never below the normal poll.
        const double cap = std::max(poll_ms, static_cast<double>(duration_cast<milliseconds>(config.max_backoff).count()));
        base = std::min(cap, poll_ms * static_cast<double>(1ull << std::min(consecutive_failures, 20)));
    }
    // ±10 %: a school's screens, switched on together at 7:00, do not poll in lockstep.
    std::uniform_real_distribution<double> jitter(0.9, 1.1);
    return milliseconds(static_cast<int64_t>(std::max(100.0, base * jitter(rng))));
}

void FeedSync::Impl::run() {
    for (;;) {
        attempt();
        publish();
        write_status();
        write_metrics();
        if (shown && (media_pending || !media_store.complete(*shown) || reached_server)) {
            const auto before = media_files;
            const bool was_pending = media_pending;
            update_media();
            if (cancel_transfer) return;
            if (media_files != before || was_pending != media_pending) {
                publish();
                write_status();
            }
        }
        // The metrics at least once a minute (metrics_every), whatever the
        // poll or the backoff: the screen's counters move between polls, and
        // a file that stops changing tells the monitoring that this thread is stuck.
        const auto due = std::chrono::steady_clock::now() + next_delay();
        for (;;) {
            const auto slice = std::min<std::chrono::steady_clock::duration>(due - std::chrono::steady_clock::now(),
                                                                              config.metrics_every);
            {
                std::unique_lock lock(wake_mutex);
                if (wake.wait_for(lock, slice, [this] { return stopping; })) return;
            }
            if (std::chrono::steady_clock::now() >= due) break;
            write_metrics();
        }
    }
}

FeedSync::FeedSync(FeedSyncConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {
    for (const auto& text : impl_->config.trusted_keys) {
        auto key = parse_minisign_public_key(text);
        if (key.value)
            impl_->keys.push_back(*key.value);
        else
            spdlog::error("feed sync: trusted key ignored: {}", key.error);
    }
    if (!impl_->config.trusted_keys.empty() && impl_->keys.empty())
        impl_->key_problem = "none of the configured trusted keys is a valid minisign public key; every feed is refused";
}

FeedSync::~FeedSync() { stop(); }

void FeedSync::start(std::function<void()> on_update) {
    {
        std::lock_guard lock(impl_->wake_mutex);
        if (impl_->started) return;
        impl_->started = true;
        impl_->stopping = false;
    }
    impl_->cancel_transfer = false;
    impl_->on_update = std::move(on_update);
    impl_->load_cache();
    impl_->publish();
    impl_->write_status();
    impl_->write_metrics();
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

void FeedSync::stop() {
    {
        std::lock_guard lock(impl_->wake_mutex);
        impl_->stopping = true;
    }
    impl_->cancel_transfer = true;
    impl_->wake.notify_all();
    // A transfer in flight notices cancel_transfer within about a second.
    if (impl_->thread.joinable()) impl_->thread.join();
}

ScreenCounters& FeedSync::screen_counters() { return impl_->screen_counters; }

std::shared_ptr<const FeedSnapshot> FeedSync::snapshot() const {
    std::lock_guard lock(impl_->snapshot_mutex);
    return impl_->published;
}

}  // namespace campus
