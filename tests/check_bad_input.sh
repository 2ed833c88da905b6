#!/usr/bin/env bash
# Inputs that once crashed, aborted, ran out of host memory or were silently misread: each gets
# exit 2 and a message naming the file, option or key (or exit 0 where the input is valid).
#   tests/check_bad_input.sh SOURCE_DIR RCUSIM_BINARY
set -uo pipefail
src=$1 bin=$2
cd "$src"
. tests/cli_lib.sh

# Dotted keys deep enough to overflow toml++'s stack: refused before parsing.
python3 -c "print('.'.join(['k']*50000)+' = 1')" > "$T/d.toml"
expect 2 "d.toml:1: a dotted key deeper than" "$bin" validate "$T/d.toml"
python3 -c "print('['+'.'.join(['a']*50000)+']')" > "$T/h.toml"
expect 2 "h.toml:1: a dotted key deeper than" "$bin" validate "$T/h.toml"
expect 2 "a key deeper than" "$bin" validate scenarios/smoke.toml --set "$(python3 -c "print('.'.join(['k']*50000))")=1"
expect 2 "value a dotted key deeper than" "$bin" validate scenarios/smoke.toml --set "x={$(python3 -c "print('.'.join(['k']*50000))")=1}"

# cachesim: tag arrays beyond the host's memory, and traces that hold no records.
expect 2 "--LL tag array" "$bin" cachesim --LL 1099511627776,1,64 /dev/null
expect 2 "--I1 tag array" "$bin" cachesim --I1 1099511627776,1,64 /dev/null
head -c 4096 /dev/urandom | tr -d '\n' > "$T/garbage"
expect 2 "garbage: no Lackey records" "$bin" cachesim "$T/garbage"
: > "$T/empty"
expect 2 "empty: no Lackey records" "$bin" cachesim "$T/empty"
head -c 3000000 /dev/zero | tr '\0' x > "$T/long"
expect 2 "long: line 1: longer than 1 MiB" "$bin" cachesim "$T/long"

# SimGrid options: those that abort or crash SimGrid are checked first.
expect 2 "--cfg=contexts/factory:nonexistent: the context factory is one of" \
  "$bin" run scenarios/smoke.toml --quiet --out "$T/o" --cfg=contexts/factory:nonexistent
expect 2 "--cfg=contexts/stack-size:1: expected a whole number in 64.." \
  "$bin" run scenarios/smoke.toml --quiet --out "$T/o" --cfg=contexts/stack-size:1
expect 2 "--log=xx: expected" "$bin" run scenarios/smoke.toml --quiet --out "$T/o" --log=xx
expect 2 "--cfg=network/model:x: rcusim passes" "$bin" validate scenarios/smoke.toml --cfg=network/model:x
check "nothing written for bad SimGrid options" test ! -e "$T/o"
expect 0 "" "$bin" run scenarios/smoke.toml --quiet --out "$T/o" --cfg=contexts/stack-size:128 --log=root.thres:warning

# Host memory: configurations that cannot fit are refused before anything is built. (An ASan
# build reserves terabytes of shadow address space: no `ulimit -v` there.)
asan=0
case $(ldd "$bin") in *libasan*) asan=1 ;; esac
[ $asan = 1 ] || (ulimit -v 16000000
 expect 2 "machine.cpus x --cfg=contexts/stack-size" "$bin" run scenarios/smoke.toml --set machine.cpus=4096 --quiet --out "$T/big") || fail=1
check "nothing written when refused" test ! -e "$T/big"
expect 2 "cache tag arrays (machine.cpus x cache.l1i/l1d/l2.size" "$bin" run scenarios/smoke.toml \
  --set memory.model=cache --set cache.l2.size=16GiB --set machine.cpus=64 --quiet --out "$T/big" --memory-limit 16GiB
[ $asan = 1 ] || (ulimit -v 8000000
 expect 2 "cache tag arrays" "$bin" run scenarios/smoke.toml --set memory.model=cache \
   --set cache.l2.size=16GiB --set machine.cpus=64 --quiet --out "$T/big") || fail=1
