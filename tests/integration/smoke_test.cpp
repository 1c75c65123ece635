#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

TEST(Smoke, VersionMatchesHeader) { EXPECT_EQ(ak_version_number(), AK_VERSION_MAJOR * 10000 + AK_VERSION_MINOR * 100 + AK_VERSION_PATCH); }
