// SPDX-License-Identifier: GPL-3.0-or-later
// Rune's own light and dark look. The colours come from the console (views/codetheme.cpp),
// which derives them from the Qt palette, so the editor matches the rest of the window.
import {HighlightStyle, syntaxHighlighting} from '@codemirror/language';
import {EditorView} from '@codemirror/view';
import {tags as t} from '@lezer/highlight';

function highlightStyle(c) {
    return HighlightStyle.define([
        {tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword, t.modifier,
            t.self], color: c.keyword},
        {tag: [t.string, t.special(t.string), t.character, t.regexp, t.docString], color: c.string},
        {tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: c.comment, fontStyle: 'italic'},
        {tag: [t.number, t.integer, t.float], color: c.number},
        {tag: [t.bool, t.null, t.atom, t.constant(t.variableName)], color: c.atom},
        {tag: [t.function(t.variableName), t.function(t.definition(t.variableName)),
            t.function(t.propertyName), t.standard(t.variableName), t.macroName], color: c.function},
        {tag: [t.typeName, t.className, t.namespace, t.definition(t.typeName)], color: c.type},
        {tag: [t.propertyName, t.definition(t.propertyName), t.attributeName, t.labelName], color: c.property},
        {tag: [t.meta, t.annotation, t.processingInstruction, t.documentMeta], color: c.meta},
        {tag: [t.special(t.variableName), t.definition(t.variableName)], color: c.variable},
        {tag: t.invalid, color: c.invalid},
    ]);
}

function viewTheme(c) {
    const border = `1px solid ${c.gutterBorder}`;
    return EditorView.theme({
        '&': {color: c.foreground, backgroundColor: c.background, fontSize: `${c.fontSize}px`},
        '.cm-scroller': {fontFamily: `"${c.fontFamily}", monospace`, lineHeight: '1.45'},
        '.cm-content': {caretColor: c.cursor},
        '.cm-cursor, .cm-dropCursor': {borderLeftColor: c.cursor},
        '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
            {backgroundColor: c.selection},
        '.cm-activeLine': {backgroundColor: c.activeLine},
        '.cm-gutters': {backgroundColor: c.gutterBackground, color: c.gutterForeground, borderRight: border},
        '.cm-activeLineGutter': {backgroundColor: c.activeLine, color: c.foreground},
        '&.cm-focused .cm-matchingBracket': {backgroundColor: c.matchingBracket, outline: `1px solid ${c.matchingBracketOutline}`},
        '&.cm-focused .cm-nonmatchingBracket': {backgroundColor: c.removedText},
        '.cm-searchMatch': {backgroundColor: c.searchMatch},
        '.cm-searchMatch.cm-searchMatch-selected': {backgroundColor: c.searchMatchSelected},
        '.cm-selectionMatch': {backgroundColor: c.selectionMatch},
        '.cm-panels': {backgroundColor: c.panelBackground, color: c.foreground},
        '.cm-panels.cm-panels-bottom': {borderTop: border},
        '.cm-panel.cm-search': {fontFamily: c.uiFontFamily, fontSize: `${c.uiFontSize}px`},
        '.cm-textfield': {backgroundColor: c.background, color: c.foreground, border},
        '.cm-button': {backgroundImage: 'none', backgroundColor: c.panelBackground, color: c.foreground, border},
        '.cm-tooltip': {backgroundColor: c.panelBackground, color: c.foreground, border},
        '&.cm-merge-a .cm-changedLine, .cm-deletedChunk': {backgroundColor: c.removedLine},
        '&.cm-merge-b .cm-changedLine, .cm-inlineChangedLine': {backgroundColor: c.addedLine},
        '&.cm-merge-a .cm-changedText, .cm-deletedChunk .cm-deletedText': {background: c.removedText},
        '&.cm-merge-b .cm-changedText': {background: c.addedText},
        '.cm-changedLineGutter': {backgroundColor: c.addedGutter},
        '&.cm-merge-a .cm-changedLineGutter, .cm-deletedLineGutter': {backgroundColor: c.removedGutter},
        '.cm-collapsedLines': {color: c.gutterForeground, background: c.gutterBackground},
    }, {dark: c.dark});
}

/** Everything that depends on the palette: view colours and syntax colours. */
export function themeExtension(colors) {
    return [viewTheme(colors), syntaxHighlighting(highlightStyle(colors))];
}

/** The page around the editor takes the same background, so resizing never flashes white. */
export function applyPageColors(colors) {
    document.documentElement.style.backgroundColor = colors.background;
    document.documentElement.style.colorScheme = colors.dark ? 'dark' : 'light';
}
