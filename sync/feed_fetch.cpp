// libcurl transfer of the feed with hard limits. See feed_fetch.hpp.
#include "sync/feed_fetch.hpp"

#include <curl/curl.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>

namespace campus {

namespace {

void global_init_once() {
    static std::once_flag once;
    // curl_global_init is not thread-safe in 7.88 and must run before any handle.
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char a = s[i], b = prefix[i];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (a != b) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
}

struct Transfer {
    const std::atomic<bool>* cancel = nullptr;
    std::string body;
    std::size_t max_bytes = 0;
    bool too_big = false;
    std::string etag;
    std::string last_modified;
};

// Called with decompressed data (curl decodes before the write callback), so the
// cap below also stops a gzip bomb. Returning less than asked aborts the transfer.
size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (t->body.size() + n > t->max_bytes) {
        t->too_big = true;
        return 0;
    }
    t->body.append(data, n);
    return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    return t->cancel && t->cancel->load() ? 1 : 0;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    std::string_view line(data, n);
    if (starts_with_ci(line, "http/")) {
        // A new response (after a redirect or a 100): forget the previous one's validators.
        t->etag.clear();
        t->last_modified.clear();
    } else if (starts_with_ci(line, "etag:")) {
        t->etag = std::string(trim(line.substr(5)));
    } else if (starts_with_ci(line, "last-modified:")) {
        t->last_modified = std::string(trim(line.substr(14)));
    }
    return n;
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '/';
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The local path of a file:// URL ("file:///a%20b" and "file://localhost/a%20b"
// are "/a b"); "" for a URL naming another host.
std::string file_url_path(std::string_view url) {
    std::string_view rest = url.substr(std::string_view("file://").size());
    if (starts_with_ci(rest, "localhost/")) rest.remove_prefix(std::string_view("localhost").size());
    if (rest.empty() || rest.front() != '/') return "";
    std::string path;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '%' && i + 2 < rest.size() && hex_digit(rest[i + 1]) >= 0 && hex_digit(rest[i + 2]) >= 0) {
            path += static_cast<char>(hex_digit(rest[i + 1]) * 16 + hex_digit(rest[i + 2]));
            i += 2;
        } else {
            path += rest[i];
        }
    }
    return path;
}

}  // namespace

std::string source_to_url(const std::string& source) {
    if (source.find("://") != std::string::npos) return source;
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(source, ec);
    std::string path = ec ? source : p.lexically_normal().string();
    std::string url = "file://";
    static const char* hex = "0123456789ABCDEF";
    for (unsigned char c : path) {
        if (is_unreserved(c)) {
            url += static_cast<char>(c);
        } else {
            url += '%';
            url += hex[c >> 4];
            url += hex[c & 15];
        }
    }
    return url;
}

std::string signature_url(const std::string& source) { return source_to_url(source + ".minisig"); }

std::string source_problem(const std::string& source) {
    const std::string url = source_to_url(source);
    if (starts_with_ci(url, "https://") || starts_with_ci(url, "http://")) return "";
    if (!starts_with_ci(url, "file://")) {
        return url + ": the scheme " + url.substr(0, url.find("://")) +
               ":// is not accepted; a feed source is https://, http://, file:// or a path";
    }
    // curl reads a directory as an empty file, or fails with "Couldn't read
    // a file://": neither tells the operator they named a folder.
    std::error_code ec;
    if (std::filesystem::is_directory(file_url_path(url), ec)) {
        return url + ": is a directory, not a feed file (name the .json file inside it)";
    }
    return "";
}

FetchResult fetch_source(const FetchRequest& request) {
    global_init_once();
    FetchResult result;
    const std::string url = source_to_url(request.url);
    result.effective_url = url;

    if (std::string problem = source_problem(request.url); !problem.empty()) {
        result.error = std::move(problem);
        return result;
    }
    const char* protocols = starts_with_ci(url, "file://") ? "file" : "http,https";

    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        result.error = url + ": curl_easy_init failed (out of memory?)";
        return result;
    }
    CURL* h = curl.get();
    Transfer transfer;
    transfer.max_bytes = request.limits.max_bytes;
    transfer.cancel = request.cancel;
    char errbuf[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    // No signals: we run on a worker thread, and curl's alarm()-based DNS
    // timeout would hit whichever thread the kernel picks.
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, request.limits.max_redirects);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.limits.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.limits.total_timeout.count()));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, request.limits.low_speed_bytes);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.limits.low_speed_time.count()));
    // "" = every encoding this libcurl decodes (gzip, deflate, …); the cap in
    // on_body counts decoded bytes.
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    // A server announcing more than we will ever accept is refused before the
    // first byte. Compressed bytes are at most slightly more than decoded ones.
    curl_off_t announced_cap = static_cast<curl_off_t>(request.limits.max_bytes) * 2 + 4096;
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, announced_cap);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!request.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, request.ca_file.c_str());
    // "" disables the proxy curl would otherwise take from http_proxy/https_proxy.
    curl_easy_setopt(h, CURLOPT_PROXY, request.proxy.c_str());
    curl_easy_setopt(h, CURLOPT_USERAGENT, request.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    if (request.cancel) {
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }

    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add_header = [&](const std::string& line) {
        curl_slist* next = curl_slist_append(headers.get(), line.c_str());
        if (next) {
            (void)headers.release();
            headers.reset(next);
        }
    };
    if (!request.etag.empty()) add_header("If-None-Match: " + request.etag);
    if (!request.last_modified.empty()) add_header("If-Modified-Since: " + request.last_modified);
    if (headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    CURLcode rc = curl_easy_perform(h);

    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    result.http_status = status;
    char* effective = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective)
        result.effective_url = effective;
    const std::string where = url == result.effective_url ? url : url + " (redirected to " + result.effective_url + ")";

    if (rc != CURLE_OK) {
        if (transfer.too_big) {
            result.error = where + ": body larger than " + std::to_string(request.limits.max_bytes) +
                           " bytes after decompression; transfer aborted";
        } else {
            std::string detail = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
            result.error = where + ": " + curl_easy_strerror(rc);
            if (detail != curl_easy_strerror(rc)) result.error += " (" + detail + ")";
            if (status != 0) result.error += " [HTTP " + std::to_string(status) + "]";
        }
        return result;
    }

    result.etag = std::move(transfer.etag);
    result.last_modified = std::move(transfer.last_modified);
    const bool is_file = starts_with_ci(result.effective_url, "file://");
    if (is_file || status == 200) {
        result.outcome = FetchResult::Outcome::body;
        result.body = std::move(transfer.body);
    } else if (status == 304) {
        result.outcome = FetchResult::Outcome::not_modified;
    } else {
        result.outcome = FetchResult::Outcome::http_error;
        result.error = where + ": HTTP " + std::to_string(status);
    }
    return result;
}

}  // namespace campus
