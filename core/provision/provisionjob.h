// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "provision/nodejob.h"

namespace rune
{

/**
 * Provisions one node: detect OS/arch/init system/glibc (a node too old for the agent is refused
 * here, before anything is uploaded) and whether it takes the package (provisionMethodFor())
 * → upload the bundle, or the package, and the token → install
 * (as root) → start → wait for /v1/health through the tunnel → read /v1/info. Every step is
 * idempotent on the node, so running the job again after any failure repairs the node.
 */
class ProvisionJob final : public NodeJob
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProvisionJob)

public:
    using NodeJob::NodeJob;

    void start() override;

private:
    void detect();
    void prepareStaging();
    void uploadNext(qsizetype index);
    void install();
    /** install.sh's --haproxy-listen for a controller that gets HAProxy as its gateway; empty otherwise. */
    Result<QString> haproxyArgs() const;
    /** install.sh's --mqtt-url and --mqtt-user for the broker of Settings › Events; logs what the node gets. */
    QString brokerArgs();
    void startAgent();
    void awaitAgent();

    QString m_staging;
    ProvisionMethod m_method = ProvisionMethod::Binary;
    QList<BundleFile> m_files;
    qint64 m_totalBytes = 0;
    qint64 m_sentBefore = 0;
};

} // namespace rune
