#pragma once
// The calibration job: a dataset through the instrumented model, statistics and observers
// for every quantization point, on the calling (worker) thread.
#include "core/dataset/dataset_spec.h"
#include "core/observers/observer.h"
#include "core/observers/quant_types.h"
#include "core/model/layer_parameters.h"
#include "core/model/op_info.h"
#include "core/stats/point_statistics.h"
#include "core/progress.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cs {

// Which observer quantizes a point, with what parameters and integer grid.
struct ObserverConfig {
    std::string name = "min_max";
    obs::ParamMap params;      // only what differs from the registry defaults
    obs::QuantSpec spec;       // qint8 per_tensor_symmetric unless set
    bool keepFloat = false;    // the point is not quantized
};

ObserverConfig defaultActivationConfig();
ObserverConfig defaultWeightConfig(); // min_max, qint8 per_channel_symmetric, ch_axis 0

struct CalibrationConfig {
    std::string modelPath;
    PointMode mode = PointMode::Deployment;
    DatasetSpec data;
    int batchSize = 32;
    int numBatches = 30;          // -1 = the whole dataset
    int threads = 0;              // 0 = every core
    ObserverConfig activation = defaultActivationConfig();
    ObserverConfig weight = defaultWeightConfig();
    std::map<std::string, ObserverConfig> overrides; // by point (op) name
    std::map<std::string, ObserverConfig> weightOverrides; // by conv/linear op name
    bool compareObservers = false; // also run every registry observer with defaults
    int histogramBins = 2048;
    // Repaired parameters the model runs with (core/repair): the activations are observed,
    // and the weights quantized, with these in place of the ops' own.
    LayerParameterMap parameters;
};

// One repair applied to a calibration: its name ("bias_correction", "weight_clipping",
// "equalization", ...), the parameters it ran with, and what it reported (points skipped,
// per-point remarks).
struct RepairRecord {
    std::string name;
    std::map<std::string, std::string> params;
    std::vector<std::string> notes;
};

struct PointCalibration {
    std::string name;
    int opIndex = -1;
    ObserverConfig config;
    obs::ObserverResult result;                          // the configured observer
    std::map<std::string, obs::ObserverResult> compare;  // compare mode: name → result
    PointStatistics stats;
};

struct WeightCalibration {
    std::string name;             // the conv/linear op
    int opIndex = -1;
    ObserverConfig config;
    obs::ObserverResult result;
    std::vector<int64_t> shape;
    ChannelRanges folded;         // what gets quantized (after BN folding in deployment mode)
    ChannelRanges unfolded;       // as stored in the model
    std::string foldedBatchNorm;  // "" when nothing was folded
};

// The live observers behind a result: instant retune works on them. Kept beside the
// CalibrationResult by its owner (the result itself is a plain value, copied freely); not
// thread-safe: use from one thread at a time, clone() it to hand a copy to another thread.
class ObserverBank {
public:
    // Observers kept as their saved states until one is needed. Immutable; shared by copies.
    class SavedObservers {
    public:
        virtual ~SavedObservers() = default;
        // Fresh observers from the saved states; throws std::invalid_argument when a state
        // does not restore.
        virtual std::map<std::string, std::unique_ptr<obs::Observer>> restore() const = 0;
    };
    struct Point {
        std::unique_ptr<obs::Observer> configured;
        std::map<std::string, std::unique_ptr<obs::Observer>> compare; // default params
        obs::QuantSpec compareSpec;
        // A reopened session's compare observers stay saved until a point switches to one
        // (or sessions merge): rebuilding every compare observer of a thousand-point session
        // (their derived per-batch values, KL searches included) would take most of a minute.
        std::shared_ptr<const SavedObservers> savedCompare;
        // Moves savedCompare's observers into `compare`; throws std::invalid_argument.
        void restoreCompare();
    };
    std::map<std::string, Point> points; // by point name; empty when there are no live observers

    ObserverBank() = default;
    ObserverBank(ObserverBank&&) noexcept = default;
    ObserverBank& operator=(ObserverBank&&) noexcept = default;
    ObserverBank(const ObserverBank&) = delete; // a copy is deliberate: clone()
    ObserverBank& operator=(const ObserverBank&) = delete;

    // An independent copy of every observer (to save on a worker thread while this one
    // keeps retuning).
    ObserverBank clone() const;
    bool empty() const { return points.empty(); }
};

// The evaluation of a calibration (core/evaluation.h); kept with the result and its session.
struct EvaluationResult;

struct CalibrationResult {
    ModelSummary model;
    CalibrationConfig config;
    std::vector<PointCalibration> points;
    std::vector<WeightCalibration> weights;
    int64_t images = 0;
    int batches = 0;
    double seconds = 0;
    double imagesPerSecond = 0;
    std::vector<std::string> warnings;
    // The repairs that made config.parameters, in the order applied.
    std::vector<RepairRecord> repairs;
    // The last evaluation run on this calibration, or null. It describes the plan as it was
    // when evaluated: EvaluationResult::planConfigs tells whether it is still current.
    std::shared_ptr<const EvaluationResult> evaluation;

    const PointCalibration* point(const std::string& name) const;
};

// Throws CalibError on bad input (model, dataset, shapes, observer parameters) and
// JobCancelled when `progress` returns false (checked after every batch). The live observers
// go to `bank` when given (what retunePoint/applyPointConfig need later).
CalibrationResult runCalibration(const CalibrationConfig& config, const ProgressCallback& progress = {},
                                 ObserverBank* bank = nullptr);

enum class RetuneOutcome { Recomputed, NeedsData, NoObserver };

// Instant retune of one point's configured observer in `bank` (e.g. a new percentile):
// updates `result` and `bank` in place when the retained statistics allow it, else says the
// data is needed. NoObserver when `bank` has no live observer for the point.
RetuneOutcome retunePoint(CalibrationResult& result, ObserverBank& bank, const std::string& pointName,
                          const obs::ParamMap& changes);

// Applies a new configuration to one point. Recomputes instantly when the retained state
// allows it (a retunable parameter, an observer the compare pass already ran, keep-float);
// otherwise leaves `result` and `bank` unchanged and returns NeedsData: re-run with the new
// overrides.
RetuneOutcome applyPointConfig(CalibrationResult& result, ObserverBank& bank, const std::string& pointName,
                               const ObserverConfig& config);

// The per-point configurations of `result` that differ from its default, as overrides for
// a re-run (what the GUI sends after edits that need the data again).
std::map<std::string, ObserverConfig> currentOverrides(const CalibrationResult& result);

bool operator==(const ObserverConfig& a, const ObserverConfig& b);
inline bool operator!=(const ObserverConfig& a, const ObserverConfig& b) { return !(a == b); }

} // namespace cs
