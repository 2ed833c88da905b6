// rcu_node tree geometry: kernel/rcu/tree.c (rcu_init_geometry(), rcu_init_one()) and
// kernel/rcu/rcu.h (rcu_init_levelspread()), Linux v6.6.
#include "models/rcu/tree/geometry.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace rcusim::tree {

namespace {

// rcu_init_geometry()'s tree sizing, kernel/rcu/tree.c, v6.6.
void size_tree(rcu_geometry& g) {
  if (g.nr_cpu_ids < 1) throw std::invalid_argument("nr_cpu_ids: must be at least 1");
  if (g.rcu_fanout_leaf < 2 || g.rcu_fanout_leaf > 64)
    throw std::invalid_argument(
        fmt::format("rcu_fanout_leaf: {} is outside 2..64", g.rcu_fanout_leaf));
  g.rcu_capacity[0] = g.rcu_fanout_leaf;
  for (int i = 1; i < RCU_NUM_LVLS; i++) g.rcu_capacity[i] = g.rcu_capacity[i - 1] * RCU_FANOUT;
  if (g.nr_cpu_ids > g.rcu_capacity[RCU_NUM_LVLS - 1])
    throw std::invalid_argument(fmt::format("nr_cpu_ids: {} CPUs exceed the {} that {} levels hold",
                                            g.nr_cpu_ids, g.rcu_capacity[RCU_NUM_LVLS - 1],
                                            RCU_NUM_LVLS));
  int i;
  for (i = 0; g.nr_cpu_ids > g.rcu_capacity[i]; i++) {}
  g.rcu_num_lvls = i + 1;
  for (i = 0; i < g.rcu_num_lvls; i++) {
    const int cap = g.rcu_capacity[(g.rcu_num_lvls - 1) - i];
    g.num_rcu_lvl[i] = (g.nr_cpu_ids + cap - 1) / cap;  // DIV_ROUND_UP
  }
  g.rcu_num_nodes = 0;
  for (i = 0; i < g.rcu_num_lvls; i++) g.rcu_num_nodes += g.num_rcu_lvl[i];
}

// rcu_init_levelspread(), kernel/rcu/rcu.h, v6.6: balanced unless rcu_fanout_exact.
void init_levelspread(rcu_geometry& g) {
  if (g.rcu_fanout_exact) {
    g.levelspread[g.rcu_num_lvls - 1] = g.rcu_fanout_leaf;
    for (int i = g.rcu_num_lvls - 2; i >= 0; i--) g.levelspread[i] = RCU_FANOUT;
    return;
  }
  int cprv = g.nr_cpu_ids;
  for (int i = g.rcu_num_lvls - 1; i >= 0; i--) {
    const int ccur = g.num_rcu_lvl[i];
    g.levelspread[i] = (cprv + ccur - 1) / ccur;
    cprv = ccur;
  }
}

// rcu_init_one()'s node loop, kernel/rcu/tree.c, v6.6: leaves first, stride growing upward.
void init_nodes(rcu_geometry& g) {
  for (int i = 1; i < g.rcu_num_lvls; i++) g.level[i] = g.level[i - 1] + g.num_rcu_lvl[i - 1];
  g.node.assign(static_cast<std::size_t>(g.rcu_num_nodes), rcu_node_geometry{});
  int cpustride = 1;
  for (int i = g.rcu_num_lvls - 1; i >= 0; i--) {
    cpustride *= g.levelspread[i];
    for (int j = 0; j < g.num_rcu_lvl[i]; j++) {
      rcu_node_geometry& rnp = g.node[static_cast<std::size_t>(g.level[i] + j)];
      rnp.grplo = j * cpustride;
      rnp.grphi = (j + 1) * cpustride - 1;
      if (rnp.grphi >= g.nr_cpu_ids) rnp.grphi = g.nr_cpu_ids - 1;
      if (i > 0) {
        rnp.grpnum = static_cast<std::uint8_t>(j % g.levelspread[i - 1]);
        rnp.grpmask = std::uint64_t{1} << rnp.grpnum;
        rnp.parent = g.level[i - 1] + j / g.levelspread[i - 1];
      }
      rnp.level = i;
    }
  }
  g.mynode.resize(static_cast<std::size_t>(g.nr_cpu_ids));
  int rnp = g.first_leaf();
  for (int cpu = 0; cpu < g.nr_cpu_ids; cpu++) {
    while (cpu > g.node[rnp].grphi) rnp++;
    g.mynode[cpu] = rnp;
  }
}

// Every CPU online: rcu_cpu_starting() sets each CPU's bit in its leaf's qsmaskinitnext, the
// first rcu_gp_init() copies it to qsmaskinit and, for a leaf going from 0, rcu_init_new_rnp()
// sets its grpmask upward until a node already had bits.
void init_online(rcu_geometry& g) {
  for (int cpu = 0; cpu < g.nr_cpu_ids; cpu++) {
    rcu_node_geometry& leaf = g.node[g.mynode[cpu]];
    leaf.qsmaskinitnext |= leaf_node_cpu_bit(leaf, cpu);
  }
  for (int n = g.first_leaf(); n < g.rcu_num_nodes; n++) {
    rcu_node_geometry& leaf = g.node[n];
    const bool was_empty = leaf.qsmaskinit == 0;
    leaf.qsmaskinit = leaf.qsmaskinitnext;
    if (!was_empty || !leaf.qsmaskinit) continue;
    for (int c = n; g.node[c].parent >= 0; c = g.node[c].parent) {  // rcu_init_new_rnp()
      rcu_node_geometry& parent = g.node[g.node[c].parent];
      const std::uint64_t oldmask = parent.qsmaskinit;
      parent.qsmaskinit |= g.node[c].grpmask;
      if (oldmask) break;
    }
  }
}

}  // namespace

rcu_geometry rcu_init_geometry(int nr_cpu_ids, int rcu_fanout_leaf, bool rcu_fanout_exact) {
  rcu_geometry g;
  g.nr_cpu_ids = nr_cpu_ids;
  g.rcu_fanout_leaf = rcu_fanout_leaf;
  g.rcu_fanout_exact = rcu_fanout_exact;
  size_tree(g);
  init_levelspread(g);
  init_nodes(g);
  init_online(g);
  return g;
}

std::string rcu_dump_rcu_node_tree(const rcu_geometry& g) {
  std::string out = " ";
  int level = 0;
  for (const rcu_node_geometry& rnp : g.node) {
    if (rnp.level != level) {
      out += "\n ";
      level = rnp.level;
    }
    out += fmt::format("{}:{} ^{}  ", rnp.grplo, rnp.grphi, rnp.grpnum);
  }
  return out + "\n";
}

}  // namespace rcusim::tree
