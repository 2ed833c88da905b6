#include "models/module/modules.hpp"

#include "models/kernel/kernel.hpp"
#include "models/rcu/rcu_head.hpp"

namespace rcusim {
namespace {

FnKind kind_of(const std::string& kind) {
  static const std::pair<const char*, FnKind> kinds[] = {
      {"trivial_kfree", FnKind::trivial_kfree},
      {"trivial_cache_free", FnKind::trivial_cache_free},
      {"nontrivial", FnKind::nontrivial},
      {"double_free", FnKind::double_free},
      {"invalid_free", FnKind::invalid_free},
      {"wrong_cache_free", FnKind::wrong_cache_free},
      {"write_after_free", FnKind::write_after_free}};
  for (const auto& [name, k] : kinds)
    if (kind == name) return k;
  return FnKind::nontrivial;  // the scenario reader admits only the names above
}

}  // namespace

void load_modules(Kernel& k, const std::vector<ModuleConfig>& modules) {
  for (const ModuleConfig& m : modules) {
    const int id = k.syms.add_module(m.name, 256);
    for (const CallbackConfig& c : m.callbacks) {
      Function f;
      f.name = c.name;
      f.size = static_cast<std::uint32_t>(c.size.bytes);
      const auto ssize = static_cast<std::uint32_t>(c.struct_size.bytes);
      f.head_offset = rcu_head_at_end(ssize);
      f.kind = kind_of(c.kind);
      if (f.kind == FnKind::trivial_cache_free || f.kind == FnKind::wrong_cache_free)
        f.cache = k.heap.kmem_cache_create(c.name + "_cache", ssize);
      f.work = Cycles{c.work};
      k.syms.add_to_module(id, f);
    }
    k.syms.load(id);
  }
}

}  // namespace rcusim
