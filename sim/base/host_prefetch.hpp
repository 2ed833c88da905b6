// A host-side prefetch hint (it changes no result) that the compiler cannot drop.
//
// GCC 12 at -O2 deletes __builtin_prefetch(p->base + off) inside a conditional block, or keeps
// it with the load of p->base removed (prefetching `off` itself): its dead-code pass does not
// count the prefetch as a use of that load. Every guarded prefetch in this tree compiled to
// nothing. An asm statement with a memory operand keeps both the address and the instruction.
#pragma once

namespace rcusim {

inline void host_prefetch(const void* p) {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace rcusim
