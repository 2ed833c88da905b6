#include "sim/engine/results.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "models/rcu/flavor.hpp"
#include "sim/scenario/scenario.hpp"

namespace fs = std::filesystem;

namespace rcusim {

std::string_view to_string(Path p) {
  static constexpr std::string_view names[] = {"kfree_rcu",  "trivial_kfree", "trivial_cache_free",
                                               "nontrivial", "barrier",       "failed"};
  return names[static_cast<std::size_t>(p)];
}

namespace {

double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

nlohmann::json latency_json(const Histogram& h, const Frequency& f) {
  auto ns = [&](std::int64_t c) { return f.to_ns(Cycles{c}); };
  return {{"count", h.count()},
          {"p50", ns(h.quantile(0.50))},
          {"p99", ns(h.quantile(0.99))},
          {"max", ns(h.max())}};
}

// RCU's own work: cycles in the RCU softirq handler less those of the callbacks it invoked
// (rcu_do_batch()'s per-callback figures, which are the reclaim paths'), plus the grace-period
// kthread's (wake to sleep). Lock waits and holds inside either are part of it.
nlohmann::json rcu_work_json(const Kernel& k) {
  const Stats& s = k.stats;
  std::int64_t softirq = 0, callbacks = 0;
  for (const CpuStats& c : s.cpu) softirq += c.rcu_softirq_cycles;
  for (const PathStats& p : s.path) callbacks += p.cycles;
  const std::int64_t own = softirq - callbacks + s.gp_kthread_cycles;
  const double gps = s.gp_completed ? static_cast<double>(s.gp_completed) : 1.0;
  return {{"softirq_cycles", softirq - callbacks},
          {"gp_kthread_cycles", s.gp_kthread_cycles},
          {"cycles_per_gp", round3(static_cast<double>(own) / gps)}};
}

}  // namespace

nlohmann::json summarize(const Config& cfg, const RunResult& r) {
  const Kernel& k = *r.kernel;
  const Stats& s = k.stats;
  const Frequency& f = k.freq;
  nlohmann::json j;
  j["rcusim_version"] = RCUSIM_VERSION;
  j["scenario"] = to_json(cfg);
  j["seed"] = cfg.seed;
  j["outcome"] = s.outcome();
  j["expect"] = expected_outcome(cfg);  // this run's, when given under conditions
  j["simulated_ns"] = f.to_ns(r.end);
  nlohmann::json fails = nlohmann::json::array();
  for (const auto& x : s.failures)
    fails.push_back({{"time_ns", f.to_ns(Cycles{x.time})},
                     {"cpu", x.cpu},
                     {"kind", x.kind},
                     {"message", x.message}});
  j["failures"] = fails;

  nlohmann::json m;
  m["grace_periods"] = {{"started", s.gp_started},
                        {"completed", s.gp_completed},
                        {"state_at_end", k.rcu->gp_state()},
                        {"latency_ns", latency_json(s.gp_latency, f)}};
  nlohmann::json paths = nlohmann::json::object();
  for (std::size_t i = 0; i < kPaths; ++i) {
    const PathStats& p = s.path[i];
    if (p.queued == 0 && p.reclaimed == 0) continue;
    const double n = p.reclaimed ? static_cast<double>(p.reclaimed) : 1.0;
    nlohmann::json by_class = nlohmann::json::object();
    for (std::size_t c = 0; c < kMemClasses; ++c)
      if (p.by_class[c])
        by_class[std::string(to_string(static_cast<MemClass>(c)))] =
            round3(static_cast<double>(p.by_class[c]) / n);
    nlohmann::json cache_part = nlohmann::json::object();
    if (k.cache) {
      // Misses per reclaimed object: per level, and per level and kind of memory.
      static constexpr const char* kLevelNames[] = {"L1I", "L1D", "L2", "LLC"};
      nlohmann::json per_level = nlohmann::json::object(), per_class = nlohmann::json::object();
      for (std::size_t l = 0; l < kCacheLevels; ++l) {
        if (l == static_cast<std::size_t>(CacheLevel::l2) && !cfg.cache.l2_enabled) continue;
        per_level[kLevelNames[l]] = round3(static_cast<double>(sum(p.misses[l])) / n);
        for (std::size_t c = 0; c < kMemClasses; ++c)
          if (p.misses[l][c])
            per_class[std::string(to_string(static_cast<MemClass>(c)))][kLevelNames[l]] =
                round3(static_cast<double>(p.misses[l][c]) / n);
      }
      cache_part = {{"cache_misses_per_object", per_level},
                    {"cache_misses_by_class_per_object", per_class},
                    {"coherence_misses_per_object",
                     round3(static_cast<double>(sum(p.coherence_misses)) / n)}};
    }
    paths[std::string(to_string(static_cast<Path>(i)))] = {
        {"queued", p.queued},
        {"reclaimed", p.reclaimed},
        {"latency_ns", latency_json(p.latency, f)},
        {"cycles_per_object", round3(static_cast<double>(p.cycles) / n)},
        {"accesses_per_object", round3(static_cast<double>(p.accesses) / n)},
        {"accesses_by_class_per_object", by_class}};
    paths[std::string(to_string(static_cast<Path>(i)))].update(cache_part);
  }
  m["paths"] = paths;
  m["reclaimed_objects"] = s.reclaimed_total();
  m["waiting_for_reclaim"] = {{"peak_objects", s.peak_objects},
                              {"peak_bytes", s.peak_bytes},
                              {"end_objects", s.waiting_objects},
                              {"end_bytes", s.waiting_bytes}};
  nlohmann::json cpus = nlohmann::json::array();
  std::uint64_t switches = 0;
  for (std::size_t c = 0; c < s.cpu.size(); ++c) {
    const CpuStats& x = s.cpu[c];
    switches += x.actor_switches;
    cpus.push_back({{"cpu", c},
                    {"softirq_cycles", x.softirq_cycles},
                    {"softirq_runs", x.softirq_runs},
                    {"softirq_passes", x.softirq_passes},
                    {"ksoftirqd_runs", x.ksoftirqd_runs},
                    {"ticks", x.ticks},
                    {"context_switches", x.context_switches},
                    {"ipis", x.ipis},
                    {"quiescent_states", x.quiescent_states},
                    {"readers", x.readers},
                    {"updates", x.updates},
                    {"actor_switches", x.actor_switches}});
    if (k.cache) {  // this CPU's misses per level, and coherence misses
      const CacheCounters& cc = k.cache->cache_counters(static_cast<int>(c));
      nlohmann::json miss = nlohmann::json::object();
      for (std::size_t l = 0; l < kCacheLevels; ++l)
        miss[std::string(to_string(static_cast<CacheLevel>(l)))] = sum(cc.levels[l].misses);
      miss["coherence"] = sum(cc.coherence_misses);
      cpus.back()["cache_misses"] = miss;
    }
  }
  m["cpus"] = cpus;
  m["actor_switches"] = switches;
  if (k.cache) {  // whole-run totals per level (all CPUs, all kinds of memory)
    nlohmann::json c = nlohmann::json::object();
    std::uint64_t calls = 0, mispredicts = 0;
    for (std::size_t l = 0; l < kCacheLevels; ++l) {
      std::uint64_t hits = 0, misses = 0;
      for (int cpu = 0; cpu < k.ncpus(); ++cpu) {
        hits += sum(k.cache->cache_counters(cpu).levels[l].hits);
        misses += sum(k.cache->cache_counters(cpu).levels[l].misses);
      }
      c[std::string(to_string(static_cast<CacheLevel>(l)))] = {{"hits", hits}, {"misses", misses}};
    }
    for (int cpu = 0; cpu < k.ncpus(); ++cpu) {
      calls += k.cache->cache_counters(cpu).indirect_calls;
      mispredicts += k.cache->cache_counters(cpu).mispredicts;
    }
    c["indirect_calls"] = calls;
    c["indirect_mispredicts"] = mispredicts;
    m["cache"] = c;
  }
  m["rcu_barrier"] = {{"count", s.barrier_calls},
                      {"latency_ns", latency_json(s.barrier_latency, f)}};
  m["rcu_work"] = rcu_work_json(k);
  nlohmann::json locks = nlohmann::json::object();
  const double gps = s.gp_completed ? static_cast<double>(s.gp_completed) : 1.0;
  for (const LockStats& l : s.locks)
    locks[l.name] = {
        {"acquisitions", l.acquisitions},
        {"contended", l.contended},
        {"wait_ns", f.to_ns(Cycles{l.wait_cycles})},
        {"max_wait_ns", f.to_ns(Cycles{l.max_wait})},
        {"hold_ns", f.to_ns(Cycles{l.hold_cycles})},
        {"wait_ns_per_gp", round3(static_cast<double>(f.to_ns(Cycles{l.wait_cycles})) / gps)}};
  m["locks"] = locks;
  nlohmann::json mods = nlohmann::json::array();
  for (int i = 0; i < k.syms.module_count(); ++i) {
    const ModuleStats& ms = s.modules[static_cast<std::size_t>(i)];
    nlohmann::json e = {{"name", k.syms.module(i).name}, {"loaded", k.syms.module(i).loaded}};
    e["unload_ns"] =
        ms.unloaded >= 0 ? nlohmann::json(f.to_ns(Cycles{ms.unloaded})) : nlohmann::json();
    e["unload_wait_ns"] = ms.unloaded >= 0
                              ? nlohmann::json(f.to_ns(Cycles{ms.unloaded - ms.unload_start}))
                              : nlohmann::json();
    mods.push_back(e);
  }
  m["modules"] = mods;
  if (r.rcuscale && r.rcuscale->done) {
    const RcuscaleRun& rs = *r.rcuscale;
    m["rcuscale"] = {{"total_time_ns", rs.total_ns},
                     {"loops", rs.loops},
                     {"batches", rs.batches},
                     {"memory_footprint_mb", rs.footprint_mb},
                     {"line", rs.line()}};
  }
  j["metrics"] = m;
  j["perturbation"] = {
      {"busy_ns", r.board ? r.board->busy_lengths_ns : std::vector<std::int64_t>{}},
      {"script_cpus", r.script_cpu}};
  return j;
}

namespace {

void write_file(const fs::path& p, const std::string& what,
                const std::function<void(std::ostream&)>& body) {
  std::ofstream os(p, std::ios::binary);
  if (!os)
    throw std::runtime_error(
        fmt::format("{}: cannot write {}: {}", p.string(), what, std::strerror(errno)));
  body(os);
  os.close();
  if (!os)
    throw std::runtime_error(
        fmt::format("{}: writing {} failed: {}", p.string(), what, std::strerror(errno)));
}

}  // namespace

void write_results(const std::string& dir, const Config& cfg, const RunResult& r,
                   const nlohmann::json& summary, const std::vector<ExtraFile>& extra) {
  const Kernel& k = *r.kernel;
  const fs::path tmp(dir);
  write_file(tmp / "summary.json", "summary",
             [&](std::ostream& os) { os << summary.dump(2) << '\n'; });
  if (cfg.output.events)
    write_file(tmp / "events.csv", "events",
               [&](std::ostream& os) { r.log->write_csv(os, k.freq); });
  if (cfg.output.latencies)
    write_file(tmp / "latencies.csv", "latencies", [&](std::ostream& os) {
      os << "queued_ns,freed_ns,latency_ns,cpu,path,bytes\n";
      for (const auto& l : k.stats.latencies) {
        const auto q = k.freq.to_ns(Cycles{l.queued}), d = k.freq.to_ns(Cycles{l.freed});
        os << fmt::format("{},{},{},{},{},{}\n", q, d, d - q, l.cpu, to_string(l.path), l.bytes);
      }
    });
  write_file(tmp / "series.csv", "series", [&](std::ostream& os) {
    os << "time_ns,waiting_objects,waiting_bytes\n";
    for (const auto& x : k.stats.series)
      os << fmt::format("{},{},{}\n", k.freq.to_ns(Cycles{x.time}), x.objects, x.bytes);
  });
  for (const ExtraFile& f : extra) write_file(tmp / f.name, f.name, f.write);
}

std::string summary_table(const nlohmann::json& j) {
  std::string out;
  const auto& m = j["metrics"];
  const auto& gp = m["grace_periods"];
  out += fmt::format("scenario {}  seed {}  outcome {}  simulated {:.3f} ms\n",
                     j["scenario"]["name"].get<std::string>(), j["seed"].get<std::int64_t>(),
                     j["outcome"].get<std::string>(), j["simulated_ns"].get<double>() / 1e6);
  out += fmt::format(
      "grace periods {}  latency p50 {} ns  p99 {} ns  max {} ns\n",
      gp["completed"].get<std::uint64_t>(), gp["latency_ns"]["p50"].get<std::int64_t>(),
      gp["latency_ns"]["p99"].get<std::int64_t>(), gp["latency_ns"]["max"].get<std::int64_t>());
  out += fmt::format("{:<20} {:>10} {:>10} {:>12} {:>12} {:>12} {:>10} {:>10}\n", "path", "queued",
                     "reclaimed", "lat p50 ns", "lat p99 ns", "lat max ns", "cyc/obj", "acc/obj");
  for (const auto& [name, p] : m["paths"].items())
    out += fmt::format(
        "{:<20} {:>10} {:>10} {:>12} {:>12} {:>12} {:>10.1f} {:>10.2f}\n", name,
        p["queued"].get<std::uint64_t>(), p["reclaimed"].get<std::uint64_t>(),
        p["latency_ns"]["p50"].get<std::int64_t>(), p["latency_ns"]["p99"].get<std::int64_t>(),
        p["latency_ns"]["max"].get<std::int64_t>(), p["cycles_per_object"].get<double>(),
        p["accesses_per_object"].get<double>());
  const auto& w = m["waiting_for_reclaim"];
  out += fmt::format("waiting for reclaim: peak {} objects, {} bytes; at end {} objects\n",
                     w["peak_objects"].get<std::uint64_t>(), w["peak_bytes"].get<std::uint64_t>(),
                     w["end_objects"].get<std::uint64_t>());
  if (m.contains("rcuscale")) out += m["rcuscale"]["line"].get<std::string>() + "\n";
  for (const auto& f : j["failures"])
    out += fmt::format("{} at {} ns on CPU {}: {}\n", f["kind"].get<std::string>(),
                       f["time_ns"].get<std::int64_t>(), f["cpu"].get<int>(),
                       f["message"].get<std::string>());
  return out;
}

}  // namespace rcusim
