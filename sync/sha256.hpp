// SHA-256 of a picture's bytes, as the feed's `media[].sha256` names them
// (64 lowercase hex digits). libsodium's crypto_hash_sha256 underneath; the
// kiosk calls this too (a decoder checks the bytes it read before it decodes
// them), which is why it lives here and not inside MediaStore.
//
// Thread safety: every function is reentrant.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace campus {

// 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// A file's digest, read in 64 KiB pieces (never whole in memory); nullopt with
// *error set ("PATH: …") when it cannot be read or is larger than max_bytes.
std::optional<std::string> sha256_hex_of_file(const std::string& path, std::size_t max_bytes, std::string* error);

}  // namespace campus
