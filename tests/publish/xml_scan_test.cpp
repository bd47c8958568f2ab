// publish/xml_scan: the fast worksheet scanner against expat, the judge.
//
// The scanner's promise (xml_scan.hpp): whatever it accepts, expat accepts,
// and the handlers see the same elements, attributes and text. Each test here
// runs both over the same bytes and compares what a handler would record; the
// last one does so over thousands of mutated documents.
//
// [SECTION] Helpers: an event log from either parser
// [SECTION] What the scanner reads itself
// [SECTION] What it leaves to expat
// [SECTION] Mutations: accepted means expat agrees
#include <expat.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "publish/xml_scan.hpp"

namespace campus::publish::xml_scan {
namespace {

//-----------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------

// What a handler sees, as text: "<name a=v>", "</name>", and the text between
// (adjacent pieces joined: expat splits text at references and newlines).
class Log {
public:
    void start(const char* name, const char** attrs) {
        flush();
        out_ += '<';
        out_ += name;
        for (; *attrs != nullptr; attrs += 2) {
            out_ += ' ';
            out_ += attrs[0];
            out_ += "=[";
            out_ += attrs[1];
            out_ += ']';
        }
        out_ += '>';
    }
    void end(const char* name) {
        flush();
        out_ += "</";
        out_ += name;
        out_ += '>';
    }
    void text(const char* s, std::size_t len) { text_.append(s, len); }
    std::string done() {
        flush();
        return out_;
    }

private:
    void flush() {
        if (text_.empty()) return;
        out_ += "{" + text_ + "}";
        text_.clear();
    }
    std::string out_;
    std::string text_;
};

class LogEvents final : public Events {
public:
    bool start(const char* name, const char** attrs) override {
        log.start(name, attrs);
        return true;
    }
    bool end(const char* name) override {
        log.end(name);
        return true;
    }
    bool text(const char* s, std::size_t len) override {
        log.text(s, len);
        return true;
    }
    Log log;
};

// The scanner's log, or nullopt when it gave up; fed in chunks of `chunk` bytes.
std::optional<std::string> scan(std::string_view xml, std::size_t chunk = 65536) {
    LogEvents events;
    Scanner scanner(events);
    std::size_t at = 0;
    while (true) {
        const std::size_t n = std::min(chunk, xml.size() - at);
        char* buffer = scanner.buffer(chunk);
        std::memcpy(buffer, xml.data() + at, n);
        at += n;
        if (!scanner.parse(n, n == 0)) return std::nullopt;
        if (n == 0) return events.log.done();
    }
}

// Expat's log as xlsx_reader.cpp sets it up (no namespaces, UTF-8), or nullopt on an error.
std::optional<std::string> expat(std::string_view xml) {
    XML_Parser parser = XML_ParserCreate("UTF-8");
    Log log;
    bool doctype = false;
    struct Data {
        Log* log;
        bool* doctype;
        XML_Parser parser;
    } data{&log, &doctype, parser};
    XML_SetUserData(parser, &data);
    XML_SetElementHandler(
        parser, [](void* d, const XML_Char* name, const XML_Char** attrs) { static_cast<Data*>(d)->log->start(name, attrs); },
        [](void* d, const XML_Char* name) { static_cast<Data*>(d)->log->end(name); });
    XML_SetCharacterDataHandler(parser, [](void* d, const XML_Char* s, int len) {
        static_cast<Data*>(d)->log->text(s, static_cast<std::size_t>(len));
    });
    XML_SetStartDoctypeDeclHandler(parser, [](void* d, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        *static_cast<Data*>(d)->doctype = true;
        XML_StopParser(static_cast<Data*>(d)->parser, XML_FALSE);
    });
    const bool ok = XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_OK && !doctype;
    XML_ParserFree(parser);
    if (!ok) return std::nullopt;
    return log.done();
}

constexpr std::string_view kDecl = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)";

// The scanner reads it itself, with expat's result, in any chunking.
void expect_scanned(std::string_view xml) {
    const auto want = expat(xml);
    ASSERT_TRUE(want.has_value()) << "expat refuses: " << xml;
    const auto got = scan(xml);
    ASSERT_TRUE(got.has_value()) << "the scanner gave up on: " << xml;
    EXPECT_EQ(*got, *want) << xml;
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
        const auto pieces = scan(xml, chunk);
        ASSERT_TRUE(pieces.has_value()) << "chunks of " << chunk << ": " << xml;
        EXPECT_EQ(*pieces, *want) << "chunks of " << chunk << ": " << xml;
    }
}

