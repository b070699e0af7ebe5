// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/glibcrequirement.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QStringList>
#include <cstring>
#include <elf.h>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::GlibcRequirement", text);
}

/** Bounds-checked reads from a mapped file: every offset comes from the file and is untrusted. */
class ElfBytes
{
public:
    ElfBytes(const uchar *data, qint64 size)
        : m_data(data)
        , m_size(quint64(size))
    {
    }

    template <typename T> std::optional<T> read(quint64 offset) const
    {
        if (offset > m_size || m_size - offset < sizeof(T))
            return std::nullopt;
        T value;
        std::memcpy(&value, m_data + offset, sizeof(T));
        return value;
    }

    /** The NUL-terminated string at @p offset inside [begin, begin + length), or none. */
    std::optional<QByteArray> string(quint64 begin, quint64 length, quint64 offset) const
    {
        if (begin > m_size || length > m_size - begin || offset >= length)
            return std::nullopt;
        const auto *start = reinterpret_cast<const char *>(m_data + begin + offset);
        const void *end = std::memchr(start, 0, length - offset);
        if (!end)
            return std::nullopt;
        return QByteArray(start, static_cast<const char *>(end) - start);
    }

private:
    const uchar *m_data;
    quint64 m_size;
};

std::optional<GlibcVersion> versionOfName(const QByteArray &name)
{
    static const QRegularExpression glibc(u"^GLIBC_(\\d+)\\.(\\d+)(\\.\\d+)?$"_s);
    const auto match = glibc.match(QString::fromLatin1(name));
    if (!match.hasMatch())
        return std::nullopt;
    return GlibcVersion {match.captured(1).toInt(), match.captured(2).toInt()};
}

/** The highest GLIBC_x.y of the version needs (SHT_GNU_verneed) in section @p needs. */
std::optional<GlibcVersion> newestNeeded(const ElfBytes &bytes, const Elf64_Shdr &needs, const Elf64_Shdr &strings)
{
    GlibcVersion newest;
    quint64 entry = needs.sh_offset;
    // sh_info counts the entries; each link is checked, so a loop in the file cannot loop here.
    for (quint64 i = 0; i < needs.sh_info; ++i) {
        const auto need = bytes.read<Elf64_Verneed>(entry);
        if (!need)
            return std::nullopt;
        quint64 aux = entry + need->vn_aux;
        for (quint64 j = 0; j < need->vn_cnt; ++j) {
            const auto version = bytes.read<Elf64_Vernaux>(aux);
            if (!version)
                return std::nullopt;
            const auto name = bytes.string(strings.sh_offset, strings.sh_size, version->vna_name);
            if (!name)
                return std::nullopt;
            if (const auto glibc = versionOfName(*name); glibc && *glibc > newest)
                newest = *glibc;
            if (version->vna_next == 0)
                break;
            aux += version->vna_next;
        }
        if (need->vn_next == 0)
            break;
        entry += need->vn_next;
    }
    return newest;
}

std::optional<GlibcVersion> glibcNeededIn(const ElfBytes &bytes)
{
    const auto header = bytes.read<Elf64_Ehdr>(0);
    if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_ident[EI_CLASS] != ELFCLASS64
        || header->e_ident[EI_DATA] != ELFDATA2LSB || header->e_shentsize != sizeof(Elf64_Shdr))
        return std::nullopt;
    // The section headers come last: a file cut short (an interrupted copy) loses them first.
    if (!bytes.read<Elf64_Shdr>(header->e_shoff + (quint64(header->e_shnum) - 1) * sizeof(Elf64_Shdr)))
        return std::nullopt;
    for (quint64 i = 0; i < header->e_shnum; ++i) {
        const auto section = bytes.read<Elf64_Shdr>(header->e_shoff + i * sizeof(Elf64_Shdr));
        if (!section)
            return std::nullopt;
        if (section->sh_type != SHT_GNU_verneed)
            continue;
        const auto strings = bytes.read<Elf64_Shdr>(header->e_shoff + quint64(section->sh_link) * sizeof(Elf64_Shdr));
        if (!strings || section->sh_link >= header->e_shnum)
            return std::nullopt;
        return newestNeeded(bytes, *section, *strings);
    }
    return GlibcVersion {}; // no version needs: static, or needs no versioned symbol
}

struct Release {
    const char *name;
    GlibcVersion glibc;
};

