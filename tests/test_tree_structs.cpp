// Tree RCU's data structures (models/rcu/tree/): gp_seq arithmetic, rcu_cblist and
// rcu_segcblist over heap words, rcu_node geometry. Worked examples follow the kernel's
// definitions (Linux v6.6) by hand; the segmented list is checked against its heap words after
// every operation.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <stdexcept>
#include <vector>

#include "models/heap/heap.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/rcu/tree/cblist.hpp"
#include "models/rcu/tree/geometry.hpp"
#include "models/rcu/tree/gp_seq.hpp"
#include "models/rcu/tree/segcblist.hpp"
#include "sim/base/rng.hpp"

using namespace rcusim;
using namespace rcusim::tree;

// ---------------------------------------------------------------------------------------------
// gp_seq

namespace {
constexpr std::uint64_t kInit = kRcuGpSeqInit;
constexpr std::uint64_t at(std::int64_t d) { return kInit + static_cast<std::uint64_t>(d); }
constexpr std::uint64_t minus(std::uint64_t d) { return std::uint64_t{0} - d; }
}  // namespace

static_assert(kRcuGpSeqInit == 0xfffffffffffffb50ULL);
static_assert(rcu_seq_snap(kRcuGpSeqInit) == at(4));

TEST_CASE("tree gp_seq: the initial value is -300 grace periods, printed -1200") {
  CHECK(gp_seq_signed(kInit) == -1200);
  CHECK(rcu_seq_ctr(kInit) == (std::uint64_t{1} << 62) - 300);
  CHECK(rcu_seq_state(kInit) == 0);
  CHECK(RCU_SEQ_STATE_MASK == 3);
}

TEST_CASE("tree gp_seq: start, end and snap of an idle and of a busy counter") {
  std::uint64_t gp = kInit;
  CHECK(rcu_seq_snap(gp) == at(4));  // idle: the next grace period suffices
  CHECK(rcu_seq_start(gp));
  CHECK(gp == at(1));
  CHECK(rcu_seq_state(gp) == 1);
  CHECK(rcu_seq_snap(gp) == at(8));  // busy: the current one may have missed us
  CHECK(rcu_seq_endval(gp) == at(4));
  CHECK(rcu_seq_end(gp));
  CHECK(gp == at(4));
  CHECK(gp_seq_signed(gp) == -1196);
  CHECK(rcu_seq_current(gp) == gp);
  // The kernel WARNs on a double start or an end while idle; the value still moves.
  std::uint64_t bad = at(1);
  CHECK_FALSE(rcu_seq_start(bad));
  CHECK(bad == at(2));
  bad = at(4);
  CHECK_FALSE(rcu_seq_end(bad));
  CHECK(bad == at(8));
  std::uint64_t st = at(4);
  CHECK(rcu_seq_set_state(st, 2));
  CHECK(st == at(6));
  CHECK_FALSE(rcu_seq_set_state(st, 4));
}

TEST_CASE("tree gp_seq: done and started for snapshots") {
  const std::uint64_t s_idle = rcu_seq_snap(kInit);  // at(4)
  const std::uint64_t s_busy = rcu_seq_snap(at(1));  // at(8)
  CHECK_FALSE(rcu_seq_done(kInit, s_idle));
  CHECK_FALSE(rcu_seq_done(at(1), s_idle));
  CHECK(rcu_seq_done(at(4), s_idle));
  CHECK(rcu_seq_done(at(9), s_idle));
  CHECK_FALSE(rcu_seq_done(at(4), s_busy));
  CHECK(rcu_seq_done(at(8), s_busy));
  CHECK_FALSE(rcu_seq_started(kInit, s_idle));  // (s - 1) & ~3 == kInit
  CHECK(rcu_seq_started(at(1), s_idle));
  CHECK_FALSE(rcu_seq_started(at(4), s_busy));
  CHECK(rcu_seq_started(at(5), s_busy));
}

TEST_CASE("tree gp_seq: ULONG_CMP and done() across the wrap to zero") {
  CHECK(ULONG_CMP_GE(0, minus(4)));
  CHECK(ULONG_CMP_LT(minus(4), 0));
  CHECK_FALSE(ULONG_CMP_LT(0, minus(4)));
  CHECK(ULONG_CMP_GE(5, 5));
  std::uint64_t gp = minus(4);  // idle, one grace period before the wrap
  CHECK(rcu_seq_snap(gp) == 0);
  CHECK_FALSE(rcu_seq_done(gp, 0));
  rcu_seq_start(gp);
  CHECK(gp == minus(3));
  CHECK(rcu_seq_snap(gp) == 4);
  rcu_seq_end(gp);
  CHECK(gp == 0);
  CHECK(rcu_seq_done(gp, 0));
  CHECK(rcu_seq_done(gp, minus(4)));
  CHECK_FALSE(rcu_seq_done(gp, 4));
  CHECK(rcu_seq_completed_gp(minus(4), 0));
  CHECK(rcu_seq_new_gp(minus(4), minus(3)));
}

TEST_CASE("tree gp_seq: 300 grace periods from the initial value reach 0, each snapshot in turn") {
  std::uint64_t gp = kInit;
  for (int n = 0; n < 300; ++n) {
    const std::uint64_t s = rcu_seq_snap(gp);
    rcu_seq_start(gp);
    const std::uint64_t s_late = rcu_seq_snap(gp);
    REQUIRE_FALSE(rcu_seq_done(gp, s));
    rcu_seq_end(gp);
    REQUIRE(rcu_seq_done(gp, s));
    REQUIRE_FALSE(rcu_seq_done(gp, s_late));  // a snapshot taken mid-way needs one more
  }
  CHECK(gp == 0);
  CHECK(gp_seq_signed(gp) == 0);
}

