// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "shell/functionservices.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace rune
{
class FunctionLogFollower;
}

namespace rune::views
{

class LogFilterModel;
class LogTableModel;

/**
 * The live log of one function: `/v1/logs?follow=1` of every node that runs it, merged as the
 * lines arrive; filterable by request id, level and text.
 */
class LogPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogPanel)

public:
    LogPanel(const FunctionServices &services, QWidget *parent = nullptr);
    ~LogPanel() override;

    void setFunction(const QString &functionId);
    /** Shows only the lines of @p requestId (empty: all). */
    void showRequest(const QString &requestId);
    LogTableModel *model() const;
    LogFilterModel *filter() const;
    QTableView *table() const;
    /** How many nodes' logs are being followed right now. */
    int connectedCount() const;

private:
    void followNewNodes();
    void updateStatus();

    FunctionServices m_services;
    QString m_functionId;
    LogTableModel *m_model;
    LogFilterModel *m_filter;
    QLineEdit *m_requestEdit;
    QComboBox *m_levelCombo;
    QLineEdit *m_textEdit;
    QCheckBox *m_followCheck;
    QLabel *m_statusLabel;
    QTableView *m_table;
    QHash<QString, QPointer<FunctionLogFollower>> m_followers; ///< by node id
    QHash<QString, QString> m_problems; ///< by node id
    int m_generation = 0;
};

} // namespace rune::views
