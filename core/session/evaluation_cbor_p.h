#pragma once
// Internal to core: an EvaluationResult as CBOR, so that a session (.cscope) keeps the last
// evaluation of its calibration. Doubles stay CBOR doubles: +inf SQNR (no error) and NaN
// round-trip exactly. Torch-free; session.cpp is the only user.
#include "core/evaluation.h"

#include <QCborMap>

#include <string>

namespace cs {

QCborMap evaluationToCbor(const EvaluationResult& evaluation);
// `path` names the session in errors. Throws CalibError when the map is not an evaluation
// or a part of it (the data spec, a plan configuration) is malformed.
EvaluationResult evaluationFromCbor(const QCborMap& map, const std::string& path);

} // namespace cs
