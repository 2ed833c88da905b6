// Callback events: TP_printk() formats of include/trace/events/rcu.h, v6.6. Before v5.6
// rcu_callback and rcu_kfree_callback printed the queue length as "%ld/%ld" (lazy/total) and
// rcu_batch_start as "CBs=%ld/%ld"; Fields::qlen() takes the total.
#include "sim/trace/ftrace_fields.hpp"

namespace rcusim::ftrace::detail {
namespace {

bool rcuname_rhp(Fields& p, std::string& rcuname, RcuPtr& rhp) {
  std::string_view v;
  return p.word(rcuname, "rcuname") && p.keyed("rhp=", v) && p.pointer(v, rhp, "rhp");
}

// "func=%ps" up to the end: a symbol may carry " [module]", so it is the rest of the text.
bool func_to_end(Fields& p, std::string& func) {
  std::string_view rest = p.cursor().take_rest();
  if (rest.substr(0, 5) != "func=") return p.fail("'func='", rest);
  func = scan::trim(rest.substr(5));
  return !func.empty() || p.fail("function symbol", rest);
}

// "func=%ps %ld": the symbol is everything up to the last word, the queue length.
bool func_then_qlen(Fields& p, std::string& func, std::int64_t& qlen) {
  std::string_view rest = p.cursor().take_rest();
  if (rest.substr(0, 5) != "func=") return p.fail("'func='", rest);
  std::string_view body = rest.substr(5);
  std::size_t sp = body.size();
  while (sp > 0 && !scan::is_space(body[sp - 1])) --sp;
  if (sp == 0) return p.fail("function symbol and queue length", body);
  --sp;
  std::string_view sym = scan::trim(body.substr(0, sp));
  if (sym.empty()) return p.fail("function symbol", body);
  func = sym;
  return p.qlen(body.substr(sp + 1), qlen);
}

}  // namespace

Decoded callback(Fields& p) {  // "%s rhp=%p func=%ps %ld"
  Callback f;
  if (rcuname_rhp(p, f.rcuname, f.rhp) && func_then_qlen(p, f.func, f.qlen)) return f;
  return std::nullopt;
}

Decoded kvfree_callback(Fields& p) {  // "%s rhp=%p func=%ld %ld"
  KvfreeCallback f;
  std::string_view off;
  if (rcuname_rhp(p, f.rcuname, f.rhp) && p.keyed("func=", off) &&
      p.number(off, f.offset, "offset") && p.qlen(p.cursor().word(), f.qlen) && p.end())
    return f;
  return std::nullopt;
}

Decoded batch_start(Fields& p) {  // "%s CBs=%ld bl=%ld"
  BatchStart f;
  std::string_view cbs, bl;
  if (p.word(f.rcuname, "rcuname") && p.keyed("CBs=", cbs) && p.qlen(cbs, f.qlen) &&
      p.keyed("bl=", bl) && p.number(bl, f.blimit, "blimit") && p.end())
    return f;
  return std::nullopt;
}

Decoded invoke_callback(Fields& p) {  // "%s rhp=%p func=%ps"
  InvokeCallback f;
  if (rcuname_rhp(p, f.rcuname, f.rhp) && func_to_end(p, f.func)) return f;
  return std::nullopt;
}

Decoded invoke_kvfree_callback(Fields& p) {  // "%s rhp=%p func=%ld"
  InvokeKvfreeCallback f;
  std::string_view off;
  if (rcuname_rhp(p, f.rcuname, f.rhp) && p.keyed("func=", off) &&
      p.number(off, f.offset, "offset") && p.end())
    return f;
  return std::nullopt;
}

Decoded invoke_kfree_bulk_callback(Fields& p) {  // "%s bulk=0x%p nr_records=%lu"
  InvokeKfreeBulkCallback f;
  std::string_view bulk, nr;
  if (!p.word(f.rcuname, "rcuname") || !p.keyed("bulk=0x", bulk)) return std::nullopt;
  if (p.pointer(bulk, f.p, "bulk pointer") && p.keyed("nr_records=", nr) &&
      p.number(nr, f.nr_records, "nr_records") && p.end())
    return f;
  return std::nullopt;
}

// "%s CBs-invoked=%d idle=%c%c%c%c". The idle flags are kept as text whatever their count
// (kernels have printed different sets); kernels before v3.3 printed no "idle=" at all.
Decoded batch_end(Fields& p) {
  BatchEnd f;
  std::string_view n;
  if (!p.word(f.rcuname, "rcuname") || !p.keyed("CBs-invoked=", n) ||
      !p.number(n, f.callbacks_invoked, "callbacks invoked"))
    return std::nullopt;
  std::string_view rest = p.cursor().take_rest();
  if (rest.empty()) return f;
  if (rest.substr(0, 5) != "idle=") {
    p.fail("'idle='", rest);
    return std::nullopt;
  }
  f.idle = rest.substr(5);
  return f;
}

}  // namespace rcusim::ftrace::detail
