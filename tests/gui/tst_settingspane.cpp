// SPDX-License-Identifier: GPL-3.0-or-later
// The Settings pane on the console composed as app/main.cpp composes it: generated from the
// settings' table, validating as the user types, resetting a section, applying changes to the
// running services at once, and the nodes' prices.
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "cost/costpane.h"
#include "editortesthelpers.h"
#include "metrics/metrichistory.h"
#include "provision/nodeoperations.h"
#include "settings/nodepricesmodel.h"
#include "settings/settingfield.h"
#include "settings/settingspane.h"
#include "shell/mainwindow.h"
#include "shell/theme.h"
#include "store/store.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using views::SettingField;
using views::SettingsPane;

class TestSettingsPane final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void everyKeyOfTheTableHasItsField();
    void invalidValueShowsWhyAndIsNotSaved();
    void resetPerSection();
    void changesApplyToTheRunningConsoleAtOnce();
    void themeAppliesAtOnceAndTheMenuFollows();
    void restartSettingsSayTheyWait();
    void nodePricesUseTheNodesOwnPrice();
    void damagedFileIsReportedAndSetAside();
    void screenshot();

private:
    QLineEdit *line(SettingsPane &pane, Settings::Key key) const;
    /** Replaces the text of @p key's field as a user would: select all, type. */
    void type(SettingsPane &pane, Settings::Key key, const QString &text) const;

    std::unique_ptr<test::ConsoleFixture> m_fx;
};

void TestSettingsPane::init()
{
    m_fx = std::make_unique<test::ConsoleFixture>();
}

void TestSettingsPane::cleanup()
{
    m_fx.reset();
}

QLineEdit *TestSettingsPane::line(SettingsPane &pane, Settings::Key key) const
{
    SettingField *field = pane.field(key);
    return field ? qobject_cast<QLineEdit *>(field->editor()) : nullptr;
}

void TestSettingsPane::type(SettingsPane &pane, Settings::Key key, const QString &text) const
{
    QLineEdit *edit = line(pane, key);
    QVERIFY(edit);
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return); // saved when the editing is done
}

void TestSettingsPane::everyKeyOfTheTableHasItsField()
{
    SettingsPane pane(&m_fx->settings, m_fx->fleet().nodes);
    for (const Settings::Descriptor &d : Settings::descriptors()) {
        SettingField *field = pane.field(d.key);
        if (!d.shown) {
            QVERIFY2(!field, d.name);
            continue;
        }
        QVERIFY2(field, d.name);
        const QString name = QString::fromLatin1(d.name).replace(u'/', u'_');
        auto *help = field->findChild<QLabel *>(u"settingHelp_"_s + name);
        QVERIFY2(help, d.name);
        QVERIFY2(help->text().startsWith(Settings::explanation(d.key)), qPrintable(help->text()));
        QVERIFY2(help->text().contains(u"Default:"_s), qPrintable(help->text()));
        const bool restart = d.takes == Settings::Takes::AfterRestart;
        QCOMPARE(help->text().contains(u"Applies after a restart."_s), restart);
        // The editor fits the kind and shows the value in use.
        if (d.kind == Settings::Kind::Boolean)
            QCOMPARE(qobject_cast<QCheckBox *>(field->editor())->isChecked(), m_fx->settings.value(d.key).toBool());
        else if (d.kind == Settings::Kind::Choice)
            QCOMPARE(qobject_cast<QComboBox *>(field->editor())->currentData(), m_fx->settings.value(d.key));
        else
            QCOMPARE(line(pane, d.key)->text(), m_fx->settings.value(d.key).toString());
    }
    for (const Settings::Section section : Settings::sections())
        QVERIFY(pane.resetButton(section));
    QVERIFY(!pane.resetButton(Settings::Section::Window));
    // The data directory in use is shown.
    QCOMPARE(line(pane, Settings::Key::DataDir)->text(), m_fx->settings.dataDir());
}