TEST_CASE("tree gp_seq: completed_gp, new_gp and diff") {
  CHECK_FALSE(rcu_seq_completed_gp(kInit, at(1)));
  CHECK(rcu_seq_completed_gp(kInit, at(4)));
  CHECK(rcu_seq_completed_gp(at(1), at(4)));
  CHECK_FALSE(rcu_seq_completed_gp(at(4), at(5)));
  CHECK(rcu_seq_new_gp(kInit, at(1)));
  CHECK_FALSE(rcu_seq_new_gp(at(1), at(2)));  // same grace period, later state
  CHECK_FALSE(rcu_seq_new_gp(at(1), at(4)));
  CHECK(rcu_seq_new_gp(at(1), at(5)));
  CHECK(rcu_seq_diff(at(4), at(4)) == 0);
  CHECK(rcu_seq_diff(at(1), kInit) == 1);
  CHECK(rcu_seq_diff(at(4), kInit) == 2);
  CHECK(rcu_seq_diff(at(8), kInit) == 3);
  CHECK(rcu_seq_diff(4, minus(4)) == 3);  // across the wrap
}

// ---------------------------------------------------------------------------------------------
// rcu_cblist and rcu_segcblist

namespace {
constexpr std::uint64_t kJunk = 0x5a5a5a5a5a5a5a5aULL;  // next words start as garbage
using Segs = std::array<std::vector<Addr>, RCU_CBLIST_NSEGS>;

struct Lists {
  Heap h{Bytes{16 << 20}, true};
  rcu_segcblist l;
  Lists() { rcu_segcblist_init(l); }
  Addr cb() {
    const Addr a = h.kmalloc(kRcuHeadSize);
    h.write_u64(a + kRcuHeadNext, kJunk);
    return a;
  }
  std::vector<Addr> cbs(int n) {
    std::vector<Addr> v;
    for (int i = 0; i < n; ++i) v.push_back(cb());
    return v;
  }
  void ok(bool check_len = true) const {
    const std::string e = rcu_segcblist_check(h, l, check_len);
    INFO(e);
    REQUIRE(e.empty());
  }
  // Each segment's callbacks, read from the next words in the heap.
  Segs segs() const {
    ok(false);
    Segs out;
    Addr pos = 0;
    for (int seg = 0; seg < RCU_CBLIST_NSEGS; ++seg)
      while (pos != l.tails[seg]) out[seg].push_back(pos = load_next(h, pos, l.head));
    return out;
  }
  std::vector<Addr> walk(const rcu_cblist& c) const {
    std::vector<Addr> v;
    for (Addr p = c.head; p; p = h.read_u64(p + kRcuHeadNext)) v.push_back(p);
    return v;
  }
  void enqueue(const std::vector<Addr>& v) {
    for (Addr a : v) {
      rcu_segcblist_enqueue(h, l, a);
      ok();
    }
  }
};
}  // namespace

TEST_CASE("tree cblist: enqueue, dequeue and flush_enqueue link heap words") {
  Lists f;
  const auto c = f.cbs(4);
  rcu_cblist a;
  CHECK(rcu_cblist_check(f.h, a).empty());
  for (int i = 0; i < 3; ++i) {
    f.h.write_u64(c[i] + kRcuHeadNext, 0);  // __call_rcu_common() zeroes next first
    rcu_cblist_enqueue(f.h, a, c[i]);
    REQUIRE(rcu_cblist_check(f.h, a).empty());
  }
  CHECK(f.walk(a) == std::vector<Addr>{c[0], c[1], c[2]});
  CHECK(f.h.read_u64(c[0] + kRcuHeadNext) == c[1]);
  CHECK(rcu_cblist_n_cbs(a) == 3);
  CHECK(rcu_cblist_dequeue(f.h, a) == c[0]);
  CHECK(a.head == c[1]);
  CHECK(a.len == 2);
  REQUIRE(rcu_cblist_check(f.h, a).empty());

  rcu_cblist d;
  rcu_cblist_flush_enqueue(f.h, d, a, c[3]);
  CHECK(f.walk(d) == std::vector<Addr>{c[1], c[2]});
  CHECK(d.tail == c[2]);
  CHECK(f.walk(a) == std::vector<Addr>{c[3]});
  CHECK(f.h.read_u64(c[3] + kRcuHeadNext) == 0);
  REQUIRE(rcu_cblist_check(f.h, a).empty());
  REQUIRE(rcu_cblist_check(f.h, d).empty());
  rcu_cblist e;
  rcu_cblist_flush_enqueue(f.h, e, a, 0);
  CHECK(e.head == c[3]);
  CHECK(a.head == 0);
  CHECK(a.tail == 0);
  CHECK(a.len == 0);

  CHECK(rcu_cblist_dequeue(f.h, d) == c[1]);
  CHECK(rcu_cblist_dequeue(f.h, d) == c[2]);
  CHECK(d.tail == 0);
  CHECK(rcu_cblist_dequeue(f.h, d) == 0);
  CHECK(d.len == 0);
}

TEST_CASE("tree cblist: the checker finds a wrong len, tail or next word") {
  Lists f;
  const auto c = f.cbs(2);
  rcu_cblist a;
  for (Addr x : c) {
    f.h.write_u64(x + kRcuHeadNext, 0);
    rcu_cblist_enqueue(f.h, a, x);
  }
  rcu_cblist bad = a;
  bad.len = 3;
  CHECK_FALSE(rcu_cblist_check(f.h, bad).empty());
  bad = a;
  bad.tail = c[0];
  CHECK_FALSE(rcu_cblist_check(f.h, bad).empty());
  f.h.write_u64(c[1] + kRcuHeadNext, c[0]);  // a cycle
  CHECK_FALSE(rcu_cblist_check(f.h, a).empty());
}

TEST_CASE("tree segcblist: init gives an empty, enabled list") {
  Lists f;
  f.ok();
  CHECK(rcu_segcblist_empty(f.l));
  CHECK(rcu_segcblist_is_enabled(f.l));
  CHECK(rcu_segcblist_n_cbs(f.l) == 0);
  CHECK_FALSE(rcu_segcblist_ready_cbs(f.l));
  CHECK_FALSE(rcu_segcblist_pend_cbs(f.h, f.l));
  CHECK(rcu_segcblist_first_cb(f.l) == 0);
  CHECK(rcu_segcblist_first_pend_cb(f.h, f.l) == 0);
  CHECK_FALSE(rcu_segcblist_nextgp(f.h, f.l));
  for (int i = 0; i < RCU_CBLIST_NSEGS; ++i) {
    CHECK(rcu_segcblist_segempty(f.l, i));
    CHECK(rcu_segcblist_restempty(f.h, f.l, i));
  }
  CHECK(rcu_segcblist_disable(f.l));
  CHECK_FALSE(rcu_segcblist_is_enabled(f.l));
}

