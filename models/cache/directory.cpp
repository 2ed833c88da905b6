#include "models/cache/directory.hpp"

namespace rcusim {

Directory::Fill Directory::fill(int cpu, std::uint64_t line, bool ask_elsewhere) {
  std::uint64_t& w = entry(line);
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
  std::uint64_t& w = entry(line);
  holders_.any(w, [&](int h) {
    if (h != cpu) copies_.drop(h, line);
    return false;
  });
  w = holders_.owned_by(cpu);
}

std::uint64_t& Directory::entry(std::uint64_t line) {
  if (std::uint64_t* w = lines_.find(line)) return *w;
  if (lines_.crowded()) {
    // Drop the lines nobody holds any more; grow if over a quarter of the table stays taken, so
    // at least a quarter of it fills with new lines between two rebuilds.
    lines_.rebuild(lines_.capacity(),
                   [&](std::uint64_t l, std::uint64_t& w) { return prune(l, w); });
    if (4 * lines_.size() > lines_.capacity())
      lines_.rebuild(2 * lines_.capacity(), [](std::uint64_t, std::uint64_t&) { return true; });
  }
  return lines_[line];
}

bool Directory::prune(std::uint64_t line, std::uint64_t& w) {
  auto holds = [&](int h) { return copies_.holds(h, line); };
  std::uint64_t live = 0;
  holders_.any(w, [&](int h) {
    if (holds(h)) live = holders_.add(live, h, holds);
    return false;
  });
  if (Holders::modified(w) && holds(holders_.owner(w))) live = Holders::dirty(live);
  w = live;
  return live != 0;
}

}  // namespace rcusim
