// overlayfs over a read-only tmpfs lower layer, built for the host. Every test ends by
// checking that the lower layer is exactly as it was.
#include <cerrno>
#include <fs/overlay.h>
#include <fs/tmpfs.h>
#include <gtest/gtest.h>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using lib::RefPtr;
using vfs::Vnode;

constexpr uint32_t NO_REPLACE = 1; // RENAME_NOREPLACE
constexpr uint32_t EXCHANGE = 2;   // RENAME_EXCHANGE
constexpr uint32_t WRITE_ONLY = 1; // O_WRONLY

vfs::Attributes stat(Vnode& node)
{
    auto attributes = node.attributes();
    EXPECT_FALSE(attributes.is_error());
    return attributes.is_error() ? vfs::Attributes {} : attributes.release_value();
}

// Follows a relative path of names; null (and a test failure) when a step is missing.
RefPtr<Vnode> walk(RefPtr<Vnode> node, const std::string& path, bool expect = true)
{
    std::stringstream stream(path);
    std::string name;
    while (node && std::getline(stream, name, '/')) {
        auto next = node->lookup(name.c_str());
        if (next.is_error()) {
            EXPECT_FALSE(expect) << path << ": " << name << ": " << next.error();
            return nullptr;
        }
        node = next.release_value();
    }
    return node;
}

int lookup_error(RefPtr<Vnode> root, const std::string& path)
{
    auto slash = path.rfind('/');
    auto directory = slash == std::string::npos ? root : walk(root, path.substr(0, slash));
    auto result = directory->lookup(path.substr(slash + 1).c_str());
    return result.is_error() ? result.error() : 0;
}

std::string read_all(Vnode& file)
{
    std::string contents(stat(file).size, '\0');
    auto read = file.read(0, contents.data(), contents.size());
    EXPECT_FALSE(read.is_error());
    contents.resize(read.is_error() ? 0 : read.value());
    return contents;
}

void write_at(Vnode& file, uint64_t offset, const std::string& data)
{
    auto written = file.write(offset, data.data(), data.size());
    ASSERT_FALSE(written.is_error()) << written.error();
    ASSERT_EQ(written.value(), data.size());
}

struct Listing {
    std::vector<vfs::DirectoryEntry> entries;
    std::vector<uint64_t> next_cookies;
    size_t limit = SIZE_MAX;

    std::vector<std::string> names() const
    {
        std::vector<std::string> result;
        for (auto& entry : entries)
            result.push_back(entry.name);
        return result;
    }
};

bool collect(void* context, const vfs::DirectoryEntry& entry, uint64_t next_cookie)
{
    auto& listing = *static_cast<Listing*>(context);
    if (listing.entries.size() >= listing.limit)
        return false;
    listing.entries.push_back(entry);
    listing.next_cookies.push_back(next_cookie);
    return true;
}

Listing list_from(Vnode& directory, uint64_t cookie = 0, size_t limit = SIZE_MAX)
{
    Listing listing;
    listing.limit = limit;
    auto result = directory.read_directory(cookie, collect, &listing);
    EXPECT_FALSE(result.is_error());
    return listing;
}

std::vector<std::string> list(Vnode& directory) { return list_from(directory).names(); }

std::vector<std::string> sorted(std::vector<std::string> names)
{
    std::sort(names.begin(), names.end());
    return names;
}

bool same_time(vfs::Timestamp a, vfs::Timestamp b) { return a.seconds == b.seconds && a.nanoseconds == b.nanoseconds; }

// Everything about a tree, for comparing before and after.
void describe(Vnode& node, const std::string& path, std::map<std::string, std::string>& out)
{
    auto a = stat(node);
    std::stringstream description;
    description << std::oct << a.mode << std::dec << " ino=" << a.inode << " nlink=" << a.link_count << " uid=" << a.uid
                << " gid=" << a.gid << " size=" << a.size << " blocks=" << a.blocks << " rdev=" << a.rdev
                << " atime=" << a.access_time.seconds << " mtime=" << a.modify_time.seconds << " ctime=" << a.change_time.seconds;
    uint32_t type = a.mode & vfs::TypeMask;
    if (type == vfs::TypeRegular)
        description << " data=" << read_all(node);
    if (type == vfs::TypeSymlink) {
        char target[256];
        size_t length = node.read_link(target, sizeof(target)).value();
        description << " target=" << std::string(target, length);
    }
    out[path] = description.str();
    if (type != vfs::TypeDirectory)
        return;
    for (auto& name : list(node)) {
        if (name == "." || name == "..")
            continue;
        describe(*node.lookup(name.c_str()).release_value(), path + "/" + name, out);
    }
}

