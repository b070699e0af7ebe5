// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <optional>

namespace rune::views
{

/** The languages the code editors highlight. */
enum class CodeLanguage { Plain, Python, JavaScript, Shell, Json, Yaml, Cpp };

/** The language's short name, shared with the web editor: "python", "javascript", "shell", ... */
QString codeLanguageName(CodeLanguage language);
/** Parses a codeLanguageName(), ignoring case. */
std::optional<CodeLanguage> codeLanguageFromName(QStringView name);
/** The name a user reads: "Python", "C/C++", "Plain text", ... */
QString codeLanguageTitle(CodeLanguage language);

/**
 * Picks the language of a file by its name ("handler.py", "config.yaml", ".bashrc"), and for
 * a file without a suffix by the #! line at the start of @p content ("#!/bin/sh",
 * "#!/usr/bin/env python3"), as exec-runtime functions often are.
 */
CodeLanguage codeLanguageForFile(const QString &fileName, QStringView content = {});

} // namespace rune::views
