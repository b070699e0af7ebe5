// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/background.h"

namespace rune
{

SerialQueue::SerialQueue()
{
    m_pool.setMaxThreadCount(1);
    // Kept alive while idle: its SQLite connection is opened once per thread.
    m_pool.setExpiryTimeout(-1);
}

SerialQueue::~SerialQueue()
{
    waitForDone();
}

void SerialQueue::post(std::function<void()> job)
{
    m_pool.start(std::move(job));
}

void SerialQueue::waitForDone()
{
    m_pool.waitForDone();
}

} // namespace rune
