// tmpfs, built for the host: directories, sparse files, size limit, rename rules, timestamps.
#include <cerrno>
#include <fs/tmpfs.h>
#include <gtest/gtest.h>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using lib::RefPtr;
using vfs::Vnode;

constexpr uint32_t NO_REPLACE = 1; // RENAME_NOREPLACE (the C library has it as a macro)
constexpr uint32_t EXCHANGE = 2;    // RENAME_EXCHANGE
constexpr uint64_t GiB = 1ull << 30;

vfs::Attributes stat(Vnode& node)
{
    auto attributes = node.attributes();
    EXPECT_FALSE(attributes.is_error());
    return attributes.is_error() ? vfs::Attributes {} : attributes.release_value();
}

RefPtr<Vnode> get(Vnode& directory, const char* name)
{
    auto result = directory.lookup(name);
    EXPECT_FALSE(result.is_error()) << name << ": " << result.error();
    return result.is_error() ? nullptr : result.release_value();
}

RefPtr<Vnode> make_file(Vnode& directory, const char* name, const std::string& contents = "")
{
    auto result = directory.create(name, 0644);
    EXPECT_FALSE(result.is_error()) << name << ": " << result.error();
    if (result.is_error())
        return nullptr;
    auto file = result.release_value();
    if (!contents.empty()) {
        auto written = file->write(0, contents.data(), contents.size());
        EXPECT_EQ(written.value(), contents.size());
    }
    return file;
}

RefPtr<Vnode> make_directory(Vnode& directory, const char* name)
{
    auto result = directory.make_directory(name, 0755);
    EXPECT_FALSE(result.is_error()) << name << ": " << result.error();
    return result.is_error() ? nullptr : result.release_value();
}

std::string read_all(Vnode& file)
{
    std::string contents(stat(file).size, '\0');
    auto read = file.read(0, contents.data(), contents.size());
    EXPECT_FALSE(read.is_error());
    contents.resize(read.is_error() ? 0 : read.value());
    return contents;
}

struct Listing {
    std::vector<std::string> names;
    std::vector<uint64_t> next_cookies;
    size_t limit = SIZE_MAX;
};

bool collect(void* context, const vfs::DirectoryEntry& entry, uint64_t next_cookie)
{
    auto& listing = *static_cast<Listing*>(context);
    if (listing.names.size() >= listing.limit)
        return false;
    listing.names.push_back(entry.name);
    listing.next_cookies.push_back(next_cookie);
    return true;
}

std::vector<std::string> list(Vnode& directory)
{
    Listing listing;
    auto result = directory.read_directory(0, collect, &listing);
    EXPECT_FALSE(result.is_error());
    return listing.names;
}

bool later(vfs::Timestamp a, vfs::Timestamp b)
{
    return a.seconds > b.seconds || (a.seconds == b.seconds && a.nanoseconds > b.nanoseconds);
}

bool same_time(vfs::Timestamp a, vfs::Timestamp b) { return a.seconds == b.seconds && a.nanoseconds == b.nanoseconds; }

class Tmpfs : public testing::Test {
protected:
    RefPtr<fs::TmpFs> fs = fs::TmpFs::create(0, 42);
    RefPtr<Vnode> root = fs->root();
};

TEST_F(Tmpfs, IdentifiesItself)
{
    EXPECT_STREQ(fs->name(), "tmpfs");
    EXPECT_EQ(fs->magic(), 0x01021994u);
    EXPECT_FALSE(fs->is_read_only());
    EXPECT_EQ(&root->file_system(), fs.ptr());
    EXPECT_EQ(fs->root(), root);
}

TEST_F(Tmpfs, RootIsAnEmptyDirectory)
{
    auto attributes = stat(*root);
    EXPECT_EQ(attributes.mode & vfs::TypeMask, vfs::TypeDirectory);
    EXPECT_EQ(attributes.link_count, 2u);
    EXPECT_EQ(attributes.device, 42u);
    EXPECT_EQ(list(*root), (std::vector<std::string> { ".", ".." }));
}

