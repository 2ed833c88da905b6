// trace.json: the recorded events in the Trace Event Format (the JSON ui.perfetto.dev and
// chrome://tracing open). One process, one thread per CPU ("CPU n"); complete slices ("X") for
// softirq passes, rcu_do_batch(), read-side sections, scripted busy periods and kthread runs;
// grace periods as async slices ("b"/"e", id = the grace period's number); callbacks queued
// and invoked as instants ("i") on their CPU, module load/unload and failures as global
// instants. Timestamps are microseconds of simulated time, with the nanoseconds as decimals.
#pragma once
#include <iosfwd>
#include <string>

#include "sim/engine/trace_recorder.hpp"

namespace rcusim {

void write_perfetto(std::ostream& os, const TraceRecorder& rec, const RecordedTrace& t,
                    const std::string& title);

}  // namespace rcusim
