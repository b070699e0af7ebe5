// SPDX-License-Identifier: GPL-3.0-or-later
// The function editor page (editor.html): one CodeMirror view mirrored by views/webeditorbridge.cpp.
//
// The console owns the text it was given and the "saved" text; this page owns the live
// document. Every change is reported back (whole text, coalesced per task) with the generation
// of the last setText, so the console can drop reports about a document it has replaced since.
import {autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap} from '@codemirror/autocomplete';
import {defaultKeymap, history, historyKeymap, indentWithTab} from '@codemirror/commands';
import {bracketMatching, foldGutter, foldKeymap, indentOnInput} from '@codemirror/language';
import {highlightSelectionMatches, openSearchPanel, search, searchKeymap} from '@codemirror/search';
import {Compartment, EditorState} from '@codemirror/state';
import {
    crosshairCursor,
    drawSelection,
    dropCursor,
    EditorView,
    highlightActiveLine,
    highlightActiveLineGutter,
    highlightSpecialChars,
    keymap,
    lineNumbers,
    rectangularSelection,
} from '@codemirror/view';

import {languageExtension} from './languages.js';
import {applyPageColors, themeExtension} from './theme.js';

export class CodePage {
    /** Routes the console's signals to the page once it exists; earlier ones are in its initial state. */
    static connect(bridge, page) {
        bridge.textReset.connect((text, generation) => page()?.reset(text, generation));
        bridge.cleanMarked.connect(savedText => page()?.markClean(savedText));
        bridge.dirtyMarked.connect(() => page()?.markDirty());
        bridge.languageChanged.connect(name => page()?.setLanguage(name));
        bridge.readOnlyChanged.connect(readOnly => page()?.setReadOnly(readOnly));
        bridge.themeChanged.connect(colors => page()?.setTheme(colors));
        bridge.lineRequested.connect(line => page()?.goToLine(line));
    }

    constructor(parent, bridge, state) {
        this.bridge = bridge;
        this.generation = state.generation;
        this.savedText = state.modified ? null : state.text;
        this.settings = {language: state.language, readOnly: state.readOnly, theme: state.theme};
        this.languageSlot = new Compartment();
        this.readOnlySlot = new Compartment();
        this.themeSlot = new Compartment();
        this.reportPending = false;
        applyPageColors(state.theme);
        this.view = new EditorView({parent, state: this.createState(state.text)});
        window.addEventListener('focus', () => this.view.focus());
    }

    createState(text) {
        const s = this.settings;
        return EditorState.create({
            doc: text,
            extensions: [
                lineNumbers(),
                highlightActiveLineGutter(),
                highlightSpecialChars(),
                history(),
                foldGutter(),
                drawSelection(),
                dropCursor(),
                EditorState.allowMultipleSelections.of(true),
                indentOnInput(),
                bracketMatching(),
                closeBrackets(),
                // Completion only on Ctrl+Space: a popup that grabs Enter while typing surprises.
                autocompletion({activateOnTyping: false}),
                rectangularSelection(),
                crosshairCursor(),
                highlightActiveLine(),
                highlightSelectionMatches(),
                search({top: false}),
                keymap.of([
                    ...this.ownKeys(),
                    ...closeBracketsKeymap,
                    ...defaultKeymap,
                    ...searchKeymap,
                    ...historyKeymap,
                    ...foldKeymap,
                    ...completionKeymap,
                    indentWithTab,
                ]),
                this.languageSlot.of(languageExtension(s.language)),
                this.readOnlySlot.of(EditorState.readOnly.of(s.readOnly)),
                this.themeSlot.of(themeExtension(s.theme)),
                EditorView.updateListener.of(update => {
                    if (update.docChanged)
                        this.scheduleReport();
                }),
            ],
        });
    }

    ownKeys() {
        return [
            {
                key: 'Mod-s',
                preventDefault: true,
                run: () => {
                    if (!this.settings.readOnly)
                        this.bridge.requestSave();
                    return true;
                },
            },
            {key: 'Mod-h', preventDefault: true, run: openSearchPanel},
        ];
    }

    scheduleReport() {
        if (this.reportPending)
            return;
        this.reportPending = true;
        queueMicrotask(() => {
            this.reportPending = false;
            const text = this.view.state.doc.toString();
            this.bridge.reportChange(text, this.generation, this.isModified(text));
        });
    }

    isModified(text) {
        return this.savedText === null || text !== this.savedText;
    }

    reset(text, generation) {
        this.generation = generation;
        this.savedText = text;
        this.view.setState(this.createState(text));
    }

    markClean(savedText) {
        this.savedText = savedText;
        this.bridge.reportModified(this.generation, this.isModified(this.view.state.doc.toString()));
    }

    markDirty() {
        this.savedText = null;
    }

    setLanguage(name) {
        this.settings.language = name;
        this.view.dispatch({effects: this.languageSlot.reconfigure(languageExtension(name))});
    }

    setReadOnly(readOnly) {
        this.settings.readOnly = readOnly;
        this.view.dispatch({effects: this.readOnlySlot.reconfigure(EditorState.readOnly.of(readOnly))});
    }

    setTheme(colors) {
        this.settings.theme = colors;
        applyPageColors(colors);
        this.view.dispatch({effects: this.themeSlot.reconfigure(themeExtension(colors))});
    }

    goToLine(number) {
        const doc = this.view.state.doc;
        const line = doc.line(Math.max(1, Math.min(number, doc.lines)));
        this.view.dispatch({
            selection: {anchor: line.from},
            effects: EditorView.scrollIntoView(line.from, {y: 'center'}),
        });
        this.view.focus();
    }
}