class Overlay : public testing::Test {
protected:
    void SetUp() override
    {
        auto root = lower->root();
        auto etc = root->make_directory("etc", 0750).release_value();
        write_at(*etc->create("passwd", 0640).release_value(), 0, "root:x:0:0");
        write_at(*etc->create("hosts", 0644).release_value(), 0, "127.0.0.1 localhost");
        auto bin = root->make_directory("bin", 0755).release_value();
        auto busybox = bin->create("busybox", 0755).release_value();
        write_at(*busybox, 0, "ELF");
        ASSERT_FALSE(bin->make_symlink("sh", "busybox").is_error());
        ASSERT_FALSE(bin->link("ash", *busybox).is_error());
        auto data = root->make_directory("data", 0700).release_value();
        write_at(*data->create("sparse", 0600).release_value(), 1 << 20, "end");
        auto sub = data->make_directory("sub", 0711).release_value();
        write_at(*sub->create("deep.txt", 0644).release_value(), 0, "deep");
        ASSERT_FALSE(root->make_directory("empty", 0755).is_error());
        ASSERT_FALSE(root->make_node("fifo", vfs::TypeFifo | 0620, 0).is_error());
        // Owners and times that a copy-up must keep.
        vfs::AttributeChange change {};
        change.which = vfs::AttributeChange::Owner | vfs::AttributeChange::AccessTime | vfs::AttributeChange::ModifyTime;
        change.uid = 1000;
        change.gid = 50;
        change.access_time = { 1000, 1 };
        change.modify_time = { 2000, 2 };
        for (auto path : { "etc", "etc/passwd", "etc/hosts", "data", "data/sub", "data/sub/deep.txt", "fifo" })
            ASSERT_FALSE(walk(root, path)->set_attributes(change).is_error());
        lower->set_read_only(true);
        describe(*lower->root(), "", lower_before);
        overlay = fs::OverlayFs::create(lower, upper);
        ASSERT_TRUE(overlay);
        root_node = overlay->root();
    }

    void TearDown() override
    {
        std::map<std::string, std::string> lower_after;
        describe(*lower->root(), "", lower_after);
        EXPECT_EQ(lower_after, lower_before) << "the lower layer changed";
    }

    RefPtr<Vnode> at(const std::string& path) { return walk(root_node, path); }
    RefPtr<Vnode> upper_at(const std::string& path) { return walk(upper->root(), path, false); }
    RefPtr<Vnode> lower_at(const std::string& path) { return walk(lower->root(), path); }

    RefPtr<fs::TmpFs> lower = fs::TmpFs::create(0, 1);
    RefPtr<fs::TmpFs> upper = fs::TmpFs::create(0, 2);
    RefPtr<fs::OverlayFs> overlay;
    RefPtr<Vnode> root_node;
    std::map<std::string, std::string> lower_before;
};

TEST_F(Overlay, IdentifiesItself)
{
    EXPECT_STREQ(overlay->name(), "overlay");
    EXPECT_EQ(overlay->magic(), 0x794c7630u);
    EXPECT_FALSE(overlay->is_read_only());
    EXPECT_EQ(&root_node->file_system(), overlay.ptr());
    EXPECT_EQ(overlay->root(), root_node);
}

TEST_F(Overlay, ShowsTheLowerLayer)
{
    EXPECT_EQ(read_all(*at("etc/passwd")), "root:x:0:0");
    auto attributes = stat(*at("etc/passwd"));
    EXPECT_EQ(attributes.mode, vfs::TypeRegular | 0640);
    EXPECT_EQ(attributes.uid, 1000u);
    EXPECT_EQ(attributes.inode, stat(*lower_at("etc/passwd")).inode);
    EXPECT_EQ(attributes.device, 2u); // one device for the whole overlay
    EXPECT_EQ(stat(*at("bin/ash")).inode, stat(*at("bin/busybox")).inode);
    char target[16];
    EXPECT_EQ(at("bin/sh")->read_link(target, sizeof(target)).value(), 7u);
    EXPECT_EQ(stat(*at("fifo")).mode, vfs::TypeFifo | 0620);
    EXPECT_EQ(sorted(list(*root_node)), sorted({ ".", "..", "etc", "bin", "data", "empty", "fifo" }));
    EXPECT_EQ(lookup_error(root_node, "etc/missing"), ENOENT);
    EXPECT_EQ(at("etc/passwd")->lookup("x").error(), ENOTDIR);
    // Reading does not copy anything up.
    EXPECT_EQ(list(*upper->root()), (std::vector<std::string> { ".", ".." }));
}

TEST_F(Overlay, OneNodePerFile)
{
    EXPECT_EQ(at("etc/passwd"), at("etc/passwd"));
    EXPECT_EQ(at("etc"), at("etc"));
    auto created = root_node->create("new", 0644).release_value();
    EXPECT_EQ(at("new"), created);
}

TEST(OverlayRoot, TheRootShowsTheLowerRootsModeOwnerAndTimes)
{
    auto lower = fs::TmpFs::create(0, 1);
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Mode | vfs::AttributeChange::Owner | vfs::AttributeChange::ModifyTime;
    change.mode = 0750;
    change.uid = 7;
    change.gid = 8;
    change.modify_time = { 3000, 3 };
    ASSERT_FALSE(lower->root()->set_attributes(change).is_error());
    lower->set_read_only(true);
    auto overlay = fs::OverlayFs::create(lower, fs::TmpFs::create(0, 2));
    ASSERT_TRUE(overlay);
    auto root = stat(*overlay->root());
    EXPECT_EQ(root.mode, vfs::TypeDirectory | 0750);
    EXPECT_EQ(root.uid, 7u);
    EXPECT_EQ(root.gid, 8u);
    EXPECT_TRUE(same_time(root.modify_time, { 3000, 3 }));
}

