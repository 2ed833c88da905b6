#include "models/cache/directory.hpp"

namespace rcusim {

Directory::Fill Directory::fill(int cpu, std::uint64_t line, bool ask_elsewhere) {
  std::uint64_t& w = lines_[line];
  Fill f;
  if (Holders::modified(w)) {
    // The owner supplies the line if it still has it. If it is gone from the owner's caches, it
    // was written back; that includes `cpu` itself refilling a line it wrote and then evicted.
    if (const int owner = holders_.owner(w); owner != cpu && copies_.holds(owner, line)) {
      copies_.downgrade(owner, line);  // supplies the data and keeps a shared copy
      f.from_owner = true;
    }
    w = Holders::clean(w);  // writebacks cost nothing here
  }
  if (ask_elsewhere && !f.from_owner)
    f.held_elsewhere = holders_.any(w, [&](int h) { return h != cpu && copies_.holds(h, line); });
  w = holders_.add(w, cpu, [&](int h) { return copies_.holds(h, line); });
  return f;
}

void Directory::write(int cpu, std::uint64_t line) {
  std::uint64_t& w = lines_[line];
  holders_.any(w, [&](int h) {
    if (h != cpu) copies_.drop(h, line);
    return false;
  });
  w = holders_.owned_by(cpu);
}

}  // namespace rcusim
