// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functiontreemodel.h"

#include "functions/functioncatalog.h"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace rune::views
{

struct FunctionTreeModel::Item {
    Kind kind;
    QString key; ///< project name, function id or file path
    Item *parent = nullptr;
    std::vector<std::unique_ptr<Item>> children;

    int row() const
    {
        const auto &siblings = parent->children;
        const auto it = std::find_if(siblings.cbegin(), siblings.cend(), [this](const auto &sibling) {
            return sibling.get() == this;
        });
        return int(it - siblings.cbegin());
    }
};

FunctionTreeModel::FunctionTreeModel(FunctionCatalog *catalog, QObject *parent)
    : QAbstractItemModel(parent)
    , m_catalog(catalog)
    , m_root(std::make_unique<Item>(Item {Kind::Project, {}, nullptr, {}}))
{
    for (const Function &function : catalog->functions())
        addFunction(function.id);
    connect(catalog, &FunctionCatalog::functionAdded, this, &FunctionTreeModel::addFunction);
    connect(catalog, &FunctionCatalog::functionAboutToBeRemoved, this, &FunctionTreeModel::removeFunction);
    connect(catalog, &FunctionCatalog::functionChanged, this, &FunctionTreeModel::functionDataChanged);
    connect(catalog, &FunctionCatalog::versionsChanged, this, &FunctionTreeModel::functionDataChanged);
    connect(catalog, &FunctionCatalog::filesChanged, this, &FunctionTreeModel::syncFiles);
}

FunctionTreeModel::~FunctionTreeModel() = default;

QModelIndex FunctionTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    const Item *parentItem = parent.isValid() ? static_cast<const Item *>(parent.internalPointer()) : m_root.get();
    return createIndex(row, column, parentItem->children.at(size_t(row)).get());
}

QModelIndex FunctionTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const auto *item = static_cast<const Item *>(child.internalPointer());
    return indexOf(item->parent);
}

int FunctionTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    const Item *item = parent.isValid() ? static_cast<const Item *>(parent.internalPointer()) : m_root.get();
    return int(item->children.size());
}

int FunctionTreeModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QModelIndex FunctionTreeModel::indexOf(const Item *item) const
{
    if (!item || item == m_root.get())
        return {};
    return createIndex(item->row(), 0, const_cast<Item *>(item));
}

QVariant FunctionTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_catalog)
        return {};
    const auto *item = static_cast<const Item *>(index.internalPointer());
    if (role == KindRole)
        return int(item->kind);
    switch (item->kind) {
    case Kind::Project:
        if (role == Qt::DisplayRole || role == ProjectRole)
            return item->key;
        if (role == Qt::FontRole) {
            QFont font = QApplication::font();
            font.setBold(true);
            return font;
        }
        return {};
    case Kind::Function:
        return functionData(item->key, role);
    case Kind::File:
        if (role == Qt::DisplayRole || role == FilePathRole || role == Qt::ToolTipRole)
            return item->key;
        if (role == FunctionIdRole)
            return item->parent->key;
        if (role == ProjectRole)
            return item->parent->parent->key;
        return {};
    }
    return {};
}

QVariant FunctionTreeModel::functionData(const QString &id, int role) const
{
    const Function *function = m_catalog->find(id);
    if (!function)
        return {};
    const auto current = m_catalog->currentVersion(id);
    switch (role) {
    case Qt::DisplayRole:
        return function->name;
    case FunctionIdRole:
        return id;
    case ProjectRole:
        return function->project;
    case Qt::ToolTipRole:
        return current ? tr("%1 · v%2 %3")
                             .arg(functionRuntimeName(function->runtime()))
                             .arg(current->number)
                             .arg(functionStateName(current->state))
                       : tr("%1 · not deployed yet").arg(functionRuntimeName(function->runtime()));
    case Qt::ForegroundRole:
        return current ? QVariant() : QVariant(QApplication::palette().color(QPalette::Disabled, QPalette::Text));
    default:
        return {};
    }
}

