#include "models/module/modules.hpp"

#include "models/kernel/kernel.hpp"
#include "models/rcu/rcu_head.hpp"

namespace rcusim {

void load_modules(Kernel& k, const std::vector<ModuleConfig>& modules) {
  for (const ModuleConfig& m : modules) {
    const int id = k.syms.add_module(m.name, 256);
    for (const CallbackConfig& c : m.callbacks) {
      Function f;
      f.name = c.name;
      f.size = static_cast<std::uint32_t>(c.size.bytes);
      const auto ssize = static_cast<std::uint32_t>(c.struct_size.bytes);
      f.head_offset = rcu_head_at_end(ssize);
      f.kind = c.kind == "trivial_kfree"        ? FnKind::trivial_kfree
               : c.kind == "trivial_cache_free" ? FnKind::trivial_cache_free
                                                : FnKind::nontrivial;
      if (f.kind == FnKind::trivial_cache_free)
        f.cache = k.heap.kmem_cache_create(c.name + "_cache", ssize);
      f.work = Cycles{c.work};
      k.syms.add_to_module(id, f);
    }
    k.syms.load(id);
  }
}

}  // namespace rcusim
