// QR codes through libqrencode. See qr.hpp.
#include "picture/qr.hpp"

#include <qrencode.h>

#include <cerrno>
#include <cstring>

namespace campus::picture {

Result<QrCode> encode_qr(std::string_view text) {
    Result<QrCode> r;
    if (text.empty()) {
        r.error = "nothing to encode";
        return r;
    }
    // encodeData takes a length: the text needs no terminating NUL, and a NUL inside is data.
    QRcode* code = QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()),
                                     0, QR_ECLEVEL_M);
    if (!code) {
        r.error = errno == ERANGE ? "too long for a QR code (" + std::to_string(text.size()) + " bytes)"
                                  : std::string("libqrencode failed: ") + std::strerror(errno);
        return r;
    }
    QrCode out;
    out.size = code->width;
    out.dark.resize(static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width));
    for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = code->data[i] & 1u;  // bit 0: dark
    QRcode_free(code);
    r.value = std::move(out);
    return r;
}

}  // namespace campus::picture
