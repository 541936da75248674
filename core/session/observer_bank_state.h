#pragma once
// Internal to core: the live observers behind a CalibrationResult (ObserverBank) as CBOR, so
// a reopened session retunes and switches observers without re-running the model.
// Torch-free; the session file (session.cpp) is the only user.
#include "core/session/observer_bank.h"

#include <QCborMap>

#include <string>

namespace cs {

// One observer's complete state: name, parameters, grid, counters, warnings and arrays. Each
// array is stored as little-endian bytes in the narrowest type that holds every value
// exactly (uint32, float32 or float64), zlib-compressed when that is smaller.
QCborMap observerStateToCbor(const obs::ObserverState& state);
// Throws std::invalid_argument when `map` is not a well-formed observer state.
obs::ObserverState observerStateFromCbor(const QCborMap& map);

// Numbers in the narrowest type that holds them exactly (uint32, float32, float64),
// zlib-compressed when long: the encoding of observer arrays, also used for the session's
// histograms. Reading throws std::invalid_argument for a malformed array or one (declared or
// inflated) longer than maxElements.
QCborMap numbersToPackedCbor(const std::vector<double>& values);
std::vector<double> numbersFromPackedCbor(const QCborMap& map, double maxElements);
// The same numbers converted to float32 as they are decoded (exactly as through double).
std::vector<float> floatsFromPackedCbor(const QCborMap& map, double maxElements);
// Whether `map` holds a compressed array, after the checks that need no inflating (a known
// type, byte data, a declared size within maxElements, the stored bytes' CRC-32 where the
// writer recorded one: Checked, else Unchecked); throws std::invalid_argument where those
// fail, as the readers above would.
enum class CompressedArray { No, Unchecked, Checked };
CompressedArray compressedArray(const QCborMap& map, double maxElements);

// createObserver(state.observer, state.params, state.spec) + loadState(state); throws
// std::invalid_argument when the observer is unknown or the state does not fit it.
std::unique_ptr<obs::Observer> restoreObserver(const obs::ObserverState& state);

// A point's configured observer, its compare observers (zlib-compressed CBOR of their states,
// "compare_packed") and their common grid.
QCborMap bankPointToCbor(const ObserverBank::Point& point);
// Rebuilds a point saved by bankPointToCbor. `configured` is what the point's result says it
// uses: the stored configured observer must be exactly that one. The compare observers stay
// packed (Point::savedCompare) until restored; an older session's open "compare" states are
// restored at once. No state may claim more than `maxBatches` batches. Throws
// std::invalid_argument naming the observer when anything does not fit.
ObserverBank::Point bankPointFromCbor(const QCborMap& map, const ObserverConfig& configured, double maxBatches);

} // namespace cs
