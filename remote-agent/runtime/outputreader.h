// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rune::agent
{

/**
 * Turns a child's stdout or stderr pipe into lines, read by the reactor. Lines are valid UTF-8
 * (bytes that are not become U+FFFD) and at most 16 KiB, split only where a character starts.
 * Keeps the last few KiB so a crash report can quote what the process said before it died.
 */
class OutputReader
{
public:
    using LineHandler = std::function<void(std::string_view line)>;

    OutputReader(boost::asio::any_io_executor executor, int fd, LineHandler handler);
    OutputReader(const OutputReader &) = delete;
    OutputReader &operator=(const OutputReader &) = delete;

    /** Reads until EOF; @p keepAlive (the owner) lives as long as a read is pending. */
    void start(std::shared_ptr<void> keepAlive);
    /** Reads whatever is in the pipe right now without waiting, so lines written before a
        reply was sent are attributed to that reply's request. */
    void drain();
    /** drain() for both of a process's pipes, asking the kernel once whether either holds
        anything: a call's completion usually finds both empty. */
    static void drain(OutputReader &first, OutputReader &second);
    void close();
    std::string tail() const;
    /** Forgets the tail, so the next crash report only quotes output of the call in flight. */
    void clearTail();

private:
    /** Reads what the pipe holds now; false once the writers are gone. */
    bool readAvailable();
    void consume(std::string_view bytes);
    /** Hands on full-length pieces of an unfinished line that grew past the line limit. */
    void emitLongPieces();
    void flushPartial();
    void emit(std::string_view line);

    boost::asio::posix::stream_descriptor m_pipe;
    LineHandler m_handler;
    std::vector<char> m_buffer;
    std::string m_partial;
    std::string m_tail;
};

} // namespace rune::agent
