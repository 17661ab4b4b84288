// Pipes and open file descriptions, built for the host.
#include <cstring>
#include <fs/tmpfs.h>
#include <gtest/gtest.h>
#include <string>
#include <vfs/open_file.h>
#include <vfs/pipe.h>

namespace {

struct Ends {
    lib::RefPtr<vfs::OpenFile> reader, writer;
};

Ends open_pipe(uint32_t extra_flags = 0)
{
    auto pair = vfs::create_pipe().release_value();
    return { vfs::OpenFile::create(pair.read_end, vfs::ReadOnly | extra_flags, "pipe:").release_value(),
        vfs::OpenFile::create(pair.write_end, vfs::WriteOnly | extra_flags, "pipe:").release_value() };
}

TEST(Pipe, CarriesBytesInOrderAcrossTheRingBoundary)
{
    Ends ends = open_pipe();
    std::string sent;
    std::string received;
    char chunk[10000];
    for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < sizeof(chunk); ++i)
            chunk[i] = static_cast<char>('a' + (round * 7 + i) % 26);
        // A write larger than PIPE_BUF may be partial when the pipe fills up.
        auto written = ends.writer->write(chunk, sizeof(chunk));
        ASSERT_FALSE(written.is_error());
        ASSERT_GT(written.value(), 0u);
        sent.append(chunk, written.value());
        char out[7000];
        size_t got = ends.reader->read(out, sizeof(out)).value();
        received.append(out, got);
    }
    char out[65536];
    while (ends.reader->vnode().readable_bytes().value() > 0)
        received.append(out, ends.reader->read(out, sizeof(out)).value());
    EXPECT_EQ(received, sent);
}

TEST(Pipe, EndOfFileBrokenPipeAndFullness)
{
    Ends ends = open_pipe();
    char buffer[4096] = {};
    // Full: 64 KiB fit, then no room.
    size_t total = 0;
    while (total < vfs::Pipe::DEFAULT_CAPACITY)
        total += ends.writer->write(buffer, sizeof(buffer)).value();
    EXPECT_EQ(total, vfs::Pipe::DEFAULT_CAPACITY);
    EXPECT_EQ(ends.writer->write(buffer, 1).error(), EAGAIN);
    EXPECT_EQ(ends.writer->vnode().poll_events() & 4, 0u); // no POLLOUT
    EXPECT_EQ(ends.reader->vnode().poll_events() & 1, 1u); // POLLIN
    // The read end goes away: writes get EPIPE.
    ends.reader.clear();
    EXPECT_EQ(ends.writer->write(buffer, 1).error(), EPIPE);
}

TEST(Pipe, ReadGivesEndOfFileOnceWritersAreGone)
{
    Ends ends = open_pipe();
    ASSERT_EQ(ends.writer->write("hi", 2).value(), 2u);
    ends.writer.clear();
    char out[8];
    EXPECT_EQ(ends.reader->read(out, sizeof(out)).value(), 2u);
    EXPECT_EQ(ends.reader->read(out, sizeof(out)).value(), 0u);
    EXPECT_NE(ends.reader->vnode().poll_events() & 16, 0u); // POLLHUP
}

TEST(Pipe, HasNoOffsetAndRefusesTheWrongDirection)
{
    Ends ends = open_pipe();
    EXPECT_EQ(ends.reader->seek(0, 0).error(), ESPIPE);
    EXPECT_EQ(ends.reader->write("x", 1).error(), EBADF);
    char out[1];
    EXPECT_EQ(ends.writer->read(out, 1).error(), EBADF);
    auto attributes = ends.reader->vnode().attributes().value();
    EXPECT_EQ(attributes.mode & vfs::TypeMask, vfs::TypeFifo);
}

TEST(OpenFile, ReadsWritesAppendsAndSeeksAtItsOffset)
{
    auto tmp = fs::TmpFs::create(0, 9);
    auto node = tmp->root()->create("f", vfs::TypeRegular | 0644).release_value();
    auto file = vfs::OpenFile::create(node, vfs::ReadWrite, "/f").release_value();
    ASSERT_EQ(file->write("hello", 5).value(), 5u);
    EXPECT_EQ(file->offset(), 5u);
    EXPECT_EQ(file->seek(-2, 1).value(), 3u); // SEEK_CUR
    ASSERT_EQ(file->write("p!", 2).value(), 2u);
    EXPECT_EQ(file->seek(0, 0).value(), 0u);
    char out[16] = {};
    EXPECT_EQ(file->read(out, sizeof(out)).value(), 5u);
    EXPECT_STREQ(out, "help!");
    EXPECT_EQ(file->seek(10, 2).value(), 15u); // SEEK_END past the end: fine
    EXPECT_EQ(file->seek(-100, 1).error(), EINVAL);
    EXPECT_EQ(file->seek(0, 9).error(), EINVAL);

    auto appender = vfs::OpenFile::create(node, vfs::WriteOnly | vfs::Append, "/f").release_value();
    ASSERT_EQ(appender->write("++", 2).value(), 2u);
    EXPECT_EQ(node->attributes().value().size, 7);
    char none[1];
    EXPECT_EQ(appender->read(none, 1).error(), EBADF);
    auto path_only = vfs::OpenFile::create(node, vfs::Path, "/f").release_value();
    EXPECT_EQ(path_only->read(none, 1).error(), EBADF);
    EXPECT_EQ(path_only->write(none, 1).error(), EBADF);
}

} // namespace

namespace {

TEST(Pipe, CanBeResizedKeepingItsData)
{
    auto pair = vfs::create_pipe().release_value();
    auto reader = vfs::OpenFile::create(pair.read_end, vfs::ReadOnly, "pipe:").release_value();
    auto writer = vfs::OpenFile::create(pair.write_end, vfs::WriteOnly, "pipe:").release_value();
    vfs::Pipe& pipe = pair.read_end->pipe();
    ASSERT_EQ(writer->write("abcdef", 6).value(), 6u);
    char out[4];
    ASSERT_EQ(reader->read(out, 3).value(), 3u); // the data now starts mid-buffer
    EXPECT_EQ(pipe.set_capacity(1).value(), 4096u);
    EXPECT_EQ(pipe.capacity(), 4096u);
    char rest[8] = {};
    EXPECT_EQ(reader->read(rest, sizeof(rest)).value(), 3u);
    EXPECT_STREQ(rest, "def");
    std::string big(9000, 'x');
    EXPECT_EQ(writer->write(big.data(), big.size()).value(), 4096u);
    EXPECT_EQ(pipe.set_capacity(8192).value(), 8192u);
    EXPECT_EQ(writer->write(big.data(), big.size()).value(), 4096u); // 8192 in the pipe now
    EXPECT_EQ(pipe.set_capacity(4096).error(), EBUSY); // 8192 bytes would not fit in less
    EXPECT_EQ(pipe.set_capacity(2u << 20).error(), EPERM);
    // Less than PIPE_BUF of room: not writable for poll.
    EXPECT_EQ(pair.write_end->poll_events() & 4, 0u);
}

} // namespace
