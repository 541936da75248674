// .pt sources: tensors saved by Python's torch.save (Debian's python3 + python3-torch),
// converted to float, and clear errors for files that hold something else.
#include "core/dataset/dataset_source.h"

#include "dataset_test_utils.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace cs;
using namespace cs::testing;

namespace {

std::vector<float> sample(const DatasetSource& source, int64_t index)
{
    std::vector<float> out(size_t(source.sampleNumel()));
    source.readSample(index, out.data());
    return out;
}

} // namespace

class TestDatasetPt : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // One python run makes every file (importing torch takes a few seconds).
        runPython(QStringLiteral(
                      "import torch\n"
                      "torch.save(torch.arange(30, dtype=torch.float32).reshape(5, 2, 3) / 4, 'f32.pt')\n"
                      "torch.save(torch.arange(12, dtype=torch.float64).reshape(3, 4) - 5.5, 'f64.pt')\n"
                      "torch.save(torch.tensor([[0, 128], [255, 7]], dtype=torch.uint8), 'u8.pt')\n"
                      "torch.save(torch.tensor([[-3, 2**40], [7, -1]], dtype=torch.int64), 'i64.pt')\n"
                      "torch.save(torch.tensor([[1.5, -2.0], [0.25, 65504]], dtype=torch.float16), 'f16.pt')\n"
                      "torch.save(torch.tensor([[1.5, -2.0]], dtype=torch.bfloat16), 'bf16.pt')\n"
                      "torch.save(torch.arange(6, dtype=torch.float32).reshape(2, 3).t(), 'transposed.pt')\n"
                      "torch.save(torch.arange(24, dtype=torch.float32).reshape(4, 6)[1:3, ::2], 'view.pt')\n"
                      "torch.save(torch.ones(3, requires_grad=True) * 2, 'grad.pt')\n"
                      "torch.save(torch.tensor([2, 0, 1, 1, 0]), 'labels.pt')\n"
                      "torch.save({'x': torch.zeros(2, 3)}, 'dict1.pt')\n"
                      "torch.save({'x': torch.zeros(2, 3), 'y': torch.ones(2)}, 'dict2.pt')\n"
                      "torch.save([torch.zeros(2, 3)], 'list.pt')\n"
                      "torch.save((torch.zeros(2, 3), torch.ones(2)), 'tuple.pt')\n"
                      "torch.save(torch.tensor(3.0), 'scalar.pt')\n"
                      "torch.save(torch.zeros(0, 4), 'empty.pt')\n"
                      "torch.save(torch.zeros(2, 2, dtype=torch.complex64), 'complex.pt')\n"
                      "torch.save(torch.nn.Parameter(torch.ones(2, 2)), 'param.pt')\n"
                      "torch.save(torch.ones(2, 2), 'legacy.pt', _use_new_zipfile_serialization=False)\n"
                      "torch.save(torch.ones(5, 2), 'labels2d.pt')\n"
                      // Sizes, strides and offsets that point outside the saved storage (what a
                      // corrupt or hostile file holds): Python refuses to load them, so write
                      // them through the pickler's reduce hook.
                      "orig = torch.Tensor._reduce_ex_internal\n"
                      "def bad(field, value):\n"
                      "    def reduce(self, proto):\n"
                      "        f, args = orig(self, proto)\n"
                      "        args = list(args); args[field] = value\n"
                      "        return (f, tuple(args))\n"
                      "    return reduce\n"
                      "for name, field, value in [('stride', 3, (1000000, 1)), ('size', 2, (2, 3000000)),\n"
                      "                           ('overflow', 3, (1 << 62, 1))]:\n"
                      "    torch.Tensor._reduce_ex_internal = bad(field, value)\n"
                      "    torch.save(torch.arange(6.).reshape(2, 3), 'bad_' + name + '.pt')\n"
                      "torch.Tensor._reduce_ex_internal = orig\n"),
                  m_dir.path());
    }

    void tensors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<std::vector<int64_t>>("sampleShape");
        QTest::addColumn<int>("index");
        QTest::addColumn<std::vector<float>>("expected");
        QTest::addRow("float32") << QStringLiteral("f32.pt") << std::vector<int64_t>{2, 3} << 4
                                 << std::vector<float>{6.0f, 6.25f, 6.5f, 6.75f, 7.0f, 7.25f};
        QTest::addRow("float64") << QStringLiteral("f64.pt") << std::vector<int64_t>{4} << 1
                                 << std::vector<float>{-1.5f, -0.5f, 0.5f, 1.5f};
        // uint8 data gets the automatic 1/255 scale like 8-bit images.
        QTest::addRow("uint8") << QStringLiteral("u8.pt") << std::vector<int64_t>{2} << 0
                               << std::vector<float>{0.0f, float(128 / 255.0)};
        QTest::addRow("int64") << QStringLiteral("i64.pt") << std::vector<int64_t>{2} << 0
                               << std::vector<float>{-3.0f, 1099511627776.0f};
        QTest::addRow("float16") << QStringLiteral("f16.pt") << std::vector<int64_t>{2} << 1
                                 << std::vector<float>{0.25f, 65504.0f};
        QTest::addRow("bfloat16") << QStringLiteral("bf16.pt") << std::vector<int64_t>{2} << 0
                                  << std::vector<float>{1.5f, -2.0f};
        // Views keep their storage offset and strides in the file; sample i must be t[i].
        QTest::addRow("transposed") << QStringLiteral("transposed.pt") << std::vector<int64_t>{2} << 2
                                    << std::vector<float>{2.0f, 5.0f};
        QTest::addRow("view") << QStringLiteral("view.pt") << std::vector<int64_t>{3} << 1
                              << std::vector<float>{12.0f, 14.0f, 16.0f};
        QTest::addRow("requires grad") << QStringLiteral("grad.pt") << std::vector<int64_t>{} << 2
                                       << std::vector<float>{2.0f};
    }

    void tensors()
    {
        QFETCH(QString, file);
        QFETCH(std::vector<int64_t>, sampleShape);
        QFETCH(int, index);
        QFETCH(std::vector<float>, expected);
        DatasetSpec spec;
        spec.path = m_dir.filePath(file).toStdString();
        const auto source = openDataset(spec);
        QCOMPARE(source->sampleShape(), sampleShape);
        QVERIFY(!source->hasLabels());
        const std::vector<float> values = sample(*source, index);
        QCOMPARE(values.size(), expected.size());
        for (size_t i = 0; i < values.size(); ++i)
            QVERIFY2(std::abs(values[i] - expected[i]) <= 1e-6f * std::max(1.0f, std::abs(expected[i])),
                     qPrintable(QStringLiteral("element %1: %2 != %3").arg(i).arg(values[i]).arg(expected[i])));
    }

    void labelsAndNormalisation()
    {
        DatasetSpec spec;
        spec.format = DatasetFormat::Pt;
        spec.path = m_dir.filePath(QStringLiteral("f32.pt")).toStdString();
        spec.labelsPath = m_dir.filePath(QStringLiteral("labels.pt")).toStdString();
        spec.preprocess.mean = {1.0, 2.0};
        spec.preprocess.stddev = {0.5};
        const auto source = openDataset(spec);
        QCOMPARE(source->size(), int64_t(5));
        QVERIFY(source->hasLabels());
        QCOMPARE(source->label(0), int64_t(2));
        QCOMPARE(source->label(3), int64_t(1));
        // Sample 1 is [[1.5, 1.75, 2], [2.25, 2.5, 2.75]]; channel 0 minus 1, channel 1 minus 2, over 0.5.
        QCOMPARE(sample(*source, 1), (std::vector<float>{1.0f, 1.5f, 2.0f, 0.5f, 1.0f, 1.5f}));

        spec.labelsPath = m_dir.filePath(QStringLiteral("labels2d.pt")).toStdString();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }),
                 QString::fromStdString(spec.labelsPath) + QStringLiteral(": labels must be a 1-D tensor, not [5, 2]"));
    }

    void notATensor_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        const QString hint = QStringLiteral(", not a tensor; save one tensor [N, ...] with torch.save(t, path)");
        QTest::addRow("dict one entry") << QStringLiteral("dict1.pt") << QStringLiteral(": holds a dict") + hint;
        QTest::addRow("dict") << QStringLiteral("dict2.pt") << QStringLiteral(": holds a dict") + hint;
        QTest::addRow("list") << QStringLiteral("list.pt") << QStringLiteral(": holds a list") + hint;
        QTest::addRow("tuple") << QStringLiteral("tuple.pt") << QStringLiteral(": holds a Tuple") + hint;
        QTest::addRow("parameter") << QStringLiteral("param.pt")
                                   << QStringLiteral(": holds an nn.Parameter (save param.detach() instead)") + hint;
        QTest::addRow("scalar") << QStringLiteral("scalar.pt")
                                << QStringLiteral(": holds a single value; expected a tensor [N, ...] of samples");
        QTest::addRow("empty") << QStringLiteral("empty.pt") << QStringLiteral(": holds no samples (shape [0, 4])");
        QTest::addRow("complex") << QStringLiteral("complex.pt")
                                 << QStringLiteral(": unsupported tensor dtype ComplexFloat; use a real floating-point or integer tensor");
        QTest::addRow("legacy") << QStringLiteral("legacy.pt") << QStringLiteral(": not a zip-format torch.save file");
        for (const char* name : {"stride", "size", "overflow"})
            QTest::addRow("outside storage: %s", name)
                << QStringLiteral("bad_%1.pt").arg(QLatin1String(name)) << QStringLiteral(": corrupt tensor");
    }

    void notATensor()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        DatasetSpec spec;
        spec.path = m_dir.filePath(file).toStdString();
        const QString error = calibErrorOf([&] { openDataset(spec); });
        CS_VERIFY_CONTAINS(error, m_dir.filePath(file) + message);
        QVERIFY(!error.contains(QLatin1Char('\n')));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestDatasetPt)
#include "test_dataset_pt.moc"
