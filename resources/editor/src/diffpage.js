// SPDX-License-Identifier: GPL-3.0-or-later
// The diff page (diff.html): two read-only editors side by side (@codemirror/merge), the old
// version on the left. The console sends both texts, the language and the colours at once.
import {MergeView} from '@codemirror/merge';
import {search, searchKeymap} from '@codemirror/search';
import {EditorState} from '@codemirror/state';
import {EditorView, highlightSpecialChars, keymap, lineNumbers} from '@codemirror/view';

import {languageExtension} from './languages.js';
import {applyPageColors, themeExtension} from './theme.js';

export class DiffPage {
    static connect(bridge, page) {
        bridge.contentChanged.connect(state => page()?.render(state));
    }

    constructor(parent, bridge, state) {
        this.parent = parent;
        this.bridge = bridge;
        this.merge = null;
        this.render(state);
    }

    render(state) {
        applyPageColors(state.theme);
        this.merge?.destroy();
        const extensions = [
            lineNumbers(),
            highlightSpecialChars(),
            EditorState.readOnly.of(true),
            EditorView.editable.of(false),
            search({top: true}),
            keymap.of(searchKeymap),
            languageExtension(state.language),
            themeExtension(state.theme),
        ];
        this.merge = new MergeView({
            a: {doc: state.left, extensions},
            b: {doc: state.right, extensions},
            parent: this.parent,
            gutter: true,
            highlightChanges: true,
            collapseUnchanged: {margin: 3, minSize: 8},
        });
        this.bridge.reportRendered(this.merge.chunks.length);
    }
}