TEST_F(Overlay, WritingCopiesUpWithModeOwnerAndTimes)
{
    auto passwd = at("etc/passwd");
    write_at(*passwd, 0, "toor");
    auto copy = upper_at("etc/passwd");
    ASSERT_TRUE(copy);
    auto attributes = stat(*copy);
    EXPECT_EQ(read_all(*at("etc/passwd")), "toor:x:0:0");
    EXPECT_EQ(read_all(*copy), "toor:x:0:0");
    EXPECT_EQ(attributes.mode, vfs::TypeRegular | 0640);
    EXPECT_EQ(attributes.uid, 1000u);
    EXPECT_EQ(attributes.gid, 50u);
    EXPECT_TRUE(same_time(attributes.access_time, { 1000, 1 }));
    EXPECT_GT(attributes.modify_time.seconds, 2000); // the write itself
    // The parent came up too, keeping its mode, owner and times.
    auto etc = stat(*upper_at("etc"));
    EXPECT_EQ(etc.mode, vfs::TypeDirectory | 0750);
    EXPECT_EQ(etc.uid, 1000u);
    // Only what was needed came up; the overlay still shows everything once.
    EXPECT_EQ(list(*upper_at("etc")), (std::vector<std::string> { ".", "..", "passwd" }));
    EXPECT_EQ(sorted(list(*at("etc"))), sorted({ ".", "..", "passwd", "hosts" }));
    // The inode number stays the lower one.
    EXPECT_EQ(stat(*passwd).inode, stat(*lower_at("etc/passwd")).inode);
}

TEST_F(Overlay, AttributeChangesCopyUp)
{
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Owner;
    change.uid = 7;
    change.gid = 8;
    ASSERT_FALSE(at("data/sub/deep.txt")->set_attributes(change).is_error());
    auto copy = stat(*upper_at("data/sub/deep.txt"));
    EXPECT_EQ(copy.uid, 7u);
    EXPECT_EQ(copy.mode, vfs::TypeRegular | 0644);
    EXPECT_TRUE(same_time(copy.modify_time, { 2000, 2 }));
    EXPECT_EQ(read_all(*at("data/sub/deep.txt")), "deep");
    EXPECT_EQ(stat(*upper_at("data")).mode, vfs::TypeDirectory | 0700);
    EXPECT_EQ(stat(*upper_at("data/sub")).mode, vfs::TypeDirectory | 0711);
    // chmod of a lower directory copies the directory alone; it stays merged.
    change.which = vfs::AttributeChange::Mode;
    change.mode = 0555;
    ASSERT_FALSE(at("bin")->set_attributes(change).is_error());
    EXPECT_EQ(stat(*at("bin")).mode, vfs::TypeDirectory | 0555);
    EXPECT_EQ(list(*upper_at("bin")), (std::vector<std::string> { ".", ".." }));
    EXPECT_EQ(sorted(list(*at("bin"))), sorted({ ".", "..", "busybox", "sh", "ash" }));
    EXPECT_EQ(stat(*at("bin")).link_count, 1u); // merged directories, as Linux reports them
}

TEST_F(Overlay, TruncateCopiesUp)
{
    vfs::AttributeChange change {};
    change.which = vfs::AttributeChange::Size;
    change.size = 4;
    ASSERT_FALSE(at("etc/hosts")->set_attributes(change).is_error());
    EXPECT_EQ(read_all(*at("etc/hosts")), "127.");
    EXPECT_EQ(read_all(*upper_at("etc/hosts")), "127.");
}

TEST_F(Overlay, CopyUpKeepsHoles)
{
    write_at(*at("data/sparse"), 0, "start");
    auto copy = stat(*upper_at("data/sparse"));
    EXPECT_EQ(copy.size, (1 << 20) + 3);
    EXPECT_EQ(copy.blocks, 16); // the first and the last page
    std::string contents = read_all(*at("data/sparse"));
    EXPECT_EQ(contents.substr(0, 5), "start");
    EXPECT_EQ(contents.substr(1 << 20), "end");
    EXPECT_EQ(contents.substr(5, 100), std::string(100, '\0'));
}

TEST_F(Overlay, OpeningForWritingCopiesUp)
{
    auto hosts = at("etc/hosts");
    ASSERT_FALSE(hosts->open(0).is_error()); // read-only: nothing happens
    EXPECT_FALSE(upper_at("etc"));
    ASSERT_FALSE(hosts->open(WRITE_ONLY).is_error());
    EXPECT_TRUE(upper_at("etc/hosts"));
}

