// Heap::kfree_bulk(): detached freelists as mm/slub.c (v6.6) builds them, on the heap's bytes.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "models/heap/bulk_cost.hpp"
#include "models/heap/heap.hpp"
#include "tests/heap_bugs.hpp"

using namespace rcusim;
using Kind = BulkTouch::Kind;

namespace {

// 100 kmalloc-64 objects (two slabs), 20 of a named 256-byte cache (two slabs), 10 kmalloc-256:
// the same addresses in every heap built this way. Each object's payload holds its index.
struct World {
  Heap h{Bytes{16 << 20}, true};
  std::uint32_t named = h.kmem_cache_create("bulk_test", 256);
  std::vector<Addr> objs;
  World() {
    for (int i = 0; i < 100; ++i) objs.push_back(h.kmalloc(64));
    for (int i = 0; i < 20; ++i) objs.push_back(h.kmem_cache_alloc(named));
    for (int i = 0; i < 10; ++i) objs.push_back(h.kmalloc(200));
    for (std::size_t i = 0; i < objs.size(); ++i) h.write_u64(objs[i] + 8, i);
  }
};

std::vector<Addr> freelist(const Heap& h, Addr in_slab) {
  std::vector<Addr> l;
  for (Addr a = *h.slab_freelist(in_slab); a && l.size() < 10000; a = h.read_u64(a)) l.push_back(a);
  return l;
}

// Bulk-freed `a` against kfree()d `b`: counts, poison and bytes after the free pointer, and each
// slab's free objects, in the same order if `same_order`.
void check_same_heap(World& a, World& b, bool same_order) {
  CHECK(a.h.objects_live() == b.h.objects_live());
  CHECK(a.h.bytes_live() == b.h.bytes_live());
  for (std::uint32_t c : {a.h.kmalloc_cache(64), a.named, a.h.kmalloc_cache(256)}) {
    CHECK(a.h.cache(c).live == b.h.cache(c).live);
    const auto& pa = a.h.cache(c).partial;
    const auto& pb = b.h.cache(c).partial;
    CHECK(std::set<std::uint32_t>(pa.begin(), pa.end()) ==
          std::set<std::uint32_t>(pb.begin(), pb.end()));
  }
  for (Addr o : a.objs) {
    const auto oa = a.h.find(o), ob = b.h.find(o);
    REQUIRE(oa);
    CHECK_FALSE(oa->live);
    CHECK(a.h.poison_intact(*oa));
    for (Addr off = 8; off + 8 <= oa->size; off += 8)
      CHECK(a.h.read_u64(o + off) == b.h.read_u64(o + off));
    const auto la = freelist(a.h, o), lb = freelist(b.h, o);
    if (same_order) CHECK(la == lb);
    CHECK(std::set<Addr>(la.begin(), la.end()) == std::set<Addr>(lb.begin(), lb.end()));
    CHECK(std::count(la.begin(), la.end(), o) == 1);
    (void)ob;
  }
}

std::vector<Addr> slab_commits(const std::vector<BulkTouch>& t) {  // one per detached freelist
  std::vector<Addr> v;
  for (const BulkTouch& x : t)
    if (x.kind == Kind::slab_freelist || x.kind == Kind::cpu_freelist) v.push_back(x.addr);
  return v;
}

}  // namespace

TEST_CASE("kfree_bulk: the heap ends as after kfree() of the same objects in array order") {
  World a, b;
  std::vector<BulkTouch> t;
  SUBCASE("each slab's objects together: one list per slab, the same freelist order") {
    const BulkFreeStats st = a.h.kfree_bulk(a.objs, t);
    for (Addr o : b.objs) CHECK(b.h.kfree(o));
    CHECK(st.objects == 130);
    CHECK(st.lists == 5);  // 2 kmalloc-64 slabs, 2 bulk_test slabs, 1 kmalloc-256 slab
    CHECK(st.bugs == 0);
    check_same_heap(a, b, true);
  }
  SUBCASE("slabs and caches interleaved: many lists, the same free objects per slab") {
    std::vector<Addr> mixed;
    for (std::size_t i = 0; i < a.objs.size(); ++i) mixed.push_back(a.objs[i * 7 % a.objs.size()]);
    const BulkFreeStats st = a.h.kfree_bulk(mixed, t);
    for (Addr o : mixed) CHECK(b.h.kfree(o));
    CHECK(st.objects == 130);
    CHECK(st.lists > 5);
    check_same_heap(a, b, false);
  }
  CHECK(a.h.kmalloc(64) != 0);  // reuse finds the poison intact: no BUG
  CHECK(a.h.poison_intact(*a.h.find(a.objs[0])));
}

