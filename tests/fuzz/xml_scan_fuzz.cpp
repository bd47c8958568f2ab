// libFuzzer target: publish/xml_scan against expat over the same bytes.
//
// The scanner's promise (publish/xml_scan.hpp): whatever it reads, expat
// reads too, and the handlers see the same elements, attributes and text.
// This traps when the scanner accepts what expat refuses, or when the two
// report different events. The first byte picks the chunk size (1–256), so
// every token is also split at every place across chunks.
//
// Built by tests/fuzz/CMakeLists.txt (see there how to run it).

#include <expat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "publish/xml_scan.hpp"

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();
}

// "<name a=[v]>", "</name>", "{text}" (adjacent text joined: expat splits it).
struct Log {
    std::string out, text;
    void flush() {
        if (!text.empty()) out += "{" + text + "}";
        text.clear();
    }
    void start(const char* name, const char** attrs) {
        flush();
        out += std::string("<") + name;
        for (; *attrs != nullptr; attrs += 2) out += std::string(" ") + attrs[0] + "=[" + attrs[1] + "]";
        out += ">";
    }
    void end(const char* name) {
        flush();
        out += std::string("</") + name + ">";
    }
};

struct LogEvents final : campus::publish::xml_scan::Events {
    Log log;
    bool start(const char* name, const char** attrs) override {
        log.start(name, attrs);
        return true;
    }
    bool end(const char* name) override {
        log.end(name);
        return true;
    }
    bool text(const char* s, std::size_t len) override {
        log.text.append(s, len);
        return true;
    }
};

struct ExpatData {
    Log* log;
    bool doctype;
    XML_Parser parser;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = 1 + data[0];
    const std::string_view xml(reinterpret_cast<const char*>(data + 1), size - 1);

    LogEvents events;
    campus::publish::xml_scan::Scanner scanner(events);
    bool scanned = true;
    for (std::size_t at = 0;;) {
        const std::size_t n = std::min(chunk, xml.size() - at);
        std::memcpy(scanner.buffer(chunk), xml.data() + at, n);
        at += n;
        if (!scanner.parse(n, n == 0)) {
            scanned = false;
            break;
        }
        if (n == 0) break;
    }
    if (!scanned) return 0;  // given up: expat alone decides, as in the reader
    events.log.flush();

    // Expat as publish/xlsx_reader.cpp sets it up: UTF-8, no namespaces, a DTD refused.
    XML_Parser parser = XML_ParserCreate("UTF-8");
    Log log;
    ExpatData d{&log, false, parser};
    XML_SetUserData(parser, &d);
    XML_SetElementHandler(
        parser, [](void* p, const XML_Char* name, const XML_Char** attrs) { static_cast<ExpatData*>(p)->log->start(name, attrs); },
        [](void* p, const XML_Char* name) { static_cast<ExpatData*>(p)->log->end(name); });
    XML_SetCharacterDataHandler(parser, [](void* p, const XML_Char* s, int len) {
        static_cast<ExpatData*>(p)->log->text.append(s, static_cast<std::size_t>(len));
    });
    XML_SetStartDoctypeDeclHandler(parser, [](void* p, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        static_cast<ExpatData*>(p)->doctype = true;
        XML_StopParser(static_cast<ExpatData*>(p)->parser, XML_FALSE);
    });
    const bool ok = XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_OK && !d.doctype;
    XML_ParserFree(parser);
    log.flush();
    check(ok);                         // the scanner read it: expat must too
    check(log.out == events.log.out);  // and report the same
    return 0;
}
