// Fetching the feed (and its .minisig) with libcurl, with every limit a screen
// that nobody watches needs: a server that is slow, silent, endless or hostile
// costs at most a bounded time and a bounded amount of memory.
//
// Sources: https://, http://, file:// URLs and plain paths (turned into file://).
// Redirects: at most 3, and only to http(s): never to file:// or another scheme.
//
// This header does not include curl.h: the kiosk includes sync/ headers and must
// never see curl.
//
// Thread safety: fetch_source may be called from any thread, concurrently
// (each call uses its own curl handle; curl_global_init runs once, guarded).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

namespace campus {

struct FetchLimits {
    // 10 s: a school LAN or a CDN answers in well under a second; longer means down.
    std::chrono::milliseconds connect_timeout{10'000};
    // 60 s for the whole transfer: 4 MiB over a poor 1 Mbit/s link takes ~35 s.
    std::chrono::milliseconds total_timeout{60'000};
    // Below `low_speed_bytes` per second for `low_speed_time`: dropped. A server
    // dripping one byte every 10 s never reaches 1 byte/s over 20 s.
    long low_speed_bytes = 1;
    std::chrono::seconds low_speed_time{20};
    // Counted after decompression, so a gzip bomb stops here too.
    std::size_t max_bytes = 4u << 20;
    long max_redirects = 3;
};

struct FetchRequest {
    std::string url;            // URL or plain path
    std::string etag;           // sent as If-None-Match when not empty
    std::string last_modified;  // sent as If-Modified-Since when not empty (HTTP date, as the server sent it)
    std::string ca_file;        // "" = system CAs; verification is on either way
    std::string proxy;          // "" = no proxy, whatever the environment says
    std::string user_agent = "campus-kiosk/0.1 (feed sync)";
    FetchLimits limits;
    // When set and true, the transfer is abandoned within about a second (curl's
    // progress callback runs at least once a second even when nothing arrives).
    const std::atomic<bool>* cancel = nullptr;
};

struct FetchResult {
    enum class Outcome {
        body,          // 200 (or a file): `body` holds the content
        not_modified,  // 304: what we have is current
        http_error,    // the server answered, with another status (404, 500, …)
        failed,        // no answer: DNS, refused, timeout, TLS, too big, bad redirect, …
    };
    Outcome outcome = Outcome::failed;
    std::string body;
    std::string etag;           // as the server sent it, quotes included
    std::string last_modified;
    long http_status = 0;       // 0 for file:// and transport failures
    std::string effective_url;  // after redirects
    std::string error;          // what and where: "http://…/feed.json: HTTP 404" / "…: Timeout was reached (…)"

    bool ok() const { return outcome == Outcome::body || outcome == Outcome::not_modified; }
};

// A plain path becomes an absolute file:// URL (percent-encoded); URLs pass through.
std::string source_to_url(const std::string& source);

// The URL of the detached signature beside a source: source + ".minisig".
std::string signature_url(const std::string& source);

// What is wrong with a source before anything is fetched, or "" when nothing
// is: a scheme other than https://, http://, file:// (or a path), or a local
// source that is a directory. The message starts with the URL. fetch_source
// checks this first; a reader of local files (the kiosk's --dump preview)
// calls it so that it says the same.
std::string source_problem(const std::string& source);

FetchResult fetch_source(const FetchRequest& request);

}  // namespace campus
