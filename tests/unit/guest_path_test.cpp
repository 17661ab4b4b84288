// Guest path strings and $PATH walking, built for the host.
#include <gtest/gtest.h>
#include <linux/path.h>
#include <string>
#include <vector>

namespace {

std::string absolute(const char* directory, const char* path)
{
    char out[64];
    auto result = linux::absolute_path(out, sizeof(out), directory, path);
    if (result.is_error())
        return "error " + std::to_string(result.error());
    EXPECT_EQ(result.value(), std::string(out).size());
    return out;
}

TEST(Path, MakesPathsAbsolute)
{
    EXPECT_EQ(absolute("/", "bin/sh"), "/bin/sh");
    EXPECT_EQ(absolute("/usr", "bin/sh"), "/usr/bin/sh");
    EXPECT_EQ(absolute("/usr/", "./bin//sh/"), "/usr/bin/sh");
    EXPECT_EQ(absolute("/usr", "/etc/passwd"), "/etc/passwd");
    EXPECT_EQ(absolute("/", "."), "/");
    EXPECT_EQ(absolute("/", "/"), "/");
    EXPECT_EQ(absolute("/a", "../b"), "/a/../b"); // `..` is the file system's business
    EXPECT_EQ(absolute("/", ""), "error 2");
}

TEST(Path, RefusesWhatDoesNotFit)
{
    EXPECT_EQ(absolute("/", std::string(63, 'x').c_str()), "error 36");
    EXPECT_EQ(absolute("/", std::string(62, 'x').c_str()), "/" + std::string(62, 'x'));
    EXPECT_EQ(absolute(("/" + std::string(40, 'd')).c_str(), std::string(30, 'f').c_str()), "error 36");
}

TEST(SearchPath, WalksEntriesInOrder)
{
    std::vector<std::string> seen;
    linux::SearchPath path("/usr/bin::/bin:");
    char entry[32];
    while (path.next(entry, sizeof(entry)))
        seen.push_back(entry);
    EXPECT_EQ(seen, (std::vector<std::string> { "/usr/bin", ".", "/bin", "." }));
}

TEST(SearchPath, FindsVariables)
{
    const char* environment[] = { "HOME=/", "PATHX=no", "PATH=/bin", "EMPTY=", nullptr };
    EXPECT_STREQ(linux::find_environment_variable(environment, "PATH"), "/bin");
    EXPECT_STREQ(linux::find_environment_variable(environment, "EMPTY"), "");
    EXPECT_EQ(linux::find_environment_variable(environment, "PAT"), nullptr);
    EXPECT_EQ(linux::find_environment_variable(environment, "NOPE"), nullptr);
}

} // namespace