TEST_F(Tmpfs, CreatesAndFindsFiles)
{
    auto file = make_file(*root, "hello", "world");
    EXPECT_EQ(get(*root, "hello"), file);
    auto attributes = stat(*file);
    EXPECT_EQ(attributes.mode, vfs::TypeRegular | 0644);
    EXPECT_EQ(attributes.link_count, 1u);
    EXPECT_EQ(attributes.size, 5);
    EXPECT_EQ(read_all(*file), "world");
    EXPECT_EQ(list(*root), (std::vector<std::string> { ".", "..", "hello" }));
    EXPECT_EQ(root->lookup("nothing").error(), ENOENT);
    EXPECT_EQ(file->lookup("x").error(), ENOTDIR);
    EXPECT_EQ(file->create("x", 0644).error(), ENOTDIR);
}

TEST_F(Tmpfs, ExistingNamesFailWithEEXIST)
{
    make_file(*root, "taken");
    EXPECT_EQ(root->create("taken", 0644).error(), EEXIST);
    EXPECT_EQ(root->make_directory("taken", 0755).error(), EEXIST);
    EXPECT_EQ(root->make_symlink("taken", "x").error(), EEXIST);
    EXPECT_EQ(root->make_node("taken", vfs::TypeFifo | 0644, 0).error(), EEXIST);
    EXPECT_EQ(root->link("taken", *get(*root, "taken")).error(), EEXIST);
}

TEST_F(Tmpfs, NamesUpTo255Bytes)
{
    std::string longest(255, 'n');
    make_file(*root, longest.c_str());
    EXPECT_TRUE(get(*root, longest.c_str()));
    EXPECT_EQ(list(*root).back(), longest);
    std::string too_long(256, 'n');
    EXPECT_EQ(root->create(too_long.c_str(), 0644).error(), ENAMETOOLONG);
}

TEST_F(Tmpfs, InodeNumbersAreUnique)
{
    std::set<uint64_t> inodes { stat(*root).inode };
    for (int i = 0; i < 20; ++i) {
        std::string name = "f" + std::to_string(i);
        auto node = (i % 2) ? make_file(*root, name.c_str()) : make_directory(*root, name.c_str());
        EXPECT_TRUE(inodes.insert(stat(*node).inode).second);
    }
    // Not even reused after a file goes.
    uint64_t gone = stat(*get(*root, "f1")).inode;
    ASSERT_FALSE(root->unlink("f1").is_error());
    EXPECT_NE(stat(*make_file(*root, "again")).inode, gone);
}

TEST_F(Tmpfs, ReadsStopAtTheEnd)
{
    auto file = make_file(*root, "f", "0123456789");
    char buffer[32] = {};
    EXPECT_EQ(file->read(4, buffer, 3).value(), 3u);
    EXPECT_EQ(std::string(buffer, 3), "456");
    EXPECT_EQ(file->read(8, buffer, 32).value(), 2u);
    EXPECT_EQ(file->read(10, buffer, 32).value(), 0u);
    EXPECT_EQ(file->read(1000, buffer, 32).value(), 0u);
    // Overwrite in the middle and across a page boundary.
    ASSERT_EQ(file->write(2, "ab", 2).value(), 2u);
    EXPECT_EQ(read_all(*file), "01ab456789");
    std::string big(10000, 'x');
    ASSERT_EQ(file->write(4090, big.data(), big.size()).value(), big.size());
    EXPECT_EQ(stat(*file).size, 14090);
    EXPECT_EQ(read_all(*file).substr(8, 4), std::string("89\0\0", 4)); // the gap reads as zero
    EXPECT_EQ(read_all(*file).substr(4085, 10), std::string(5, '\0') + "xxxxx");
}

TEST_F(Tmpfs, SparseWriteAllocatesOnlyWhatItTouches)
{
    auto file = make_file(*root, "sparse");
    ASSERT_EQ(file->write(GiB, "tail", 4).value(), 4u);
    auto attributes = stat(*file);
    EXPECT_EQ(attributes.size, static_cast<int64_t>(GiB + 4));
    EXPECT_EQ(attributes.blocks, 8); // one page, in 512-byte units
    EXPECT_EQ(fs->used_bytes(), 4096u);
    // Holes read as zero.
    std::vector<char> buffer(8192, 'q');
    ASSERT_EQ(file->read(GiB - 4096, buffer.data(), 4096).value(), 4096u);
    for (char c : std::vector<char>(buffer.begin(), buffer.begin() + 4096))
        ASSERT_EQ(c, 0);
    ASSERT_EQ(file->read(0, buffer.data(), 100).value(), 100u);
    EXPECT_EQ(buffer[0], 0);
    ASSERT_EQ(file->read(GiB, buffer.data(), 100).value(), 4u);
    EXPECT_EQ(std::string(buffer.data(), 4), "tail");
}

