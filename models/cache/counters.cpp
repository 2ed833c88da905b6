#include "models/cache/counters.hpp"

namespace rcusim {

std::string_view to_string(CacheLevel l) {
  switch (l) {
    case CacheLevel::l1i: return "l1i";
    case CacheLevel::l1d: return "l1d";
    case CacheLevel::l2: return "l2";
    case CacheLevel::llc: return "llc";
    case CacheLevel::count: break;
  }
  return "?";
}

}  // namespace rcusim
