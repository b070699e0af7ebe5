// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/outputreader.h"

#include "utf8text.h"

#include <array>
#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace rune::agent
{

namespace
{
constexpr std::size_t maxLineBytes = 16 * 1024; // longer lines are split, so one print cannot hog memory
constexpr std::size_t tailBytes = 4096;
} // namespace

OutputReader::OutputReader(boost::asio::any_io_executor executor, int fd, LineHandler handler)
    : m_pipe(executor, fd)
    , m_handler(std::move(handler))
    , m_buffer(16 * 1024)
{
    m_pipe.non_blocking(true);
}

void OutputReader::start(std::shared_ptr<void> keepAlive)
{
    // Wait for readiness and read here rather than letting the reactor read ahead: bytes it read
    // would sit in a queued handler, where drain() cannot see them when a call completes.
    m_pipe.async_wait(boost::asio::posix::stream_descriptor::wait_read,
        [this, keepAlive = std::move(keepAlive)](const boost::system::error_code &error) mutable {
            if (error == boost::asio::error::operation_aborted || !m_pipe.is_open())
                return;
            if (!error && readAvailable())
                return start(std::move(keepAlive));
            flushPartial();
        });
}

void OutputReader::drain()
{
    if (m_pipe.is_open())
        readAvailable();
}

void OutputReader::drain(OutputReader &first, OutputReader &second)
{
    std::array<pollfd, 2> fds {
        pollfd {first.m_pipe.is_open() ? first.m_pipe.native_handle() : -1, POLLIN, 0},
        pollfd {second.m_pipe.is_open() ? second.m_pipe.native_handle() : -1, POLLIN, 0},
    };
    int ready = 0;
    do
        ready = ::poll(fds.data(), fds.size(), 0);
    while (ready < 0 && errno == EINTR);
    if (ready < 0) { // cannot ask: read both, as drain() would
        first.drain();
        second.drain();
        return;
    }
    // POLLHUP too: the writers are gone, and what they left must still be read.
    if (fds[0].revents != 0)
        first.drain();
    if (fds[1].revents != 0)
        second.drain();
}

bool OutputReader::readAvailable()
{
    for (;;) {
        const ssize_t bytes = ::read(m_pipe.native_handle(), m_buffer.data(), m_buffer.size());
        if (bytes > 0) {
            consume({m_buffer.data(), std::size_t(bytes)});
            continue;
        }
        if (bytes < 0 && errno == EINTR)
            continue;
        return bytes < 0 && (errno == EAGAIN || errno == EWOULDBLOCK); // false: end of file or error
    }
}

void OutputReader::close()
{
    drain();
    flushPartial();
    boost::system::error_code ignored;
    m_pipe.close(ignored);
}

std::string OutputReader::tail() const
{
    return m_tail;
}

void OutputReader::clearTail()
{
    m_tail.clear();
}

void OutputReader::consume(std::string_view bytes)
{
    m_tail.append(bytes);
    if (m_tail.size() > 2 * tailBytes)
        m_tail.erase(0, m_tail.size() - tailBytes);
    while (!bytes.empty()) {
        const auto newline = bytes.find('\n');
        const auto take = newline == std::string_view::npos ? bytes.size() : newline;
        m_partial.append(bytes.substr(0, take));
        bytes.remove_prefix(newline == std::string_view::npos ? take : take + 1);
        if (newline != std::string_view::npos)
            flushPartial();
        else
            emitLongPieces();
    }
}

void OutputReader::emitLongPieces()
{
    // Split where a character starts, so text that is UTF-8 stays UTF-8 on both sides of the cut.
    std::size_t used = 0;
    while (m_partial.size() - used >= maxLineBytes) {
        const std::string_view rest = std::string_view(m_partial).substr(used);
        const std::size_t cut = utf8CutPoint(rest, maxLineBytes);
        emit(rest.substr(0, cut));
        used += cut;
    }
    m_partial.erase(0, used);
}

void OutputReader::flushPartial()
{
    emitLongPieces();
    if (m_partial.empty())
        return;
    if (m_partial.back() == '\r')
        m_partial.pop_back();
    emit(m_partial);
    m_partial.clear();
}

void OutputReader::emit(std::string_view line)
{
    // Whatever a process prints, the log store, its followers and the events get valid UTF-8.
    if (isValidUtf8(line))
        m_handler(line);
    else
        m_handler(validUtf8(line));
}

} // namespace rune::agent
