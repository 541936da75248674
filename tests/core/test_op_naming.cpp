// The naming and point-assignment rules of FORMATS.md on hand-made graphs.
#include "core/model/op_naming.h"

#include <QTest>

using namespace cs;

namespace {

RawOp op(const std::string& kind, std::vector<CallFrame> frames, std::vector<int> inputs, int uses = 1)
{
    RawOp r;
    r.kind = kind;
    r.frames = std::move(frames);
    r.inputs = std::move(inputs);
    r.useCount = uses;
    return r;
}

RawOp input(const std::string& name)
{
    RawOp r;
    r.kind = "input";
    r.inputName = name;
    r.useCount = 1;
    return r;
}

std::vector<std::string> names(const std::vector<OpInfo>& ops)
{
    std::vector<std::string> out;
    for (const auto& o : ops)
        out.push_back(o.name);
    return out;
}

} // namespace

class TestOpNaming : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void leafModulesFunctionalOpsAndSharedCalls()
    {
        // x -> conv(layer1.0.conv1) -> relu(layer1.0.relu, call 1) -> add (in layer1.0) -> relu (call 2)
        //   -> add (functional, top) -> add (functional, top)
        std::vector<RawOp> raw{
            input("x"),
            op("aten::conv2d", {{"layer1", "a"}, {"0", "b"}, {"conv1", "c"}, {"SELF", "d"}}, {0, -1}),
            op("aten::relu_", {{"layer1", "a"}, {"0", "b"}, {"relu", "e"}}, {1}),
            op("aten::add_", {{"layer1", "a"}, {"0", "b"}}, {2, 0}),
            op("aten::relu_", {{"layer1", "a"}, {"0", "b"}, {"relu", "f"}}, {3}),
            op("aten::add", {}, {4, 0}),
            op("aten::add", {}, {5, 0}),
        };
        const auto ops = describeOps(raw, PointMode::PerOp);
        const std::vector<std::string> expected{"x", "layer1.0.conv1", "layer1.0.relu", "layer1.0.add",
                                                "layer1.0.relu:2", "add", "add_1"};
        QCOMPARE(names(ops), expected);
        QCOMPARE(ops[1].module, std::string("layer1.0.conv1"));
        QCOMPARE(ops[3].module, std::string("layer1.0"));
        QCOMPARE(ops[3].kind, std::string("aten::add_"));
        QCOMPARE(ops[4].module, std::string("layer1.0.relu"));
        for (const auto& o : ops)
            QVERIFY(o.isActivationPoint());
    }

    void multiOpLeafModuleIsNamedPerOp()
    {
        // A leaf module whose forward has two ops: each op gets "<module>.<op>".
        std::vector<RawOp> raw{input("x"), op("aten::sigmoid", {{"act", "a"}}, {0}),
                               op("aten::mul", {{"act", "a"}}, {0, 1})};
        const auto ops = describeOps(raw, PointMode::PerOp);
        QCOMPARE(names(ops), (std::vector<std::string>{"x", "act.sigmoid", "act.mul"}));
    }

    void deploymentFusesConvBnRelu()
    {
        std::vector<RawOp> raw{input("x"),
                               op("aten::conv2d", {{"conv", "a"}}, {0, -1}),
                               op("aten::batch_norm", {{"bn", "b"}}, {1}),
                               op("aten::relu", {{"relu", "c"}}, {2}),
                               op("aten::flatten", {}, {3}),
                               op("aten::linear", {{"fc", "d"}}, {4, -1})};
        raw[1].weightShape = {8, 3, 3, 3};
        raw[5].weightShape = {4, 8};
        const auto ops = describeOps(raw, PointMode::Deployment);
        QCOMPARE(ops[1].fusedInto, std::string("relu"));
        QCOMPARE(ops[2].fusedInto, std::string("relu"));
        QVERIFY(ops[3].isActivationPoint());
        QVERIFY(ops[4].passthrough);
        QCOMPARE(ops[4].sharesPointWith, std::string("relu"));
        QVERIFY(ops[5].isActivationPoint());
        QVERIFY(ops[1].hasWeightPoint());
        QVERIFY(ops[5].hasWeightPoint());
        QVERIFY(!ops[2].hasWeightPoint());

        const auto perOp = describeOps(raw, PointMode::PerOp);
        QVERIFY(perOp[1].fusedInto.empty());
        QVERIFY(perOp[2].isActivationPoint());
    }

    void bnWithTwoUsesIsNotFused()
    {
        // bn's output also feeds an add: folding it into the conv would change that add's input.
        std::vector<RawOp> raw{input("x"),
                               op("aten::conv2d", {{"conv", "a"}}, {0, -1}),
                               op("aten::batch_norm", {{"bn", "b"}}, {1}, 2),
                               op("aten::add", {}, {2, -1}),
                               op("aten::relu_", {}, {2})};
        const auto ops = describeOps(raw, PointMode::Deployment);
        QCOMPARE(ops[1].fusedInto, std::string("bn"));
        QVERIFY(ops[2].isActivationPoint());
        QVERIFY(ops[4].isActivationPoint());
    }

    void namesStayUniqueWhenAModuleIsCalledLikeAnOp()
    {
        std::vector<RawOp> raw{input("x"), op("aten::relu", {{"add", "a"}}, {0}), op("aten::add", {}, {1, 0})};
        const auto ops = describeOps(raw, PointMode::PerOp);
        QCOMPARE(ops[1].name, std::string("add"));
        QVERIFY(ops[2].name != ops[1].name);
    }

    void passthroughKinds()
    {
        QVERIFY(isPassthroughKind("aten::flatten"));
        QVERIFY(isPassthroughKind("aten::view"));
        QVERIFY(isPassthroughKind("aten::dropout"));
        QVERIFY(!isPassthroughKind("aten::relu"));
        QVERIFY(isConvOrLinearKind("aten::_convolution"));
        QVERIFY(!isConvOrLinearKind("aten::matmul"));
    }
};

QTEST_GUILESS_MAIN(TestOpNaming)
#include "test_op_naming.moc"
