// The [memory] and [cache] sections: which memory-cost model (a row of models/memory/models.hpp's
// table), the flat model's latencies and the cache hierarchy's geometry. Defaults come from
// models/memory/flat.hpp and models/cache/config.hpp, where they are written (and cited) once.
#pragma once
#include <cstdint>
#include <string>
#include "models/cache/config.hpp"
#include "models/memory/flat.hpp"
#include "models/memory/models.hpp"
#include "sim/base/plugin.hpp"
#include "sim/base/spec.hpp"

namespace rcusim {

// One cache level's keys; defaults come from models/cache/config.hpp (written once there).
struct CacheLevelKeys {
  Size size;
  std::int64_t assoc;
  Size line;
  std::int64_t latency;
  static CacheLevelKeys of(const LevelConfig& l) {
    return {Size{l.size}, l.assoc, Size{l.line}, l.hit_latency.v};
  }
  LevelConfig to_level() const {
    return {size.bytes, static_cast<std::uint32_t>(assoc), static_cast<std::uint32_t>(line.bytes),
            Cycles{latency}};
  }
  template <class V>
  void visit(V& v) {
    v("size", size, Spec{64, 1ULL << 34, {}, "capacity"});
    v("assoc", assoc, Spec{1, 1024, {}, "ways per set"});
    v("line", line, Spec{8, 4096, {}, "line size"});
    v("latency", latency, Spec{0, 1e6, {}, "hit latency in cycles (load-to-use)"});
  }
};

struct CacheKeys {
  CacheLevelKeys l1i = CacheLevelKeys::of(CacheConfig{}.l1i);
  CacheLevelKeys l1d = CacheLevelKeys::of(CacheConfig{}.l1d);
  bool l2_enabled = CacheConfig{}.l2_enabled;
  CacheLevelKeys l2 = CacheLevelKeys::of(CacheConfig{}.l2);
  CacheLevelKeys llc = CacheLevelKeys::of(CacheConfig{}.llc);
  std::int64_t dram = CacheConfig{}.dram.v;
  std::int64_t coherence_transfer = CacheConfig{}.coherence_transfer.v;
  std::int64_t mispredict = CacheConfig{}.indirect_mispredict.v;
  CacheConfig to_cache() const {
    CacheConfig c;
    c.l1i = l1i.to_level();
    c.l1d = l1d.to_level();
    c.l2_enabled = l2_enabled;
    c.l2 = l2.to_level();
    c.llc = llc.to_level();
    c.dram = Cycles{dram};
    c.coherence_transfer = Cycles{coherence_transfer};
    c.indirect_mispredict = Cycles{mispredict};
    return c;
  }
  template <class V>
  void visit(V& v) {
    v.section("l1i", l1i);
    v.section("l1d", l1d);
    v("l2_enabled", l2_enabled, Spec{.doc = "model a private L2 per CPU"});
    v.section("l2", l2);
    v.section("llc", llc);
    v("dram", dram, Spec{0, 1e6, {}, "cycles of a miss in every level"});
    v("coherence_transfer", coherence_transfer,
      Spec{0, 1e6, {}, "cycles of a miss served from another CPU's private cache"});
    v("mispredict", mispredict, Spec{0, 1e6, {}, "cycles of a mispredicted indirect call"});
  }
};

struct MemoryConfig {
  std::string model = "flat";
  // Defaults from models/memory/flat.hpp, where they are written (and cited) once.
  std::int64_t ifetch = FlatConfig{}.ifetch.v, read = FlatConfig{}.read.v,
               write = FlatConfig{}.write.v;
  std::int64_t indirect_call = FlatConfig{}.indirect_call.v;
  template <class V>
  void visit(V& v) {
    static const std::string doc = doc_of(memory_models(), "the memory-cost model");
    v("model", model, Spec{.choices = names_of(memory_models()), .doc = doc});
    v("ifetch", ifetch, Spec{0, 1e6, {}, "flat: cycles per instruction fetch access"});
    v("read", read, Spec{0, 1e6, {}, "flat: cycles per data read"});
    v("write", write, Spec{0, 1e6, {}, "flat: cycles per data write"});
    v("indirect_call", indirect_call, Spec{0, 1e6, {}, "flat: cycles per indirect call"});
  }
};

}  // namespace rcusim