TEST_CASE("tree segcblist: enqueue links into NEXT through heap words") {
  Lists f;
  const auto c = f.cbs(3);
  f.enqueue(c);
  CHECK(f.segs() == Segs{{{}, {}, {}, {c[0], c[1], c[2]}}});
  CHECK(f.h.read_u64(c[0] + kRcuHeadNext) == c[1]);
  CHECK(f.h.read_u64(c[1] + kRcuHeadNext) == c[2]);
  CHECK(f.h.read_u64(c[2] + kRcuHeadNext) == 0);  // the junk was overwritten
  CHECK(f.l.len == 3);
  CHECK(f.l.seglen[RCU_NEXT_TAIL] == 3);
  CHECK(f.l.tails[RCU_NEXT_TAIL] == c[2]);
  CHECK(f.l.tails[RCU_NEXT_READY_TAIL] == 0);
  CHECK(rcu_segcblist_first_cb(f.l) == c[0]);
  CHECK(rcu_segcblist_first_pend_cb(f.h, f.l) == c[0]);
  CHECK(rcu_segcblist_pend_cbs(f.h, f.l));
  CHECK_FALSE(rcu_segcblist_ready_cbs(f.l));
  CHECK_FALSE(rcu_segcblist_segempty(f.l, RCU_NEXT_TAIL));
  CHECK(rcu_segcblist_segempty(f.l, RCU_WAIT_TAIL));
  CHECK_FALSE(rcu_segcblist_restempty(f.h, f.l, RCU_NEXT_READY_TAIL));
  CHECK(rcu_segcblist_restempty(f.h, f.l, RCU_NEXT_TAIL));
  CHECK_FALSE(rcu_segcblist_disable(f.l));  // the kernel WARNs here
}

TEST_CASE("tree segcblist: accelerate labels callbacks with the snapshot, as the kernel's loop") {
  Lists f;
  std::uint64_t gp = kInit;
  const auto c = f.cbs(6);
  CHECK_FALSE(rcu_segcblist_accelerate(f.h, f.l, rcu_seq_snap(gp)));  // empty
  f.enqueue({c[0], c[1], c[2]});
  // Idle: the snapshot is the next grace period; all of NEXT merges into WAIT.
  CHECK(rcu_segcblist_accelerate(f.h, f.l, rcu_seq_snap(gp)));
  f.ok();
  CHECK(f.segs() == Segs{{{}, {c[0], c[1], c[2]}, {}, {}}});
  CHECK(f.l.gp_seq[RCU_WAIT_TAIL] == at(4));
  CHECK(f.l.gp_seq[RCU_NEXT_READY_TAIL] == at(4));
  CHECK(rcu_segcblist_nextgp(f.h, f.l) == at(4));
  CHECK(f.l.seglen == std::array<long, 4>{0, 3, 0, 0});
  // Again with the same snapshot: no segment waits for less, so i stops at DONE and WAIT is
  // labelled again with the same value; the kernel returns true.
  CHECK(rcu_segcblist_accelerate(f.h, f.l, rcu_seq_snap(gp)));
  f.ok();
  CHECK(f.l.seglen == std::array<long, 4>{0, 3, 0, 0});

  rcu_seq_start(gp);  // at(1): new callbacks need the one after
  f.enqueue({c[3], c[4]});
  CHECK(rcu_segcblist_accelerate(f.h, f.l, rcu_seq_snap(gp)));
  f.ok();
  CHECK(f.segs() == Segs{{{}, {c[0], c[1], c[2]}, {c[3], c[4]}, {}}});
  CHECK(f.l.gp_seq[RCU_WAIT_TAIL] == at(4));
  CHECK(f.l.gp_seq[RCU_NEXT_READY_TAIL] == at(8));

  // Same snapshot again: NEXT_READY (at(8)) is not earlier than it, so NEXT joins it.
  f.enqueue({c[5]});
  CHECK(rcu_segcblist_accelerate(f.h, f.l, at(8)));
  f.ok();
  CHECK(f.segs() == Segs{{{}, {c[0], c[1], c[2]}, {c[3], c[4], c[5]}, {}}});
  CHECK(f.l.seglen == std::array<long, 4>{0, 3, 3, 0});
  // Nothing left in NEXT: restempty(i) returns false.
  CHECK_FALSE(rcu_segcblist_accelerate(f.h, f.l, at(12)));
}

TEST_CASE("tree segcblist: accelerate leaves NEXT alone when NEXT_READY waits for an earlier gp") {
  Lists f;
  const auto c = f.cbs(3);
  f.enqueue({c[0]});
  REQUIRE(rcu_segcblist_accelerate(f.h, f.l, at(4)));
  f.enqueue({c[1]});
  REQUIRE(rcu_segcblist_accelerate(f.h, f.l, at(8)));
  f.enqueue({c[2]});
  // i stops at NEXT_READY (at(8) < at(12)); ++i reaches RCU_NEXT_TAIL: return false.
  CHECK_FALSE(rcu_segcblist_accelerate(f.h, f.l, at(12)));
  f.ok();
  CHECK(f.segs() == Segs{{{}, {c[0]}, {c[1]}, {c[2]}}});
  CHECK(f.l.gp_seq[RCU_NEXT_READY_TAIL] == at(8));
  // A snapshot no later than NEXT_READY's lets NEXT merge into it.
  CHECK(rcu_segcblist_accelerate(f.h, f.l, at(8)));
  CHECK(f.segs() == Segs{{{}, {c[0]}, {c[1], c[2]}, {}}});
  // An older snapshot (at(4)) than WAIT's would relabel WAIT too: WAIT gets at(4), merges all.
  f.l.gp_seq[RCU_WAIT_TAIL] = at(8);
  f.l.gp_seq[RCU_NEXT_READY_TAIL] = at(12);
  CHECK(rcu_segcblist_accelerate(f.h, f.l, at(4)));
  f.ok();
  CHECK(f.segs() == Segs{{{}, {c[0], c[1], c[2]}, {}, {}}});
  CHECK(f.l.gp_seq[RCU_WAIT_TAIL] == at(4));
}

