// Token-by-token reading of one RCU event's TP_printk() text, shared by the decoders of
// ftrace_decode_gp.cpp and ftrace_decode_cb.cpp. Internal to sim/trace.
#pragma once
#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "sim/trace/ftrace_event.hpp"
#include "sim/trace/ftrace_scan.hpp"

namespace rcusim::ftrace::detail {

using scan::Cursor;

// The first failure's reason is kept.
class Fields {
 public:
  Fields(std::string_view event, std::string_view text) : event_(event), c_(text) {}
  const std::string& why() const { return why_; }
  Cursor& cursor() { return c_; }

  bool fail(std::string_view what, std::string_view got) {
    if (why_.empty())
      why_ = fmt::format("{}: {} expected, got '{}'", event_, what, scan::shown(got));
    return false;
  }
  bool word(std::string& out, std::string_view what) {
    std::string_view w = c_.word();
    if (w.empty()) return fail(what, w);
    out = w;
    return true;
  }
  bool literal(std::string_view lit) {
    std::string_view w = c_.word();
    return w == lit || fail(fmt::format("'{}'", lit), w);
  }
  // "key=value": the value part.
  bool keyed(std::string_view key, std::string_view& value) {
    std::string_view w = c_.word();
    if (w.substr(0, key.size()) != key) return fail(fmt::format("'{}'", key), w);
    value = w.substr(key.size());
    return true;
  }
  template <class T>
  bool number(std::string_view text, T& out, std::string_view what) {
    std::optional<T> v;
    if constexpr (std::is_same_v<T, std::int64_t>)
      v = scan::to_long(text);
    else
      v = scan::to_int<T>(text);
    if (!v) return fail(what, text);
    out = *v;
    return true;
  }
  template <class T>
  bool number(T& out, std::string_view what) {
    return number(c_.word(), out, what);
  }
  bool hex(std::string_view text, std::uint64_t& out, std::string_view what) {
    auto v = scan::to_hex(text);
    if (!v) return fail(what, text);
    out = *v;
    return true;
  }
  // A %p: hashed hex (16 digits, or "0x..." as trace-cmd prints raw pointers); other text
  // such as "(____ptrval____)" is kept as text.
  bool pointer(std::string_view text, RcuPtr& out, std::string_view what) {
    if (text.empty()) return fail(what, text);
    std::string_view digits = text.substr(0, 2) == "0x" ? text.substr(2) : text;
    if (auto v = scan::to_hex(digits))
      out = RcuPtr{*v, {}};
    else
      out = RcuPtr{0, std::string(text)};
    return true;
  }
  // A queue length: "%ld", or the "%ld/%ld" lazy/total pair of kernels before v5.6 (take the
  // total).
  bool qlen(std::string_view text, std::int64_t& out) {
    std::size_t slash = text.find('/');
    if (slash != std::string_view::npos) {
      std::int64_t lazy = 0;
      if (!number(text.substr(0, slash), lazy, "lazy queue length")) return false;
      text = text.substr(slash + 1);
    }
    return number(text, out, "queue length");
  }
  bool end() { return c_.done() || fail("end of fields", c_.rest()); }

 private:
  std::string_view event_;
  Cursor c_;
  std::string why_;
};

using Decoded = std::optional<RcuFields>;

// Grace-period events (ftrace_decode_gp.cpp).
Decoded grace_period(Fields& p);
Decoded grace_period_init(Fields& p);
Decoded quiescent_state_report(Fields& p);
Decoded fqs(Fields& p);
Decoded barrier(Fields& p);
// Callback events (ftrace_decode_cb.cpp).
Decoded callback(Fields& p);
Decoded kvfree_callback(Fields& p);
Decoded batch_start(Fields& p);
Decoded invoke_callback(Fields& p);
Decoded invoke_kvfree_callback(Fields& p);
Decoded invoke_kfree_bulk_callback(Fields& p);
Decoded batch_end(Fields& p);

}  // namespace rcusim::ftrace::detail
