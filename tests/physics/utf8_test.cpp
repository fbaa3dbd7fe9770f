// UTF-8 validation of the text that ends up in JSON and CSV files.

#include "physics/utf8.h"

#include <gtest/gtest.h>

namespace echolab {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_EQ(FirstInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("plain ASCII"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("\xf4\x8f\xbf\xbf"), std::nullopt);  // U+10FFFF
}

TEST(Utf8, FindsTheFirstBadByte) {
  EXPECT_EQ(FirstInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("a\xc3"), 1u);               // truncated
  EXPECT_EQ(FirstInvalidUtf8("\xc0\xaf"), 0u);            // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("x\xe0\x80\xaf"), 1u);       // overlong, three bytes
  EXPECT_EQ(FirstInvalidUtf8("\xed\xa0\x80"), 0u);        // a surrogate
  EXPECT_EQ(FirstInvalidUtf8("ok\xf4\x90\x80\x80"), 2u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("\xe2\x82"), 0u);            // truncated
  EXPECT_EQ(FirstInvalidUtf8("\x80"), 0u);                // a lone continuation byte
}

}  // namespace
}  // namespace echolab