TEST_F(Tmpfs, TruncateFreesPagesAndZeroesThePartialPage)
{
    auto file = make_file(*root, "f", std::string(3 * 4096, '\xab'));
    EXPECT_EQ(stat(*file).blocks, 24);
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Size;
    change.size = 5000;
    ASSERT_FALSE(file->set_attributes(change).is_error());
    EXPECT_EQ(stat(*file).size, 5000);
    EXPECT_EQ(stat(*file).blocks, 16);
    EXPECT_EQ(fs->used_bytes(), 8192u);
    // Growing again shows zeros past the old cut, and allocates nothing.
    change.size = 3 * 4096;
    ASSERT_FALSE(file->set_attributes(change).is_error());
    EXPECT_EQ(stat(*file).blocks, 16);
    std::string contents = read_all(*file);
    EXPECT_EQ(contents.substr(0, 5000), std::string(5000, '\xab'));
    EXPECT_EQ(contents.substr(5000), std::string(3 * 4096 - 5000, '\0'));
    change.size = 0;
    ASSERT_FALSE(file->set_attributes(change).is_error());
    EXPECT_EQ(stat(*file).blocks, 0);
    EXPECT_EQ(fs->used_bytes(), 0u);
    // Truncating far beyond and back down leaves nothing behind either.
    ASSERT_EQ(file->write(5 * GiB, "x", 1).value(), 1u);
    change.size = 4096;
    ASSERT_FALSE(file->set_attributes(change).is_error());
    EXPECT_EQ(fs->used_bytes(), 0u);
    EXPECT_EQ(read_all(*file), std::string(4096, '\0'));
}

TEST_F(Tmpfs, TruncateOnOtherTypes)
{
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Size;
    EXPECT_EQ(root->set_attributes(change).error(), EISDIR);
}

TEST(TmpfsLimit, WritesPastTheLimitFailWithENOSPC)
{
    auto fs = fs::TmpFs::create(2 * 4096, 1);
    auto root = fs->root();
    auto file = make_file(*root, "f");
    std::string data(3 * 4096, 'd');
    EXPECT_EQ(file->write(0, data.data(), data.size()).value(), 2 * 4096u); // short write
    EXPECT_EQ(file->write(2 * 4096, "x", 1).error(), ENOSPC);
    EXPECT_EQ(fs->used_bytes(), 2 * 4096u);
    // Rewriting allocated pages needs no space.
    EXPECT_EQ(file->write(10, "y", 1).value(), 1u);
    // An unlinked file keeps its pages while someone holds it.
    ASSERT_FALSE(root->unlink("f").is_error());
    EXPECT_EQ(fs->used_bytes(), 2 * 4096u);
    file = nullptr;
    EXPECT_EQ(fs->used_bytes(), 0u);
    auto other = make_file(*root, "g");
    EXPECT_EQ(other->write(0, data.data(), 4096).value(), 4096u);
}

TEST_F(Tmpfs, Symlinks)
{
    auto link = root->make_symlink("link", "some/target").release_value();
    auto attributes = stat(*link);
    EXPECT_EQ(attributes.mode, vfs::TypeSymlink | 0777);
    EXPECT_EQ(attributes.size, 11);
    char buffer[64];
    EXPECT_EQ(link->read_link(buffer, sizeof(buffer)).value(), 11u);
    EXPECT_EQ(std::string(buffer, 11), "some/target");
    EXPECT_EQ(link->read_link(buffer, 4).value(), 11u); // full length, truncated copy
    EXPECT_EQ(std::string(buffer, 4), "some");
    EXPECT_EQ(make_file(*root, "f")->read_link(buffer, 4).error(), EINVAL);
    EXPECT_EQ(root->make_symlink("empty", "").error(), ENOENT);
}