TEST_F(Overlay, AnOpenFileSeesItsCopyUp)
{
    // The VFS holds on to the vnode of an open file; changes through another lookup and
    // through another name of the directory reach it.
    auto opened = at("etc/passwd");
    EXPECT_EQ(read_all(*opened), "root:x:0:0");
    write_at(*at("etc")->lookup("passwd").release_value(), 0, "ROOT");
    EXPECT_EQ(read_all(*opened), "ROOT:x:0:0");
    EXPECT_EQ(stat(*opened).size, 10);
}

TEST_F(Overlay, AFileUnlinkedWhileOpenCanStillBeWritten)
{
    auto opened = at("etc/hosts");
    ASSERT_FALSE(at("etc")->unlink("hosts").is_error());
    write_at(*opened, 0, "::1");
    EXPECT_EQ(read_all(*opened), "::1.0.0.1 localhost");
    EXPECT_EQ(lookup_error(root_node, "etc/hosts"), ENOENT);
    EXPECT_EQ(sorted(list(*upper->root())), sorted({ ".", "..", "etc" })); // nothing left behind
}

TEST_F(Overlay, UnlinkOfALowerFileLeavesAWhiteout)
{
    ASSERT_FALSE(at("etc")->unlink("passwd").is_error());
    EXPECT_EQ(lookup_error(root_node, "etc/passwd"), ENOENT);
    EXPECT_EQ(list(*at("etc")), (std::vector<std::string> { ".", "..", "hosts" }));
    EXPECT_EQ(at("etc")->unlink("passwd").error(), ENOENT);
    EXPECT_EQ(at("etc")->unlink("missing").error(), ENOENT);
    EXPECT_EQ(root_node->unlink("etc").error(), EISDIR);
    EXPECT_EQ(root_node->remove_directory("fifo").error(), ENOTDIR);
    // A new file of the same name shadows the whiteout, and starts empty.
    auto again = at("etc")->create("passwd", 0600).release_value();
    EXPECT_EQ(read_all(*again), "");
    EXPECT_EQ(stat(*again).mode, vfs::TypeRegular | 0600);
    EXPECT_NE(stat(*again).inode, stat(*lower_at("etc/passwd")).inode);
    EXPECT_EQ(sorted(list(*at("etc"))), sorted({ ".", "..", "hosts", "passwd" }));
    // Unlinking it again hides the lower file again.
    ASSERT_FALSE(at("etc")->unlink("passwd").is_error());
    EXPECT_EQ(lookup_error(root_node, "etc/passwd"), ENOENT);
    // Files made only in the upper layer just go.
    ASSERT_FALSE(root_node->create("scratch", 0644).is_error());
    ASSERT_FALSE(root_node->unlink("scratch").is_error());
    EXPECT_EQ(lookup_error(root_node, "scratch"), ENOENT);
}

TEST_F(Overlay, UnlinkOfACopiedUpFile)
{
    write_at(*at("etc/hosts"), 0, "x");
    ASSERT_FALSE(at("etc")->unlink("hosts").is_error());
    EXPECT_EQ(lookup_error(root_node, "etc/hosts"), ENOENT);
    EXPECT_FALSE(upper_at("etc/hosts"));
    EXPECT_EQ(list(*at("etc")), (std::vector<std::string> { ".", "..", "passwd" }));
}

TEST_F(Overlay, RemoveDirectoryConsidersTheLowerLayer)
{
    EXPECT_EQ(root_node->remove_directory("data").error(), ENOTEMPTY);
    auto data = at("data");
    EXPECT_EQ(data->remove_directory("sub").error(), ENOTEMPTY);
    auto sub = at("data/sub");
    ASSERT_FALSE(sub->unlink("deep.txt").is_error());
    ASSERT_FALSE(data->remove_directory("sub").is_error());
    // Still held, the removed directory shows nothing, not even the lower entries.
    EXPECT_EQ(list(*sub).size(), 0u);
    EXPECT_EQ(sub->lookup("deep.txt").error(), ENOENT);
    EXPECT_EQ(sub->create("x", 0644).error(), ENOENT);
    EXPECT_EQ(root_node->remove_directory("data").error(), ENOTEMPTY);
    ASSERT_FALSE(data->unlink("sparse").is_error());
    ASSERT_FALSE(root_node->remove_directory("data").is_error());
    EXPECT_EQ(lookup_error(root_node, "data"), ENOENT);
    ASSERT_FALSE(root_node->remove_directory("empty").is_error());
    EXPECT_EQ(sorted(list(*root_node)), sorted({ ".", "..", "etc", "bin", "fifo" }));
}

TEST_F(Overlay, ADirectoryMadeOverAWhiteoutIsOpaque)
{
    ASSERT_FALSE(at("data/sub")->unlink("deep.txt").is_error());
    ASSERT_FALSE(at("data")->remove_directory("sub").is_error());
    auto sub = at("data")->make_directory("sub", 0755).release_value();
    EXPECT_EQ(list(*sub), (std::vector<std::string> { ".", ".." }));
    EXPECT_EQ(stat(*sub).mode, vfs::TypeDirectory | 0755);
    // Also when looked up afresh, once nobody holds the node.
    sub = nullptr;
    EXPECT_EQ(list(*at("data/sub")), (std::vector<std::string> { ".", ".." }));
    EXPECT_EQ(lookup_error(root_node, "data/sub/deep.txt"), ENOENT);
    // It can be removed again while empty, and the lower one stays hidden.
    ASSERT_FALSE(at("data")->remove_directory("sub").is_error());
    EXPECT_EQ(lookup_error(root_node, "data/sub"), ENOENT);
    // A file over a removed lower directory works the same way.
    ASSERT_FALSE(at("data")->create("sub", 0644).is_error());
    EXPECT_EQ(stat(*at("data/sub")).mode & vfs::TypeMask, vfs::TypeRegular);
}

