// SPDX-License-Identifier: GPL-3.0-or-later
// Linked only into the portable agent (cmake/portableagent.cmake): built with this machine's
// compiler against Debian 11's glibc 2.31. The compiler's static libstdc++ and libgcc were built
// against a newer glibc and call three of its functions that 2.31 lacks. The definitions below
// take their place at link time (an archive's undefined reference binds to the program's own
// definition first, so the file never asks glibc for them), each doing what the newer glibc does
// with what 2.31 has. On a newer glibc the agent keeps using these; they are correct there too.

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <link.h>
#include <sys/random.h>

#if !defined(__x86_64__)
#error "the layout of struct dl_find_object below is x86-64's; check glibc's <bits/dl_find_object.h>"
#endif

namespace
{

// glibc 2.35's struct dl_find_object on x86-64, where it has no dlfo_eh_dbase member.
struct FoundObject {
    unsigned long long flags;
    void *mapStart;
    void *mapEnd;
    link_map *linkMap;
    void *ehFrame; // the object's PT_GNU_EH_FRAME segment (.eh_frame_hdr)
    unsigned long long reserved[7];
};
static_assert(sizeof(FoundObject) == 96, "glibc's struct dl_find_object is 96 bytes on x86-64");

struct Search {
    std::uintptr_t address;
    FoundObject *result;
    bool found;
};

// dl_iterate_phdr's callback: 1 (stop) at the object one of whose loaded segments holds the address.
int searchObject(dl_phdr_info *info, std::size_t, void *data)
{
    auto *search = static_cast<Search *>(data);
    std::uintptr_t start = UINTPTR_MAX, end = 0, ehFrame = 0;
    bool holds = false;
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr) &segment = info->dlpi_phdr[i];
        const std::uintptr_t from = info->dlpi_addr + segment.p_vaddr;
        if (segment.p_type == PT_GNU_EH_FRAME)
            ehFrame = from;
        if (segment.p_type != PT_LOAD)
            continue;
        start = from < start ? from : start;
        end = from + segment.p_memsz > end ? from + segment.p_memsz : end;
        holds = holds || (search->address >= from && search->address < from + segment.p_memsz);
    }
    if (!holds)
        return 0;
    *search->result = FoundObject {};
    search->result->mapStart = reinterpret_cast<void *>(start);
    search->result->mapEnd = reinterpret_cast<void *>(end);
    search->result->ehFrame = reinterpret_cast<void *>(ehFrame);
    search->found = true;
    return 1;
}

} // namespace

extern "C" {

// glibc 2.32: nonzero while the process has a single thread, letting libstdc++ skip atomic
// operations on reference counts. Zero ("there may be other threads") is always correct, and the
// agent starts its threads at once anyway.
char __libc_single_threaded = 0;

// glibc 2.36: a random number from the kernel; libstdc++'s std::random_device may ask for one.
// getrandom() (glibc 2.25) blocks only until the kernel's generator is seeded, as glibc's does.
std::uint32_t arc4random() noexcept
{
    std::uint32_t value = 0;
    for (;;) {
        const ssize_t got = ::getrandom(&value, sizeof value, 0);
        if (got == ssize_t(sizeof value))
            return value;
        // A signal may interrupt the wait for seeding; any other failure leaves no random number,
        // and glibc's arc4random aborts then too rather than return a predictable one.
        if (got >= 0 || errno != EINTR)
            std::abort();
    }
}

// glibc 2.35: which loaded object holds an address, and where its unwinding table is. libgcc's
// unwinder (linked statically) asks it for every frame an exception passes, and finds no handler
// when it fails. dl_iterate_phdr (what the unwinder used before 2.35) answers the same question.
int _dl_find_object(void *address, FoundObject *result) noexcept
{
    Search search {reinterpret_cast<std::uintptr_t>(address), result, false};
    ::dl_iterate_phdr(searchObject, &search);
    return search.found ? 0 : -1;
}
}
