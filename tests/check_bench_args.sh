#!/usr/bin/env bash
# bench_reclaim refuses bad arguments and bad scenarios with exit code 2, a message naming what
# is wrong and no output on stdout, before any run; --help prints the usage and exits 0.
#   tests/check_bench_args.sh BENCH_RECLAIM
set -uo pipefail
bench=$1
fail=0
expect() {  # want-rc, message-substring, arguments...
  local want=$1 msg=$2; shift 2
  local out err rc
  out=$("$bench" "$@" 2>/tmp/bench_args.$$); rc=$?
  err=$(cat /tmp/bench_args.$$)
  if [[ $rc != "$want" ]] || [[ $err != *"$msg"* ]] || { [[ $want == 2 ]] && [[ -n $out ]]; }; then
    echo "FAIL: bench_reclaim $* -> rc $rc (want $want), stderr: $err, stdout: $out"
    fail=1
  fi
}
expect 2 "--reps: 'x' is not a whole number" --reps x
expect 2 "--reps: '0' is not a whole number" --reps 0
expect 2 "--reps needs a number" --reps
expect 2 "unknown option '--bogus'" --bogus
expect 2 "/nonexistent.toml: cannot open scenario file" /nonexistent.toml
expect 2 "--set machine.cpus: expected an integer" --set machine.cpus=abc
expect 0 "" --help
rm -f /tmp/bench_args.$$
exit $fail
