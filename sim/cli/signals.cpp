#include "sim/cli/signals.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>

#include "sim/cli/exit_codes.hpp"
#include "sim/engine/output_dir.hpp"

namespace rcusim {
namespace {

std::atomic<int> g_noted{0};
int g_ignored[2] = {-1, -1};  // SIGINT, SIGTERM: ignored at start? -1 until known

void exit_handler(int sig) {
  if (defer_signal_during_swap(sig)) return;
  abandon_output_in_signal_handler();
  _exit(kExitSignalBase + sig);
}

void note_handler(int sig) { g_noted = sig; }

void install(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);  // one handler at a time
  sigaddset(&sa.sa_mask, SIGTERM);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sa.sa_flags = 0;  // no SA_RESTART: a blocking waitpid() returns EINTR
  for (int sig : {SIGINT, SIGTERM}) {
    // A signal ignored when rcusim started (nohup, a background job) stays ignored, also after
    // SimGrid has put in its own handler.
    int& state = g_ignored[sig == SIGINT ? 0 : 1];
    if (state < 0) {
      struct sigaction old {};
      sigaction(sig, nullptr, &old);
      state = old.sa_handler == SIG_IGN;
    }
    sigaction(sig, state ? &ignore : &sa, nullptr);
  }
}

}  // namespace

void exit_on_signals() { install(exit_handler); }
void note_signals() { install(note_handler); }
int signal_noted() { return g_noted; }

}  // namespace rcusim
