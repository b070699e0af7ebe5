// SPDX-License-Identifier: GPL-3.0-or-later
// The QWebChannel connection to the console. qwebchannel.js comes from Qt's own resources
// (qrc:///qtwebchannel/qwebchannel.js), loaded by the page before this bundle.

/** Calls @p onBridge with the C++ object published as "bridge". */
export function connectBridge(onBridge) {
    // eslint-disable-next-line no-undef
    new QWebChannel(qt.webChannelTransport, channel => onBridge(channel.objects.bridge));
}
