#include "models/cache/directory.hpp"

namespace rcusim {

Directory::Fill Directory::fill(int cpu, std::uint64_t line, bool ask_elsewhere) {
  std::uint64_t& w = lines_[line];
  Fill f;
  if (holders_.modified(w)) {
    // The writer supplies the line if it still has it. If it is gone from the writer's caches,
    // it was written back; that includes `cpu` itself refilling a line it wrote and evicted.
    if (const int owner = holders_.owner(w); owner != cpu && copies_.share(owner, line))
      f.from_owner = true;
    w = holders_.clean(w);  // writebacks cost nothing here
  }
  if (ask_elsewhere && !f.from_owner) {
    prefetch_copies(w, cpu, line);
    f.held_elsewhere = holders_.any(w, [&](int h) { return h != cpu && copies_.holds(h, line); });
  }
  w = holders_.add(w, cpu, [&](int h) { return copies_.holds(h, line); });
  return f;
}

void Directory::write(int cpu, std::uint64_t line) {
  std::uint64_t& w = lines_[line];
  prefetch_copies(w, cpu, line);
  holders_.any(w, [&](int h) {
    if (h != cpu) copies_.drop(h, line);
    return false;
  });
  w = holders_.owned_by(cpu);
}

void Directory::prefetch_writer(int cpu, std::uint64_t line) {
  const std::uint64_t* w = lines_.peek(line);
  if (w == nullptr || !holders_.modified(*w)) return;
  if (const int owner = holders_.owner(*w); owner != cpu) copies_.prefetch(owner, line);
}

// Each member's copies are in tag arrays the host has likely evicted: their misses overlap.
void Directory::prefetch_copies(std::uint64_t holders, int cpu, std::uint64_t line) const {
  holders_.any(holders, [&](int h) {
    if (h != cpu) copies_.prefetch(h, line);
    return false;
  });
}

}  // namespace rcusim
