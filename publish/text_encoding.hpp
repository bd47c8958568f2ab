// Text encodings the office's files come in, and the few escapes the readers undo.
//
// A CSV that Chinese Excel or WPS saves is UTF-8 (with a BOM when the clerk chose
// "CSV UTF-8（逗号分隔）") or GB18030/GBK (plain "CSV（逗号分隔）"); "Unicode 文本"
// is UTF-16 and must be refused, since it is not CSV at all (tab separated) and
// reading it as bytes would turn every name into garbage. An .xlsx stores its
// strings as UTF-8 XML with Excel's own `_xHHHH_` escapes for control characters.
//
// Internal to publish/: the readers (csv_reader.cpp, xlsx_reader.cpp) use it.
//
// Thread safety: pure functions; iconv descriptors are opened per call.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "sync/utf8_append.hpp"
#include <string_view>

namespace campus::publish::text_encoding {

// What the first bytes of a text file say about its encoding.
enum class WideEncoding {
    none,      // not UTF-16/32, and no NUL bytes: a byte encoding (UTF-8 or legacy)
    utf16le,   // by BOM FF FE, or by NUL bytes at odd offsets ("a\0b\0")
    utf16be,   // by BOM FE FF, or by NUL bytes at even offsets
    utf32le,   // by BOM FF FE 00 00, or three NULs in every four bytes
    utf32be,   // by BOM 00 00 FE FF
    binary,    // NUL bytes in no pattern of a text encoding
};
WideEncoding detect_wide_encoding(std::string_view bytes);
// "UTF-16 LE" etc., for messages; "" for none.
std::string_view wide_encoding_name(WideEncoding encoding);

// True when `bytes` starts with the UTF-8 byte order mark EF BB BF.
bool has_utf8_bom(std::string_view bytes);

// The offset of the first byte that is not well-formed UTF-8 (overlongs,
// surrogates and code points above U+10FFFF are not), or npos when all is.
std::size_t find_invalid_utf8(std::string_view bytes);
inline bool is_valid_utf8(std::string_view bytes) { return find_invalid_utf8(bytes) == std::string_view::npos; }

// GB18030 (a superset of GBK and GB2312) to UTF-8 through iconv. On bytes that
// are not GB18030, nullopt and *bad_offset (when given) = where they start.
std::optional<std::string> gb18030_to_utf8(std::string_view bytes, std::size_t* bad_offset = nullptr);

// 1-based line number of a byte offset (LF, CRLF and CR each end a line).
std::size_t line_of_offset(std::string_view bytes, std::size_t offset);

using campus::append_utf8;  // sync/utf8_append.hpp: the feed reader's own

// Undoes Excel's `_xHHHH_` escapes (e.g. `_x000D_` for a carriage return,
// `_x005F_` for a literal underscore) in place. Surrogate pairs written as two
// escapes are joined; a lone surrogate or U+0000 becomes U+FFFD.
void decode_ooxml_escapes(std::string& text);

}  // namespace campus::publish::text_encoding
