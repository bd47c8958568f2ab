// Small helpers of the workbook model (publish/workbook.hpp) shared by both readers.
#include "publish/workbook.hpp"

#include <cmath>

namespace campus::publish {

std::string column_letters(int col) {
    std::string letters;
    for (int n = col + 1; n > 0; n = (n - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
    return letters;
}

std::string CellRef::to_a1() const { return column_letters(col) + std::to_string(row + 1); }

const Cell& Sheet::at(int row, int col) const {
    static const Cell empty_cell;
    if (row < 0 || col < 0 || row >= row_count()) return empty_cell;
    const auto& r = rows[static_cast<std::size_t>(row)];
    if (col >= static_cast<int>(r.size())) return empty_cell;
    return r[static_cast<std::size_t>(col)];
}

namespace {

// Folds what the contract says does not matter in a name: surrounding spaces
// (ASCII and the ideographic U+3000) and full-width brackets and colons.
std::string fold_name(std::string_view name) {
    struct Pair { std::string_view wide, narrow; };
    static constexpr Pair pairs[] = {{"（", "("}, {"）", ")"}, {"：", ":"}, {"【", "["}, {"】", "]"}, {"［", "["}, {"］", "]"}};
    std::string out;
    for (std::size_t i = 0; i < name.size();) {
        bool replaced = false;
        for (const Pair& p : pairs) {
            if (name.substr(i, p.wide.size()) == p.wide) {
                out += p.narrow;
                i += p.wide.size();
                replaced = true;
                break;
            }
        }
        if (!replaced) out += name[i++];
    }
    auto is_space_at = [&](std::size_t pos, std::size_t& len) {
        if (pos < out.size() && (out[pos] == ' ' || out[pos] == '\t')) { len = 1; return true; }
        if (out.compare(pos, 3, "\u3000") == 0) { len = 3; return true; }
        return false;
    };
    std::size_t len = 0;
    while (!out.empty() && is_space_at(0, len)) out.erase(0, len);
    for (bool trimmed = true; trimmed && !out.empty();) {
        trimmed = false;
        if (out.back() == ' ' || out.back() == '\t') { out.pop_back(); trimmed = true; }
        else if (out.size() >= 3 && out.compare(out.size() - 3, 3, "\u3000") == 0) { out.resize(out.size() - 3); trimmed = true; }
    }
    return out;
}

}  // namespace

const Sheet* Workbook::find_sheet(std::string_view name) const {
    const std::string wanted = fold_name(name);
    for (const Sheet& sheet : sheets)
        if (fold_name(sheet.name) == wanted) return &sheet;
    return nullptr;
}

std::optional<SerialDateTime> serial_to_datetime(double serial, bool date1904) {
    if (!std::isfinite(serial) || serial < 0 || serial > 2958465.99999) return std::nullopt;  // 9999-12-31
    double whole = std::floor(serial);
    // Seconds, rounded: Excel stores 07:30 as 0.3125 exactly, but 7:31 not.
    auto seconds = static_cast<long long>(std::llround((serial - whole) * 86400.0));
    if (seconds >= 86400) { seconds -= 86400; whole += 1; }
    long long days = static_cast<long long>(whole);
    if (date1904) {
        days += 1462;  // 1904-01-01 is serial 1462 in the 1900 system
    } else if (days < 61) {
        // Lotus's 1900-02-29 (serial 60) does not exist; serials 1–59 are one day later than a real count.
        if (days == 60) return std::nullopt;
        days += 1;
    }
    // Serial 61 = 1900-03-01. Days since 1899-12-30 (serial 0 with the leap-day bug accounted).
    // Civil from days (Howard Hinnant's algorithm), epoch 1970-01-01 = serial 25569.
    long long z = days - 25569 + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const long long doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    SerialDateTime out;
    out.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    out.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    out.year = static_cast<int>(yoe + era * 400 + (out.month <= 2 ? 1 : 0));
    out.hour = static_cast<int>(seconds / 3600);
    out.minute = static_cast<int>(seconds / 60 % 60);
    out.second = static_cast<int>(seconds % 60);
    return out;
}

}  // namespace campus::publish