// The scanner gives up, whatever expat makes of it.
void expect_given_up(std::string_view xml) {
    EXPECT_FALSE(scan(xml).has_value()) << xml;
    EXPECT_FALSE(scan(xml, 3).has_value()) << xml;
}

//-----------------------------------------------------------------------------
// [SECTION] What the scanner reads itself
//-----------------------------------------------------------------------------

TEST(XmlScan, OpenpyxlWorksheetWithCharacterReferences) {
    expect_scanned(std::string(kDecl) +
                   R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)"
                   R"(<row r="5"><c r="A5" t="n"><v>1</v></c><c r="B5" s="1" t="n"><v>46265</v></c>)"
                   R"(<c r="C5" t="inlineStr"><is><t>&#19968;&#24180;&#32423;&#19977;&#29677;</t></is></c>)"
                   R"(<c r="I5"><f>SUM(D5:H5)</f><v></v></c><c r="J5" t="inlineStr"></c></row></sheetData>)"
                   R"(<mergeCells count="1"><mergeCell ref="A1:I1"/></mergeCells></worksheet>)");
}

TEST(XmlScan, ExcelSharedStringsRichTextAndPhonetics) {
    expect_scanned(std::string(kDecl) + "\r\n" +
                   R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">)"
                   R"(<si><t>纪律</t></si><si><r><t>出勤</t></r><r><rPr><sz val="11"/></rPr><t xml:space="preserve"> 课间操 </t></r>)"
                   R"(<rPh sb="0" eb="2"><t>チュウキン</t></rPh></si><si><t>仪表_x000A_卫生</t></si></sst>)");
}

