#include "models/cache/directory.hpp"

namespace rcusim {

Directory::Fill Directory::fill(int cpu, std::uint64_t line, bool ask_elsewhere) {
  LineTable::Line& l = lines_[line];
  Fill f;
  if (l.writer != 0) {
    // The writer supplies the line if it still has it. If it is gone from the writer's caches,
    // it was written back; that includes `cpu` itself refilling a line it wrote and evicted.
    if (const int owner = static_cast<int>(l.writer - 1);
        owner != cpu && copies_.holds(owner, line)) {
      copies_.downgrade(owner, line);  // supplies the data and keeps a shared copy
      f.from_owner = true;
    }
    l.writer = 0;  // writebacks cost nothing here
  }
  if (ask_elsewhere && !f.from_owner) {
    prefetch_copies(l.holders, cpu, line);
    f.held_elsewhere =
        holders_.any(l.holders, [&](int h) { return h != cpu && copies_.holds(h, line); });
  }
  l.holders = holders_.add(l.holders, cpu, [&](int h) { return copies_.holds(h, line); });
  return f;
}

void Directory::write(int cpu, std::uint64_t line) {
  LineTable::Line& l = lines_[line];
  prefetch_copies(l.holders, cpu, line);
  holders_.any(l.holders, [&](int h) {
    if (h != cpu) copies_.drop(h, line);
    return false;
  });
  l.holders = holders_.only(cpu);
  l.writer = static_cast<std::uint32_t>(cpu) + 1;
}

// Each member's copies are in tag arrays the host has likely evicted: their misses overlap.
void Directory::prefetch_copies(std::uint64_t holders, int cpu, std::uint64_t line) const {
  holders_.any(holders, [&](int h) {
    if (h != cpu) copies_.prefetch(h, line);
    return false;
  });
}

}  // namespace rcusim