void TestSettingsPane::invalidValueShowsWhyAndIsNotSaved()
{
    SettingsPane pane(&m_fx->settings, m_fx->fleet().nodes);
    pane.show();
    const QString file = m_fx->settings.fileName();
    type(pane, Settings::Key::PollIntervalMs, u"abc"_s);
    auto *problem = pane.findChild<QLabel *>(u"settingProblem_monitoring_pollIntervalMs"_s);
    QVERIFY(problem);
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(u"must be a whole number"_s), qPrintable(problem->text()));
    QCOMPARE(m_fx->settings.value(Settings::Key::PollIntervalMs).toInt(), 1000);
    QCOMPARE(m_fx->fleet().monitor->interval(), std::chrono::milliseconds(1000));

    type(pane, Settings::Key::PollIntervalMs, u"70000"_s);
    QVERIFY2(problem->text().contains(u"between 100 and 60000 ms"_s), qPrintable(problem->text()));
    m_fx->settings.sync();
    QCOMPARE(Settings(file).value(Settings::Key::PollIntervalMs).toInt(), 1000);

    type(pane, Settings::Key::KnownHostsFile, u"relative/known_hosts"_s);
    auto *pathProblem = pane.findChild<QLabel *>(u"settingProblem_ssh_knownHostsFile"_s);
    QVERIFY2(pathProblem->text().contains(u"absolute path"_s), qPrintable(pathProblem->text()));
    QCOMPARE(m_fx->settings.value(Settings::Key::KnownHostsFile).toString(), QString());

    // Corrected, it is saved and the reason goes.
    type(pane, Settings::Key::PollIntervalMs, u"2000"_s);
    QVERIFY(!problem->isVisible());
    m_fx->settings.sync();
    QCOMPARE(Settings(file).value(Settings::Key::PollIntervalMs).toInt(), 2000);
}

void TestSettingsPane::resetPerSection()
{
    SettingsPane pane(&m_fx->settings, m_fx->fleet().nodes);
    type(pane, Settings::Key::PollIntervalMs, u"300"_s);
    type(pane, Settings::Key::MetricRetentionHours, u"6"_s);
    type(pane, Settings::Key::SshConnectTimeoutS, u"4"_s);
    QCOMPARE(m_fx->settings.value(Settings::Key::PollIntervalMs).toInt(), 300);
    QTest::mouseClick(pane.resetButton(Settings::Section::Monitoring), Qt::LeftButton);
    QCOMPARE(m_fx->settings.value(Settings::Key::PollIntervalMs).toInt(), 1000);
    QCOMPARE(m_fx->settings.value(Settings::Key::MetricRetentionHours).toInt(), 24);
    QCOMPARE(line(pane, Settings::Key::PollIntervalMs)->text(), u"1000"_s);
    QCOMPARE(line(pane, Settings::Key::MetricRetentionHours)->text(), u"24"_s);
    // Other sections keep their values; the reset applied to the console too.
    QCOMPARE(m_fx->settings.value(Settings::Key::SshConnectTimeoutS).toInt(), 4);
    QCOMPARE(m_fx->fleet().monitor->interval(), std::chrono::milliseconds(1000));
    QCOMPARE(m_fx->fleet().history->retention(), std::chrono::hours(24));
}

void TestSettingsPane::changesApplyToTheRunningConsoleAtOnce()
{
    views::MainWindow window(m_fx->services());
    window.showPane(views::MainWindow::Pane::Settings);
    SettingsPane &pane = *window.settingsPane();
    const FleetServices &fleet = m_fx->fleet();

    type(pane, Settings::Key::PollIntervalMs, u"250"_s);
    QCOMPARE(fleet.monitor->interval(), std::chrono::milliseconds(250));
    type(pane, Settings::Key::BackgroundPollIntervalMs, u"9000"_s);
    QCOMPARE(fleet.monitor->backgroundInterval(), std::chrono::milliseconds(9000));
    type(pane, Settings::Key::MetricRetentionHours, u"3"_s);
    QCOMPARE(fleet.history->retention(), std::chrono::hours(3));
    type(pane, Settings::Key::ProvisionParallel, u"2"_s);
    QCOMPARE(fleet.operations->maxParallel(), 2);

    // The Cost pane's second currency follows the setting.
    type(pane, Settings::Key::CurrencyCode, u"eur"_s);
    type(pane, Settings::Key::CurrencyRate, u"0.92"_s);
    auto *code = window.costPane()->findChild<QLineEdit *>(u"currencyEdit"_s);
    auto *rate = window.costPane()->findChild<QLineEdit *>(u"rateEdit"_s);
    QCOMPARE(code->text(), u"EUR"_s);
    QCOMPARE(rate->text(), u"0.92"_s);
    QTRY_VERIFY2(window.costPane()->csv().contains(u"total_eur"_s), qPrintable(window.costPane()->csv().left(200)));
    // The new SSH options go to the next connection the console makes.
    type(pane, Settings::Key::SshConnectTimeoutS, u"3"_s);
    QCOMPARE(sshOptionsFrom(m_fx->settings).connectTimeout, std::chrono::seconds(3));
    // None of these needs a restart.
    QCOMPARE(pane.restartNote(), QString());
}