TEST_CASE("tree segcblist: advance moves completed segments to DONE and closes the gap") {
  Lists f;
  const auto c = f.cbs(6);
  f.enqueue({c[0], c[1], c[2]});
  REQUIRE(rcu_segcblist_accelerate(f.h, f.l, at(4)));
  f.enqueue({c[3], c[4]});
  REQUIRE(rcu_segcblist_accelerate(f.h, f.l, at(8)));
  f.enqueue({c[5]});  // stays unlabelled in NEXT

  rcu_segcblist_advance(f.h, f.l, at(1));  // before anything is done: no change
  f.ok();
  CHECK(f.segs() == Segs{{{}, {c[0], c[1], c[2]}, {c[3], c[4]}, {c[5]}}});

  rcu_segcblist_advance(f.h, f.l, at(4));
  f.ok();
  CHECK(f.segs() == Segs{{{c[0], c[1], c[2]}, {c[3], c[4]}, {}, {c[5]}}});
  CHECK(f.l.gp_seq[RCU_WAIT_TAIL] == at(8));
  CHECK(f.l.seglen == std::array<long, 4>{3, 2, 0, 1});
  CHECK(rcu_segcblist_ready_cbs(f.l));
  CHECK(rcu_segcblist_first_pend_cb(f.h, f.l) == c[3]);
  CHECK(rcu_segcblist_nextgp(f.h, f.l) == at(8));

  rcu_segcblist_advance(f.h, f.l, at(9));  // past at(8): WAIT joins DONE, NEXT stays
  f.ok();
  CHECK(f.segs() == Segs{{{c[0], c[1], c[2], c[3], c[4]}, {}, {}, {c[5]}}});
  CHECK(f.l.tails[RCU_WAIT_TAIL] == c[4]);
  CHECK(f.l.tails[RCU_NEXT_READY_TAIL] == c[4]);
}

TEST_CASE("tree segcblist: advance across the wrap of gp_seq") {
  Lists f;
  const auto c = f.cbs(1);
  f.enqueue(c);
  REQUIRE(rcu_segcblist_accelerate(f.h, f.l, rcu_seq_snap(minus(4))));
  CHECK(f.l.gp_seq[RCU_WAIT_TAIL] == 0);
  rcu_segcblist_advance(f.h, f.l, minus(4));
  rcu_segcblist_advance(f.h, f.l, minus(3));
  CHECK_FALSE(rcu_segcblist_ready_cbs(f.l));
  rcu_segcblist_advance(f.h, f.l, 0);
  f.ok();
  CHECK(f.segs() == Segs{{{c[0]}, {}, {}, {}}});
}

namespace {
// DONE [c0 c1 c2], WAIT [c3] waiting for at(8), NEXT [c4].
std::vector<Addr> done3_wait1_next1(Lists& f) {
  const auto c = f.cbs(5);
  f.enqueue({c[0], c[1], c[2]});
  rcu_segcblist_accelerate(f.h, f.l, at(4));
  f.enqueue({c[3]});
  rcu_segcblist_accelerate(f.h, f.l, at(8));
  rcu_segcblist_advance(f.h, f.l, at(4));
  f.enqueue({c[4]});
  REQUIRE(f.segs() == Segs{{{c[0], c[1], c[2]}, {c[3]}, {}, {c[4]}}});
  return c;
}
}  // namespace

TEST_CASE(
    "tree segcblist: extract_done then insert_done puts rcu_do_batch()'s leftovers in front") {
  Lists f;
  const auto c = done3_wait1_next1(f);
  rcu_cblist rcl;
  rcu_segcblist_extract_done_cbs(f.h, f.l, rcl);
  CHECK(f.walk(rcl) == std::vector<Addr>{c[0], c[1], c[2]});
  CHECK(rcl.len == 3);
  CHECK(rcl.tail == c[2]);
  CHECK(f.h.read_u64(c[2] + kRcuHeadNext) == 0);  // cut from c3 in the heap
  CHECK(rcu_cblist_check(f.h, rcl).empty());
  f.ok(false);  // ->len is only updated once the callbacks ran
  CHECK(f.segs() == Segs{{{}, {c[3]}, {}, {c[4]}}});
  CHECK(f.l.head == c[3]);
  CHECK(f.l.len == 5);
  CHECK(rcu_segcblist_n_segment_cbs(f.l) == 2);

  CHECK(rcu_cblist_dequeue(f.h, rcl) == c[0]);  // one invoked, two left over
  rcu_segcblist_add_len(f.l, -1);
  rcu_segcblist_insert_done_cbs(f.h, f.l, rcl);
  f.ok();
  CHECK(f.segs() == Segs{{{c[1], c[2]}, {c[3]}, {}, {c[4]}}});
  CHECK(f.h.read_u64(c[2] + kRcuHeadNext) == c[3]);
  CHECK(rcl.head == 0);
  CHECK(rcl.tail == 0);
  CHECK(rcl.len == 2);  // the kernel leaves rclp->len as it was

  Lists g;  // nothing ready: no change
  g.enqueue(g.cbs(1));
  rcu_cblist none;
  rcu_segcblist_extract_done_cbs(g.h, g.l, none);
  CHECK(none.head == 0);
  CHECK(none.len == 0);
  g.ok();
}

