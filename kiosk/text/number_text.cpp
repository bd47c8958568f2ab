// Numbers as the screen prints them. See number_text.hpp for the rules.
#include "kiosk/text/number_text.hpp"

#include <cmath>
#include <cstdio>

namespace campus::kiosk::text {

namespace {

// "98.2500" -> "98.25", "3.00" -> "3"; text without a '.' is left alone.
void trim_fraction(std::string& text, std::size_t fraction_end) {
    const std::size_t dot = text.find('.');
    if (dot == std::string::npos || dot > fraction_end) return;
    std::size_t cut = fraction_end;
    while (cut > dot + 1 && text[cut - 1] == '0') --cut;
    if (cut == dot + 1) cut = dot;
    text.erase(cut, fraction_end - cut);
}

std::string fixed(double value, int decimals) {
    // Half away from zero first, as people round (18.125 -> "18.13"); printf
    // alone would round an exact binary half to even ("18.12").
    const double scale = std::pow(10.0, decimals);
    const double rounded = std::round(value * scale) / scale;
    // |value| < 10^15 here: at most 16 digits, a sign, a point and 8 decimals.
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, rounded);
    std::string text = buffer;
    trim_fraction(text, text.size());
    if (text == "-0") text = "0";
    return text;
}

std::string scientific(double value) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.5e", value);  // "1.79769e+308", "1.50000e-07"
    std::string text = buffer;
    const std::size_t e = text.find('e');
    if (e == std::string::npos) return text;
    trim_fraction(text, e);
    std::size_t at = text.find('e') + 1;
    if (text[at] == '+') {
        text.erase(at, 1);
    } else if (text[at] == '-') {
        ++at;
    }
    while (at + 1 < text.size() && text[at] == '0') text.erase(at, 1);  // "e-07" -> "e-7"
    return text;
}

}  // namespace

std::string number_text(double value) {
    if (!std::isfinite(value)) return "–";
    if (value == 0) return "0";
    const double magnitude = std::fabs(value);
    if (magnitude >= 1e15 || magnitude < 1e-6) return scientific(value);
    if (magnitude >= 1) return fixed(value, 2);
    // Two significant digits: 0.0004 has its first one 4 places after the point.
    const int first_digit = static_cast<int>(std::floor(-std::log10(magnitude))) + 1;
    return fixed(value, first_digit + 1);
}

}  // namespace campus::kiosk::text