void TestSettingsPane::themeAppliesAtOnceAndTheMenuFollows()
{
    views::Theme theme(qobject_cast<QApplication *>(QCoreApplication::instance()));
    views::MainWindow window(m_fx->services());
    window.setTheme(&theme);
    auto *combo = qobject_cast<QComboBox *>(window.settingsPane()->field(Settings::Key::Theme)->editor());
    QVERIFY(combo);
    combo->setCurrentIndex(combo->findData(u"dark"_s));
    Q_EMIT combo->activated(combo->currentIndex());
    QCOMPARE(m_fx->settings.value(Settings::Key::Theme).toString(), u"dark"_s);
    QCOMPARE(theme.choice(), views::ThemeChoice::Dark);
    QVERIFY(views::Theme::isDark(QApplication::palette()));
    QAction *dark = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text() == u"&Dark"_s)
            dark = action;
    }
    QVERIFY(dark && dark->isChecked());
    // And the other way: the menu changes the setting and the pane's field.
    QAction *light = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text() == u"&Light"_s)
            light = action;
    }
    light->trigger();
    QCOMPARE(theme.choice(), views::ThemeChoice::Light);
    QCOMPARE(combo->currentData().toString(), u"light"_s);
}

void TestSettingsPane::restartSettingsSayTheyWait()
{
    SettingsPane pane(&m_fx->settings, m_fx->fleet().nodes);
    const QString before = m_fx->settings.dataDir();
    const QString elsewhere = m_fx->dir.filePath(u"elsewhere"_s);
    type(pane, Settings::Key::DataDir, elsewhere);
    QCOMPARE(m_fx->settings.value(Settings::Key::DataDir).toString(), elsewhere);
    const QString note = pane.restartNote();
    QVERIFY2(note.contains(u"Restart Rune to apply: Data directory."_s), qPrintable(note));
    QVERIFY2(
        note.contains(before) && note.contains(elsewhere) && note.contains(u"Nothing is moved"_s), qPrintable(note));
    // Typing the path made no directories on the way.
    QVERIFY(!QFileInfo::exists(m_fx->dir.filePath(u"elsew"_s)));
    QVERIFY(!QFileInfo::exists(elsewhere));

    auto *demo = qobject_cast<QCheckBox *>(pane.field(Settings::Key::DemoCluster)->editor());
    demo->setChecked(false);
    QCOMPARE(m_fx->settings.value(Settings::Key::DemoCluster).toBool(), false);
    QVERIFY2(pane.restartNote().contains(u"Data directory, Start the demo cluster."_s), qPrintable(pane.restartNote()));
}

