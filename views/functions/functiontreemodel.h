// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractItemModel>
#include <QPointer>
#include <memory>
#include <vector>

namespace rune
{
class FunctionCatalog;
}

namespace rune::views
{

/** Projects → functions → working files, following a FunctionCatalog change by change. */
class FunctionTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionTreeModel)

public:
    enum class Kind { Project, Function, File };
    enum DataRole {
        KindRole = Qt::UserRole + 1, ///< a Kind as int
        FunctionIdRole, ///< the function's id (functions and files)
        FilePathRole, ///< the file's path in its function (files)
        ProjectRole, ///< the project's name (every item)
    };

    explicit FunctionTreeModel(FunctionCatalog *catalog, QObject *parent = nullptr);
    ~FunctionTreeModel() override;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    QModelIndex functionIndex(const QString &functionId) const;
    QModelIndex fileIndex(const QString &functionId, const QString &path) const;

private:
    struct Item;

    void addFunction(const QString &id);
    void removeFunction(const QString &id);
    void syncFiles(const QString &id);
    void functionDataChanged(const QString &id);
    Item *functionItem(const QString &id) const;
    Item *projectItem(const QString &project) const;
    QModelIndex indexOf(const Item *item) const;
    std::unique_ptr<Item> makeFunctionItem(const QString &id, Item *parent) const;
    QVariant functionData(const QString &id, int role) const;

    QPointer<FunctionCatalog> m_catalog;
    std::unique_ptr<Item> m_root;
};

} // namespace rune::views