TEST_F(Overlay, CreatingInALowerDirectoryCopiesUpTheChain)
{
    auto deep = at("data/sub");
    auto file = deep->create("new", 0600).release_value();
    write_at(*file, 0, "fresh");
    EXPECT_EQ(read_all(*upper_at("data/sub/new")), "fresh");
    EXPECT_EQ(stat(*upper_at("data")).mode, vfs::TypeDirectory | 0700);
    EXPECT_EQ(stat(*upper_at("data/sub")).mode, vfs::TypeDirectory | 0711);
    EXPECT_EQ(sorted(list(*deep)), sorted({ ".", "..", "deep.txt", "new" }));
    EXPECT_EQ(deep->create("deep.txt", 0644).error(), EEXIST);
    EXPECT_EQ(deep->make_directory("new", 0755).error(), EEXIST);
    EXPECT_EQ(at("etc/passwd")->create("x", 0644).error(), ENOTDIR);

    ASSERT_FALSE(at("bin")->make_symlink("vi", "busybox").is_error());
    char target[16];
    EXPECT_EQ(at("bin/vi")->read_link(target, sizeof(target)).value(), 7u);
    ASSERT_FALSE(at("etc")->make_node("pipe", vfs::TypeFifo | 0600, 0).is_error());
    EXPECT_EQ(stat(*at("etc/pipe")).mode, vfs::TypeFifo | 0600);
    ASSERT_FALSE(at("empty")->make_directory("d", 0700).is_error());
    EXPECT_EQ(list(*at("empty")), (std::vector<std::string> { ".", "..", "d" }));
}

TEST_F(Overlay, HardLinksToLowerFilesCopyThemUp)
{
    ASSERT_FALSE(root_node->link("passwd-link", *at("etc/passwd")).is_error());
    EXPECT_TRUE(upper_at("etc/passwd"));
    EXPECT_EQ(stat(*upper_at("etc/passwd")).link_count, 2u);
    write_at(*at("passwd-link"), 0, "ROOT");
    EXPECT_EQ(read_all(*at("etc/passwd")), "ROOT:x:0:0");
    EXPECT_EQ(root_node->link("etc-link", *at("etc")).error(), EPERM);
    EXPECT_EQ(root_node->link("fifo", *at("etc/hosts")).error(), EEXIST);
    auto other = fs::TmpFs::create(0, 9);
    auto stranger = other->root()->create("x", 0644).release_value();
    EXPECT_EQ(root_node->link("x", *stranger).error(), EXDEV);
}

TEST_F(Overlay, RenameOfUpperFilesIsPlain)
{
    auto file = root_node->create("a", 0644).release_value();
    write_at(*file, 0, "A");
    ASSERT_FALSE(root_node->make_directory("dir", 0755).is_error());
    ASSERT_FALSE(root_node->rename("a", *at("dir"), "b", 0).is_error());
    EXPECT_EQ(read_all(*at("dir/b")), "A");
    EXPECT_EQ(lookup_error(root_node, "a"), ENOENT);
    EXPECT_EQ(at("dir/b"), file);
    ASSERT_FALSE(root_node->rename("dir", *root_node, "dir2", 0).is_error());
    EXPECT_EQ(read_all(*at("dir2/b")), "A");
}

TEST_F(Overlay, RenameOfALowerFileCopiesUpAndWhitesOut)
{
    auto hosts = at("etc/hosts");
    ASSERT_FALSE(at("etc")->rename("hosts", *root_node, "hosts", 0).is_error());
    EXPECT_EQ(lookup_error(root_node, "etc/hosts"), ENOENT);
    EXPECT_EQ(read_all(*at("hosts")), "127.0.0.1 localhost");
    EXPECT_EQ(at("hosts"), hosts);
    EXPECT_EQ(list(*at("etc")), (std::vector<std::string> { ".", "..", "passwd" }));
    EXPECT_EQ(stat(*at("hosts")).inode, stat(*lower_at("etc/hosts")).inode);
    // Over another lower file, which it replaces.
    ASSERT_FALSE(root_node->rename("hosts", *at("etc"), "passwd", 0).is_error());
    EXPECT_EQ(read_all(*at("etc/passwd")), "127.0.0.1 localhost");
    EXPECT_EQ(list(*at("etc")), (std::vector<std::string> { ".", "..", "passwd" }));
    EXPECT_EQ(lookup_error(root_node, "hosts"), ENOENT);
}

