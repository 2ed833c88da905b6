// The rcu_node tree's shape: include/linux/rcu_node_tree.h (RCU_FANOUT*), kernel/rcu/rcu.h
// (rcu_init_levelspread()) and kernel/rcu/tree.c (rcu_init_geometry(), rcu_init_one(),
// rcu_init_new_rnp(), leaf_node_cpu_bit() of tree.h), Linux v6.6. Only the geometry fields of
// struct rcu_node; the flavor's rcu_node adds the grace-period state beside them.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rcusim::tree {

inline constexpr int RCU_FANOUT = 64;       // CONFIG_RCU_FANOUT's default on 64-bit
inline constexpr int RCU_FANOUT_LEAF = 16;  // CONFIG_RCU_FANOUT_LEAF's default
inline constexpr int RCU_NUM_LVLS = 4;      // the deepest tree rcu_node_tree.h builds

struct rcu_node_geometry {
  int level = 0;                     // 0 = root
  int grplo = 0, grphi = 0;          // CPUs covered
  std::uint8_t grpnum = 0;           // bit number in the parent's masks
  std::uint64_t grpmask = 0;         // BIT(grpnum); 0 for the root
  int parent = -1;                   // index into node[]; -1 for the root
  std::uint64_t qsmaskinit = 0;      // every CPU online, after the first rcu_gp_init()
  std::uint64_t qsmaskinitnext = 0;  // leaves: every CPU's bit after rcu_cpu_starting()
};

struct rcu_geometry {
  int nr_cpu_ids = 0;
  int rcu_fanout_leaf = RCU_FANOUT_LEAF;
  bool rcu_fanout_exact = false;
  std::array<int, RCU_NUM_LVLS> rcu_capacity{};  // CPUs a tree of i + 1 levels can hold
  int rcu_num_lvls = 0;
  std::array<int, RCU_NUM_LVLS> num_rcu_lvl{};  // nodes per level, root first
  int rcu_num_nodes = 0;
  std::array<int, RCU_NUM_LVLS> levelspread{};  // children per node of level i (0 unused)
  std::array<int, RCU_NUM_LVLS> level{};        // rcu_state.level[i]: its first node's index
  std::vector<rcu_node_geometry> node;          // rcu_state.node[], breadth first
  std::vector<int> mynode;                      // per CPU: rdp->mynode's index

  int first_leaf() const { return level[rcu_num_lvls - 1]; }  // rcu_first_leaf_node()
  bool is_leaf(int n) const { return node[n].level == rcu_num_lvls - 1; }
};

// The geometry for nr_cpu_ids CPUs (rcu_init_geometry() then rcu_init_one(), all CPUs online).
// Throws std::invalid_argument naming the parameter where the kernel would WARN and fall back
// (rcu_fanout_leaf outside 2..64, more CPUs than RCU_NUM_LVLS levels hold, no CPU).
rcu_geometry rcu_init_geometry(int nr_cpu_ids, int rcu_fanout_leaf = RCU_FANOUT_LEAF,
                               bool rcu_fanout_exact = false);

inline std::uint64_t leaf_node_cpu_bit(const rcu_node_geometry& rnp, int cpu) {
  return std::uint64_t{1} << (cpu - rnp.grplo);
}
// rdp->grpmask = leaf_node_cpu_bit(rdp->mynode, cpu) (rcutree_prepare_cpu()).
inline std::uint64_t rcu_cpu_grpmask(const rcu_geometry& g, int cpu) {
  return leaf_node_cpu_bit(g.node[g.mynode[cpu]], cpu);
}

// rcu_dump_rcu_node_tree()'s text: one line per level of "grplo:grphi ^grpnum  ".
std::string rcu_dump_rcu_node_tree(const rcu_geometry& g);

}  // namespace rcusim::tree
