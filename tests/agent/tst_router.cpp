// SPDX-License-Identifier: GPL-3.0-or-later
// Route patterns of the agent's API: captures, captures with a suffix (":block"), a trailing
// rest-of-path capture, any-method routes, and the 404/405 distinction.

#include "../common/testmain.h"
#include "router.h"

#include <QTest>

using namespace rune::agent;

class TestRouter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void capturesAndSuffixes();
    void restOfPath();
    void anyMethodAndAllowedMethods();
};

namespace
{

Handler noop()
{
    return [](Exchange) {};
}

} // namespace

void TestRouter::capturesAndSuffixes()
{
    Router router;
    router.add(http::verb::get, "/v1/functions/{name}", noop());
    router.add(http::verb::post, "/v1/functions/{name}:block", noop());
    const auto plain = router.match(http::verb::get, "/v1/functions/resize%2Dimage?x=1");
    QCOMPARE(int(plain.outcome), int(RouteMatch::Outcome::found));
    QCOMPARE(plain.params.at("name"), std::string("resize-image"));
    const auto block = router.match(http::verb::post, "/v1/functions/resize:block");
    QCOMPARE(int(block.outcome), int(RouteMatch::Outcome::found));
    QCOMPARE(block.params.at("name"), std::string("resize"));
    // The suffix alone names nothing.
    QCOMPARE(int(router.match(http::verb::post, "/v1/functions/:block").outcome),
        int(RouteMatch::Outcome::methodNotAllowed));
}

void TestRouter::restOfPath()
{
    Router router;
    router.add(anyMethod, "/function/{name}/{rest*}", noop());
    const auto bare = router.match(http::verb::get, "/function/echo");
    QCOMPARE(int(bare.outcome), int(RouteMatch::Outcome::found));
    QCOMPARE(bare.params.at("name"), std::string("echo"));
    QCOMPARE(bare.params.at("rest"), std::string());
    const auto deep = router.match(http::verb::delete_, "/function/echo@v2/a/b%2Fc?q=1");
    QCOMPARE(int(deep.outcome), int(RouteMatch::Outcome::found));
    QCOMPARE(deep.params.at("name"), std::string("echo@v2"));
    QCOMPARE(deep.params.at("rest"), std::string("/a/b%2Fc"));
    QCOMPARE(int(router.match(http::verb::get, "/function").outcome), int(RouteMatch::Outcome::pathNotFound));
}

void TestRouter::anyMethodAndAllowedMethods()
{
    Router router;
    router.add(http::verb::get, "/v1/functions", noop());
    router.add(http::verb::put, "/v1/functions/{name}", noop());
    router.add(http::verb::delete_, "/v1/functions/{name}", noop());
    const auto wrong = router.match(http::verb::post, "/v1/functions/x");
    QCOMPARE(int(wrong.outcome), int(RouteMatch::Outcome::methodNotAllowed));
    QCOMPARE(wrong.allowedMethods, std::string("PUT, DELETE"));
    QCOMPARE(int(router.match(http::verb::get, "/v2/functions").outcome), int(RouteMatch::Outcome::pathNotFound));
}

RUNE_TEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