TEST(XmlScan, EntitiesQuotesPrefixesAndSpacesInTags) {
    expect_scanned(R"(<x:worksheet xmlns:x='urn:x' a = "1" b='it"s'><x:c r="A1" t='str'  ><x:f>A1&amp;"" &lt; &gt; &quot;&apos;</x:f>)"
                   R"(<x:v>&#x4E09;&#x41;&#65;</x:v></x:c  ><y a="&lt;&#10;&#9;&#13;"/><z  /></x:worksheet  >)");
}

TEST(XmlScan, TextWithLineBreaksTabsAndBrackets) {
    expect_scanned("<a>\n\t一 ] ]] > ]&gt; x]]&gt;<b>\n</b>\n</a>\n\n");
}

TEST(XmlScan, DeclarationForms) {
    expect_scanned(R"(<?xml version="1.0"?><a/>)");
    expect_scanned(R"(<?xml version='1.0' encoding='utf-8'?>)" "\n<a/>");
    expect_scanned(R"(<?xml version="1.0" standalone="no" ?><a/>)");
    expect_scanned("<a/>");
}

TEST(XmlScan, TextOnlyInsideTheRootIsReported) {
    expect_scanned("  \n<a>x</a>  \n");
}

//-----------------------------------------------------------------------------
// [SECTION] What it leaves to expat
//-----------------------------------------------------------------------------

TEST(XmlScan, GivesUpOnWhatExpatMustJudge) {
    for (std::string_view xml : {
             "",                                           // no element
             "<a>",                                        // unclosed
             "<a></b>",                                    // mismatched
             "<a><b></a></b>",                             //
             "<a/><b/>",                                   // two roots
             "<a/>x",                                      // junk after the root
             "x<a/>",                                      // text before it
             " <?xml version=\"1.0\"?><a/>",               // declaration not first
             "<?xml version=\"1.1\"?><a/>",                // other versions
             "<?xml version=\"1.0\" encoding=\"GBK\"?><a/>",  // other encodings
             "\xEF\xBB\xBF<a/>",                           // a byte order mark
             "<!DOCTYPE a><a/>",                           // a DTD
             "<a><!-- c --></a>",                          // comments
             "<a><![CDATA[x]]></a>",                       // CDATA
             "<a><?pi x?></a>",                            // processing instructions
             "<a>&nbsp;</a>",                              // undefined entities
             "<a>&#0;</a>",                                // not XML characters
             "<a>&#xD800;</a>",                            //
             "<a>&#x110000;</a>",                          //
             "<a>&amp</a>",                                // unterminated reference
             "<a>&#X41;</a>",                              // 'X' is not a hex reference
             "<a>]]></a>",                                 // "]]>" in text
             "<a>x\ry</a>",                                // CR in text (expat folds it)
             "<a b=\"x\ny\"/>",                            // LF in a value (expat makes it a space)
             "<a b=\"<\"/>",                               // '<' in a value
             "<a b=\"1\" b=\"2\"/>",                       // duplicate attributes
             "<a b=\"1\"c=\"2\"/>",                        // no space between attributes
             "<a b=1/>",                                   // unquoted value
             "<a b/>",                                     // no value
             "<1a/>",                                      // bad name
             "<班/>",                                      // non-ASCII names: expat's
             "<a>\x01</a>",                                // control characters
             "<a>\x7F</a>",                                //
             "<a>\xC3</a>",                                // truncated UTF-8
             "<a>\xC0\xAF</a>",                            // overlong
             "<a>\xED\xA0\x80</a>",                        // a surrogate
             "<a>\xEF\xBF\xBF</a>",                        // U+FFFF
             "<a>\xF4\x90\x80\x80</a>",                    // above U+10FFFF
             "<a / >",                                     //
             "< a/>",                                      //
             "</a>",                                       //
         }) {
        expect_given_up(xml);
    }
    expect_given_up(std::string("<a>\0</a>", 8));
}

TEST(XmlScan, GivesUpOnAnUnfinishedTokenOverTheLimit) {
    // A megabyte of one attribute value: the scanner does not hold it; expat does.
    std::string xml = "<a b=\"" + std::string(2u << 20, 'x') + "\"/>";
    EXPECT_FALSE(scan(xml, 65536).has_value());
    EXPECT_TRUE(expat(xml).has_value());
}

TEST(XmlScan, AHandlerThatStopsStopsTheScan) {
    struct Stopper final : Events {
        bool start(const char* name, const char**) override { return std::strcmp(name, "stop") != 0; }
        bool end(const char*) override { return true; }
        bool text(const char*, std::size_t) override { return true; }
    } events;
    Scanner scanner(events);
    const std::string_view xml = "<a><b/><stop/><c/></a>";
    std::memcpy(scanner.buffer(xml.size()), xml.data(), xml.size());
    EXPECT_FALSE(scanner.parse(xml.size(), false));
    EXPECT_FALSE(scanner.parse(0, true));  // and stays stopped
}

//-----------------------------------------------------------------------------
// [SECTION] Mutations
//-----------------------------------------------------------------------------

// Documents near the subset's edges, mutated byte by byte: every mutant the
// scanner accepts must be one expat accepts with the same events. Also counts
// how many it read itself, so a scanner that gives up on everything fails.
TEST(XmlScan, MutantsTheScannerAcceptsAreReadAsExpatReadsThem) {
    const std::vector<std::string> seeds = {
        std::string(kDecl) + R"(<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&#19968;年 x</t></is></c>)"
                             R"(<c r="B1" s="2"><v>3.5</v></c><c r="C1"><f>A1&amp;B1</f><v></v></c></row></sheetData></worksheet>)",
        R"(<x:sst xmlns:x="u" count='2'><x:si><x:t xml:space="preserve"> a&lt;b ]] </x:t></x:si><x:si/></x:sst>)",
        "<a b=\"&#x4E09;\" c='&quot;'>\n\t<d/>\xE4\xB8\x89\xF0\x9F\x98\x80</a>",
    };
    static constexpr char kPalette[] = "<>&;#x\"'/=]!?- \r\n\t\0\x80\xBF\xC3\xA9\xED\xEF\xF0\xF4" "019aAF:_.lt";
    const std::string palette(kPalette, sizeof kPalette - 1);
    std::mt19937 rng(20261201);
    int accepted = 0, total = 0;
    for (const std::string& seed : seeds) {
        for (int i = 0; i < 4000; ++i) {
            std::string xml = seed;
            const int edits = 1 + static_cast<int>(rng() % 3);
            for (int e = 0; e < edits; ++e) {
                const std::size_t at = rng() % (xml.size() + 1);
                const char c = palette[rng() % palette.size()];
                switch (rng() % 3) {
                    case 0: if (at < xml.size()) xml[at] = c; break;
                    case 1: xml.insert(xml.begin() + static_cast<std::ptrdiff_t>(at), c); break;
                    default: if (at < xml.size()) xml.erase(at, 1 + rng() % 4); break;
                }
            }
            ++total;
            const std::size_t chunk = 1 + rng() % 40;
            const auto got = scan(xml, chunk);
            if (!got) continue;
            ++accepted;
            const auto want = expat(xml);
            ASSERT_TRUE(want.has_value()) << "accepted what expat refuses: " << testing::PrintToString(xml);
            ASSERT_EQ(*got, *want) << testing::PrintToString(xml);
        }
    }
    // A fair share of mutants stay well-formed (an edit inside text or a value).
    EXPECT_GT(accepted, total / 20) << accepted << " of " << total;
    std::printf("%d of %d mutants read by the scanner\n", accepted, total);
}

}  // namespace
}  // namespace campus::publish::xml_scan