TEST_CASE("kfree_bulk: the lookahead passes over two objects of other slabs, not three") {
  Heap h(Bytes{16 << 20}, true);
  const Addr a0 = h.kmalloc(64), a1 = h.kmalloc(64);
  const Addr x1 = h.kmalloc(96), x2 = h.kmalloc(128), x3 = h.kmalloc(192);
  std::vector<BulkTouch> t;
  SUBCASE("two between: a1 and a0 make one list") {
    const std::vector<Addr> p = {a0, x1, x2, a1};
    const BulkFreeStats st = h.kfree_bulk(p, t);
    CHECK(st.lists == 3);
    CHECK(st.misses == 3);
    CHECK(slab_commits(t).size() == 3);
    CHECK(freelist(h, a0).front() == a1);  // a1 -> a0 -> rest of the slab
    CHECK(h.objects_live() == 1);          // x3
  }
  SUBCASE("three between: the scan stops at the third, a0 is a list of its own") {
    const std::vector<Addr> p = {a0, x1, x2, x3, a1};
    const BulkFreeStats st = h.kfree_bulk(p, t);
    CHECK(st.lists == 5);
    CHECK(st.misses == 9);
    CHECK(freelist(h, a0).front() == a0);  // a0 spliced after a1's list
    CHECK(h.objects_live() == 0);
  }
}

TEST_CASE("kfree_bulk: taken entries are swapped out, the others keep their order") {
  Heap h(Bytes{16 << 20}, true);
  const Addr a0 = h.kmalloc(64), a1 = h.kmalloc(64), a2 = h.kmalloc(64);
  const Addr x1 = h.kmalloc(96), x2 = h.kmalloc(128);
  std::vector<BulkTouch> t;
  const std::vector<Addr> p = {a0, x1, a1, x2, a2};
  const BulkFreeStats st = h.kfree_bulk(p, t);
  CHECK(st.lists == 3);
  CHECK(st.objects == 5);
  // a2, a1, a0 first; then [x2, x1] is left, so x1 (now last) before x2.
  const auto c = slab_commits(t);
  REQUIRE(c.size() == 3);
  CHECK(c[1] == h.find(x1)->cache * layout::kKmemCacheCpuSize);  // each its cache's CPU slab
  CHECK(c[2] == h.find(x2)->cache * layout::kKmemCacheCpuSize);
  CHECK(std::count_if(t.begin(), t.end(),
                      [](const BulkTouch& x) { return x.kind == Kind::array_write; }) == 4);
  const auto l = freelist(h, a0);
  REQUIRE(l.size() >= 3);
  CHECK(std::vector<Addr>(l.begin(), l.begin() + 3) ==
        std::vector<Addr>{a2, a1, a0});  // as kfree(a0), kfree(a1), kfree(a2) would leave it
}

TEST_CASE("kfree_bulk: kmalloc_large objects are freed one by one") {
  Heap h(Bytes{16 << 20}, true);
  const Addr a = h.kmalloc(64), big = h.kmalloc(3 * 4096 + 1), b = h.kmalloc(64);
  const std::uint64_t pages = h.pages_used();
  std::vector<BulkTouch> t;
  const std::vector<Addr> p = {a, big, b};
  const BulkFreeStats st = h.kfree_bulk(p, t);
  CHECK(st.large == 1);
  CHECK(st.lists == 1);  // the large object is a lookahead miss between b and a
  CHECK(st.misses == 1);
  CHECK(h.pages_used() == pages - 4);
  CHECK_FALSE(h.find(big));
  CHECK(std::count_if(t.begin(), t.end(),
                      [](const BulkTouch& x) { return x.kind == Kind::large_free; }) == 1);
  CHECK(h.objects_live() == 0);
}

TEST_CASE("kfree_bulk: a double free inside the array is a BUG, the object is freed once") {
  Heap h(Bytes{16 << 20}, true);
  HeapBugs bugs;
  bugs.attach(h);
  const Addr a = h.kmalloc(64), b = h.kmalloc(64), c = h.kmalloc(64);
  std::vector<BulkTouch> t;
  const std::vector<Addr> p = {a, b, a, c};
  const BulkFreeStats st = h.kfree_bulk(p, t);
  CHECK(st.objects == 3);
  CHECK(st.bugs == 1);
  REQUIRE(bugs.msgs.size() == 1);
  CHECK(bugs.any("Object already free: kfree_bulk() of"));
  CHECK(h.objects_live() == 0);
  const auto l = freelist(h, a);  // no cycle, each once
  CHECK(std::count(l.begin(), l.end(), a) == 1);
  const std::vector<Addr> again = {b};  // already free before the call
  CHECK(h.kfree_bulk(again, t).bugs == 1);
  CHECK(bugs.msgs.size() == 2);
}