void TestSettingsPane::nodePricesUseTheNodesOwnPrice()
{
    NodeList &nodes = *m_fx->fleet().nodes;
    for (const QString &name : {u"web-1"_s, u"web-2"_s}) {
        Node node;
        node.id = name;
        node.name = name;
        node.ssh = {name + u".example"_s, 22, u"root"_s, {}};
        nodes.add(node);
    }
    SettingsPane pane(&m_fx->settings, &nodes);
    views::NodePricesModel *model = pane.pricesModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model->rowCount(), 2);
    const QModelIndex price = model->index(1, views::NodePricesModel::HourlyPrice);
    QCOMPARE(price.data().toString(), u"not set"_s);
    QVERIFY(model->flags(price) & Qt::ItemIsEditable);
    QVERIFY(!(model->flags(model->index(1, views::NodePricesModel::Name)) & Qt::ItemIsEditable));

    QSignalSpy refused(model, &views::NodePricesModel::priceRefused);
    QVERIFY(!model->setData(price, u"cheap"_s));
    QCOMPARE(refused.size(), 1);
    QVERIFY2(refused.at(0).at(0).toString().contains(u"\"cheap\" is not a price"_s),
        qPrintable(refused.at(0).at(0).toString()));
    QCOMPARE(nodes.find(u"web-2"_s)->hourlyPrice, QString());

    QVERIFY(model->setData(price, u" 0.250 "_s));
    QCOMPARE(nodes.find(u"web-2"_s)->hourlyPrice, u"0.25"_s);
    QCOMPARE(price.data().toString(), u"$0.25"_s);
    // Stored, as the Nodes pane's Hourly price… stores it.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto saved = m_fx->console->store()->loadNodes();
            return saved && saved->size() == 2 && saved->at(1).hourlyPrice == u"0.25"_s;
        }(),
        5000);
    // A price set elsewhere shows here.
    Node web1 = *nodes.find(u"web-1"_s);
    web1.hourlyPrice = u"1.5"_s;
    nodes.update(web1);
    QCOMPARE(model->index(0, views::NodePricesModel::HourlyPrice).data().toString(), u"$1.5"_s);
}

void TestSettingsPane::damagedFileIsReportedAndSetAside()
{
    const QString path = m_fx->dir.filePath(u"damaged.conf"_s);
    const QByteArray content("[monitoring]\npollIntervalMs=abc\n[ssh]\nconnectTimeoutS=4\n");
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    Settings settings(path);
    SettingsPane pane(&settings, m_fx->fleet().nodes);
    auto *label = pane.findChild<QLabel *>(u"settingsProblemsLabel"_s);
    QVERIFY(label);
    QVERIFY2(label->text().contains(path) && label->text().contains(u"monitoring/pollIntervalMs"_s),
        qPrintable(label->text()));
    QCOMPARE(line(pane, Settings::Key::PollIntervalMs)->text(), u"1000"_s);
    QCOMPARE(line(pane, Settings::Key::SshConnectTimeoutS)->text(), u"4"_s);
    // Changes are used but the damaged file is not written.
    type(pane, Settings::Key::ProvisionParallel, u"5"_s);
    QCOMPARE(settings.value(Settings::Key::ProvisionParallel).toInt(), 5);
    settings.sync();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), content);
    file.close();

    QTest::mouseClick(pane.findChild<QPushButton *>(u"repairSettingsButton"_s), Qt::LeftButton);
    QVERIFY2(label->text().contains(path + u".damaged"_s), qPrintable(label->text()));
    QCOMPARE(Settings(path).value(Settings::Key::ProvisionParallel).toInt(), 5);
    QCOMPARE(Settings(path).value(Settings::Key::SshConnectTimeoutS).toInt(), 4);
}

void TestSettingsPane::screenshot()
{
    views::MainWindow window(m_fx->services());
    Node node;
    node.id = u"compute-a"_s;
    node.name = u"compute-a"_s;
    node.hourlyPrice = u"0.096"_s;
    node.ssh = {u"192.0.2.20"_s, 22, u"root"_s, {}};
    m_fx->fleet().nodes->add(node);
    window.resize(1200, 900);
    window.showPane(views::MainWindow::Pane::Settings);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    type(*window.settingsPane(), Settings::Key::PollIntervalMs, u"50"_s); // refused: shows why
    type(*window.settingsPane(), Settings::Key::CurrencyCode, u"EUR"_s);
    type(*window.settingsPane(), Settings::Key::CurrencyRate, u"0.92"_s);
    QTest::qWait(100);
    QVERIFY(window.grab().save(test::screenshotPath(u"settings.png"_s)));
}

RUNE_TEST_MAIN(TestSettingsPane)
#include "tst_settingspane.moc"
