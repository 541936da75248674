#pragma once
// LibTorch's intra-op pool is libgomp's: between parallel regions its idle workers spin. On a
// machine that is doing anything else (a desktop, a CI runner, the GUI thread drawing) the
// spinning worker and the thread it waits for fight for the same core, and a forward can take
// several times longer (BENCHMARKS.md: a ResNet-18 batch 1669 ms spinning, 777 ms passive, on
// a loaded 2-core machine). libgomp reads OMP_WAIT_POLICY once, when it is loaded, before
// main() runs: so a program that wants it must set it and start itself again.

namespace cs {

// When OMP_WAIT_POLICY is unset, sets it to PASSIVE and re-executes the running program with
// the same arguments (once: the variable is set in the new process). Returns when nothing had
// to be done or the re-execution failed (the program then runs with libgomp's default).
// The user's own OMP_WAIT_POLICY is respected. Call first thing in main().
void preferPassiveOpenMpWaiting(char** argv);

} // namespace cs