TEST_F(Tmpfs, SpecialNodesKeepTheirType)
{
    auto fifo = root->make_node("fifo", vfs::TypeFifo | 0600, 0).release_value();
    EXPECT_EQ(stat(*fifo).mode, vfs::TypeFifo | 0600);
    auto device = root->make_node("null", vfs::TypeCharacterDevice | 0666, 0x103).release_value();
    EXPECT_EQ(stat(*device).mode, vfs::TypeCharacterDevice | 0666);
    EXPECT_EQ(stat(*device).rdev, 0x103u);
    auto regular = root->make_node("plain", vfs::TypeRegular | 0600, 0).release_value();
    EXPECT_EQ(stat(*regular).mode, vfs::TypeRegular | 0600);
    EXPECT_EQ(root->make_node("d", vfs::TypeDirectory | 0600, 0).error(), EINVAL);
}

TEST_F(Tmpfs, HardLinks)
{
    auto file = make_file(*root, "a", "data");
    auto directory = make_directory(*root, "d");
    ASSERT_FALSE(directory->link("b", *file).is_error());
    EXPECT_EQ(get(*directory, "b"), file);
    EXPECT_EQ(stat(*file).link_count, 2u);
    ASSERT_FALSE(root->unlink("a").is_error());
    EXPECT_EQ(stat(*file).link_count, 1u);
    EXPECT_EQ(read_all(*get(*directory, "b")), "data");
    EXPECT_EQ(root->link("dir-link", *directory).error(), EPERM);
    auto other = fs::TmpFs::create(0, 2);
    EXPECT_EQ(other->root()->link("x", *file).error(), EXDEV);
    ASSERT_FALSE(directory->unlink("b").is_error());
    EXPECT_EQ(stat(*file).link_count, 0u);
    EXPECT_EQ(root->link("back", *file).error(), ENOENT);
}

TEST_F(Tmpfs, UnlinkAndRemoveDirectory)
{
    auto directory = make_directory(*root, "d");
    make_file(*directory, "f");
    EXPECT_EQ(root->unlink("d").error(), EISDIR);
    EXPECT_EQ(directory->remove_directory("f").error(), ENOTDIR);
    EXPECT_EQ(root->remove_directory("d").error(), ENOTEMPTY);
    EXPECT_EQ(root->unlink("missing").error(), ENOENT);
    EXPECT_EQ(root->remove_directory("missing").error(), ENOENT);
    ASSERT_FALSE(directory->unlink("f").is_error());
    EXPECT_EQ(stat(*root).link_count, 3u);
    ASSERT_FALSE(root->remove_directory("d").is_error());
    EXPECT_EQ(stat(*root).link_count, 2u);
    EXPECT_EQ(root->lookup("d").error(), ENOENT);
    // The removed directory, still held, is dead.
    EXPECT_EQ(stat(*directory).link_count, 0u);
    EXPECT_EQ(directory->create("x", 0644).error(), ENOENT);
    EXPECT_EQ(list(*directory).size(), 0u);
}

TEST_F(Tmpfs, DirectoryLinkCountCountsSubdirectories)
{
    auto directory = make_directory(*root, "d");
    make_directory(*directory, "a");
    make_directory(*directory, "b");
    make_file(*directory, "f");
    EXPECT_EQ(stat(*directory).link_count, 4u);
    EXPECT_EQ(stat(*root).link_count, 3u);
    EXPECT_EQ(stat(*directory).size, 20 * 5); // Linux's bogus 20 bytes per entry
}

TEST_F(Tmpfs, AttributeChanges)
{
    auto file = make_file(*root, "f");
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Mode | vfs::AttributeChange::Owner;
    change.mode = 04751 | vfs::TypeDirectory; // type bits are ignored
    change.uid = 1000;
    change.gid = 100;
    ASSERT_FALSE(file->set_attributes(change).is_error());
    auto attributes = stat(*file);
    EXPECT_EQ(attributes.mode, vfs::TypeRegular | 04751);
    EXPECT_EQ(attributes.uid, 1000u);
    EXPECT_EQ(attributes.gid, 100u);
    change.which = vfs::AttributeChange::AccessTime | vfs::AttributeChange::ModifyTime;
    change.access_time = { 100, 5 };
    change.modify_time = { 200, 6 };
    ASSERT_FALSE(file->set_attributes(change).is_error());
    attributes = stat(*file);
    EXPECT_TRUE(same_time(attributes.access_time, { 100, 5 }));
    EXPECT_TRUE(same_time(attributes.modify_time, { 200, 6 }));
}

