// The VFS path walk, built for the host over two tmpfs mounts: `.` and `..`, symlinks,
// loops, trailing slashes, mount crossings, and what create-style calls get back.
#include <fs/tmpfs.h>
#include <gtest/gtest.h>
#include <string>
#include <vfs/path_walk.h>

namespace {

using lib::RefPtr;

class PathWalk : public ::testing::Test {
protected:
    void SetUp() override
    {
        vfs::forget_all_entries();
        vfs::mounts().clear();
        root_fs = fs::TmpFs::create(0, 1);
        mnt_fs = fs::TmpFs::create(0, 2);
        ASSERT_FALSE(vfs::mounts().mount("/", root_fs, false).is_error());
        auto root = root_fs->root();
        auto usr = root->make_directory("usr", 0755).release_value();
        auto bin = usr->make_directory("bin", 0755).release_value();
        sh = bin->create("sh", vfs::TypeRegular | 0755).release_value();
        ASSERT_FALSE(root->make_directory("mnt", 0755).is_error());
        ASSERT_FALSE(root->make_symlink("abs", "/usr/bin").is_error());
        ASSERT_FALSE(usr->make_symlink("rel", "bin/sh").is_error());
        ASSERT_FALSE(usr->make_symlink("up", "../mnt").is_error());
        ASSERT_FALSE(root->make_symlink("loop1", "loop2").is_error());
        ASSERT_FALSE(root->make_symlink("loop2", "loop1").is_error());
        ASSERT_FALSE(root->make_symlink("dangling", "/nowhere").is_error());
        ASSERT_FALSE(vfs::mounts().mount("/mnt", mnt_fs, false).is_error());
        ASSERT_FALSE(mnt_fs->root()->create("inside", vfs::TypeRegular | 0644).is_error());
    }
    void TearDown() override
    {
        vfs::forget_all_entries();
        vfs::mounts().clear();
    }

    // "ok CANONICAL" or "error N".
    std::string walk(const char* path, const char* cwd = "/", bool follow = true, bool want_parent = false)
    {
        vfs::WalkOptions options;
        options.follow_last_symlink = follow;
        options.want_parent = want_parent;
        result = {};
        auto walked = vfs::walk(path, cwd, options, result);
        if (walked.is_error())
            return "error " + std::to_string(walked.error());
        return std::string(result.node ? "ok " : "missing ") + result.canonical;
    }

    RefPtr<fs::TmpFs> root_fs, mnt_fs;
    RefPtr<vfs::Vnode> sh;
    vfs::WalkResult result;
};

TEST_F(PathWalk, ResolvesPlainPathsDotsAndDotDots)
{
    EXPECT_EQ(walk("/usr/bin/sh"), "ok /usr/bin/sh");
    EXPECT_EQ(result.node, sh);
    EXPECT_EQ(walk("//usr/./bin//sh"), "ok /usr/bin/sh");
    EXPECT_EQ(walk("/../../usr/../usr/bin/sh"), "ok /usr/bin/sh");
    EXPECT_EQ(walk("bin/sh", "/usr"), "ok /usr/bin/sh");
    EXPECT_EQ(walk("../..", "/usr/bin"), "ok /");
    EXPECT_EQ(walk("/"), "ok /");
    EXPECT_EQ(walk("."), "ok /");
}

TEST_F(PathWalk, FollowsSymlinks)
{
    EXPECT_EQ(walk("/abs/sh"), "ok /usr/bin/sh");
    EXPECT_EQ(walk("/usr/rel"), "ok /usr/bin/sh");
    EXPECT_EQ(result.node, sh);
    EXPECT_EQ(walk("/usr/up/inside"), "ok /mnt/inside");
    // The last component is not followed when asked not to.
    EXPECT_EQ(walk("/usr/rel", "/", false), "ok /usr/rel");
    EXPECT_EQ(result.node->type(), vfs::TypeSymlink);
    // A trailing slash follows even then, and needs a directory.
    EXPECT_EQ(walk("/abs/", "/", false), "ok /usr/bin");
    EXPECT_EQ(walk("/usr/rel/"), "error 20"); // ENOTDIR
}

TEST_F(PathWalk, ReportsErrorsAsLinux)
{
    EXPECT_EQ(walk("/loop1"), "error 40");   // ELOOP
    EXPECT_EQ(walk("/dangling"), "error 2"); // ENOENT
    EXPECT_EQ(walk("/nope/sh"), "error 2");
    EXPECT_EQ(walk("/usr/bin/sh/x"), "error 20"); // ENOTDIR
    EXPECT_EQ(walk("/usr/bin/sh/.."), "error 20");
    EXPECT_EQ(walk(""), "error 2");
    EXPECT_EQ(walk(("/" + std::string(256, 'x')).c_str()), "error 36"); // ENAMETOOLONG
    EXPECT_EQ(walk(std::string(5000, '/').c_str()), "error 36");
}

TEST_F(PathWalk, CrossesMountsBothWays)
{
    EXPECT_EQ(walk("/mnt/inside"), "ok /mnt/inside");
    EXPECT_EQ(&result.node->file_system(), mnt_fs.ptr());
    EXPECT_EQ(result.mount, vfs::mounts().find("/mnt"));
    EXPECT_EQ(walk("/mnt/../usr"), "ok /usr");
    EXPECT_EQ(&result.node->file_system(), root_fs.ptr());
    EXPECT_EQ(walk("..", "/mnt"), "ok /");
}

TEST_F(PathWalk, GivesCreateCallsTheParentAndName)
{
    EXPECT_EQ(walk("/usr/bin/new", "/", false, true), "missing /usr/bin/new");
    EXPECT_STREQ(result.name, "new");
    ASSERT_TRUE(result.parent);
    EXPECT_EQ(result.parent->lookup("sh").value(), sh);
    // Only the last component may be missing.
    EXPECT_EQ(walk("/usr/nope/new", "/", false, true), "error 2");
    // An existing last component comes back with its parent too.
    EXPECT_EQ(walk("/usr/bin/sh", "/", false, true), "ok /usr/bin/sh");
    EXPECT_STREQ(result.name, "sh");
    EXPECT_EQ(result.parent->lookup("sh").value(), sh);
    // A dangling symlink is a missing node only when followed.
    EXPECT_EQ(walk("/dangling", "/", false, true), "ok /dangling");
}

TEST_F(PathWalk, SeesChangesAfterTheCacheIsTold)
{
    EXPECT_EQ(walk("/usr/bin/sh"), "ok /usr/bin/sh");
    auto bin = root_fs->root()->lookup("usr").value()->lookup("bin").value();
    ASSERT_FALSE(bin->unlink("sh").is_error());
    vfs::forget_entries_of(*bin);
    EXPECT_EQ(walk("/usr/bin/sh"), "error 2");
}

} // namespace
