// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functionlog.h"

#include <QSortFilterProxyModel>
#include <optional>

namespace rune::views
{

/** Narrows a LogTableModel to one request, one level and lines containing a text. */
class LogFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogFilterModel)

public:
    explicit LogFilterModel(QObject *parent = nullptr);

    /** Only lines of this request (an id, or the start of one); empty: every line. */
    void setRequestId(const QString &requestId);
    QString requestId() const;
    /** Only lines of this level; nullopt: every level. */
    void setLevel(std::optional<FunctionLogLine::Level> level);
    /** Only lines whose text contains @p text, ignoring case. */
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_requestId;
    std::optional<FunctionLogLine::Level> m_level;
    QString m_text;
};

} // namespace rune::views