FunctionTreeModel::Item *FunctionTreeModel::projectItem(const QString &project) const
{
    for (const auto &item : m_root->children) {
        if (item->key == project)
            return item.get();
    }
    return nullptr;
}

FunctionTreeModel::Item *FunctionTreeModel::functionItem(const QString &id) const
{
    for (const auto &project : m_root->children) {
        for (const auto &function : project->children) {
            if (function->key == id)
                return function.get();
        }
    }
    return nullptr;
}

QModelIndex FunctionTreeModel::functionIndex(const QString &functionId) const
{
    return indexOf(functionItem(functionId));
}

QModelIndex FunctionTreeModel::fileIndex(const QString &functionId, const QString &path) const
{
    const Item *function = functionItem(functionId);
    if (!function)
        return {};
    for (const auto &file : function->children) {
        if (file->key == path)
            return indexOf(file.get());
    }
    return {};
}

std::unique_ptr<FunctionTreeModel::Item> FunctionTreeModel::makeFunctionItem(const QString &id, Item *parent) const
{
    auto item = std::make_unique<Item>(Item {Kind::Function, id, parent, {}});
    for (const QString &path : m_catalog->files(id))
        item->children.push_back(std::make_unique<Item>(Item {Kind::File, path, item.get(), {}}));
    return item;
}

void FunctionTreeModel::addFunction(const QString &id)
{
    const Function *function = m_catalog->find(id);
    if (!function || functionItem(id))
        return;
    Item *project = projectItem(function->project);
    if (!project) {
        auto &projects = m_root->children;
        const auto at = std::find_if(projects.cbegin(), projects.cend(), [function](const auto &item) {
            return item->key > function->project;
        });
        const int row = int(at - projects.cbegin());
        auto item = std::make_unique<Item>(Item {Kind::Project, function->project, m_root.get(), {}});
        item->children.push_back(makeFunctionItem(id, item.get()));
        beginInsertRows({}, row, row);
        projects.insert(projects.begin() + row, std::move(item));
        endInsertRows();
        return;
    }
    auto &functions = project->children;
    const auto at = std::find_if(functions.cbegin(), functions.cend(), [this, function](const auto &item) {
        const Function *other = m_catalog->find(item->key);
        return other && other->name > function->name;
    });
    const int row = int(at - functions.cbegin());
    beginInsertRows(indexOf(project), row, row);
    functions.insert(functions.begin() + row, makeFunctionItem(id, project));
    endInsertRows();
}

void FunctionTreeModel::removeFunction(const QString &id)
{
    Item *function = functionItem(id);
    if (!function)
        return;
    Item *project = function->parent;
    // The last function of a project takes the project with it.
    Item *gone = project->children.size() == 1 ? project : function;
    const int row = gone->row();
    beginRemoveRows(indexOf(gone->parent), row, row);
    gone->parent->children.erase(gone->parent->children.begin() + row);
    endRemoveRows();
}

void FunctionTreeModel::syncFiles(const QString &id)
{
    Item *function = functionItem(id);
    if (!function)
        return;
    const QStringList wanted = m_catalog->files(id);
    const QModelIndex parentIndex = indexOf(function);
    auto &files = function->children;
    for (int row = int(files.size()) - 1; row >= 0; --row) {
        if (!wanted.contains(files.at(size_t(row))->key)) {
            beginRemoveRows(parentIndex, row, row);
            files.erase(files.begin() + row);
            endRemoveRows();
        }
    }
    for (int row = 0; row < wanted.size(); ++row) {
        if (row < int(files.size()) && files.at(size_t(row))->key == wanted.at(row))
            continue;
        beginInsertRows(parentIndex, row, row);
        files.insert(files.begin() + row, std::make_unique<Item>(Item {Kind::File, wanted.at(row), function, {}}));
        endInsertRows();
    }
}

void FunctionTreeModel::functionDataChanged(const QString &id)
{
    const QModelIndex index = functionIndex(id);
    if (index.isValid())
        Q_EMIT dataChanged(index, index);
}

} // namespace rune::views