TEST_F(Overlay, RenameFlags)
{
    EXPECT_EQ(at("etc")->rename("hosts", *at("etc"), "passwd", NO_REPLACE).error(), EEXIST);
    EXPECT_EQ(at("etc")->rename("hosts", *at("etc"), "nothing", EXCHANGE).error(), ENOENT);
    EXPECT_EQ(at("etc")->rename("hosts", *at("etc"), "passwd", NO_REPLACE | EXCHANGE).error(), EINVAL);
    ASSERT_FALSE(at("etc")->rename("hosts", *at("etc"), "passwd", EXCHANGE).is_error());
    EXPECT_EQ(read_all(*at("etc/passwd")), "127.0.0.1 localhost");
    EXPECT_EQ(read_all(*at("etc/hosts")), "root:x:0:0");
    EXPECT_EQ(sorted(list(*at("etc"))), sorted({ ".", "..", "hosts", "passwd" }));
    ASSERT_FALSE(at("etc")->rename("hosts", *at("etc"), "group", NO_REPLACE).is_error());
    EXPECT_EQ(sorted(list(*at("etc"))), sorted({ ".", "..", "group", "passwd" }));
}

TEST_F(Overlay, RenameOfDirectoriesWithLowerContentsIsEXDEV)
{
    EXPECT_EQ(root_node->rename("data", *root_node, "data2", 0).error(), EXDEV);
    EXPECT_EQ(root_node->rename("empty", *root_node, "empty2", 0).error(), EXDEV);
    write_at(*at("data/sub/deep.txt"), 0, "x"); // copied up: merged now, still EXDEV
    EXPECT_EQ(at("data")->rename("sub", *root_node, "sub", 0).error(), EXDEV);
    EXPECT_EQ(sorted(list(*root_node)), sorted({ ".", "..", "etc", "bin", "data", "empty", "fifo" }));
}

TEST_F(Overlay, RenameFollowsLinuxRules)
{
    auto directory = root_node->make_directory("dir", 0755).release_value();
    auto child = directory->make_directory("child", 0755).release_value();
    ASSERT_FALSE(root_node->create("file", 0644).is_error());
    EXPECT_EQ(root_node->rename("dir", *root_node, "data", 0).error(), ENOTEMPTY); // lower contents count
    EXPECT_EQ(root_node->rename("dir", *root_node, "fifo", 0).error(), ENOTDIR);
    EXPECT_EQ(root_node->rename("file", *root_node, "empty", 0).error(), EISDIR);
    EXPECT_EQ(root_node->rename("dir", *child, "x", 0).error(), EINVAL);
    EXPECT_EQ(root_node->rename("missing", *root_node, "x", 0).error(), ENOENT);
    ASSERT_FALSE(root_node->link("file2", *at("file")).is_error());
    ASSERT_FALSE(root_node->rename("file", *root_node, "file2", 0).is_error()); // same file
    EXPECT_TRUE(at("file"));
    // A directory over an empty lower directory replaces it, showing only its own entries.
    ASSERT_FALSE(root_node->rename("dir", *root_node, "empty", 0).is_error());
    directory = child = nullptr;
    EXPECT_EQ(list(*at("empty")), (std::vector<std::string> { ".", "..", "child" }));
    EXPECT_EQ(lookup_error(root_node, "dir"), ENOENT);
}

TEST_F(Overlay, ADirectoryMovedOverAWhiteoutIsOpaque)
{
    ASSERT_FALSE(at("data/sub")->unlink("deep.txt").is_error());
    ASSERT_FALSE(at("data")->remove_directory("sub").is_error());
    auto moving = root_node->make_directory("moving", 0755).release_value();
    ASSERT_FALSE(moving->create("mine", 0644).is_error());
    ASSERT_FALSE(root_node->rename("moving", *at("data"), "sub", 0).is_error());
    moving = nullptr; // looked up afresh below
    EXPECT_EQ(list(*at("data/sub")), (std::vector<std::string> { ".", "..", "mine" }));
    EXPECT_EQ(lookup_error(root_node, "data/sub/deep.txt"), ENOENT);
    EXPECT_EQ(sorted(list(*at("data"))), sorted({ ".", "..", "sparse", "sub" }));
}

