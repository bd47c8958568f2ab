// A notice's body as the screen sets it (kiosk/pages/notice_util.hpp): runs
// of blank lines, as pasted from Word or WeChat, are one paragraph break and
// never pages of their own.
#include "kiosk/pages/notice_util.hpp"

#include <gtest/gtest.h>

namespace campus::kiosk::pages {
namespace {

TEST(NoticeBody, ARunOfBlankLinesIsOneParagraphBreak) {
    EXPECT_EQ(body_text("第一段。\n\n\n\n\n\n第二段。"), "第一段。\n\n第二段。");
    // Lines of spaces, tabs and ideographic spaces are blank too.
    EXPECT_EQ(body_text("第一段。\n \n\t\n\u3000\u3000\n第二段。"), "第一段。\n\n第二段。");
    // A single line break stays a line break.
    EXPECT_EQ(body_text("第一行\n第二行"), "第一行\n第二行");
}

TEST(NoticeBody, BlankLinesBeforeAndAfterTheTextAreDropped) {
    EXPECT_EQ(body_text("\n\n\n  \n正文\n\n\n\n"), "正文");
    EXPECT_EQ(body_text("\n\n\u3000\n"), "");
    EXPECT_EQ(body_text(""), "");
    // A paragraph's own indent is the office's: kept.
    EXPECT_EQ(body_text("\n\u3000\u3000正文"), "\u3000\u3000正文");
}

TEST(NoticeBody, BlankMeansNothingToDraw) {
    EXPECT_TRUE(is_blank_line(""));
    EXPECT_TRUE(is_blank_line(" \t\u3000\r"));
    EXPECT_FALSE(is_blank_line(" 。"));
    EXPECT_FALSE(is_blank_line("a"));
}

}  // namespace
}  // namespace campus::kiosk::pages
