#include <gtest/gtest.h>

#include <string>

#include "common/error.h"

namespace echolab {
namespace {

TEST(InternalError, AFailedCheckNamesTheSourceLineAndIsNotAnInputError) {
  EXPECT_NO_THROW(ECHOLAB_CHECK(1 + 1 == 2, "arithmetic"));
  try {
    ECHOLAB_CHECK(1 + 1 == 3, "the sizes of a and b differ");
    FAIL() << "a false check did not throw";
  } catch (const InputError&) {
    FAIL() << "a broken invariant is not the user's input";
  } catch (const InternalError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("internal_error_test.cpp:"), std::string::npos) << message;
    EXPECT_NE(message.find("the sizes of a and b differ"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace echolab
