// rcusim command line: run, validate, keys, cachesim, explore, sweep, merge, replay. SimGrid's own
// --cfg=... and --log=... options are taken out (and checked) before parsing and handed to the
// engine of every run.
#include <CLI/CLI.hpp>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/cli/cachesim.hpp"
#include "sim/cli/engine_args.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/explore.hpp"
#include "sim/cli/replay.hpp"
#include "sim/cli/run.hpp"
#include "sim/cli/sweep.hpp"
#include "sim/scenario/scenario.hpp"

using namespace rcusim;

int main(int argc, char** argv) {
  std::vector<char*> rest;
  try {
    rest = take_engine_args(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::cerr << "rcusim: " << e.what() << '\n';
    return kExitBadInput;
  }

  CLI::App app{
      "rcusim: a deterministic discrete-event simulator of Linux RCU grace periods "
      "(classic RCU, 2.6.27) and the kfree_rcu() reclaim paths"};
  app.set_version_flag("--version", std::string("rcusim ") + RCUSIM_VERSION);
  app.require_subcommand(1);
  app.footer(
      "SimGrid options --cfg=KEY:VALUE and --log=... are passed to the engine of every "
      "run. Exit status: 0 done, 1 outcome other than expect, 2 bad input, 3 sweep point "
      "failed, 130/143 interrupted (SIGINT/SIGTERM).");

  add_run_commands(app);
  auto* keys = app.add_subcommand("keys", "print every scenario key with its default (Markdown)");
  keys->callback([] {
    std::cout << key_reference();
    std::exit(kExitOk);
  });
  add_cachesim_command(app);
  add_explore_command(app);
  add_sweep_commands(app);
  add_replay_command(app);

  try {
    app.parse(static_cast<int>(rest.size()), rest.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  } catch (const std::exception& e) {  // a command's own checks, outside its callback
    std::cerr << "rcusim: " << e.what() << '\n';
    return kExitBadInput;
  }
  return kExitOk;
}
