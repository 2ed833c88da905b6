#include "models/module/symbols.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <stdexcept>

#include "models/heap/layout.hpp"

namespace rcusim {
namespace {
constexpr Addr align_up(Addr a, Addr to) { return (a + to - 1) & ~(to - 1); }
// Modules are loaded into page-aligned vmalloc space with a guard page between them.
constexpr std::uint64_t kModuleGap = layout::kPageSize;
}  // namespace

Symbols::Symbols() : kernel_next_(layout::kKernelText), module_next_(layout::kModulesVaddr) {}

void Symbols::index(std::uint32_t id) {
  const auto pos = std::lower_bound(by_addr_.begin(), by_addr_.end(), fns_[id].addr,
                                    [&](std::uint32_t f, Addr a) { return fns_[f].addr < a; });
  by_addr_.insert(pos, id);
  // Grown at a quarter full, rebuilt in id order: of functions sharing an address the first
  // added keeps the slot.
  if (4 * fns_.size() > entries_.size()) {
    entries_.assign(4 * entries_.size(), Entry{});
    for (std::uint32_t f = 0; f < id; ++f) add_entry(f);
  }
  add_entry(id);
}

void Symbols::add_entry(std::uint32_t id) {
  const Addr a = fns_[id].addr;
  std::size_t i = entry_slot(a);
  while (entries_[i].addr && entries_[i].addr != a) i = (i + 1) & (entries_.size() - 1);
  if (!entries_[i].addr) entries_[i] = {a, id};
}

std::uint32_t Symbols::add_kernel(Function f) {
  f.module = -1;
  f.addr = align_up(kernel_next_, 16);
  kernel_next_ = f.addr + f.size;
  fns_.push_back(std::move(f));
  const auto id = static_cast<std::uint32_t>(fns_.size() - 1);
  index(id);
  return id;
}

int Symbols::add_module(const std::string& name, std::uint64_t stride) {
  Module m;
  m.name = name;
  m.base = module_next_;
  modules_.push_back(std::move(m));
  module_stride_.push_back(stride);
  return static_cast<int>(modules_.size() - 1);
}

std::uint32_t Symbols::add_to_module(int module, Function f) {
  Module& m = modules_[static_cast<std::size_t>(module)];
  if (static_cast<std::size_t>(module) + 1 != modules_.size())
    throw std::logic_error("functions are added to the most recently created module");
  const std::uint64_t stride = std::max<std::uint64_t>(module_stride_[module], f.size);
  f.module = module;
  f.addr = align_up(m.base + m.size, 16);
  m.size = f.addr - m.base + stride;
  module_next_ = align_up(m.base + m.size, layout::kPageSize) + kModuleGap;
  fns_.push_back(std::move(f));
  const auto id = static_cast<std::uint32_t>(fns_.size() - 1);
  m.functions.push_back(id);
  index(id);
  return id;
}

void Symbols::load(int module) { modules_[static_cast<std::size_t>(module)].loaded = true; }
void Symbols::unload(int module) { modules_[static_cast<std::size_t>(module)].loaded = false; }

std::optional<std::uint32_t> Symbols::find(const std::string& name) const {
  for (std::uint32_t i = 0; i < fns_.size(); ++i)
    if (fns_[i].name == name) return i;
  return std::nullopt;
}

std::uint32_t Symbols::id_of(const std::string& name) const {
  if (auto id = find(name)) return *id;
  throw std::logic_error("unknown simulated function " + name);
}

std::optional<int> Symbols::find_module(const std::string& name) const {
  for (std::size_t i = 0; i < modules_.size(); ++i)
    if (modules_[i].name == name) return static_cast<int>(i);
  return std::nullopt;
}

std::optional<std::uint32_t> Symbols::resolve_any(Addr a) const {
  auto it = std::upper_bound(by_addr_.begin(), by_addr_.end(), a,
                             [&](Addr x, std::uint32_t f) { return x < fns_[f].addr; });
  if (it == by_addr_.begin()) return std::nullopt;
  const std::uint32_t id = *--it;
  if (a >= fns_[id].addr + fns_[id].size) return std::nullopt;
  return id;
}

std::optional<std::uint32_t> Symbols::resolve(Addr a) const {
  auto id = resolve_any(a);
  if (id && unloaded(fns_[*id])) return std::nullopt;
  return id;
}

std::string Symbols::symbolize(Addr a) const {
  auto id = resolve_any(a);
  if (!id) return fmt::format("0x{:x}", a);
  const Function& f = fns_[*id];
  std::string s = fmt::format("{}+0x{:x}/0x{:x}", f.name, a - f.addr, f.size);
  if (f.module >= 0) s += fmt::format(" [{}]", modules_[f.module].name);
  return s;
}

}  // namespace rcusim
