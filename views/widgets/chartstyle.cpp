// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/chartstyle.h"

#include "util/background.h"

#include <QAbstractAxis>
#include <QApplication>
#include <QChart>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QLegend>
#include <QPalette>
#include <QPixmap>
#include <QSaveFile>
#include <QWidget>

namespace rune::views
{

void styleChart(QChart *chart, const QFont &font)
{
    const QPalette palette = QApplication::palette();
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setBackgroundPen(QPen(palette.color(QPalette::Midlight)));
    chart->setPlotAreaBackgroundVisible(false);
    QFont titleFont = font;
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->setTitleBrush(palette.color(QPalette::Text));
    chart->legend()->setLabelColor(palette.color(QPalette::Text));
    QFont small = font;
    small.setPointSizeF(small.pointSizeF() * 0.85);
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsColor(palette.color(QPalette::PlaceholderText));
        axis->setTitleBrush(palette.color(QPalette::PlaceholderText));
        axis->setGridLineColor(palette.color(QPalette::Midlight));
        axis->setLinePenColor(palette.color(QPalette::Mid));
        axis->setLabelsFont(small);
        axis->setTitleFont(small);
    }
}

void exportWidgetPng(QWidget *widget, const QString &path, std::function<void(QString)> done)
{
    // QPixmap belongs to the UI thread; the QImage it becomes may be encoded anywhere.
    const QImage image = widget->grab().toImage();
    runInBackground(
        widget,
        [image, path] {
            QImageWriter writer(path, "png");
            return writer.write(image) ? QString() : writer.errorString();
        },
        std::move(done));
}

void exportText(QWidget *context, const QString &path, const QString &text, std::function<void(QString)> done)
{
    runInBackground(
        context,
        [path, bytes = text.toUtf8()] {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) < 0 || !file.commit())
                return file.errorString();
            return QString();
        },
        std::move(done));
}

QString exportMessage(const QString &path, const QString &error)
{
    return error.isEmpty() ? QApplication::translate("rune::views", "Saved %1").arg(path)
                           : QApplication::translate("rune::views", "Could not save %1: %2").arg(path, error);
}

void askSavePath(QWidget *parent,
    const QString &title,
    const QString &fileName,
    const QString &filter,
    std::function<void(QString)> chosen)
{
    auto *dialog = new QFileDialog(parent, title);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilter(filter);
    dialog->setDefaultSuffix(QFileInfo(fileName).suffix());
    dialog->selectFile(fileName);
    QObject::connect(dialog, &QFileDialog::fileSelected, parent, std::move(chosen));
    QObject::connect(dialog, &QFileDialog::finished, dialog, &QObject::deleteLater);
    dialog->open();
}

} // namespace rune::views
