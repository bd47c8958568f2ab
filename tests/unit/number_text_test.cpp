// number_text: how scores, totals and progress read on the screen.
#include "kiosk/text/number_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace campus::kiosk::text {
namespace {

TEST(NumberText, EverydayScoresAndTotals) {
    EXPECT_EQ(number_text(3), "3");
    EXPECT_EQ(number_text(20), "20");
    EXPECT_EQ(number_text(2.5), "2.5");
    EXPECT_EQ(number_text(98.25), "98.25");
    EXPECT_EQ(number_text(95.0), "95");
    EXPECT_EQ(number_text(2.999), "3");
    EXPECT_EQ(number_text(18.125), "18.13");  // half up, as people round
    EXPECT_EQ(number_text(19 * 0.3 + 18 * 0.7), "18.3");
    EXPECT_EQ(number_text(1234567.89), "1234567.89");
    EXPECT_EQ(number_text(-4.5), "-4.5");
    EXPECT_EQ(number_text(100000), "100000");
}

TEST(NumberText, SmallValuesAreNotZero) {
    EXPECT_EQ(number_text(0.0004), "0.0004");
    EXPECT_EQ(number_text(0.00045), "0.00045");
    EXPECT_EQ(number_text(0.05), "0.05");
    EXPECT_EQ(number_text(1.0 / 3), "0.33");
    EXPECT_EQ(number_text(0.5), "0.5");
    EXPECT_EQ(number_text(0.999), "1");
    EXPECT_EQ(number_text(0.000001), "0.000001");
    EXPECT_EQ(number_text(1.5e-7), "1.5e-7");
    EXPECT_EQ(number_text(5e-324), "4.94066e-324");
    EXPECT_EQ(number_text(0.0), "0");
    EXPECT_EQ(number_text(-0.0), "0");
}

TEST(NumberText, HugeValuesAreNeitherInfNorCut) {
    EXPECT_EQ(number_text(1e308), "1e308");
    EXPECT_EQ(number_text(std::numeric_limits<double>::max()), "1.79769e308");
    EXPECT_EQ(number_text(1e15), "1e15");
    EXPECT_EQ(number_text(999999999999999.0), "999999999999999");
    EXPECT_EQ(number_text(-2.5e20), "-2.5e20");
    // Sums of many huge scores stay finite text, never a 63-digit cut.
    EXPECT_LE(number_text(1e300 * 3).size(), 12u);
}

TEST(NumberText, NotANumberIsADash) {
    EXPECT_EQ(number_text(std::numeric_limits<double>::infinity()), "–");
    EXPECT_EQ(number_text(std::nan("")), "–");
}

}  // namespace
}  // namespace campus::kiosk::text
