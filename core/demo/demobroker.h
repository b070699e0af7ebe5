// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QProcess>
#include <QString>
#include <optional>

namespace rune
{

/**
 * The demo cluster's MQTT broker: Debian's `mosquitto`, started by the console on a free port of
 * 127.0.0.1 (anonymous, in memory, nothing on disk but its config), stopped with this object.
 * Without the program the demo runs without one, and reason() says why its MQTT sample is idle.
 */
class DemoBroker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoBroker)

public:
    /** @p dir holds the broker's config file. */
    explicit DemoBroker(QString dir, QObject *parent = nullptr);
    ~DemoBroker() override;

    /** /usr/sbin/mosquitto, or mosquitto on the PATH; empty when it is not installed. */
    static QString program();

    /** Runs @p path instead of program(); empty: as if mosquitto were not installed (tests). */
    void setProgram(const QString &path);
    /** Starts the broker; false (with reason()) when it cannot: no program, no config file. */
    bool start();
    bool isRunning() const;
    /** tcp://127.0.0.1:<port>, once started. */
    QString url() const;
    quint16 port() const;
    /** Why there is no broker: for the user, naming what to install. Empty while it runs. */
    QString reason() const;

Q_SIGNALS:
    /** The broker stopped by itself: @p reason says how. */
    void failed(const QString &reason);

private:
    QString m_dir;
    std::optional<QString> m_program;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_reason;
    QByteArray m_output; ///< its last words, for failed()
};

/** A loopback port nothing listens on now, or 0. */
quint16 freeLoopbackPort();

} // namespace rune
