#include "models/memory/cost.hpp"

namespace rcusim {

std::string_view to_string(MemClass c) {
  switch (c) {
    case MemClass::callback_text: return "callback_text";
    case MemClass::core_text: return "core_text";
    case MemClass::rcu_head: return "rcu_head";
    case MemClass::payload: return "payload";
    case MemClass::slab_meta: return "slab_meta";
    case MemClass::reader_code: return "reader_code";
    case MemClass::reader_data: return "reader_data";
    case MemClass::count: break;
  }
  return "?";
}

std::string_view to_string(AccessKind k) {
  switch (k) {
    case AccessKind::ifetch: return "ifetch";
    case AccessKind::read: return "read";
    case AccessKind::write: return "write";
    case AccessKind::modify: return "modify";
  }
  return "?";
}

}  // namespace rcusim