TEST_F(Tmpfs, RenameMovesEntries)
{
    auto file = make_file(*root, "a", "data");
    auto directory = make_directory(*root, "d");
    ASSERT_FALSE(root->rename("a", *root, "b", 0).is_error());
    EXPECT_EQ(root->lookup("a").error(), ENOENT);
    EXPECT_EQ(get(*root, "b"), file);
    ASSERT_FALSE(root->rename("b", *directory, "c", 0).is_error());
    EXPECT_EQ(get(*directory, "c"), file);
    EXPECT_EQ(list(*root), (std::vector<std::string> { ".", "..", "d" }));
    // Moving a directory moves its ".." and the parents' link counts.
    auto moved = make_directory(*root, "m");
    EXPECT_EQ(stat(*root).link_count, 4u);
    ASSERT_FALSE(root->rename("m", *directory, "m", 0).is_error());
    EXPECT_EQ(stat(*root).link_count, 3u);
    EXPECT_EQ(stat(*directory).link_count, 3u);
    Listing listing;
    ASSERT_FALSE(moved->read_directory(0, collect, &listing).is_error());
    EXPECT_EQ(listing.names[1], "..");
    EXPECT_EQ(root->rename("missing", *root, "x", 0).error(), ENOENT);
    EXPECT_EQ(root->rename("d", *file, "x", 0).error(), ENOTDIR);
}

TEST_F(Tmpfs, RenameReplacesFiles)
{
    auto a = make_file(*root, "a", "new");
    auto b = make_file(*root, "b", "old");
    ASSERT_FALSE(root->rename("a", *root, "b", 0).is_error());
    EXPECT_EQ(get(*root, "b"), a);
    EXPECT_EQ(stat(*b).link_count, 0u);
    EXPECT_EQ(list(*root), (std::vector<std::string> { ".", "..", "b" }));
}

TEST_F(Tmpfs, RenameFlags)
{
    make_file(*root, "a", "A");
    make_file(*root, "b", "B");
    EXPECT_EQ(root->rename("a", *root, "b", NO_REPLACE).error(), EEXIST);
    EXPECT_EQ(root->rename("a", *root, "b", NO_REPLACE | EXCHANGE).error(), EINVAL);
    EXPECT_EQ(root->rename("a", *root, "c", EXCHANGE).error(), ENOENT);
    ASSERT_FALSE(root->rename("a", *root, "c", NO_REPLACE).is_error());
    ASSERT_FALSE(root->rename("c", *root, "b", EXCHANGE).is_error());
    EXPECT_EQ(read_all(*get(*root, "b")), "A");
    EXPECT_EQ(read_all(*get(*root, "c")), "B");
    // Exchanging a file and a directory across directories.
    auto directory = make_directory(*root, "d");
    auto sub = make_directory(*directory, "sub");
    ASSERT_FALSE(root->rename("b", *directory, "sub", EXCHANGE).is_error());
    EXPECT_EQ(get(*root, "b"), sub);
    EXPECT_EQ(read_all(*get(*directory, "sub")), "A");
    EXPECT_EQ(stat(*root).link_count, 4u);
    EXPECT_EQ(stat(*directory).link_count, 2u);
}

TEST_F(Tmpfs, RenameFollowsLinuxRulesForDirectories)
{
    auto empty = make_directory(*root, "empty");
    auto full = make_directory(*root, "full");
    make_file(*full, "inside");
    auto file = make_file(*root, "file");
    auto directory = make_directory(*root, "dir");
    auto child = make_directory(*directory, "child");

    EXPECT_EQ(root->rename("dir", *root, "full", 0).error(), ENOTEMPTY);
    EXPECT_EQ(root->rename("dir", *root, "file", 0).error(), ENOTDIR);
    EXPECT_EQ(root->rename("file", *root, "empty", 0).error(), EISDIR);
    EXPECT_EQ(root->rename("dir", *child, "x", 0).error(), EINVAL);
    EXPECT_EQ(root->rename("dir", *directory, "x", 0).error(), EINVAL);
    EXPECT_EQ(directory->rename("child", *root, "dir", EXCHANGE).error(), EINVAL);
    // Nothing changed so far.
    EXPECT_EQ(list(*root), (std::vector<std::string> { ".", "..", "empty", "full", "file", "dir" }));

    ASSERT_FALSE(root->rename("dir", *root, "empty", 0).is_error());
    EXPECT_EQ(get(*root, "empty"), directory);
    EXPECT_EQ(stat(*empty).link_count, 0u);
    EXPECT_EQ(stat(*root).link_count, 4u); // empty (now dir) and full
}

