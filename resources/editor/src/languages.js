// SPDX-License-Identifier: GPL-3.0-or-later
// The languages the console knows by name (views/codelanguage.cpp uses the same names).
import {cpp} from '@codemirror/lang-cpp';
import {javascript} from '@codemirror/lang-javascript';
import {json} from '@codemirror/lang-json';
import {python} from '@codemirror/lang-python';
import {yaml} from '@codemirror/lang-yaml';
import {StreamLanguage} from '@codemirror/language';
import {shell} from '@codemirror/legacy-modes/mode/shell';

const shellLanguage = StreamLanguage.define(shell);

const makers = {
    python: () => python(),
    javascript: () => javascript(),
    shell: () => shellLanguage,
    json: () => json(),
    yaml: () => yaml(),
    cpp: () => cpp(),
    plain: () => [],
};

/** The extension that highlights @p name; plain text for a name it does not know. */
export function languageExtension(name) {
    return (makers[name] || makers.plain)();
}
