// libFuzzer target: the picture decoders (campus_picture) on hostile bytes.
// Each input is probed, then decoded into a box chosen by its last byte (so
// the JPEG's DCT scales, the averaging and the WebP scaling all run), with
// limits small enough that the fuzzer finds the size checks quickly.
//   build-fuzz/tests/fuzz/picture_fuzz build-fuzz/picture-corpus -max_len=262144 -max_total_time=120
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "picture/picture.hpp"
#include "picture/qr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    campus::picture::Limits limits;
    limits.max_side = 2048;  // keeps each run's memory small; the checks are the same
    (void)campus::picture::probe(bytes, limits);
    const int box = size > 0 ? 16 + data[size - 1] * 4 : 64;
    const auto decoded = campus::picture::decode(bytes, box, box * 3 / 4 + 1, limits);
    if (decoded.ok() && decoded.value->rgba.size() != static_cast<std::size_t>(decoded.value->width) *
                                                           static_cast<std::size_t>(decoded.value->height) * 4)
        __builtin_trap();  // a decoded image is always whole
    if (size < 3000) (void)campus::picture::encode_qr(bytes);
    return 0;
}