TEST_F(Tmpfs, RenameOfTheSameFileDoesNothing)
{
    auto file = make_file(*root, "a");
    ASSERT_FALSE(root->link("b", *file).is_error());
    ASSERT_FALSE(root->rename("a", *root, "b", 0).is_error());
    EXPECT_EQ(get(*root, "a"), file);
    EXPECT_EQ(get(*root, "b"), file);
    EXPECT_EQ(stat(*file).link_count, 2u);
    ASSERT_FALSE(root->rename("a", *root, "a", 0).is_error());
    EXPECT_EQ(get(*root, "a"), file);
}

TEST_F(Tmpfs, DirectoryCookiesSurviveRemovals)
{
    for (int i = 0; i < 10; ++i)
        make_file(*root, ("f" + std::to_string(i)).c_str());
    Listing first;
    first.limit = 5; // ".", "..", f0, f1, f2
    auto cookie = root->read_directory(0, collect, &first);
    ASSERT_FALSE(cookie.is_error());
    EXPECT_EQ(first.names, (std::vector<std::string> { ".", "..", "f0", "f1", "f2" }));
    EXPECT_EQ(cookie.value(), first.next_cookies.back());
    // Remove one already listed, the next one due, and one further on; add a new one.
    ASSERT_FALSE(root->unlink("f1").is_error());
    ASSERT_FALSE(root->unlink("f3").is_error());
    ASSERT_FALSE(root->unlink("f7").is_error());
    make_file(*root, "new");
    Listing rest;
    ASSERT_FALSE(root->read_directory(cookie.value(), collect, &rest).is_error());
    EXPECT_EQ(rest.names, (std::vector<std::string> { "f4", "f5", "f6", "f8", "f9", "new" }));
    // Resuming from any cookie handed out gives the entries after it.
    Listing again;
    ASSERT_FALSE(root->read_directory(rest.next_cookies[2], collect, &again).is_error());
    EXPECT_EQ(again.names, (std::vector<std::string> { "f8", "f9", "new" }));
    Listing done;
    auto end = root->read_directory(rest.next_cookies.back(), collect, &done);
    EXPECT_TRUE(done.names.empty());
    EXPECT_EQ(end.value(), rest.next_cookies.back());
}

TEST_F(Tmpfs, DirectoryEntriesReportInodeAndType)
{
    auto directory = make_directory(*root, "d");
    auto link = root->make_symlink("l", "t").release_value();
    struct Seen {
        std::vector<vfs::DirectoryEntry> entries;
    } seen;
    auto sink = [](void* context, const vfs::DirectoryEntry& entry, uint64_t) {
        static_cast<Seen*>(context)->entries.push_back(entry);
        return true;
    };
    ASSERT_FALSE(directory->read_directory(0, sink, &seen).is_error());
    ASSERT_EQ(seen.entries.size(), 2u);
    EXPECT_EQ(seen.entries[0].inode, stat(*directory).inode);
    EXPECT_EQ(seen.entries[1].inode, stat(*root).inode);
    seen.entries.clear();
    ASSERT_FALSE(root->read_directory(2, sink, &seen).is_error());
    ASSERT_EQ(seen.entries.size(), 2u);
    EXPECT_EQ(seen.entries[0].type, 4); // DT_DIR
    EXPECT_EQ(seen.entries[1].type, 10); // DT_LNK
    EXPECT_EQ(seen.entries[1].inode, stat(*link).inode);
}

