# Helpers for the CLI checks: `expect WANT-RC MESSAGE-SUBSTRING command...` runs the command,
# and records a failure when its status differs or its output (stderr, stdout) lacks the message. Source it; `finish` ends the script.
fail=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
expect() {  # returns 1 on a failure too, for use in a subshell: ( ... expect ... ) || fail=1
  local want=$1 msg=$2 rc; shift 2
  "$@" >"$T/.out" 2>"$T/.err"; rc=$?
  if [[ $rc != "$want" ]] || [[ $(cat "$T/.err" "$T/.out") != *"$msg"* ]]; then
    echo "FAIL: $* -> rc $rc (want $want), stderr: $(head -c 600 "$T/.err")"
    fail=1
    return 1
  fi
}
wait_for() {  # a path to appear (a run's progress, not a time): gives up after 10 minutes
  local i
  for ((i = 0; i < 6000; ++i)); do [[ -e $1 ]] && return 0; sleep 0.1; done
  echo "FAIL: $1 never appeared"; fail=1; return 1
}
check() {  # description, then a test command
  local what=$1; shift
  if ! "$@"; then echo "FAIL: $what"; fail=1; fi
}
finish() {
  [[ $fail == 0 ]] && echo "all checks passed"
  exit $fail
}