TEST_F(Overlay, MergedListingsHaveStableCookies)
{
    // Lower: passwd, hosts; upper: a, b, c.
    auto etc = at("etc");
    for (auto name : { "a", "b", "c" })
        ASSERT_FALSE(etc->create(name, 0644).is_error());
    auto full = list(*etc);
    EXPECT_EQ(sorted(full), sorted({ ".", "..", "passwd", "hosts", "a", "b", "c" }));
    auto first = list_from(*etc, 0, 3);
    ASSERT_EQ(first.entries.size(), 3u);
    // Change things while the listing is half done: copy up one not yet listed, remove one
    // not yet listed (and another one already listed), add one.
    auto first_names = first.names();
    std::set<std::string> seen(first_names.begin(), first_names.end());
    std::string copied_up, removed;
    for (auto& name : full) {
        if (seen.count(name))
            continue;
        if (copied_up.empty() && (name == "passwd" || name == "hosts"))
            copied_up = name;
        else if (removed.empty() && name != "passwd" && name != "hosts")
            removed = name;
    }
    ASSERT_FALSE(copied_up.empty());
    ASSERT_FALSE(removed.empty());
    write_at(*at("etc/" + copied_up), 0, "changed");
    ASSERT_FALSE(etc->unlink(removed.c_str()).is_error());
    std::string listed = first_names.back(); // "." and ".." come first, so this is a file
    ASSERT_NE(listed, "..");
    ASSERT_FALSE(etc->unlink(listed.c_str()).is_error());
    auto rest = list_from(*etc, first.next_cookies.back());
    std::vector<std::string> all = first.names();
    for (auto& name : rest.names())
        all.push_back(name);
    std::multiset<std::string> counted(all.begin(), all.end());
    for (auto& name : full) {
        if (name == removed) // the one removed before it was listed
            EXPECT_EQ(counted.count(name), 0u) << name;
        else
            EXPECT_EQ(counted.count(name), 1u) << name;
    }
}

TEST_F(Overlay, ListingsReportWhatLookupReports)
{
    write_at(*at("etc/passwd"), 0, "x");                       // copied up
    ASSERT_FALSE(at("etc")->create("fresh", 0644).is_error()); // upper only
    ASSERT_FALSE(at("etc")->unlink("hosts").is_error());
    ASSERT_FALSE(at("etc")->make_directory("hosts", 0755).is_error()); // a file became a directory
    for (auto& entry : list_from(*at("etc")).entries) {
        std::string name = entry.name;
        auto node = name == "." ? at("etc") : name == ".." ? root_node : at("etc/" + name);
        EXPECT_EQ(entry.inode, stat(*node).inode) << name;
        EXPECT_EQ(entry.type, (stat(*node).mode & vfs::TypeMask) >> 12) << name;
    }
    std::set<uint64_t> inodes;
    for (auto path : { "etc/passwd", "etc/fresh", "etc/hosts", "etc", "bin/sh", "data/sub" })
        EXPECT_TRUE(inodes.insert(stat(*at(path)).inode).second) << path;
}

// Fallback files (OverlayFs::add_fallback_file): /etc/resolv.conf, which the lower layer lacks,
// and /etc/hosts, which it has.
class OverlayFallback : public Overlay {
protected:
    void SetUp() override
    {
        Overlay::SetUp();
        auto resolv = fallbacks->root()->create("resolv.conf", 0644).release_value();
        write_at(*resolv, 0, "nameserver 10.0.2.3\n");
        auto hosts = fallbacks->root()->create("hosts", 0644).release_value();
        write_at(*hosts, 0, "fallback hosts");
        fallbacks->set_read_only(true);
        ASSERT_FALSE(overlay->add_fallback_file("/etc/resolv.conf", resolv).is_error());
        ASSERT_FALSE(overlay->add_fallback_file("/etc/hosts", hosts).is_error());
        etc_before = stat(*at("etc"));
    }

    void TearDown() override
    {
        Overlay::TearDown();
        EXPECT_EQ(read_all(*fallbacks->root()->lookup("resolv.conf").release_value()), "nameserver 10.0.2.3\n");
    }

    RefPtr<fs::TmpFs> fallbacks = fs::TmpFs::create(0, 3);
    vfs::Attributes etc_before {};
};

TEST_F(OverlayFallback, ShowsTheFileWhereNeitherLayerHasOne)
{
    auto resolv = at("etc/resolv.conf");
    ASSERT_TRUE(resolv);
    EXPECT_EQ(read_all(*resolv), "nameserver 10.0.2.3\n");
    auto attributes = stat(*resolv);
    EXPECT_EQ(attributes.mode, vfs::TypeRegular | 0644);
    EXPECT_EQ(attributes.device, 2u);
    EXPECT_EQ(attributes.inode & fs::OverlayFs::FALLBACK_INODE_FLAG, fs::OverlayFs::FALLBACK_INODE_FLAG);
    EXPECT_EQ(at("etc/resolv.conf"), resolv);
    ASSERT_FALSE(resolv->open(0).is_error());
    // The lower layer's own file wins; elsewhere the name means nothing.
    EXPECT_EQ(read_all(*at("etc/hosts")), "127.0.0.1 localhost");
    EXPECT_EQ(lookup_error(root_node, "resolv.conf"), ENOENT);
    EXPECT_EQ(lookup_error(root_node, "data/resolv.conf"), ENOENT);
    // /etc is the lower layer's: not copied up, not listing the file, unchanged.
    EXPECT_FALSE(upper_at("etc"));
    EXPECT_EQ(sorted(list(*at("etc"))), sorted({ ".", "..", "passwd", "hosts" }));
    auto etc = stat(*at("etc"));
    EXPECT_EQ(etc.link_count, etc_before.link_count);
    EXPECT_EQ(etc.size, etc_before.size);
    EXPECT_TRUE(same_time(etc.modify_time, etc_before.modify_time));
    EXPECT_EQ(list(*upper->root()), (std::vector<std::string> { ".", ".." }));
}

