#include "models/cache/predictor.hpp"

namespace rcusim {

IndirectPredictor::IndirectPredictor(std::uint32_t entries) : table_(entries), mask_(entries - 1) {}

bool IndirectPredictor::predict(Addr site, Addr target) {
  // Fold higher address bits in, so call sites a table-size apart do not always collide.
  Entry& e = table_[(site ^ (site >> 9) ^ (site >> 18)) & mask_];
  const bool hit = e.site == site && e.target == target;
  e.site = site;
  e.target = target;
  return hit;
}

}  // namespace rcusim