TEST_CASE("tree segcblist: insert_done moves only the tails that were at the head") {
  Lists f;
  const auto c = f.cbs(3);
  f.enqueue({c[0]});
  rcu_cblist rcl;
  for (Addr a : {c[1], c[2]}) {
    f.h.write_u64(a + kRcuHeadNext, 0);
    rcu_cblist_enqueue(f.h, rcl, a);
  }
  rcu_segcblist_insert_count(f.l, rcl);
  rcu_segcblist_insert_done_cbs(f.h, f.l, rcl);
  f.ok();
  CHECK(f.segs() == Segs{{{c[1], c[2]}, {}, {}, {c[0]}}});
  CHECK(f.l.tails == std::array<Addr, 4>{c[2], c[2], c[2], c[0]});

  Lists g;  // into an empty list every tail moves
  rcu_cblist one;
  const Addr a = g.cb();
  g.h.write_u64(a + kRcuHeadNext, 0);
  rcu_cblist_enqueue(g.h, one, a);
  rcu_segcblist_insert_count(g.l, one);
  rcu_segcblist_insert_done_cbs(g.h, g.l, one);
  g.ok();
  CHECK(g.l.tails == std::array<Addr, 4>{a, a, a, a});
  rcu_cblist empty;
  rcu_segcblist_insert_done_cbs(g.h, g.l, empty);  // nothing to move
  g.ok();
}

TEST_CASE("tree segcblist: extract_pend then insert_pend sends pending callbacks back to NEXT") {
  Lists f;
  const auto c = f.cbs(4);
  f.enqueue({c[0]});
  rcu_segcblist_accelerate(f.h, f.l, at(4));
  rcu_segcblist_advance(f.h, f.l, at(4));
  f.enqueue({c[1]});
  rcu_segcblist_accelerate(f.h, f.l, at(8));
  f.enqueue({c[2]});
  rcu_segcblist_accelerate(f.h, f.l, at(12));
  f.enqueue({c[3]});
  REQUIRE(f.segs() == Segs{{{c[0]}, {c[1]}, {c[2]}, {c[3]}}});

  rcu_cblist rcl;
  rcu_segcblist_extract_pend_cbs(f.h, f.l, rcl);
  CHECK(f.walk(rcl) == std::vector<Addr>{c[1], c[2], c[3]});
  CHECK(rcl.len == 3);
  CHECK(rcl.tail == c[3]);
  f.ok(false);
  CHECK(f.segs() == Segs{{{c[0]}, {}, {}, {}}});
  CHECK(f.h.read_u64(c[0] + kRcuHeadNext) == 0);
  CHECK_FALSE(rcu_segcblist_pend_cbs(f.h, f.l));

  rcu_segcblist_insert_pend_cbs(f.h, f.l, rcl);
  f.ok();  // len never changed
  CHECK(f.segs() == Segs{{{c[0]}, {}, {}, {c[1], c[2], c[3]}}});
  CHECK(f.h.read_u64(c[0] + kRcuHeadNext) == c[1]);

  rcu_cblist nothing;
  Lists g;
  const auto d = g.cbs(1);
  g.enqueue(d);
  rcu_segcblist_accelerate(g.h, g.l, at(4));
  rcu_segcblist_advance(g.h, g.l, at(4));
  rcu_segcblist_extract_pend_cbs(g.h, g.l, nothing);  // only DONE: nothing pends
  CHECK(nothing.head == 0);
  g.ok();
}

TEST_CASE("tree segcblist: entrain puts the barrier callback after the last non-empty segment") {
  SUBCASE("an empty list: false, no change") {
    Lists f;
    const Addr b = f.cb();
    CHECK_FALSE(rcu_segcblist_entrain(f.h, f.l, b));
    CHECK(f.l.len == 0);
    CHECK(f.h.read_u64(b + kRcuHeadNext) == kJunk);
  }
  SUBCASE("only NEXT: the barrier ends NEXT") {
    Lists f;
    const auto c = f.cbs(2);
    f.enqueue(c);
    const Addr b = f.cb();
    CHECK(rcu_segcblist_entrain(f.h, f.l, b));
    f.ok();
    CHECK(f.segs() == Segs{{{}, {}, {}, {c[0], c[1], b}}});
    CHECK(f.h.read_u64(b + kRcuHeadNext) == 0);
  }
  SUBCASE("DONE and WAIT: the barrier joins WAIT and its grace period") {
    Lists f;
    const auto c = f.cbs(4);
    f.enqueue({c[0], c[1], c[2]});
    rcu_segcblist_accelerate(f.h, f.l, at(4));
    rcu_segcblist_advance(f.h, f.l, at(4));
    f.enqueue({c[3]});
    rcu_segcblist_accelerate(f.h, f.l, at(8));
    REQUIRE(f.segs() == Segs{{{c[0], c[1], c[2]}, {c[3]}, {}, {}}});
    const Addr b = f.cb();
    CHECK(rcu_segcblist_entrain(f.h, f.l, b));
    f.ok();
    CHECK(f.segs() == Segs{{{c[0], c[1], c[2]}, {c[3], b}, {}, {}}});
    CHECK(f.l.tails == std::array<Addr, 4>{c[2], b, b, b});
    CHECK(f.l.seglen == std::array<long, 4>{3, 2, 0, 0});
  }
  SUBCASE("DONE and NEXT: the barrier ends NEXT") {
    Lists f;
    const auto c = f.cbs(2);
    f.enqueue({c[0]});
    rcu_segcblist_accelerate(f.h, f.l, at(4));
    rcu_segcblist_advance(f.h, f.l, at(4));
    f.enqueue({c[1]});
    const Addr b = f.cb();
    CHECK(rcu_segcblist_entrain(f.h, f.l, b));
    f.ok();
    CHECK(f.segs() == Segs{{{c[0]}, {}, {}, {c[1], b}}});
  }
  SUBCASE("callbacks counted but extracted (inside rcu_do_batch()): the barrier alone in DONE") {
    Lists f;
    const auto c = f.cbs(1);
    f.enqueue(c);
    rcu_segcblist_accelerate(f.h, f.l, at(4));
    rcu_segcblist_advance(f.h, f.l, at(4));
    rcu_cblist rcl;
    rcu_segcblist_extract_done_cbs(f.h, f.l, rcl);
    const Addr b = f.cb();
    CHECK(rcu_segcblist_entrain(f.h, f.l, b));
    f.ok(false);
    CHECK(f.segs() == Segs{{{b}, {}, {}, {}}});
    CHECK(f.l.len == 2);
  }
}