TEST_F(OverlayFallback, WritingCopiesItUpAndTheProgramsFileWins)
{
    auto resolv = at("etc/resolv.conf");
    ASSERT_FALSE(resolv->open(WRITE_ONLY).is_error());
    write_at(*resolv, 0, "nameserver 10.9.9.9\n");
    EXPECT_EQ(read_all(*at("etc/resolv.conf")), "nameserver 10.9.9.9\n");
    EXPECT_EQ(read_all(*upper_at("etc/resolv.conf")), "nameserver 10.9.9.9\n");
    EXPECT_EQ(stat(*at("etc/resolv.conf")).inode, stat(*resolv).inode);
    EXPECT_EQ(sorted(list(*at("etc"))), sorted({ ".", "..", "passwd", "hosts", "resolv.conf" }));
}

TEST_F(OverlayFallback, CreatingOrRenamingOverItReplacesIt)
{
    EXPECT_EQ(at("etc")->create("resolv.conf", 0600).error(), EEXIST);
    auto made = at("etc")->create("resolv.new", 0600).release_value();
    write_at(*made, 0, "nameserver 9.9.9.9\n");
    ASSERT_FALSE(at("etc")->rename("resolv.new", *at("etc"), "resolv.conf", 0).is_error());
    EXPECT_EQ(read_all(*at("etc/resolv.conf")), "nameserver 9.9.9.9\n");
    EXPECT_EQ(stat(*at("etc/resolv.conf")).mode, vfs::TypeRegular | 0600);
    // Removing the program's file does not bring the fallback back.
    ASSERT_FALSE(at("etc")->unlink("resolv.conf").is_error());
    EXPECT_EQ(lookup_error(root_node, "etc/resolv.conf"), ENOENT);
}

TEST_F(OverlayFallback, RemovingOrRenamingItLeavesAWhiteout)
{
    ASSERT_FALSE(at("etc")->rename("resolv.conf", *at("etc"), "resolv.old", 0).is_error());
    EXPECT_EQ(read_all(*at("etc/resolv.old")), "nameserver 10.0.2.3\n");
    EXPECT_EQ(lookup_error(root_node, "etc/resolv.conf"), ENOENT);
    ASSERT_FALSE(at("etc")->rename("resolv.old", *at("etc"), "resolv.conf", 0).is_error());
    EXPECT_EQ(read_all(*at("etc/resolv.conf")), "nameserver 10.0.2.3\n");
    ASSERT_FALSE(at("etc")->unlink("resolv.conf").is_error());
    EXPECT_EQ(lookup_error(root_node, "etc/resolv.conf"), ENOENT);
    EXPECT_EQ(at("etc")->unlink("resolv.conf").error(), ENOENT);
}

TEST_F(OverlayFallback, OnlyInItsOwnDirectory)
{
    // Only at its own path, and only a path with a directory and a name makes one.
    ASSERT_FALSE(root_node->make_directory("etc2", 0755).is_error());
    EXPECT_EQ(lookup_error(root_node, "etc2/resolv.conf"), ENOENT);
    EXPECT_EQ(overlay->add_fallback_file("nothing", at("etc/passwd")).error(), EINVAL);
    EXPECT_EQ(overlay->add_fallback_file("/etc/", at("etc/passwd")).error(), EINVAL);
}

TEST(OverlayReadOnly, AReadOnlyUpperLayerRefusesChanges)
{
    auto lower = fs::TmpFs::create(0, 1);
    ASSERT_FALSE(lower->root()->create("f", 0644).is_error());
    lower->set_read_only(true);
    auto upper = fs::TmpFs::create(0, 2);
    upper->set_read_only(true);
    auto overlay = fs::OverlayFs::create(lower, upper);
    EXPECT_TRUE(overlay->is_read_only());
    auto root = overlay->root();
    EXPECT_EQ(root->create("g", 0644).error(), EROFS);
    EXPECT_EQ(root->unlink("f").error(), EROFS);
    EXPECT_EQ(root->lookup("f").release_value()->write(0, "x", 1).error(), EROFS);
    EXPECT_FALSE(root->lookup("f").is_error());
}

TEST(OverlayLimits, CopyUpFailsCleanlyWhenTheUpperLayerIsFull)
{
    auto lower = fs::TmpFs::create(0, 1);
    auto big = lower->root()->create("big", 0644).release_value();
    std::string data(3 * 4096, 'b');
    ASSERT_EQ(big->write(0, data.data(), data.size()).value(), data.size());
    lower->set_read_only(true);
    auto upper = fs::TmpFs::create(2 * 4096, 2);
    auto overlay = fs::OverlayFs::create(lower, upper);
    auto file = overlay->root()->lookup("big").release_value();
    EXPECT_EQ(file->write(0, "x", 1).error(), ENOSPC);
    EXPECT_EQ(list(*upper->root()), (std::vector<std::string> { ".", ".." }));
    EXPECT_EQ(upper->used_bytes(), 0u);
    EXPECT_EQ(read_all(*file), data);
}

} // namespace
