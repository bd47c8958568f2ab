// The workbook model's own helpers: cell names, sheet lookup, Excel serials.
#include <gtest/gtest.h>

#include "publish/workbook.hpp"

namespace campus::publish {
namespace {

TEST(WorkbookModel, CellNamesAreWhatTheClerkSees) {
    EXPECT_EQ((CellRef{8, 1}.to_a1()), "B9");
    EXPECT_EQ((CellRef{0, 0}.to_a1()), "A1");
    EXPECT_EQ(column_letters(25), "Z");
    EXPECT_EQ(column_letters(26), "AA");
    EXPECT_EQ(column_letters(701), "ZZ");
    EXPECT_EQ(column_letters(702), "AAA");
}

TEST(WorkbookModel, SheetsAreFoundDespiteWidthAndSpaces) {
    Workbook book;
    book.sheets.push_back(Sheet{" 评比项目（旧）\u3000", {}});
    EXPECT_NE(book.find_sheet("评比项目(旧)"), nullptr);
    EXPECT_EQ(book.find_sheet("评比项目"), nullptr);
}

TEST(WorkbookModel, OutsideTheDataIsEmpty) {
    Sheet sheet{"s", {{Cell{Cell::Kind::text, "x"}}}};
    EXPECT_EQ(sheet.at(0, 0).text, "x");
    EXPECT_TRUE(sheet.at(0, 5).is_empty());
    EXPECT_TRUE(sheet.at(7, 0).is_empty());
}

TEST(WorkbookModel, ExcelSerialsBecomeCivilDates) {
    auto d = serial_to_datetime(45170, false);  // 2023-09-01
    ASSERT_TRUE(d);
    EXPECT_EQ(d->year, 2023);
    EXPECT_EQ(d->month, 9);
    EXPECT_EQ(d->day, 1);
    auto t = serial_to_datetime(45170.3125, false);  // 07:30
    ASSERT_TRUE(t);
    EXPECT_EQ(t->hour, 7);
    EXPECT_EQ(t->minute, 30);
    auto early = serial_to_datetime(59, false);  // 1900-02-28
    ASSERT_TRUE(early);
    EXPECT_EQ(early->month, 2);
    EXPECT_EQ(early->day, 28);
    EXPECT_FALSE(serial_to_datetime(60, false));  // Lotus's 1900-02-29
    auto mac = serial_to_datetime(43708, true);   // 2023-09-01 in the 1904 system
    ASSERT_TRUE(mac);
    EXPECT_EQ(mac->year, 2023);
    EXPECT_EQ(mac->month, 9);
    EXPECT_EQ(mac->day, 1);
    EXPECT_FALSE(serial_to_datetime(-1, false));
}

}  // namespace
}  // namespace campus::publish
