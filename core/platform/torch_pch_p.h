// Precompiled header for the LibTorch translation units of calibscope_core only.
#pragma once
#include <torch/script.h>
#include <torch/torch.h>
