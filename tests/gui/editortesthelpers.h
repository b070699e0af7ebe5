// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by the editor and diff view tests: a dark palette, the screenshot folder, and for the
// web widgets a way to ask the page something and to grab it once it shows what it should.

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QImage>
#include <QPalette>
#include <QTest>
#include <QTimer>
#include <QVariant>
#include <QWidget>
#include <functional>
#include <memory>

#ifdef RUNE_WEB_EDITOR
#include <QWebEngineView>
#endif

namespace rune::test
{

inline QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x2b2d30));
    palette.setColor(QPalette::WindowText, QColor(0xdfe1e5));
    palette.setColor(QPalette::Base, QColor(0x1e1f22));
    palette.setColor(QPalette::AlternateBase, QColor(0x26282b));
    palette.setColor(QPalette::Text, QColor(0xdfe1e5));
    palette.setColor(QPalette::Highlight, QColor(0x2f65ca));
    palette.setColor(QPalette::HighlightedText, QColor(0xffffff));
    palette.setColor(QPalette::Button, QColor(0x2b2d30));
    palette.setColor(QPalette::ButtonText, QColor(0xdfe1e5));
    return palette;
}

/** The Python handler the editor tests load: a comment, strings, a number and keywords. */
inline QString greeterSource()
{
    return QStringLiteral("import json\n\n\ndef handle(event, context):\n    # greet whoever asks\n"
                          "    name = event.get(\"name\", \"world\")\n    return {\"hello\": name, \"n\": 42}\n");
}

/** Two versions of a handler for the diff view tests: the new one changes a line and adds one. */
inline QString diffOldSource()
{
    return QStringLiteral("import json\n\n\ndef handle(event, context):\n    name = event.get(\"name\")\n"
                          "    return {\"hello\": name}\n");
}

inline QString diffNewSource()
{
    return QStringLiteral("import json\n\n\ndef handle(event, context):\n    name = event.get(\"name\", \"world\")\n"
                          "    print(name)\n    return {\"hello\": name}\n");
}

/** <build>/tests/screenshots/<name>, the folder made if needed. */
inline QString screenshotPath(const QString &name)
{
    const QString dir = QCoreApplication::applicationDirPath() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    return dir + QLatin1Char('/') + name;
}

/** How many pixels of @p image are within @p tolerance (per channel) of @p colour. */
inline int pixelsNear(const QImage &image, const QColor &colour, int tolerance = 24)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    int count = 0;
    for (int y = 0; y < rgb.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x)
            count += std::abs(qRed(line[x]) - colour.red()) <= tolerance
                && std::abs(qGreen(line[x]) - colour.green()) <= tolerance
                && std::abs(qBlue(line[x]) - colour.blue()) <= tolerance;
    }
    return count;
}

/**
 * Runs the event loop until @p done, polling every 5 ms. QTRY_* and QTest::qWaitFor sleep
 * 10 ms between rounds of events, which slows the web engine (its browser side runs on this
 * thread) tenfold; a real event loop keeps a page load near 200 ms.
 */
inline bool waitUntil(const std::function<bool()> &done, int timeoutMs = 10000)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    poll.start(5);
    loop.exec();
    return done();
}

/**
 * Grabs @p widget from a timer (a web view grabbed inside a processEvents loop is blank), again
 * every 100 ms until @p accept likes the picture; returns it, or a null image after the timeout.
 */
inline QImage grabWhen(QWidget *widget, const std::function<bool(const QImage &)> &accept, int timeoutMs = 15000)
{
    QImage shot;
    bool accepted = false;
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, widget, [&] {
        shot = widget->grab().toImage();
        accepted = accept(shot);
        if (accepted)
            timer.stop();
    });
    timer.start(100);
    waitUntil(
        [&] {
            return accepted;
        },
        timeoutMs);
    return accepted ? shot : QImage();
}

#ifdef RUNE_WEB_EDITOR
/** Runs @p script in the page and returns its value, the event loop running meanwhile. */
inline QVariant evaluate(QWebEngineView *view, const QString &script, int timeoutMs = 10000)
{
    // Shared: the callback may come after a timeout, when this frame is gone.
    auto result = std::make_shared<std::pair<QVariant, bool>>();
    view->page()->runJavaScript(script, [result](const QVariant &value) {
        *result = {value, true};
    });
    waitUntil(
        [&] {
            return result->second;
        },
        timeoutMs);
    return result->first;
}
#endif

/** QTRY_VERIFY / QTRY_COMPARE without the sleeps (see waitUntil()). */
#define RUNE_TRY_VERIFY(expr)                                                                                          \
    QVERIFY2(rune::test::waitUntil([&] {                                                                               \
        return bool(expr);                                                                                             \
    }),                                                                                                                \
        #expr)
#define RUNE_TRY_COMPARE(actual, expected)                                                                             \
    do {                                                                                                               \
        rune::test::waitUntil([&] {                                                                                    \
            return (actual) == (expected);                                                                             \
        });                                                                                                            \
        QCOMPARE(actual, expected);                                                                                    \
    } while (false)

} // namespace rune::test