TEST_CASE("tree segcblist: merge moves done callbacks to the front and pending ones to NEXT") {
  Lists f;  // src and dst share one heap
  rcu_segcblist dst;
  rcu_segcblist_init(dst);
  const auto c = f.cbs(5);  // a b c for src, x y for dst
  f.enqueue({c[0]});
  rcu_segcblist_accelerate(f.h, f.l, at(4));
  rcu_segcblist_advance(f.h, f.l, at(4));
  f.enqueue({c[1]});
  rcu_segcblist_accelerate(f.h, f.l, at(8));
  f.enqueue({c[2]});
  rcu_segcblist_enqueue(f.h, dst, c[3]);
  rcu_segcblist_accelerate(f.h, dst, at(4));
  rcu_segcblist_advance(f.h, dst, at(4));
  rcu_segcblist_enqueue(f.h, dst, c[4]);

  rcu_segcblist_merge(f.h, dst, f.l);
  f.ok();
  CHECK(rcu_segcblist_empty(f.l));
  CHECK(f.l.len == 0);
  CHECK(rcu_segcblist_check(f.h, dst).empty());
  std::swap(f.l, dst);
  CHECK(f.segs() == Segs{{{c[0], c[3]}, {}, {}, {c[4], c[1], c[2]}}});
  CHECK(f.l.len == 5);
}

TEST_CASE("tree segcblist: the checker finds broken words, tails and counts") {
  Lists f;
  const auto c = done3_wait1_next1(f);
  f.ok();
  SUBCASE("seglen") {
    f.l.seglen[RCU_WAIT_TAIL] = 2;
    CHECK_FALSE(rcu_segcblist_check(f.h, f.l).empty());
  }
  SUBCASE("len") {
    f.l.len = 4;
    CHECK_FALSE(rcu_segcblist_check(f.h, f.l).empty());
    CHECK(rcu_segcblist_check(f.h, f.l, false).empty());
  }
  SUBCASE("a next word cut short") {
    f.h.write_u64(c[1] + kRcuHeadNext, 0);
    CHECK_FALSE(rcu_segcblist_check(f.h, f.l).empty());
  }
  SUBCASE("a callback after the NEXT tail") {
    const Addr extra = f.cb();
    f.h.write_u64(extra + kRcuHeadNext, 0);
    f.h.write_u64(c[4] + kRcuHeadNext, extra);
    CHECK_FALSE(rcu_segcblist_check(f.h, f.l).empty());
  }
  SUBCASE("tails out of order") {
    std::swap(f.l.tails[RCU_DONE_TAIL], f.l.tails[RCU_WAIT_TAIL]);
    CHECK_FALSE(rcu_segcblist_check(f.h, f.l).empty());
  }
  SUBCASE("a cycle") {
    f.h.write_u64(c[4] + kRcuHeadNext, c[0]);
    CHECK_FALSE(rcu_segcblist_check(f.h, f.l).empty());
  }
}

TEST_CASE(
    "tree segcblist: 1000 grace periods of one CPU, across the wrap: FIFO, full grace periods") {
  Lists f;
  Rng rng(1, 0);
  struct Info {
    long id;
    std::uint64_t snap;  // rcu_seq_snap() when queued: done() must hold when it runs
  };
  std::vector<std::pair<Addr, Info>> queued;  // by address; small, searched linearly
  auto info = [&](Addr a) {
    for (auto it = queued.begin(); it != queued.end(); ++it)
      if (it->first == a) {
        const Info i = it->second;
        queued.erase(it);
        return i;
      }
    FAIL("callback not queued");
    return Info{};
  };
  std::uint64_t gp = kInit;
  long next_id = 0, last_run = -1, ran = 0;
  int gps = 0;
  auto do_batch = [&](std::uint64_t limit) {
    rcu_cblist rcl;
    rcu_segcblist_extract_done_cbs(f.h, f.l, rcl);
    long count = 0;
    for (Addr a; static_cast<std::uint64_t>(count) < limit && (a = rcu_cblist_dequeue(f.h, rcl));) {
      const Info i = info(a);
      REQUIRE(i.id == last_run + 1);
      REQUIRE(rcu_seq_done(gp, i.snap));
      last_run = i.id;
      REQUIRE(f.h.kfree(a));
      ++count;
    }
    rcu_segcblist_add_len(f.l, -count);
    rcu_segcblist_insert_done_cbs(f.h, f.l, rcl);
    ran += count;
  };
  while (gps < 1000) {
    switch (rng.below(6)) {
      case 0:
      case 1: {
        const Addr a = f.cb();
        queued.push_back({a, Info{next_id++, rcu_seq_snap(gp)}});
        rcu_segcblist_enqueue(f.h, f.l, a);
        break;
      }
      case 2: rcu_segcblist_accelerate(f.h, f.l, rcu_seq_snap(gp)); break;
      case 3:
        if (rcu_seq_state(gp) == 0) {
          rcu_seq_start(gp);
        } else {
          rcu_seq_end(gp);
          ++gps;
        }
        break;
      case 4: rcu_segcblist_advance(f.h, f.l, gp); break;
      default: do_batch(rng.below(4)); break;
    }
    f.ok();
  }
  CHECK(gp_seq_signed(gp) > 0);                              // wrapped past zero
  for (int n = 0; n < 4 && rcu_segcblist_n_cbs(f.l); ++n) {  // drain: two GPs suffice
    rcu_segcblist_accelerate(f.h, f.l, rcu_seq_snap(gp));
    if (rcu_seq_state(gp) == 0) rcu_seq_start(gp);
    rcu_seq_end(gp);
    rcu_segcblist_advance(f.h, f.l, gp);
    do_batch(~std::uint64_t{0});
    f.ok();
  }
  CHECK(rcu_segcblist_n_cbs(f.l) == 0);
  CHECK(rcu_segcblist_empty(f.l));
  CHECK(ran == next_id);
  CHECK(next_id > 1000);
  CHECK(queued.empty());
}

// ---------------------------------------------------------------------------------------------
// rcu_node geometry

