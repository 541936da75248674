#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

class QJsonObject;

namespace cs {

enum class ColorOrder { Rgb, Bgr };
enum class TensorLayout { Nchw };
// Mirrors samples left to right (their last axis): never, every sample, or each sample with
// probability 1/2 decided by the seed and the sample's index in the file (so a sample flips
// the same way in every run and in every window that holds it).
enum class FlipMode { None, Always, Random };

// How raw samples become model input. Image steps run in the order torchvision users
// expect: colour conversion, resize (exact or shorter side), center crop, then
// value * scale, then (value - mean[c]) / std[c], laid out channel-first.
// Tensor files (.npy, .pt) are used as stored: only scale/mean/std apply to them.
struct PreprocessConfig {
    int resizeWidth = 0;          // 0 = no exact resize
    int resizeHeight = 0;
    int resizeShorter = 0;        // resize so the shorter side is this long, keep aspect; 0 = none
    int cropWidth = 0;            // center crop; 0 = none
    int cropHeight = 0;
    ColorOrder colorOrder = ColorOrder::Rgb;
    bool grayscale = false;       // decode images as one channel
    // Unset = automatic: 1/255 for 8-bit data (images, IDX bytes, uint8 tensors), else 1.
    std::optional<double> scale;
    std::vector<double> mean;     // empty = none; one value for all channels, or one per channel
    std::vector<double> stddev;   // "std" in JSON; empty = none; same rule as mean
    TensorLayout layout = TensorLayout::Nchw;
    FlipMode flipHorizontal = FlipMode::None;  // "flip_horizontal": false, true or "random"
    uint64_t flipSeed = 0;                     // "flip_seed", for FlipMode::Random

    bool hasResize() const { return resizeWidth > 0 || resizeShorter > 0; }
    bool hasCrop() const { return cropWidth > 0; }
    bool hasImageSteps() const;   // anything besides scale/mean/std
    // The scale to use for data whose samples are 8-bit (`eightBit`) or not.
    double effectiveScale(bool eightBit) const;

    // Throws CalibError(subject, reason) on contradictory or impossible settings.
    void validate(const std::string& subject = "preprocessing") const;

    QJsonObject toJson() const;
    // `subject` names the file or section in error messages. Unknown keys are errors so
    // that a typo ("means") is not silently ignored.
    static PreprocessConfig fromJson(const QJsonObject& json, const std::string& subject = "preprocessing");

    bool operator==(const PreprocessConfig& other) const;
    bool operator!=(const PreprocessConfig& other) const { return !(*this == other); }
};

// `--preprocess PRE.json`: a file holding one PreprocessConfig object.
PreprocessConfig loadPreprocessFile(const std::string& path);

enum class DatasetFormat { Auto, ImageFolder, Idx, Npy, Pt };

std::string datasetFormatName(DatasetFormat format);        // "auto", "imagefolder", ...
DatasetFormat parseDatasetFormat(const std::string& name);  // throws CalibError on unknown names

// What to read: the session file and the CLI both describe a dataset with this.
struct DatasetSpec {
    DatasetFormat format = DatasetFormat::Auto;
    std::string path;
    std::string labelsPath;       // IDX: defaults to the labels file beside the images; .npy/.pt: optional
    int64_t start = 0;            // first sample used
    int64_t count = -1;           // samples used from `start`; -1 = all
    // A seeded random subset of `sample` samples of that window, in a seeded random order,
    // instead of all of them in file order; 0 = none.
    int64_t sample = 0;
    uint64_t sampleSeed = 0;
    PreprocessConfig preprocess;

    QJsonObject toJson() const;
    static DatasetSpec fromJson(const QJsonObject& json, const std::string& subject = "dataset");

    bool operator==(const DatasetSpec& other) const;
    bool operator!=(const DatasetSpec& other) const { return !(*this == other); }
};

// Format from the path alone: a folder = imagefolder (class subfolders, or images directly
// inside for an unlabelled set); "*-idx3-ubyte[.gz]" or "*.idx[.gz]" = idx; ".npy"; ".pt"/".pth".
// Throws CalibError naming the path when it does not exist or the name says nothing.
DatasetFormat detectFormat(const std::string& path);

} // namespace cs
