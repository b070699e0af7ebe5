// SPDX-License-Identifier: GPL-3.0-or-later
// Entry of the bundle: editor.html and diff.html both load it and say which page they are
// (<body data-page="...">). window.runeEditor is the live page, for debugging and tests.
import {connectBridge} from './channel.js';
import {CodePage} from './codepage.js';
import {DiffPage} from './diffpage.js';

function start() {
    const Page = document.body.dataset.page === 'diff' ? DiffPage : CodePage;
    const root = document.getElementById('root');
    connectBridge(bridge => {
        let page = null;
        Page.connect(bridge, () => page);
        bridge.initialState(state => {
            page = new Page(root, bridge, state);
            window.runeEditor = page;
            bridge.reportReady();
        });
    });
}

if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', start);
else
    start();