namespace {
// What every tree must satisfy, whatever its size.
void check_tree(const rcu_geometry& g) {
  REQUIRE(static_cast<int>(g.node.size()) == g.rcu_num_nodes);
  REQUIRE(static_cast<int>(g.mynode.size()) == g.nr_cpu_ids);
  const rcu_node_geometry& root = g.node[0];
  CHECK(root.parent == -1);
  CHECK(root.grplo == 0);
  CHECK(root.grphi == g.nr_cpu_ids - 1);
  std::vector<std::uint64_t> children(g.node.size(), 0);
  for (int n = 1; n < g.rcu_num_nodes; ++n) {
    const rcu_node_geometry& rnp = g.node[n];
    const rcu_node_geometry& up = g.node[rnp.parent];
    REQUIRE(rnp.level == up.level + 1);
    REQUIRE(up.grplo <= rnp.grplo);
    REQUIRE(rnp.grphi <= up.grphi);
    REQUIRE(rnp.grpmask == std::uint64_t{1} << rnp.grpnum);
    REQUIRE((children[rnp.parent] & rnp.grpmask) == 0);
    children[rnp.parent] |= rnp.grpmask;
  }
  for (int n = 0; n < g.rcu_num_nodes; ++n) {
    if (g.is_leaf(n)) {
      const auto& rnp = g.node[n];
      REQUIRE(std::popcount(rnp.qsmaskinit) == rnp.grphi - rnp.grplo + 1);
      REQUIRE(rnp.qsmaskinit == rnp.qsmaskinitnext);
    } else {
      REQUIRE(g.node[n].qsmaskinit == children[n]);
    }
  }
  for (int cpu = 0; cpu < g.nr_cpu_ids; ++cpu) {
    const auto& leaf = g.node[g.mynode[cpu]];
    REQUIRE(g.is_leaf(g.mynode[cpu]));
    REQUIRE(leaf.grplo <= cpu);
    REQUIRE(cpu <= leaf.grphi);
    REQUIRE((leaf.qsmaskinit & rcu_cpu_grpmask(g, cpu)) != 0);
  }
}
using Lv = std::array<int, RCU_NUM_LVLS>;
}  // namespace

TEST_CASE("tree geometry: 1 CPU is a single root that is also the leaf") {
  const auto g = rcu_init_geometry(1);
  check_tree(g);
  CHECK(g.rcu_num_lvls == 1);
  CHECK(g.rcu_num_nodes == 1);
  CHECK(g.levelspread[0] == 1);
  CHECK(g.first_leaf() == 0);
  CHECK(g.node[0].grpmask == 0);
  CHECK(g.node[0].qsmaskinit == 1);
  CHECK(g.mynode[0] == 0);
  CHECK(rcu_cpu_grpmask(g, 0) == 1);
}

TEST_CASE("tree geometry: 16 CPUs fill one leaf") {
  const auto g = rcu_init_geometry(16);
  check_tree(g);
  CHECK(g.rcu_capacity == Lv{16, 1024, 65536, 4194304});
  CHECK(g.rcu_num_lvls == 1);
  CHECK(g.rcu_num_nodes == 1);
  CHECK(g.levelspread[0] == 16);
  CHECK(g.node[0].grphi == 15);
  CHECK(g.node[0].qsmaskinit == 0xffff);
  CHECK(rcu_cpu_grpmask(g, 15) == 1u << 15);
}

TEST_CASE("tree geometry: 17 CPUs make two balanced leaves of 9 and 8") {
  const auto g = rcu_init_geometry(17);
  check_tree(g);
  CHECK(g.rcu_num_lvls == 2);
  CHECK(g.num_rcu_lvl == Lv{1, 2, 0, 0});
  CHECK(g.rcu_num_nodes == 3);
  CHECK(g.levelspread == Lv{2, 9, 0, 0});  // ceil(17 / 2): not 16 + 1
  CHECK(g.level == Lv{0, 1, 0, 0});
  CHECK(g.node[1].grplo == 0);
  CHECK(g.node[1].grphi == 8);
  CHECK(g.node[2].grplo == 9);
  CHECK(g.node[2].grphi == 16);
  CHECK(g.node[2].grpnum == 1);
  CHECK(g.node[2].grpmask == 2);
  CHECK(g.node[2].parent == 0);
  CHECK(g.node[0].qsmaskinit == 0x3);
  CHECK(g.node[1].qsmaskinit == 0x1ff);
  CHECK(g.node[2].qsmaskinit == 0xff);
  CHECK(g.mynode[8] == 1);
  CHECK(rcu_cpu_grpmask(g, 8) == 1u << 8);
  CHECK(g.mynode[9] == 2);
  CHECK(rcu_cpu_grpmask(g, 9) == 1);
  CHECK(rcu_cpu_grpmask(g, 16) == 1u << 7);
  CHECK(rcu_dump_rcu_node_tree(g) == " 0:16 ^0  \n 0:8 ^0  9:16 ^1  \n");
}

TEST_CASE("tree geometry: 64 CPUs are a root and 4 leaves of 16") {
  const auto g = rcu_init_geometry(64);
  check_tree(g);
  CHECK(g.rcu_num_lvls == 2);
  CHECK(g.num_rcu_lvl == Lv{1, 4, 0, 0});
  CHECK(g.rcu_num_nodes == 5);
  CHECK(g.levelspread == Lv{4, 16, 0, 0});
  for (int j = 0; j < 4; ++j) {
    CHECK(g.node[1 + j].grplo == 16 * j);
    CHECK(g.node[1 + j].grphi == 16 * j + 15);
    CHECK(g.node[1 + j].grpmask == std::uint64_t{1} << j);
    CHECK(g.node[1 + j].qsmaskinit == 0xffff);
  }
  CHECK(g.node[0].qsmaskinit == 0xf);
  CHECK(g.mynode[63] == 4);
  CHECK(rcu_cpu_grpmask(g, 63) == 1u << 15);
  CHECK(g.mynode[16] == 2);
  CHECK(rcu_cpu_grpmask(g, 16) == 1);
}

