#include "sim/engine/trace_output.hpp"

#include <fmt/format.h>

#include "sim/engine/ftrace_out.hpp"
#include "sim/engine/perfetto_out.hpp"

namespace rcusim {

TraceOutput::TraceOutput(const RunResult& r, std::string title)
    : rec_(r.recorder.get()), title_(std::move(title)) {
  if (rec_) trace_ = rec_->finish();
}

nlohmann::json TraceOutput::summary() const {
  const TraceOptions& o = rec_->options();
  nlohmann::json files = nlohmann::json::array();
  for (const ExtraFile& f : this->files()) files.push_back(f.name);
  nlohmann::json window = {
      o.window_start_ns, o.window_end_ns >= 0 ? nlohmann::json(o.window_end_ns) : nlohmann::json()};
  return {{"files", files},
          {"events", trace_.events.size()},
          {"cap", o.cap},
          {"dropped", trace_.dropped},
          {"cut_ns", trace_.cut_ns >= 0 ? nlohmann::json(trace_.cut_ns) : nlohmann::json()},
          {"window_ns", window},
          {"outside_window", trace_.outside_window}};
}

std::vector<ExtraFile> TraceOutput::files() const {
  std::vector<ExtraFile> out;
  if (!rec_) return out;
  if (rec_->options().ftrace)
    out.push_back({"trace.txt", [this](std::ostream& os) { write_ftrace(os, *rec_, trace_); }});
  if (rec_->options().perfetto)
    out.push_back(
        {"trace.json", [this](std::ostream& os) { write_perfetto(os, *rec_, trace_, title_); }});
  return out;
}

std::string TraceOutput::warning() const {
  if (!rec_ || trace_.dropped == 0) return {};
  return fmt::format(
      "trace: the cap of {} events was reached at {} ns; the {} events from then on are not in "
      "the trace (raise --trace-cap or narrow --trace-window)",
      rec_->options().cap, trace_.cut_ns, trace_.dropped);
}

}  // namespace rcusim
