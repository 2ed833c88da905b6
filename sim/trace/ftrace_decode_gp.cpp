// Grace-period and rcu_barrier() events: TP_printk() formats of include/trace/events/rcu.h,
// v6.6. Kernels before v4.19 printed gpnum with %lu in the same positions; scan::to_long()
// takes those values as the kernel's (long) casts do.
#include "sim/trace/ftrace_fields.hpp"

namespace rcusim::ftrace::detail {

Decoded grace_period(Fields& p) {  // "%s %ld %s"
  GracePeriod f;
  if (p.word(f.rcuname, "rcuname") && p.number(f.gp_seq, "gp_seq") &&
      p.word(f.gpevent, "gpevent") && p.end())
    return f;
  return std::nullopt;
}

Decoded grace_period_init(Fields& p) {  // "%s %ld %u %d %d %lx"
  GracePeriodInit f;
  if (p.word(f.rcuname, "rcuname") && p.number(f.gp_seq, "gp_seq") && p.number(f.level, "level") &&
      p.number(f.grplo, "grplo") && p.number(f.grphi, "grphi") &&
      p.hex(p.cursor().word(), f.qsmask, "qsmask (hex)") && p.end())
    return f;
  return std::nullopt;
}

Decoded quiescent_state_report(Fields& p) {  // "%s %ld %lx>%lx %u %d %d %u"
  QuiescentStateReport f;
  if (!p.word(f.rcuname, "rcuname") || !p.number(f.gp_seq, "gp_seq")) return std::nullopt;
  std::string_view masks = p.cursor().word();
  std::size_t gt = masks.find('>');
  if (gt == std::string_view::npos) {
    p.fail("mask>qsmask", masks);
    return std::nullopt;
  }
  if (p.hex(masks.substr(0, gt), f.mask, "mask (hex)") &&
      p.hex(masks.substr(gt + 1), f.qsmask, "qsmask (hex)") && p.number(f.level, "level") &&
      p.number(f.grplo, "grplo") && p.number(f.grphi, "grphi") &&
      p.number(f.gp_tasks, "gp_tasks") && p.end())
    return f;
  return std::nullopt;
}

Decoded fqs(Fields& p) {  // "%s %ld %d %s"
  Fqs f;
  if (p.word(f.rcuname, "rcuname") && p.number(f.gp_seq, "gp_seq") && p.number(f.cpu, "cpu") &&
      p.word(f.qsevent, "qsevent") && p.end())
    return f;
  return std::nullopt;
}

Decoded barrier(Fields& p) {  // "%s %s cpu %d remaining %d # %lu"
  Barrier f;
  if (p.word(f.rcuname, "rcuname") && p.word(f.s, "phase") && p.literal("cpu") &&
      p.number(f.cpu, "cpu") && p.literal("remaining") && p.number(f.cnt, "remaining count") &&
      p.literal("#") && p.number(f.done, "done count") && p.end())
    return f;
  return std::nullopt;
}

}  // namespace rcusim::ftrace::detail
