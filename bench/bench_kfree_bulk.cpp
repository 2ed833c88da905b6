// kfree_bulk() (kmem_cache_free_bulk(NULL, ...), mm/slub.c v6.6) on rcusim's SLUB heap model:
// cycles per object freed at bulk sizes 1 to 250, beside the published SLUB figures. The heap
// reports every access the kernel makes and bulk_cost prices those and the steps taken, as the
// costed kfree_bulk(Cpu&) does, here against a CacheHierarchy of default geometry (one CPU).
//
// Two array orders, after two modules of github.com/netoptimizer/prototype-kernel (kernel/mm/):
//  - quick reuse, as slab_bulk_test01: each round allocates `bulk` objects and frees that array.
//  - worst case, as slab_bulk_test03: 4096 objects (HASHSZ * 32 * 8) prefilled into its object
//    hash; each round allocates `bulk` objects, adds them, takes `bulk` out so that neighbours
//    come from different pages (ObjHash) and frees those.
// 100000 objects per bulk size in loops / bulk rounds, test03's default (test01 frees 10^7).
// Objects are 256 bytes: test03's struct my_obj (hlist_node, page pointer, pad[200]: 224 bytes)
// under SLAB_HWCACHE_ALIGN, the "obj size 256 bytes" of the published figures.
// Only kfree_bulk()'s cycles are counted. Allocation and the hash run through the cache model
// unpriced; the published figures count allocation too (and test03's hashing).
//   bench_kfree_bulk          (no arguments) prints a table, then one JSON line
#include <fmt/format.h>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "bench/objhash.hpp"
#include "models/cache/hierarchy.hpp"
#include "models/heap/bulk_cost.hpp"
#include "models/heap/heap.hpp"
#include "models/module/symbols.hpp"

using namespace rcusim;

namespace {

constexpr std::uint32_t kObjSize = 256;
constexpr std::uint32_t kPrefill = bench::ObjHash::kSize * 32 * 8;
constexpr std::uint64_t kObjects = 100000;
constexpr Addr kObjhash = layout::kModulesVaddr + 0x2000;     // the module's objhash[]
constexpr Addr kGlobalObjs = layout::kModulesVaddr + 0x3000;  // GLOBAL_OBJS[], the freed array

// Published cycles per object, allocation and free together, i7-4790K @ 4 GHz, 256-byte objects.
// rfc, rfc_before: "[PATCH 0/3] slub: introducing detached freelist" (linux-mm, 2015-07-15,
// <20150715155934.17525.2835.stgit@devil>), the bulk API with the detached freelist and before
// it; its note names slab_bulk_test03 as the module run, but its "before" column repeats, to a
// cycle or two, what commit fbd02630c6e3 (v4.3) measured with slab_bulk_test01 (43 27 21 24 17).
// test01: commit d0ecd894e3d5 (v4.4), slab_bulk_test01 with the patch, booted slab_nomerge.
struct Published {
  int bulk, rfc, rfc_before, test01;
};
constexpr Published kPublished[] = {{1, 47, 42, 49},   {8, 20, 17, 18},  {16, 20, 69, 17},
                                    {32, 20, 83, 18},  {64, 68, 86, 20}, {128, 72, 97, 27},
                                    {250, 73, 100, 37}};

struct Totals {
  std::int64_t instr = 0, data = 0, text = 0;
  std::uint64_t objects = 0, lists = 0, slow = 0, was_full = 0, l1_misses = 0;
};

class Bench {
 public:
  Bench()
      : fn_(syms_.add_kernel(Function{"kmem_cache_free_bulk", 0, kKmemCacheFreeBulkText})),
        cpu_slab_(
            place({BulkTouch::Kind::cpu_freelist, 16, cache_id_ * layout::kKmemCacheCpuSize}, 0, 0)
                ->addr) {}
  Heap& heap() { return heap_; }
  void touch(Addr a, std::uint32_t size, AccessKind k) {
    cache_.access(0, a, size, k, MemClass::payload);
  }
  Addr alloc() {  // kmem_cache_alloc_bulk()'s accesses for one object: c->freelist, its fp
    const Addr a = heap_.kmem_cache_alloc(cache_id_);
    touch(cpu_slab_, 16, AccessKind::modify);
    touch(a, 8, AccessKind::read);
    if (heap_.struct_page(a) != last_page_) {  // a refill from another slab
      last_page_ = heap_.struct_page(a);
      touch(last_page_, 16, AccessKind::modify);
    }
    return a;
  }
  void kfree_bulk(std::span<const Addr> objs) {  // priced as kfree_bulk(Cpu&) prices it
    const Function& f = syms_.fn(fn_);
    totals.text += cache_.access(0, f.addr, f.size, AccessKind::ifetch, MemClass::core_text).v;
    touches_.clear();
    const BulkFreeStats st = heap_.kfree_bulk(objs, touches_);
    totals.instr += bulk_free_cycles(st, costs_.kfree_bulk, costs_.kfree);
    for (const BulkTouch& x : touches_)
      if (const auto p = place(x, 0, kGlobalObjs)) {
        const Cycles c = cache_.access(0, p->addr, p->size, p->kind, MemClass::slab_meta);
        totals.data += c.v;
        totals.l1_misses += c > cache_.config().l1d.hit_latency;
      }
    totals.objects += st.objects;
    totals.lists += st.lists;
    totals.slow += st.slow;
    totals.was_full += st.was_full;
  }
  Totals totals;

