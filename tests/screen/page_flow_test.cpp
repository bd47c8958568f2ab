// Flowing measured items into columns and pages (kiosk/pages/page_util.hpp):
// flow_even() spreads them over the pages the greedy fill needs, so a
// continued page is no stub.
#include "kiosk/pages/page_util.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace campus::kiosk::pages {
namespace {

std::vector<FlowItem> equal_items(std::size_t n, float height) { return std::vector<FlowItem>(n, FlowItem{height}); }

// Items per column, page by page: {{16}, {2}}.
std::vector<std::vector<std::size_t>> shape(const std::vector<FlowPage>& pages) {
    std::vector<std::vector<std::size_t>> out;
    for (const FlowPage& page : pages) {
        std::vector<std::size_t> columns;
        for (const FlowColumn& column : page.columns) columns.push_back(column.last - column.first);
        out.push_back(columns);
    }
    return out;
}

using Shape = std::vector<std::vector<std::size_t>>;

TEST(PageFlow, GreedyFillLeavesAStubThatFlowEvenSpreads) {
    const auto items = equal_items(18, 10);
    EXPECT_EQ(shape(flow_into_pages(items, 160, 0, 1)), (Shape{{16}, {2}}));
    EXPECT_EQ(shape(flow_even(items, 160, 0, 1)), (Shape{{9}, {9}}));
}

TEST(PageFlow, FlowEvenFillsTheSecondColumnOfAContinuedPage) {
    // Two columns a page: greedily 16 + 16, then a page with one column of 4.
    const auto items = equal_items(36, 10);
    EXPECT_EQ(shape(flow_into_pages(items, 160, 0, 2)), (Shape{{16, 16}, {4}}));
    EXPECT_EQ(shape(flow_even(items, 160, 0, 2)), (Shape{{9, 9}, {9, 9}}));
}

TEST(PageFlow, FlowEvenCountsTheGapsAndKeepsAHeadingWithItsFirstRow) {
    // A heading (keep_with_next) before every three rows of 20, gaps of 5.
    std::vector<FlowItem> items;
    for (int group = 0; group < 5; ++group) {
        items.push_back({8, true, 0});
        for (int row = 0; row < 3; ++row) items.push_back({20, false, 15});
    }
    // Greedily 14 items (three groups and a heading with its first row), then 6.
    const std::vector<FlowPage> greedy = flow_into_pages(items, 300, 5, 1);
    const std::vector<FlowPage> even = flow_even(items, 300, 5, 1);
    EXPECT_EQ(shape(greedy), (Shape{{14}, {6}}));
    ASSERT_EQ(even.size(), greedy.size());
    ASSERT_EQ(even.size(), 2u);
    for (const FlowPage& page : even)
        for (const FlowColumn& column : page.columns)
            EXPECT_FALSE(items[column.last - 1].keep_with_next) << "a heading ends column at item " << column.last - 1;
    const std::size_t first = even[0].columns[0].last - even[0].columns[0].first;
    const std::size_t second = even[1].columns[0].last - even[1].columns[0].first;
    EXPECT_EQ(first + second, items.size());
    EXPECT_LE(first > second ? first - second : second - first, 4u) << "pages of " << first << " and " << second;
}

TEST(PageFlow, FlowEvenOnOnePageBalancesItsColumns) {
    const auto items = equal_items(24, 10);
    EXPECT_EQ(shape(flow_into_pages(items, 220, 0, 2)), (Shape{{22, 2}}));
    EXPECT_EQ(shape(flow_even(items, 220, 0, 2)), (Shape{{12, 12}}));
    EXPECT_EQ(shape(flow_even(equal_items(3, 10), 220, 0, 1)), (Shape{{3}}));
    EXPECT_TRUE(flow_even({}, 220, 0, 1).empty());
}

TEST(PageFlow, FlowEvenAnItemTallerThanAColumnStillGetsOneOfItsOwn) {
    const std::vector<FlowItem> items = {{50}, {300}, {50}, {50}};
    EXPECT_EQ(shape(flow_even(items, 200, 0, 1)).size(), flow_into_pages(items, 200, 0, 1).size());
}

TEST(PageFlow, FlowEvenNeverNeedsMorePagesAndKeepsEveryItemInOrder) {
    std::mt19937 random(14);
    std::uniform_real_distribution<float> height(5, 80);
    std::uniform_int_distribution<int> count(1, 60), coin(0, 4), per_page(1, 3);
    for (int round = 0; round < 300; ++round) {
        std::vector<FlowItem> items;
        for (int n = count(random); n > 0; --n) items.push_back({height(random), coin(random) == 0, 0});
        const int columns = per_page(random);
        const std::vector<FlowPage> greedy = flow_into_pages(items, 240, 6, columns);
        const std::vector<FlowPage> even = flow_even(items, 240, 6, columns);
        SCOPED_TRACE("round " + std::to_string(round));
        ASSERT_LE(even.size(), greedy.size());
        std::size_t next = 0;
        for (const FlowPage& page : even) {
            ASSERT_LE(page.columns.size(), static_cast<std::size_t>(columns));
            for (const FlowColumn& column : page.columns) {
                ASSERT_EQ(column.first, next);
                ASSERT_GT(column.last, column.first);
                next = column.last;
            }
        }
        EXPECT_EQ(next, items.size());
    }
}

}  // namespace
}  // namespace campus::kiosk::pages
