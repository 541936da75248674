#!/bin/bash
# The OpenMP wait policy measured on an idle and on a loaded machine, PyTorch and calibscope side
# by side in the same runs (tests/bench/pytorch_side_by_side.py). "Loaded" is two busy loops, one
# per core of the 2-core reference machine. Three settings, exported to both sides:
#   passive   OMP_WAIT_POLICY=PASSIVE (calibscope's default): workers sleep at once
#   spin      OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=300000: libgomp's default spin (what an
#             unset OMP_WAIT_POLICY gives; calibscope would otherwise set PASSIVE for itself)
#   short     OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=10000: a short spin (about 0.1 ms)
# A set GOMP_SPINCOUNT overrides the policy's spin count in libgomp.
# Usage: tests/bench/openmp_wait_table.sh build/app/calibscope-cli [model] [batches]
set -u
cli=${1:?usage: openmp_wait_table.sh CLI [model] [batches]}
model=${2:-resnet18}
batches=${3:-6}
here=$(cd "$(dirname "$0")" && pwd)
busy=()
start_load() { for _ in 1 2; do (while :; do :; done) & busy+=($!); done; }
stop_load() { for p in "${busy[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; busy=(); }
trap stop_load EXIT
for load in idle loaded; do
    [ "$load" = loaded ] && start_load
    for setting in passive spin short; do
        case $setting in
            passive) env=(OMP_WAIT_POLICY=PASSIVE) ;;
            spin) env=(OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=300000) ;;
            short) env=(OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=10000) ;;
        esac
        echo "=== $load / $setting (${env[*]})"
        env "${env[@]}" /usr/bin/python3 "$here/pytorch_side_by_side.py" --cli "$cli" \
            --models "$model" --batches "$batches" --rows eager,cs_calib,cs_eval 2>&1 \
            | grep -E '^\s+(eager|cs_calib|cs_eval) '
    done
    [ "$load" = loaded ] && stop_load
done
