#include "core/demo/demo_model.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/dataset/idx_reader.h"
#include "core/platform/logging.h"
#include "core/model/model_graph.h"
#include "core/platform/paths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cmath>
#include <filesystem>

namespace cs {
namespace {

// One thread: the same arithmetic in the same order on every machine.
constexpr int kTrainingThreads = 1;

// Sets LibTorch's intra-op thread count for a scope.
class ThreadCountGuard {
public:
    explicit ThreadCountGuard(int threads) : m_previous(at::get_num_threads()) { at::set_num_threads(threads); }
    ~ThreadCountGuard() { at::set_num_threads(m_previous); }
    ThreadCountGuard(const ThreadCountGuard&) = delete;
    ThreadCountGuard& operator=(const ThreadCountGuard&) = delete;

private:
    int m_previous;
};

constexpr double kFashionMean = 0.2860;
constexpr double kFashionStd = 0.3530;

const char* const kClassNames[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot", nullptr};

using torch::jit::Module;

// Module::train()/eval() flip a "training" attribute that every module must declare.
Module makeModule(const char* className)
{
    Module m(className);
    m.register_attribute("training", c10::BoolType::get(), true);
    return m;
}

Module conv2d(int64_t in, int64_t out, int stride)
{
    Module m = makeModule("Conv2d");
    auto weight = torch::empty({out, in, 3, 3});
    // Kaiming-normal (fan_out, ReLU) as torchvision initialises its ResNets.
    torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanOut, torch::kReLU);
    m.register_parameter("weight", weight.requires_grad_(), false);
    const std::string s = std::to_string(stride);
    m.define("def forward(self, x):\n"
             "    return torch.conv2d(x, self.weight, None, [" + s + ", " + s + "], [1, 1])\n");
    return m;
}

Module batchNorm(int64_t channels)
{
    Module m = makeModule("BatchNorm2d");
    m.register_parameter("weight", torch::ones({channels}).requires_grad_(), false);
    m.register_parameter("bias", torch::zeros({channels}).requires_grad_(), false);
    m.register_buffer("running_mean", torch::zeros({channels}));
    m.register_buffer("running_var", torch::ones({channels}));
    m.define(R"(
def forward(self, x):
    return torch.batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var,
                            self.training, 0.1, 1e-5, False)
)");
    return m;
}

Module relu()
{
    Module m = makeModule("ReLU");
    m.define("def forward(self, x):\n    return torch.relu(x)\n");
    return m;
}

Module convBnRelu(int64_t in, int64_t out, int stride)
{
    Module m = makeModule("ConvBnReLU");
    m.register_module("conv", conv2d(in, out, stride));
    m.register_module("bn", batchNorm(out));
    m.register_module("relu", relu());
    m.define(R"(
def forward(self, x):
    return self.relu.forward(self.bn.forward(self.conv.forward(x)))
)");
    return m;
}

Module residualBlock(int64_t channels)
{
    Module m = makeModule("BasicBlock");
    m.register_module("conv1", conv2d(channels, channels, 1));
    m.register_module("bn1", batchNorm(channels));
    m.register_module("relu", relu());
    m.register_module("conv2", conv2d(channels, channels, 1));
    m.register_module("bn2", batchNorm(channels));
    // The ReLU module is called twice on purpose: shared modules are common in real models.
    m.define(R"(
def forward(self, x):
    out = self.relu.forward(self.bn1.forward(self.conv1.forward(x)))
    out = self.bn2.forward(self.conv2.forward(out))
    out = out + x
    return self.relu.forward(out)
)");
    return m;
}

Module buildDemoNet()
{
    Module pool = makeModule("MaxPool2d");
    pool.define("def forward(self, x):\n    return torch.max_pool2d(x, [2, 2], [2, 2])\n");
    Module avgpool = makeModule("AdaptiveAvgPool2d");
    avgpool.define("def forward(self, x):\n    return torch.adaptive_avg_pool2d(x, [1, 1])\n");
    Module fc = makeModule("Linear");
    const double bound = 1.0 / std::sqrt(64.0);
    fc.register_parameter("weight", torch::empty({10, 64}).uniform_(-bound, bound).requires_grad_(), false);
    fc.register_parameter("bias", torch::empty({10}).uniform_(-bound, bound).requires_grad_(), false);
    fc.define("def forward(self, x):\n    return torch.linear(x, self.weight, self.bias)\n");

    Module net = makeModule("FashionResNet");
    net.register_module("stem", convBnRelu(1, 16, 1));
    net.register_module("pool", pool);
    net.register_module("stage1", convBnRelu(16, 32, 1));
    net.register_module("block1", residualBlock(32));
    net.register_module("stage2", convBnRelu(32, 64, 2));
    net.register_module("block2", residualBlock(64));
    net.register_module("avgpool", avgpool);
    net.register_module("fc", fc);
    net.define(R"(
def forward(self, x):
    x = self.pool.forward(self.stem.forward(x))
    x = self.block1.forward(self.stage1.forward(x))
    x = self.block2.forward(self.stage2.forward(x))
    x = torch.flatten(self.avgpool.forward(x), 1)
    return self.fc.forward(x)
)");
    return net;
}

struct LabelledImages {
    torch::Tensor images; // [N,1,28,28], normalised
    torch::Tensor labels; // [N] int64
};

LabelledImages loadSplit(const std::string& imagesPath, int64_t start, int64_t count)
{
    const IdxArray images = readIdx(imagesPath);
    const std::string labelsPath = idxLabelsPathFor(imagesPath);
    if (labelsPath.empty())
        throw CalibError(imagesPath, "the labels file beside it is missing");
    const IdxArray labels = readIdx(labelsPath);
    if (images.shape.size() != 3 || images.shape[1] != 28 || images.shape[2] != 28 || !images.isBytes())
        throw CalibError(imagesPath, "expected 28x28 unsigned-byte images");
    if (labels.count() != images.count())
        throw CalibError(labelsPath, "label count differs from the image count");
    count = std::min(count, images.count() - start);
    if (count <= 0)
        throw CalibError(imagesPath, "the requested split is empty");
    auto bytes = torch::from_blob(const_cast<uint8_t*>(images.bytes.data()), {images.count(), 1, 28, 28},
                                  torch::kUInt8);
    LabelledImages split;
    split.images = (bytes.slice(0, start, start + count).to(torch::kFloat32).div_(255.0)
                    - kFashionMean) / kFashionStd;
    split.labels = torch::from_blob(const_cast<uint8_t*>(labels.bytes.data()), {labels.count()}, torch::kUInt8)
                       .slice(0, start, start + count).to(torch::kInt64);
    return split;
}

QJsonObject trainingFingerprint(const DemoConfig& c)
{
    return QJsonObject{{QStringLiteral("train_images"), qint64(c.trainImages)},
                       {QStringLiteral("test_images"), qint64(c.testImages)},
                       {QStringLiteral("epochs"), c.epochs},
                       {QStringLiteral("batch_size"), c.batchSize},
                       {QStringLiteral("learning_rate"), c.learningRate},
                       {QStringLiteral("seed"), QString::number(c.seed)},
                       {QStringLiteral("architecture"), 1},
                       // Models of the thread-dependent training before are not reused.
                       {QStringLiteral("deterministic"), kTrainingThreads}};
}

QJsonObject idxSplit(const std::string& imagesPath, int64_t start, int64_t count)
{
    return QJsonObject{{QStringLiteral("format"), QStringLiteral("idx")},
                       {QStringLiteral("path"), QString::fromStdString(imagesPath)},
                       {QStringLiteral("labels"), QString::fromStdString(idxLabelsPathFor(imagesPath))},
                       {QStringLiteral("start"), qint64(start)},
                       {QStringLiteral("count"), qint64(count)}};
}

QJsonObject preprocessJson()
{
    return QJsonObject{{QStringLiteral("grayscale"), true},
                       {QStringLiteral("scale"), 1.0 / 255.0},
                       {QStringLiteral("mean"), QJsonArray{kFashionMean}},
                       {QStringLiteral("std"), QJsonArray{kFashionStd}}};
}

QJsonArray classNames()
{
    QJsonArray names;
    for (int i = 0; kClassNames[i]; ++i)
        names.append(QString::fromUtf8(kClassNames[i]));
    return names;
}

double evaluateAccuracy(Module& model, const LabelledImages& test)
{
    c10::InferenceMode guard;
    int64_t correct = 0;
    const int64_t n = test.images.size(0);
    for (int64_t i = 0; i < n; i += 500) {
        const auto x = test.images.slice(0, i, std::min(n, i + 500));
        const auto logits = model.forward({x}).toTensor();
        correct += logits.argmax(1).eq(test.labels.slice(0, i, std::min(n, i + 500))).sum().item<int64_t>();
    }
    return n ? double(correct) / double(n) : 0.0;
}

} // namespace

