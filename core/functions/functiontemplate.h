// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functionconfig.h"
#include "functions/sampleevent.h"
#include "packaging/tararchive.h"
#include "util/result.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace rune
{

/**
 * A starting point for a new function: its files, configuration and sample events, read from
 * a folder of resources/templates/ (`template.json` beside a `files/` folder).
 */
struct FunctionTemplate {
    QString id; ///< the folder's name: "python3", "node", "exec"
    QString title;
    QString description;
    QString mainFile; ///< the file to open first
    FunctionConfig config;
    QList<CodeFile> files;
    QList<SampleEvent> events;
};

/**
 * Reads every template under @p dir (a folder on disk or a Qt resource path such as
 * ":/templates"), sorted by id. `template.json` may name files that must be executable
 * (`"executable": ["handler.sh"]`), since resources keep no permissions. A template that cannot
 * be read fails the whole call with "function.bad_template" naming it.
 */
Result<QList<FunctionTemplate>> loadFunctionTemplates(const QString &dir);

} // namespace rune

Q_DECLARE_METATYPE(rune::FunctionTemplate)
