// The slab heap: free pointers and poison in the objects' own bytes, BUG reports.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "models/heap/heap.hpp"
#include "tests/heap_bugs.hpp"

using namespace rcusim;

TEST_CASE("heap: kmalloc serves size classes from the direct map") {
  Heap h(Bytes{16 << 20}, true);
  const Addr a = h.kmalloc(100), b = h.kmalloc(100);
  CHECK(a >= layout::kPageOffset);
  CHECK(a != b);
  const auto o = h.find(a);
  REQUIRE(o);
  CHECK(o->size == 128);  // kmalloc-128
  CHECK(h.cache(o->cache).name == "kmalloc-128");
  CHECK(o->live);
  CHECK(h.find(a + 50)->start == a);
  CHECK(h.objects_live() == 2);
}

TEST_CASE("heap: the free pointer lives in the freed object's first word") {
  Heap h(Bytes{16 << 20}, true);
  const Addr a = h.kmalloc(64), b = h.kmalloc(64);
  CHECK(h.kfree(a));
  CHECK(h.kfree(b));
  CHECK(h.read_u64(b) == a);  // b -> a -> ...
  CHECK(h.kmalloc(64) == b);  // LIFO reuse, popped from the bytes
  CHECK(h.kmalloc(64) == a);
}

TEST_CASE("heap: freed objects are poisoned after the free pointer") {
  Heap h(Bytes{16 << 20}, true);
  const Addr a = h.kmalloc(64);
  h.write_u64(a + 8, 0x1234);
  CHECK(h.kfree(a));
  CHECK(h.read_u64(a + 8) == 0x6b6b6b6b6b6b6b6bULL);
  CHECK((h.read_u64(a + 56) >> 56) == kPoisonEnd);
  CHECK(h.poison_intact(*h.find(a)));
}

TEST_CASE("heap: invalid and double frees are BUGs that change nothing") {
  Heap h(Bytes{16 << 20}, true);
  HeapBugs bugs;
  bugs.attach(h);
  const Addr a = h.kmalloc(128);
  CHECK_FALSE(h.kfree(a + 8));
  REQUIRE(bugs.msgs.size() == 1);
  CHECK(bugs.msgs[0].find("invalid free") != std::string::npos);
  CHECK(h.find(a)->live);
  CHECK(h.kfree(a));
  CHECK_FALSE(h.kfree(a));
  REQUIRE(bugs.msgs.size() == 2);
  CHECK(bugs.msgs[1].find("double free") != std::string::npos);
  CHECK_FALSE(h.kfree(0xffffffffa0000000ULL));  // module text, not the heap
  CHECK(bugs.msgs.size() == 3);
  CHECK(h.kfree(0));  // kfree(NULL) is fine
  CHECK(bugs.msgs.size() == 3);
}

TEST_CASE("heap: a write after free is found when the object is reallocated") {
  Heap h(Bytes{16 << 20}, true);
  HeapBugs bugs;
  bugs.attach(h);
  const Addr a = h.kmalloc(256);
  h.kfree(a);
  h.write_u64(a + 16, 42);  // use-after-free write
  CHECK(h.kmalloc(256) == a);
  REQUIRE(bugs.msgs.size() == 1);
  CHECK(bugs.msgs[0].find("Poison overwritten") != std::string::npos);
}

TEST_CASE("heap: kmalloc_large and named caches") {
  Heap h(Bytes{16 << 20}, true);
  HeapBugs bugs;
  bugs.attach(h);
  const Addr big = h.kmalloc(40000);
  REQUIRE(big);
  CHECK(h.find(big)->cache == Heap::kLarge);
  CHECK(h.kfree(big));
  CHECK_FALSE(h.find(big));  // pages went back
  const std::uint32_t c = h.kmem_cache_create("my_struct", 72);
  const Addr o = h.kmem_cache_alloc(c);
  CHECK(h.cache(h.find(o)->cache).name == "my_struct");
  CHECK_FALSE(h.kmem_cache_free(h.kmalloc_cache(64), o));  // wrong cache
  CHECK(bugs.msgs.size() == 1);
  CHECK(h.kmem_cache_free(c, o));
}

TEST_CASE("heap: slabs fill and are refilled from new pages") {
  Heap h(Bytes{16 << 20}, true);
  std::vector<Addr> v;
  for (int i = 0; i < 1000; ++i) v.push_back(h.kmalloc(512));
  std::sort(v.begin(), v.end());
  CHECK(std::adjacent_find(v.begin(), v.end()) == v.end());
  CHECK(h.pages_used() >= 1000 * 512 / 4096);
  for (Addr a : v) CHECK(h.kfree(a));
  CHECK(h.objects_live() == 0);
}

TEST_CASE("heap: exhaustion returns 0") {
  Heap h(Bytes{1 << 20}, false);
  Addr last = 1;
  for (int i = 0; i < 100 && last; ++i) last = h.kmalloc(65536);
  CHECK(last == 0);
}