const char* const* fashionMnistClassNames() { return kClassNames; }

DemoInfo makeDemo(const DemoConfig& configIn, const ProgressCallback& progress)
{
    DemoConfig config = configIn;
    if (config.outDir.empty())
        config.outDir = demoDir();
    if (config.dataDir.empty())
        config.dataDir = fashionMnistDir();
    const std::string trainPath = config.dataDir + "/train-images-idx3-ubyte.gz";
    const std::string testPath = config.dataDir + "/t10k-images-idx3-ubyte.gz";

    DemoInfo info;
    info.modelPath = config.outDir + "/demo.pt";
    info.descriptionPath = config.outDir + "/demo.json";

    if (!config.force) {
        QFile description(QString::fromStdString(info.descriptionPath));
        if (QFile::exists(QString::fromStdString(info.modelPath)) && description.open(QIODevice::ReadOnly)) {
            const QJsonObject cached = QJsonDocument::fromJson(description.readAll()).object();
            if (cached.value(QStringLiteral("training")).toObject() == trainingFingerprint(config)) {
                info.fromCache = true;
                info.testAccuracy = cached.value(QStringLiteral("test_accuracy")).toDouble();
                info.trainSeconds = cached.value(QStringLiteral("train_seconds")).toDouble();
                info.parameterCount = cached.value(QStringLiteral("parameters")).toInteger();
                return info;
            }
        }
    }

    // Training and its test accuracy run on a fixed number of threads whatever the machine
    // or config.threads: ATen splits its parallel reductions by thread count, so another
    // count rounds differently and two fresh trainings would not give the same weights.
    const ThreadCountGuard threads(kTrainingThreads);
    torch::manual_seed(config.seed);

    const int64_t trainSetSize = 60000;
    const int64_t trainImages = std::min(config.trainImages, trainSetSize - kDemoCalibrationImages);
    logInfo("Demo: loading Fashion-MNIST from " + config.dataDir);
    const LabelledImages train = loadSplit(trainPath, 0, trainImages);
    const LabelledImages test = loadSplit(testPath, 0, config.testImages);

    Module model = buildDemoNet();
    std::vector<torch::Tensor> parameters;
    for (const auto& p : model.parameters()) {
        parameters.push_back(p);
        info.parameterCount += p.numel();
    }
    torch::optim::Adam optimizer(parameters, torch::optim::AdamOptions(config.learningRate));

    const auto started = std::chrono::steady_clock::now();
    const int64_t n = train.images.size(0);
    const int64_t stepsPerEpoch = (n + config.batchSize - 1) / config.batchSize;
    const int64_t totalSteps = stepsPerEpoch * config.epochs;
    auto generator = at::detail::createCPUGenerator(config.seed);
    model.train();
    for (int epoch = 0; epoch < config.epochs; ++epoch) {
        const auto order = torch::randperm(n, generator, torch::kInt64);
        for (int64_t step = 0; step < stepsPerEpoch; ++step) {
            const auto index = order.slice(0, step * config.batchSize, std::min(n, (step + 1) * config.batchSize));
            const auto x = train.images.index_select(0, index);
            const auto y = train.labels.index_select(0, index);
            optimizer.zero_grad();
            const auto loss = torch::nn::functional::cross_entropy(model.forward({x}).toTensor(), y);
            loss.backward();
            optimizer.step();
            const int64_t done = epoch * stepsPerEpoch + step + 1;
            if (progress && (done % 20 == 0 || done == totalSteps)) {
                const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                ProgressInfo p{"training", done, totalSteps,
                               seconds > 0 ? double(done * config.batchSize) / seconds : 0.0,
                               "loss " + std::to_string(loss.item<double>())};
                if (!progress(p))
                    throw JobCancelled();
            }
        }
    }
    info.trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    model.eval();
    for (const auto& p : model.parameters())
        p.detach_().requires_grad_(false);
    info.testAccuracy = evaluateAccuracy(model, test);

    QJsonObject metadata{{QStringLiteral("input_shape"), QJsonArray{1, 1, 28, 28}},
                         {QStringLiteral("classes"), classNames()},
                         {QStringLiteral("preprocess"), preprocessJson()}};
    const std::string metadataText = QJsonDocument(metadata).toJson(QJsonDocument::Compact).toStdString();

    QDir().mkpath(QString::fromStdString(config.outDir));
    const std::string tmpModel = info.modelPath + ".tmp";
    model.save(tmpModel, torch::jit::ExtraFilesMap{{kModelMetadataFile, metadataText}});
    std::filesystem::rename(tmpModel, info.modelPath);

    QJsonObject description{
        {QStringLiteral("format"), QStringLiteral("calibscope-demo")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("model"), QStringLiteral("demo.pt")},
        {QStringLiteral("input_shape"), QJsonArray{1, 1, 28, 28}},
        {QStringLiteral("classes"), classNames()},
        {QStringLiteral("preprocess"), preprocessJson()},
        {QStringLiteral("calibration"), idxSplit(trainPath, trainSetSize - kDemoCalibrationImages, kDemoCalibrationImages)},
        {QStringLiteral("validation"), idxSplit(testPath, 0, config.testImages)},
        {QStringLiteral("training"), trainingFingerprint(config)},
        {QStringLiteral("test_accuracy"), info.testAccuracy},
        {QStringLiteral("train_seconds"), info.trainSeconds},
        {QStringLiteral("parameters"), qint64(info.parameterCount)}};
    writeFileAtomically(info.descriptionPath, QJsonDocument(description).toJson().toStdString());
    logInfo("Demo: trained in " + std::to_string(int(info.trainSeconds)) + " s, test accuracy "
            + std::to_string(info.testAccuracy * 100.0) + " %");
    return info;
}

} // namespace cs