TEST_CASE("tree geometry: 1024 CPUs are a root over 64 leaves") {
  const auto g = rcu_init_geometry(1024);
  check_tree(g);
  CHECK(g.rcu_num_lvls == 2);
  CHECK(g.num_rcu_lvl == Lv{1, 64, 0, 0});
  CHECK(g.rcu_num_nodes == 65);
  CHECK(g.levelspread == Lv{64, 16, 0, 0});
  CHECK(g.node[0].qsmaskinit == ~std::uint64_t{0});
  CHECK(g.node[64].grplo == 1008);
  CHECK(g.node[64].grphi == 1023);
  CHECK(g.node[64].grpnum == 63);
  CHECK(g.node[64].grpmask == std::uint64_t{1} << 63);
  CHECK(g.mynode[1023] == 64);
  CHECK(rcu_cpu_grpmask(g, 1023) == 1u << 15);
  CHECK(g.mynode[500] == 1 + 500 / 16);
  CHECK(rcu_cpu_grpmask(g, 500) == 1u << (500 % 16));
}

TEST_CASE("tree geometry: 4096 CPUs are a root, 4 interior nodes and 256 leaves") {
  const auto g = rcu_init_geometry(4096);
  check_tree(g);
  CHECK(g.rcu_num_lvls == 3);
  CHECK(g.num_rcu_lvl == Lv{1, 4, 256, 0});
  CHECK(g.rcu_num_nodes == 261);
  CHECK(g.levelspread == Lv{4, 64, 16, 0});
  CHECK(g.level == Lv{0, 1, 5, 0});
  CHECK(g.node[1].grplo == 0);
  CHECK(g.node[1].grphi == 1023);
  CHECK(g.node[4].grplo == 3072);
  CHECK(g.node[4].grpnum == 3);
  CHECK(g.node[5].grphi == 15);
  CHECK(g.node[5].parent == 1);
  CHECK(g.node[69].grplo == 1024);  // the first leaf under node 2
  CHECK(g.node[69].parent == 2);
  CHECK(g.node[69].grpnum == 0);
  CHECK(g.node[260].grplo == 4080);
  CHECK(g.node[260].parent == 4);
  CHECK(g.node[260].grpnum == 63);
  CHECK(g.node[0].qsmaskinit == 0xf);
  CHECK(g.node[2].qsmaskinit == ~std::uint64_t{0});
  CHECK(g.node[100].qsmaskinit == 0xffff);
  CHECK(g.mynode[4095] == 260);
  CHECK(rcu_cpu_grpmask(g, 4095) == 1u << 15);
  CHECK(g.mynode[1040] == 70);
  CHECK(rcu_cpu_grpmask(g, 1040) == 1);
}

TEST_CASE("tree geometry: rcu_fanout_leaf 32 and rcu_fanout_exact") {
  const auto g = rcu_init_geometry(64, 32);
  check_tree(g);
  CHECK(g.rcu_capacity[1] == 2048);
  CHECK(g.num_rcu_lvl == Lv{1, 2, 0, 0});
  CHECK(g.levelspread == Lv{2, 32, 0, 0});
  CHECK(g.node[2].grplo == 32);
  CHECK(g.node[1].qsmaskinit == 0xffffffff);
  CHECK(g.node[0].qsmaskinit == 0x3);
  CHECK(rcu_cpu_grpmask(g, 40) == 1u << 8);

  const auto b = rcu_init_geometry(100, 32);  // balanced: 4 leaves of 25
  check_tree(b);
  CHECK(b.levelspread == Lv{4, 25, 0, 0});
  CHECK(b.node[4].grplo == 75);
  CHECK(rcu_dump_rcu_node_tree(b) == " 0:99 ^0  \n 0:24 ^0  25:49 ^1  50:74 ^2  75:99 ^3  \n");
  const auto e = rcu_init_geometry(100, 32, true);  // exact: 32 32 32 4
  check_tree(e);
  CHECK(e.levelspread == Lv{64, 32, 0, 0});
  CHECK(e.node[4].grplo == 96);
  CHECK(e.node[4].qsmaskinit == 0xf);
}

TEST_CASE("tree geometry: every size up to 1100 CPUs and a few larger make consistent trees") {
  for (int n = 1; n <= 1100; ++n) check_tree(rcu_init_geometry(n));
  for (int n : {2047, 2048, 2049, 65535, 65536, 65537}) check_tree(rcu_init_geometry(n));
  for (int n = 1; n <= 300; ++n) check_tree(rcu_init_geometry(n, 2));
  for (int n = 1; n <= 300; ++n) check_tree(rcu_init_geometry(n, 64, true));
  CHECK(rcu_init_geometry(65537).rcu_num_lvls == 4);
}

TEST_CASE("tree geometry: values the kernel rejects with a WARN are errors") {
  CHECK_THROWS_AS(rcu_init_geometry(0), std::invalid_argument);
  CHECK_THROWS_AS(rcu_init_geometry(16, 1), std::invalid_argument);
  CHECK_THROWS_AS(rcu_init_geometry(16, 65), std::invalid_argument);
  CHECK_THROWS_AS(rcu_init_geometry(4194305), std::invalid_argument);
  CHECK_NOTHROW(rcu_init_geometry(524288, 2));  // 2 * 64 * 64 * 64
  CHECK_THROWS_AS(rcu_init_geometry(524289, 2), std::invalid_argument);
  try {
    rcu_init_geometry(16, 65);
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("rcu_fanout_leaf") != std::string::npos);
  }
}

TEST_CASE("tree gp_seq: rcu_seq_done_exact() has no guard band") {
  // Done: the counter reached the snapshot, or lies more than one full grace period (plus the
  // state bits) behind it, which only a wrapped or stale snapshot can mean.
  CHECK(rcu_seq_done_exact(at(8), at(8)));
  CHECK(rcu_seq_done_exact(at(12), at(8)));
  CHECK_FALSE(rcu_seq_done_exact(at(4), at(8)));
  CHECK_FALSE(rcu_seq_done_exact(at(1), at(8)));  // 7 behind: not yet
  CHECK(rcu_seq_done_exact(at(0), at(8)));        // 8 behind: beyond 2 * 3 + 1
  CHECK_FALSE(rcu_seq_done(at(0), at(8)));        // where rcu_seq_done() says no
}