TEST_CASE("kfree_bulk: invalid pointers are BUGs and free nothing") {
  Heap h(Bytes{16 << 20}, true);
  HeapBugs bugs;
  bugs.attach(h);
  const Addr a = h.kmalloc(64), b = h.kmalloc(64);
  std::vector<BulkTouch> t;
  const std::vector<Addr> p = {a, a + 8, 0, 0xffffffffa0000000ULL, b};
  const BulkFreeStats st = h.kfree_bulk(p, t);
  CHECK(st.objects == 2);  // b's list takes a; a + 8 is in the same slab and rejected
  CHECK(st.bugs == 2);
  CHECK(bugs.any("BUG kmalloc-64 (Not tainted): Invalid object pointer 0x" +
                 fmt::format("{:x}", a + 8)));
  CHECK(bugs.any("not a slab object"));
  CHECK(h.objects_live() == 0);
  const std::uint32_t other = h.kmem_cache_create("other", 64);
  const Addr c = h.kmalloc(64);
  const std::vector<Addr> q = {c};
  CHECK(h.kmem_cache_free_bulk(other, q, t).bugs == 1);
  CHECK(bugs.any("kmem_cache_free_bulk() of 0x" + fmt::format("{:x}", c) +
                 " into other, but the object is from kmalloc-64"));
  CHECK(h.find(c)->live);
}

TEST_CASE("kfree_bulk: the touches, on the CPU slab and off it") {
  Heap h(Bytes{16 << 20}, true);
  const std::uint32_t cache = h.kmem_cache_create("touches", 256);  // 16 objects a slab
  std::vector<Addr> o;
  for (int i = 0; i < 19; ++i) o.push_back(h.kmem_cache_alloc(cache));
  std::vector<BulkTouch> t;
  SUBCASE("the last allocations' slab: this_cpu_cmpxchg on kmem_cache_cpu") {
    const std::vector<Addr> p = {o[16], o[17], o[18]};
    const BulkFreeStats st = h.kfree_bulk(p, t);
    CHECK(st.slow == 0);
    const Addr pg = h.struct_page(o[16]);
    const std::vector<std::pair<Kind, Addr>> want = {
        {Kind::array_read, 16},  {Kind::slab_lookup, pg},
        {Kind::fp_write, o[18]}, {Kind::array_read, 8},
        {Kind::slab_lookup, pg}, {Kind::fp_write, o[17]},
        {Kind::array_read, 0},   {Kind::slab_lookup, pg},
        {Kind::fp_write, o[16]}, {Kind::fp_read, o[16]},
        {Kind::fp_write, o[16]}, {Kind::fp_read, o[17]},
        {Kind::fp_write, o[17]}, {Kind::fp_read, o[18]},
        {Kind::fp_write, o[18]}, {Kind::cpu_freelist, cache * layout::kKmemCacheCpuSize},
        {Kind::fp_write, o[16]}};
    std::vector<std::pair<Kind, Addr>> got;
    for (const BulkTouch& x : t) got.emplace_back(x.kind, x.addr);
    CHECK(got == want);
  }
  SUBCASE("an older, full slab: __slab_free() and put_cpu_partial()") {
    const std::vector<Addr> p = {o[0], o[1]};
    const BulkFreeStats st = h.kfree_bulk(p, t);
    CHECK(st.slow == 1);
    CHECK(st.was_full == 1);
    CHECK(slab_commits(t) == std::vector<Addr>{h.struct_page(o[0])});
  }
}

TEST_CASE("kfree_bulk: the price of the steps and where each touch lies") {
  const KfreeBulkCosts c;
  BulkFreeStats st;
  st.objects = 5, st.lists = 2, st.slow = 1, st.was_full = 1, st.misses = 3, st.large = 1;
  CHECK(bulk_free_cycles(st, c, 22) ==
        c.call + 5 * c.object + 3 * c.miss + 2 * c.list + c.slowpath + c.cpu_partial + 22);
  const auto pc = place({Kind::cpu_freelist, 16, 3 * 64}, 2, 0);
  REQUIRE(pc);
  CHECK(pc->addr == layout::kPerCpuStart + 2 * layout::kPerCpuUnit + 3 * 64);
  CHECK(pc->kind == AccessKind::modify);
  CHECK_FALSE(place({Kind::array_read, 8, 16}, 0, 0));
  CHECK(place({Kind::array_write, 8, 16}, 0, 0x1000)->addr == 0x1010);
  CHECK(place({Kind::fp_write, 8, 0x5000}, 0, 0)->kind == AccessKind::write);
}
