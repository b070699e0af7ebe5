// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/framing.h"

#include "jsontext.h"
#include "utf8text.h"

#include <array>

namespace rune::agent
{

namespace
{

std::array<char, frameLengthBytes> lengthPrefix(std::size_t length)
{
    const auto n = static_cast<std::uint32_t>(length);
    return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
}

std::uint32_t readLength(const char *bytes)
{
    const auto *b = reinterpret_cast<const unsigned char *>(bytes);
    return (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
}

} // namespace

void appendFrame(std::string &out, std::string_view payload)
{
    const auto prefix = lengthPrefix(payload.size());
    out.append(prefix.data(), prefix.size());
    out.append(payload);
}

std::string encodeFrame(std::string_view payload)
{
    std::string out;
    out.reserve(frameLengthBytes + payload.size());
    appendFrame(out, payload);
    return out;
}

std::string encodeMessageHead(const nlohmann::json &header, std::size_t bodyBytes)
{
    return encodeMessageHeadText(jsonText(header), bodyBytes);
}

void appendJsonString(std::string &out, std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    while (!text.empty()) {
        const char c = text.front();
        const auto byte = static_cast<unsigned char>(c);
        std::size_t used = 1;
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            out += "\\u00";
            out += hex[byte >> 4];
            out += hex[byte & 15];
        } else if (byte < 0x80) {
            out += c;
        } else if (const std::size_t length = utf8SequenceLength(text); length > 0) {
            out.append(text.substr(0, length));
            used = length;
        } else {
            out += "\xef\xbf\xbd"; // U+FFFD: a header that is not UTF-8 cannot go into JSON as it is
        }
        text.remove_prefix(used);
    }
    out += '"';
}

std::string encodeMessageHeadText(std::string_view json, std::size_t bodyBytes)
{
    std::string out;
    out.reserve(2 * frameLengthBytes + json.size());
    appendFrame(out, json);
    const auto prefix = lengthPrefix(bodyBytes);
    out.append(prefix.data(), prefix.size());
    return out;
}

FrameDecoder::FrameDecoder(std::size_t maxFrameBytes)
    : m_maxFrameBytes(maxFrameBytes)
{
}

void FrameDecoder::feed(std::string_view bytes)
{
    // Compact only once the consumed prefix dominates, so steady traffic does not memmove per frame.
    if (m_offset > 0 && m_offset * 2 >= m_buffer.size()) {
        m_buffer.erase(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

std::expected<std::optional<std::string>, FrameError> FrameDecoder::next()
{
    if (m_failed)
        return std::unexpected(FrameError {"bad_stream", "the frame stream was already rejected"});
    const std::size_t available = m_buffer.size() - m_offset;
    if (available < frameLengthBytes)
        return std::nullopt;
    const std::size_t length = readLength(m_buffer.data() + m_offset);
    if (length > m_maxFrameBytes) {
        m_failed = true;
        return std::unexpected(FrameError {"frame_too_large",
            "a frame of " + std::to_string(length) + " bytes exceeds the limit of " + std::to_string(m_maxFrameBytes)});
    }
    if (available < frameLengthBytes + length)
        return std::nullopt;
    std::string frame = m_buffer.substr(m_offset + frameLengthBytes, length);
    m_offset += frameLengthBytes + length;
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    return frame;
}

void FrameDecoder::setMaxFrameBytes(std::size_t maxFrameBytes)
{
    m_maxFrameBytes = maxFrameBytes;
}

std::size_t FrameDecoder::bufferedBytes() const
{
    return m_buffer.size() - m_offset;
}

MessageDecoder::MessageDecoder(std::size_t maxBodyBytes)
    : m_frames(maxHeaderFrameBytes)
    , m_maxBodyBytes(maxBodyBytes)
{
}

void MessageDecoder::feed(std::string_view bytes)
{
    m_frames.feed(bytes);
}

std::expected<std::optional<WireMessage>, FrameError> MessageDecoder::next()
{
    auto frame = m_frames.next();
    if (!frame)
        return std::unexpected(frame.error());
    if (!*frame)
        return std::nullopt;
    if (!m_header) {
        auto header = parseJsonText(**frame, maxHeaderFrameBytes);
        if (!header || !header->is_object())
            return std::unexpected(FrameError {"bad_header", "a message header is not a JSON object"});
        m_header = std::move(*header);
        m_frames.setMaxFrameBytes(m_maxBodyBytes);
        return next();
    }
    WireMessage message {std::move(*m_header), std::move(**frame)};
    m_header.reset();
    m_frames.setMaxFrameBytes(maxHeaderFrameBytes);
    return message;
}

} // namespace rune::agent
