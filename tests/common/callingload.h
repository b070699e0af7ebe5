// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Callers that keep calling one function while a test changes what serves it, for the tests that
// reload a gateway under load and count the calls it lost.

#include "testagent.h"

#include <QList>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace rune::test
{

/** @p clients threads POST @p body to @p path on @p port until stop(); each answer must echo @p body. */
class CallingLoad final
{
public:
    CallingLoad(quint16 port, const QByteArray &path, const QByteArray &body, int clients = 3)
    {
        for (int index = 0; index < clients; ++index) {
            m_clients.emplace_back([this, port, path, body] {
                while (m_running) {
                    const auto reply = httpRequest(port, "POST", path, {}, body);
                    ++m_answered;
                    if (reply.status != 200 || reply.body != body) {
                        const std::lock_guard lock(m_mutex);
                        m_failures << QByteArray::number(reply.status) + " " + reply.body.left(200);
                    }
                }
            });
        }
    }
    ~CallingLoad()
    {
        stop();
    }
    CallingLoad(const CallingLoad &) = delete;
    CallingLoad &operator=(const CallingLoad &) = delete;

    int answered() const
    {
        return m_answered;
    }

    /** Waits for the callers' calls in flight; after it, failures() is final. */
    void stop()
    {
        m_running = false;
        for (auto &client : m_clients) {
            if (client.joinable())
                client.join();
        }
    }

    /** Each answer that was not a 200 with the body sent back: its status and its body's start. */
    QByteArray failures() const
    {
        const std::lock_guard lock(m_mutex);
        return m_failures.join('\n');
    }

private:
    std::atomic<bool> m_running {true};
    std::atomic<int> m_answered {0};
    mutable std::mutex m_mutex;
    QList<QByteArray> m_failures;
    std::vector<std::thread> m_clients; // last: the threads go before what they use
};

} // namespace rune::test
