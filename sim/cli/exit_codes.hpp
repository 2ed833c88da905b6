// Exit codes of every rcusim command, in one place.
#pragma once

namespace rcusim {

inline constexpr int kExitOk = 0;
inline constexpr int kExitMismatch = 1;     // run: the outcome differs from the scenario's expect
inline constexpr int kExitBadInput = 2;     // bad scenario, option, output location or budget
inline constexpr int kExitPointFailed = 3;  // sweep: some point failed to run
// SIGINT and SIGTERM end a command with 128 + the signal, as a shell reports them: 130, 143.
inline constexpr int kExitSignalBase = 128;

}  // namespace rcusim
