// xml_scan: a fast reader for the plain XML that spreadsheet writers emit for
// worksheets and shared strings, with expat as the judge of everything else.
//
// Why: expat is a complete, careful XML parser, and on a worksheet it spends
// most of a build's time: openpyxl writes every Chinese character of an inline
// string as a character reference (&#19977;), each of which is one token and
// one handler call in expat, and a 2,000-class score sheet is ~10 MB of
// <c r="D5" t="n"><v>19</v></c>. This scanner reads that subset several times
// faster, in place, and hands the same events to the same handlers.
//
// The rule that keeps results identical: the scanner accepts only documents
// that expat accepts, and for those it reports exactly what expat's handlers
// would receive (attribute values and text decoded the same way; text may be
// split differently, which no handler here depends on: they append). For
// anything outside its subset, and for every error, it gives up (parse()
// returns false) and the caller reads the part again with expat from its first
// byte, so every message about a broken or hostile file is expat's own. What
// it gives up on: a byte order mark, comments, CDATA, processing instructions
// other than the XML declaration, a DOCTYPE, non-ASCII names, entities other
// than the five predefined and character references, literal CR anywhere in
// content and literal TAB/LF/CR in attribute values (expat normalizes those),
// bytes that are not well-formed UTF-8 or not XML characters, any
// well-formedness error, a single token longer than 1 MiB, more than 64
// attributes on an element and element names longer than 62 bytes.
//
// Thread safety: a Scanner is used by one thread for one part.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace campus::publish::xml_scan {

// What the scanner reports, in document order, as expat's element and
// character-data handlers would see it. Names are qualified ("x:c"), NUL
// terminated; attrs is name, value, name, value, …, nullptr. Pointers are valid
// during the call only. A handler returns false to stop the scan (the caller
// then treats the part as given up).
class Events {
public:
    virtual ~Events() = default;
    virtual bool start(const char* name, const char** attrs) = 0;
    virtual bool end(const char* name) = 0;
    virtual bool text(const char* s, std::size_t len) = 0;
};

class Scanner {
public:
    explicit Scanner(Events& events) : events_(events) {}

    // Room for `n` more bytes after those kept from the last call (an
    // unfinished token), like XML_GetBuffer; fill it, then call parse().
    char* buffer(std::size_t n);
    // Scans the `n` bytes just written; `last` with the part's final bytes
    // (n may be 0). False: given up, read the part with expat instead.
    bool parse(std::size_t n, bool last);

private:
    // Each token reader: 1 read (`next` after it), 0 not complete in the
    // buffer yet (nothing changed), -1 given up.
    bool run(bool last);
    bool fail() {
        failed_ = true;
        return false;
    }
    int start_tag(char* p, char* end, char*& next);
    int end_tag(char* p, char* end, char*& next);
    int text_run(char* p, char* end, char*& next);

    static constexpr std::size_t kMaxAttributes = 64;  // duplicates are checked pairwise
    static constexpr std::size_t kMaxName = 62;        // an open element's name, kept for its end tag
    struct Attribute {
        char* name;
        char* name_end;
        char* value;
        char* value_end;
        bool references;  // the value holds &…; to decode
    };
    struct OpenElement {
        unsigned char size;
        char name[kMaxName + 1];
    };

    Events& events_;
    // The bytes: [begin_, end_) not scanned yet, then one NUL (a sentinel that
    // ends every scanning loop at the buffer's end without a bounds test).
    std::vector<char> buf_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    bool at_start_ = true;   // nothing consumed yet: the XML declaration may come
    bool root_closed_ = false;
    bool failed_ = false;
    std::vector<OpenElement> open_;  // the open elements, for their end tags
    std::size_t depth_ = 0;
    Attribute attributes_[kMaxAttributes];
    const char* attrs_[2 * kMaxAttributes + 1];
};

}  // namespace campus::publish::xml_scan