 private:
  Heap heap_{Bytes{64 << 20}, true};
  CacheHierarchy cache_{1, CacheConfig{}};
  std::uint32_t cache_id_ = heap_.kmem_cache_create("slab_bulk_test03", kObjSize);
  Symbols syms_;
  std::uint32_t fn_;
  Addr cpu_slab_;  // this cache's kmem_cache_cpu on CPU 0
  CostConfig costs_;
  std::vector<BulkTouch> touches_;
  Addr last_page_ = 0;
};

Totals test03(std::uint32_t bulk) {  // __benchmark_slab_bulk(), worst case (no N-page match)
  Bench b;
  bench::ObjHash hash(
      kObjhash, [&](Addr o) { return b.heap().struct_page(o); },
      [&](Addr a, std::uint32_t size, AccessKind k) { b.touch(a, size, k); });
  for (std::uint32_t i = 0; i < kPrefill; ++i) hash.add(b.alloc());
  std::vector<Addr> g(bulk);
  for (std::uint64_t round = 0; round < kObjects / bulk; ++round) {
    for (std::uint32_t j = 0; j < bulk; ++j) {
      g[j] = b.alloc();
      b.touch(kGlobalObjs + 8 * j, 8, AccessKind::write);
    }
    for (std::uint32_t j = 0; j < bulk; ++j) hash.add(g[j]);
    Addr last = 0;
    for (std::uint32_t j = 0; j < bulk; ++j) {
      last = j == 0 ? hash.extract(g[0], false) : hash.extract(last, true);
      g[j] = last;
      b.touch(kGlobalObjs + 8 * j, 8, AccessKind::write);
    }
    b.kfree_bulk(g);
  }
  return b.totals;
}

Totals test01(std::uint32_t bulk) {  // benchmark_slab_bulk01()
  Bench b;
  std::vector<Addr> g(bulk);
  for (std::uint64_t round = 0; round < kObjects / bulk; ++round) {
    for (std::uint32_t j = 0; j < bulk; ++j) {
      g[j] = b.alloc();
      b.touch(kGlobalObjs + 8 * j, 8, AccessKind::write);
    }
    b.kfree_bulk(g);
  }
  return b.totals;
}

double per_obj(double v, const Totals& t) {
  return std::round(100.0 * v / static_cast<double>(t.objects)) / 100.0;
}

nlohmann::ordered_json row(const Totals& t) {
  nlohmann::ordered_json j;
  j["cycles_per_object"] = per_obj(static_cast<double>(t.instr + t.data + t.text), t);
  j["instr"] = per_obj(static_cast<double>(t.instr), t);
  j["data"] = per_obj(static_cast<double>(t.data), t);
  j["text"] = per_obj(static_cast<double>(t.text), t);
  j["lists_per_object"] = per_obj(static_cast<double>(t.lists), t);
  j["slow_lists_per_object"] = per_obj(static_cast<double>(t.slow), t);
  j["full_slab_lists_per_object"] = per_obj(static_cast<double>(t.was_full), t);
  j["l1d_misses_per_object"] = per_obj(static_cast<double>(t.l1_misses), t);
  j["objects"] = t.objects;
  return j;
}

std::string cells(const nlohmann::ordered_json& r) {
  return fmt::format("{:6.1f} ={:5.1f} +{:5.1f} +{:5.1f}  {:5.2f} {:5.2f} {:6.2f}",
                     r["cycles_per_object"].get<double>(), r["instr"].get<double>(),
                     r["data"].get<double>(), r["text"].get<double>(),
                     r["lists_per_object"].get<double>(), r["slow_lists_per_object"].get<double>(),
                     r["l1d_misses_per_object"].get<double>());
}

void print_header() {
  fmt::print(
      "kfree_bulk() on the SLUB heap model: cycles per object freed (free only; the published "
      "figures count alloc + free)\n");
  fmt::print("{:>4} | {:<47} | {:<11} | {:<47}\n", "", "model, quick reuse (allocate n, free them)",
             "published", "model, worst-case order (test03's hash)");
  const std::string cols = fmt::format("{:>6} ={:>5} +{:>5} +{:>5}  {:>5} {:>5} {:>6}", "cycles",
                                       "instr", "data", "text", "lists", "slow", "L1miss");
  fmt::print("{:>4} | {:<47} | {:<11} | {:<47}\n", "bulk", cols, "RFC bef. 01", cols);
}

}  // namespace

int main(int argc, char**) {
  if (argc > 1) {
    std::fprintf(stderr, "usage: bench_kfree_bulk (no arguments)\n");
    return 2;
  }
  nlohmann::ordered_json out;
  out["bench"] = "kfree_bulk";
  out["object_size"] = kObjSize;
  out["objects_per_bulk_size"] = kObjects;
  print_header();
  for (const Published& p : kPublished) {
    const auto bulk = static_cast<std::uint32_t>(p.bulk);
    const auto q = row(test01(bulk)), w = row(test03(bulk));
    fmt::print("{:>4} | {:<47} | {:>3} {:>3} {:>3} | {:<47}\n", p.bulk, cells(q), p.rfc,
               p.rfc_before, p.test01, cells(w));
    nlohmann::ordered_json r;
    r["bulk"] = p.bulk;
    r["quick_reuse"] = q;
    r["worst_case_order"] = w;
    r["published_alloc_and_free"] = {{"rfc_detached_freelist", p.rfc},
                                     {"rfc_before", p.rfc_before},
                                     {"d0ecd894e3d5_test01", p.test01}};
    out["rows"].push_back(r);
  }
  fmt::print("{}\n", out.dump());
}
