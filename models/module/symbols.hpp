// Kernel and module text: every simulated function has a name, an address, a size, an owner
// and a behaviour. __rcu_reclaim() dispatches a callback by looking up the address it read from
// the rcu_head; an address in an unloaded module's text resolves to nothing, and the caller
// oopses, as the CPU would fault on the unmapped page.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/base/units.hpp"

namespace rcusim {

// What a simulated function does when called as an RCU callback.
enum class FnKind : std::uint8_t {
  core,                // kernel code that is never an RCU callback (rcu_do_batch, kfree ...)
  trivial_kfree,       // container_of() + kfree(): what kfree_rcu() replaces
  trivial_cache_free,  // container_of() + kmem_cache_free()
  nontrivial,          // does real work on the object, then kfree()
  barrier_callback,    // rcu_barrier_callback(): atomic_dec_and_test() + complete()
  rcu_work,            // rcu_work_rcufn(): queues a batched kfree_rcu()'s work (v5.6 on)
  // A module's callback with a bug, so that the heap's BUG checks can be shown to end a run:
  double_free,       // kfree() twice
  invalid_free,      // kfree() of a pointer inside the object
  wrong_cache_free,  // kmem_cache_free() of a kmalloc() object into the module's own cache
  write_after_free,  // kfree(), then a store into the freed object (found at reallocation)
};

struct Function {
  std::string name;
  Addr addr = 0;
  std::uint32_t size = 0;
  int module = -1;  // -1: built into the kernel
  FnKind kind = FnKind::core;
  std::uint32_t head_offset = 0;  // container_of(): offset of the rcu_head in its struct
  std::uint32_t cache = 0;        // for trivial_cache_free: the kmem_cache it frees into
  Cycles work{0};                 // for nontrivial: cycles of its own work
};

struct Module {
  std::string name;
  Addr base = 0;
  std::uint64_t size = 0;
  bool loaded = false;
  std::vector<std::uint32_t> functions;
};

class Symbols {
 public:
  Symbols();
  // Places a kernel function at the next free spot of kernel text (16-byte aligned).
  std::uint32_t add_kernel(Function f);
  // Creates a module; its functions are placed one after another, `stride` bytes apart.
  int add_module(const std::string& name, std::uint64_t stride);
  std::uint32_t add_to_module(int module, Function f);
  void load(int module);
  void unload(int module);

  const Function& fn(std::uint32_t id) const { return fns_[id]; }
  Function& fn(std::uint32_t id) { return fns_[id]; }
  std::uint32_t id_of(const std::string& name) const;  // throws if unknown
  std::optional<std::uint32_t> find(const std::string& name) const;
  const Module& module(int m) const { return modules_[static_cast<std::size_t>(m)]; }
  int module_count() const { return static_cast<int>(modules_.size()); }
  std::optional<int> find_module(const std::string& name) const;

  // The mapped function whose text contains `a`, if any.
  std::optional<std::uint32_t> resolve(Addr a) const;
  // resolve(a) if `a` is that function's first byte, else nothing: how __rcu_reclaim() checks
  // the func word of every callback, so a hash probe rather than resolve()'s binary search.
  std::optional<std::uint32_t> resolve_entry(Addr a) const {
    for (std::size_t i = entry_slot(a);; i = (i + 1) & (entries_.size() - 1)) {
      const Entry& e = entries_[i];
      if (e.addr == a && a) {
        const Function& f = fns_[e.id];
        if (!f.size || unloaded(f)) return std::nullopt;
        return e.id;
      }
      if (!e.addr) return std::nullopt;
    }
  }
  // The function whose text contains `a`, mapped or not (for oops reports).
  std::optional<std::uint32_t> resolve_any(Addr a) const;
  // "name+0x10/0x60 [module]" in the style of the kernel's %pS.
  std::string symbolize(Addr a) const;
  std::size_t size() const { return fns_.size(); }

 private:
  std::vector<Function> fns_;
  std::vector<Module> modules_;
  std::vector<std::uint64_t> module_stride_;
  std::vector<std::uint32_t> by_addr_;  // function ids sorted by address
  // Entry address -> function id, open addressing (addr 0 = empty slot, at most a quarter full).
  // Of functions sharing an address the first added, the one resolve_any() picks.
  struct Entry {
    Addr addr = 0;
    std::uint32_t id = 0;
  };
  std::vector<Entry> entries_{Entry{}};
  std::size_t entry_slot(Addr a) const {
    return static_cast<std::size_t>(((a >> 4) * 0x9e3779b97f4a7c15ULL) >> 32) &
           (entries_.size() - 1);
  }
  Addr kernel_next_;
  Addr module_next_;
  void index(std::uint32_t id);
  void add_entry(std::uint32_t id);
  // Module text gone: its addresses resolve to nothing mapped.
  bool unloaded(const Function& f) const {
    return f.module >= 0 && !modules_[static_cast<std::size_t>(f.module)].loaded;
  }
};

}  // namespace rcusim
