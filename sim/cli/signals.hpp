// SIGINT and SIGTERM. A run exits at once with 128 + the signal, leaving no temporary result
// directory behind (the previous results stay). A command that runs others (sweep, explore)
// only notes the signal, passes it on to its children and stops after they have ended.
#pragma once
#include <sys/types.h>

namespace rcusim {

// For `run`: exit on SIGINT/SIGTERM with 130/143 after removing the temporary result directory.
// Call again once the SimGrid engine is up: SimGrid installs its own SIGINT handler (exit 1).
void exit_on_signals();

// For commands with children: note the signal, make waitpid() return EINTR.
void note_signals();
// The signal noted (SIGINT or SIGTERM), or 0.
int signal_noted();

}  // namespace rcusim