expect 2 "--memory-limit" "$bin" run scenarios/smoke.toml --quiet --out "$T/big" --memory-limit 1MiB
expect 2 "--memory-limit" "$bin" sweep scenarios/smoke.toml --set objects.types=1,2 --out "$T/big" --memory-limit 1MiB
expect 2 "--memory-limit: 'lots'" "$bin" run scenarios/smoke.toml --quiet --out "$T/big" --memory-limit lots
cat > "$T/zero.toml" <<'TOML'
[memory]
ifetch = 0
read = 0
write = 0
[costs]
context_switch = 0
call_rcu = 0
kmalloc = 0
[[workload]]
read_duration = "0ns"
user_duration = "0ns"
idle_duration = "0ns"
TOML
expect 2 "zero.toml:9:1: workload[0]: every activity it weighs takes zero time" "$bin" validate "$T/zero.toml"

# Workloads: a --set that makes a second, overlapping workload is refused; `workload = []`
# takes the documented workload.0.* keys; overlapping [[workload]] tables are refused.
printf 'name = "x"\n' > "$T/plain.toml"
expect 2 "workload[1].cpus: CPU 0 already runs workload[0]" \
  "$bin" validate "$T/plain.toml" --set workload.1.update=100
printf 'workload = []\n' > "$T/nowl.toml"
expect 0 "" "$bin" validate "$T/nowl.toml" --set workload.0.read=1
printf '[[workload]]\ncpus = "0-2"\n[[workload]]\ncpus = "2-3"\n' > "$T/overlap.toml"
expect 2 "overlap.toml:3:1: workload[1].cpus: CPU 2 already runs workload[0]" "$bin" validate "$T/overlap.toml"

# Seeds beyond the scenario's range, and an explore whose last seed would pass it.
expect 2 "--seed: '9223372036854775808' is not a whole number" "$bin" run scenarios/smoke.toml --seed 9223372036854775808
expect 2 "--seed: '-4'" "$bin" run scenarios/smoke.toml --seed=-4
expect 2 "--seed: '9223372036854775807'" "$bin" explore scenarios/smoke.toml --seed 9223372036854775807
expect 2 "the last seed would pass" "$bin" explore scenarios/smoke.toml --seed 9007000000000000 --runs 2

# Messages name the file and key.
printf '[objects]\nkfree_rcu = 9007199254740993\n' > "$T/big_int.toml"
expect 2 "big_int.toml:2:13: objects.kfree_rcu: 9007199254740992 is out of range [0, 1]" "$bin" validate "$T/big_int.toml"
cp scenarios/race/paul_a_to_e.toml "$T/stoll.toml"
sed -i '0,/after = "donelist:a"/s//after = "donelist:99999999999999999999"/' "$T/stoll.toml"
expect 2 "stoll.toml:" "$bin" validate "$T/stoll.toml"
expect 2 ".after: \"donelist:99999999999999999999\" is not an event" "$bin" validate "$T/stoll.toml"
printf '[heap]\nsize = "1MiB"\n[table]\nslots = 65536\n' > "$T/heap.toml"
expect 2 "heap.toml:2:8: heap.size: 1048576 bytes is too small" "$bin" validate "$T/heap.toml"
# A run that exhausts the simulated heap says it is a configuration limit, and which key.
expect 0 "raise heap.size" "$bin" run scenarios/smoke.toml --quiet --out "$T/oom" \
  --set heap.size=2MiB --set table.slots=1024 --set workload.0.update=100 --set rcu.blimit=1 \
  --set 'expect="any"'
# sweep and explore hand --cfg on to their runs (the printed reproduction shows it).
expect 0 "" "$bin" explore scenarios/race/paul_a_to_e.toml --runs 2 --out "$T/ex" --cfg=contexts/factory:thread
check "explore passes --cfg on" grep -q -- "--cfg=contexts/factory:thread" "$T/.out"
finish
