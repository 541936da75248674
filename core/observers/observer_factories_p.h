#pragma once
// Private to the observer library: the constructors behind createObserver() and small
// helpers shared by the observer families. `params` always arrive complete and validated.

#include "core/observers/kernels.h"
#include "core/observers/observer.h"

#include <cstddef>
#include <memory>

namespace cs::obs::detail {

// The base of every concrete observer: clone() copies it through its own type, so no class
// repeats that line. `Base` is Observer or one of the shared shapes (EmaObserver, ...).
template <typename Derived, typename Base>
class Cloneable : public Base {
public:
    std::unique_ptr<Observer> clone() const override {
        return std::make_unique<Derived>(static_cast<const Derived&>(*this));
    }

protected:
    using Base::Base;
};

// Horizon (observer_v2)
std::unique_ptr<Observer> makeMinMax(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeClip(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeClipStd(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeFixedScale(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeUserRange(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makePercentile(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeMix(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeMse(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeKl(const ParamMap& params, const QuantSpec& spec);
// PyTorch
std::unique_ptr<Observer> makeRunningMinMax(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeTorchHistogram(const ParamMap& params, const QuantSpec& spec);
// NVIDIA pytorch-quantization
std::unique_ptr<Observer> makeHistPercentile(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeHistEntropy(const ParamMap& params, const QuantSpec& spec);
std::unique_ptr<Observer> makeHistMse(const ParamMap& params, const QuantSpec& spec);
// TI
std::unique_ptr<Observer> makePact2(const ParamMap& params, const QuantSpec& spec);
// calibscope
std::unique_ptr<Observer> makeWeightMse(const ParamMap& params, const QuantSpec& spec);

// torch.aminmax over finite values (n > 0).
inline void aminmax(const float* x, std::size_t n, float& mn, float& mx) { kernels::aminmax(x, n, mn, mx); }
// The same for a per-tensor batch, reusing the scan of Observer::observe when it has one
// (countNonFiniteMinMax gives exactly what aminmax gives).
inline void aminmax(const FiniteBatch& b, float& mn, float& mx) {
    if (b.minMaxKnown) {
        mn = b.min;
        mx = b.max;
    } else {
        kernels::aminmax(b.data, b.size, mn, mx);
    }
}

}  // namespace cs::obs::detail