TEST_F(Tmpfs, WritesUpdateModificationAndChangeTimes)
{
    auto file = make_file(*root, "f");
    auto before = stat(*file);
    ASSERT_EQ(file->write(0, "x", 1).value(), 1u);
    auto after = stat(*file);
    EXPECT_TRUE(later(after.modify_time, before.modify_time));
    EXPECT_TRUE(later(after.change_time, before.change_time));
    EXPECT_TRUE(same_time(after.access_time, before.access_time));
    // Reading updates the access time (relatime: it was not newer than mtime).
    char c;
    ASSERT_EQ(file->read(0, &c, 1).value(), 1u);
    EXPECT_TRUE(later(stat(*file).access_time, after.access_time));
    EXPECT_TRUE(same_time(stat(*file).modify_time, after.modify_time));
}

TEST_F(Tmpfs, ChmodUpdatesOnlyTheChangeTime)
{
    auto file = make_file(*root, "f");
    auto before = stat(*file);
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Mode;
    change.mode = 0600;
    ASSERT_FALSE(file->set_attributes(change).is_error());
    auto after = stat(*file);
    EXPECT_TRUE(later(after.change_time, before.change_time));
    EXPECT_TRUE(same_time(after.modify_time, before.modify_time));
}

TEST_F(Tmpfs, DirectoryChangesUpdateTheDirectoryTimes)
{
    auto directory = make_directory(*root, "d");
    auto check = [&](const char* what, auto operation) {
        auto before = stat(*directory);
        operation();
        auto after = stat(*directory);
        EXPECT_TRUE(later(after.modify_time, before.modify_time)) << what;
        EXPECT_TRUE(later(after.change_time, before.change_time)) << what;
    };
    check("create", [&] { make_file(*directory, "f"); });
    check("mkdir", [&] { make_directory(*directory, "sub"); });
    check("symlink", [&] { ASSERT_FALSE(directory->make_symlink("l", "t").is_error()); });
    check("link", [&] { ASSERT_FALSE(directory->link("g", *get(*directory, "f")).is_error()); });
    check("unlink", [&] { ASSERT_FALSE(directory->unlink("g").is_error()); });
    check("rename", [&] { ASSERT_FALSE(directory->rename("f", *directory, "h", 0).is_error()); });
    check("rename out", [&] { ASSERT_FALSE(directory->rename("h", *root, "h", 0).is_error()); });
    check("rename in", [&] { ASSERT_FALSE(root->rename("h", *directory, "h", 0).is_error()); });
    check("rmdir", [&] { ASSERT_FALSE(directory->remove_directory("sub").is_error()); });
    // Linking and unlinking change the file's ctime too.
    auto file = get(*directory, "h");
    auto before = stat(*file);
    ASSERT_FALSE(root->link("again", *file).is_error());
    EXPECT_TRUE(later(stat(*file).change_time, before.change_time));
}

TEST(TmpfsReadOnly, EveryModificationFailsWithEROFS)
{
    auto fs = fs::TmpFs::create(0, 1);
    auto root = fs->root();
    auto file = make_file(*root, "f", "contents");
    auto directory = make_directory(*root, "d");
    make_directory(*directory, "sub");
    fs->set_read_only(true);
    EXPECT_TRUE(fs->is_read_only());
    auto before = stat(*file);

    EXPECT_EQ(root->create("new", 0644).error(), EROFS);
    EXPECT_EQ(root->make_directory("new", 0755).error(), EROFS);
    EXPECT_EQ(root->make_symlink("new", "t").error(), EROFS);
    EXPECT_EQ(root->make_node("new", vfs::TypeFifo | 0644, 0).error(), EROFS);
    EXPECT_EQ(root->link("new", *file).error(), EROFS);
    EXPECT_EQ(root->unlink("f").error(), EROFS);
    EXPECT_EQ(directory->remove_directory("sub").error(), EROFS);
    EXPECT_EQ(root->rename("f", *root, "g", 0).error(), EROFS);
    EXPECT_EQ(file->write(0, "x", 1).error(), EROFS);
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Mode;
    EXPECT_EQ(file->set_attributes(change).error(), EROFS);

    // Reading works and leaves the access time alone.
    EXPECT_EQ(read_all(*file), "contents");
    EXPECT_EQ(list(*root).size(), 4u);
    auto after = stat(*file);
    EXPECT_TRUE(same_time(after.access_time, before.access_time));
    EXPECT_TRUE(same_time(after.change_time, before.change_time));

    fs->set_read_only(false);
    EXPECT_FALSE(root->unlink("f").is_error());
}

} // namespace