// The releases of the distributions admins ask about, oldest first in each family.
const Release releases[] = {
    {"Debian 10", {2, 28}},
    {"Debian 11", {2, 31}},
    {"Debian 12", {2, 36}},
    {"Debian 13", {2, 41}},
    {"Ubuntu 18.04", {2, 27}},
    {"Ubuntu 20.04", {2, 31}},
    {"Ubuntu 22.04", {2, 35}},
    {"Ubuntu 24.04", {2, 39}},
    {"RHEL 8", {2, 28}},
    {"RHEL 9", {2, 34}},
    {"RHEL 10", {2, 39}},
};

/** "Debian 11, Ubuntu 20.04, RHEL 9": the oldest release of each family with @p needed or newer. */
QString oldestReleasesWith(GlibcVersion needed)
{
    QStringList names;
    QString family;
    for (const Release &release : releases) {
        const QString name = QString::fromLatin1(release.name);
        const QString releaseFamily = name.section(u' ', 0, 0);
        if (releaseFamily == family || release.glibc < needed)
            continue;
        family = releaseFamily;
        names << name;
    }
    return names.join(u", "_s);
}

} // namespace

QString GlibcVersion::text() const
{
    return u"%1.%2"_s.arg(major).arg(minor);
}

Result<GlibcVersion> glibcNeededBy(const QString &elfFile)
{
    QFile file(elfFile);
    if (!file.open(QIODevice::ReadOnly))
        return fail(u"provision.agent_unreadable"_s,
            tr("Cannot read the agent binary %1: %2.").arg(elfFile, file.errorString()));
    const qint64 size = file.size();
    const uchar *data = size > 0 ? file.map(0, size) : nullptr;
    if (!data)
        return fail(u"provision.agent_unreadable"_s,
            tr("Cannot read the agent binary %1: %2.").arg(elfFile, file.errorString()));
    const auto needed = glibcNeededIn(ElfBytes(data, size));
    file.unmap(const_cast<uchar *>(data));
    if (!needed) {
        return fail(u"provision.agent_unreadable"_s,
            tr("The agent binary %1 is not a 64-bit ELF file whose glibc needs can be read.").arg(elfFile));
    }
    return *needed;
}

std::optional<GlibcVersion> parseGlibcVersion(const QString &printed)
{
    // getconf's "glibc 2.36", or the first line of GNU ldd's --version, whose last word is the release.
    static const QRegularExpression getconf(u"^glibc (\\d+)\\.(\\d+)"_s);
    static const QRegularExpression ldd(
        u"^ldd \\(.*(glibc|gnu libc).*\\) (\\d+)\\.(\\d+)"_s, QRegularExpression::CaseInsensitiveOption);
    const QString line = printed.trimmed().section(u'\n', 0, 0).trimmed();
    if (const auto match = getconf.match(line); match.hasMatch())
        return GlibcVersion {match.captured(1).toInt(), match.captured(2).toInt()};
    if (const auto match = ldd.match(line); match.hasMatch())
        return GlibcVersion {match.captured(2).toInt(), match.captured(3).toInt()};
    return std::nullopt;
}

QString glibcProbeCommand()
{
    // getconf answers on any glibc system; ldd is the fallback where getconf is missing, and on a
    // musl system it prints musl's name, which names no glibc.
    return u"getconf GNU_LIBC_VERSION 2>/dev/null || ldd --version 2>&1 | head -n 1"_s;
}

std::optional<Error> refuseOlderGlibc(const QString &printed, GlibcVersion needed)
{
    if (needed == GlibcVersion {})
        return std::nullopt;
    const QString newEnough = oldestReleasesWith(needed);
    const QString releasesText = newEnough.isEmpty() ? QString() : tr(" (%1 or newer)").arg(newEnough);
    const auto node = parseGlibcVersion(printed);
    if (!node) {
        const QString said = printed.trimmed().section(u'\n', 0, 0).trimmed().left(120);
        return Error {u"provision.no_glibc"_s,
            tr("this node has no GNU C library that could be identified (%1); the agent needs glibc %2 or newer%3")
                .arg(said.isEmpty() ? tr("neither getconf nor ldd answered") : tr("it says \"%1\"").arg(said),
                    needed.text(),
                    releasesText)};
    }
    if (*node >= needed)
        return std::nullopt;
    return Error {u"provision.old_glibc"_s,
        tr("this node has glibc %1; the agent needs %2 or newer%3").arg(node->text(), needed.text(), releasesText)};
}

} // namespace rune
