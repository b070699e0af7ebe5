// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace rune::agent
{

/**
 * The agent ↔ worker wire format. A frame is a 4-byte big-endian length followed by that many
 * bytes. A message is two frames: a JSON header, then the body as raw bytes, so a body is never
 * escaped, base64'd or parsed as JSON on its way through.
 */
inline constexpr std::size_t frameLengthBytes = 4;
/** A header frame is metadata only; anything larger means a confused or hostile peer. */
inline constexpr std::size_t maxHeaderFrameBytes = 1u << 20;

struct FrameError {
    std::string code; ///< frame_too_large, bad_header
    std::string message;
};

/** Appends one frame (length prefix + payload) to @p out. */
void appendFrame(std::string &out, std::string_view payload);
std::string encodeFrame(std::string_view payload);
/** The bytes before a message's body: header frame plus the body frame's length prefix. */
std::string encodeMessageHead(const nlohmann::json &header, std::size_t bodyBytes);

/** The bytes before a message's body when its JSON header is already text. */
std::string encodeMessageHeadText(std::string_view headerJson, std::size_t bodyBytes);

/** Appends @p text as a JSON string literal (quoted and escaped; invalid UTF-8 passes as bytes). */
void appendJsonString(std::string &out, std::string_view text);

/** Splits a byte stream into frames; tolerates any split of the input across feed() calls. */
class FrameDecoder
{
public:
    explicit FrameDecoder(std::size_t maxFrameBytes);

    void feed(std::string_view bytes);
    /**
     * The next complete frame, nullopt when more bytes are needed, or an error when a frame
     * announces more than the limit; after an error the stream is unusable.
     */
    std::expected<std::optional<std::string>, FrameError> next();
    /** Limit for the next frame only; lets one decoder apply different header and body limits. */
    void setMaxFrameBytes(std::size_t maxFrameBytes);
    std::size_t bufferedBytes() const;

private:
    std::string m_buffer;
    std::size_t m_offset = 0;
    std::size_t m_maxFrameBytes;
    bool m_failed = false;
};

struct WireMessage {
    nlohmann::json header;
    std::string body;
};

/** Pairs header and body frames into messages; the header must be a JSON object. */
class MessageDecoder
{
public:
    explicit MessageDecoder(std::size_t maxBodyBytes);

    void feed(std::string_view bytes);
    std::expected<std::optional<WireMessage>, FrameError> next();

private:
    FrameDecoder m_frames;
    std::size_t m_maxBodyBytes;
    std::optional<nlohmann::json> m_header;
};

} // namespace rune::agent
