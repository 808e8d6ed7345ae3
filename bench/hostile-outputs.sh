#!/usr/bin/env bash
# Output paths that need the operating system to be hostile: SIGINT and SIGTERM in the middle of a
# long run, a full disk, a read-only folder, a private character device, a FIFO and a symbolic link.
# Runs target/simfaasinfer.jar (built if missing); each case prints PASS or FAIL and its name, the
# last line is "N/M handled", and the exit status is non-zero when any case failed.
# The disk-full, read-only and device cases mount a small tmpfs in a private mount namespace
# (unshare -m, needs root); nothing outside a temporary folder is touched.
# Usage: bench/hostile-outputs.sh
set -uo pipefail
set -m   # background runs get their own process group and default SIGINT handling
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/target/simfaasinfer.jar"
if [ ! -f "$jar" ]; then
  (cd "$here" && ./mvnw -B -q -o -DskipTests package) || { echo "FAIL build"; exit 1; }
fi
config="$here/examples/quickstart.yaml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jtmp="$work/java-tmp"   # the JVM's temporary folder: special files are staged there
mkdir -p "$jtmp"
java_cmd=(java -Xmx512m -XX:+UseSerialGC "-Djava.io.tmpdir=$jtmp" -jar "$jar")
passed=0
total=0
why=""

report() { # NAME: PASS when $why is empty
  total=$((total + 1))
  if [ -z "$why" ]; then
    passed=$((passed + 1))
    echo "PASS $1"
  else
    echo "FAIL $1: $why"
  fi
  why=""
}

fail() { [ -z "$why" ] && why="$*"; }

# $1 folder: fails unless it holds exactly the names $2... (none: empty)
only() {
  local dir="$1"; shift
  local have want
  have="$(ls -A "$dir" | sort | tr '\n' ' ')"
  want="$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')"
  [ "$have" = "$want" ] || fail "$dir holds '$have', expected '$want'"
  [ -z "$(ls -A "$jtmp")" ] || fail "staged files left in the JVM temp folder: $(ls -A "$jtmp")"
}

# $1 stderr file: fails unless it has exactly one error line containing $2 and no stack trace
one_line() {
  local n
  n="$(grep -v '^warning: \|^progress: ' "$1" | wc -l)"
  [ "$n" -eq 1 ] || fail "expected one error line, got $n: $(head -c 400 "$1")"
  grep -qi "$2" "$1" || fail "error does not say '$2': $(head -c 400 "$1")"
  ! grep -q $'^\tat ' "$1" || fail "stack trace on stderr"
}

have_ns=false
if unshare -m sh -c 'mount -t tmpfs -o size=16k tmpfs "$1"' sh "$work" 2>/dev/null; then have_ns=true; fi

signal_case() { # SIGNAL EXPECTED_STATUS
  local sig="$1" expect="$2" d="$work/$1"
  mkdir -p "$d"
  "${java_cmd[@]}" run --config "$config" --num-requests 2000000 --quiet --output "$d/results.json" \
      --requests-out "$d/requests.csv" --timeseries-out "$d/ts.csv" --plots-dir "$d/plots" \
      >"$work/$sig.out" 2>"$work/$sig.err" &
  local pid=$! i
  for i in $(seq 1 300); do   # until the outputs are staged and rows are streaming
    [ -n "$(find "$d" -name '.requests.csv.*' -size +4k 2>/dev/null)" ] && break
    sleep 0.1
  done
  sleep 1
  if ! kill -0 "$pid" 2>/dev/null; then
    fail "the run ended before the signal"
  fi
  kill -"$sig" "$pid"
  wait "$pid"
  local rc=$?
  [ "$rc" -eq "$expect" ] || fail "exit status $rc, expected $expect"
  only "$d"
  report "$sig in the middle of a long run leaves no output and no temporary file"
}

signal_case INT 130
signal_case TERM 143

if $have_ns; then
  d="$work/full"; mkdir -p "$d"
  unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && shift && "$@"; echo "rc=$?"; ls -A "'"$d"'" >"'"$work"'/full.ls"' \
      sh "$d" "${java_cmd[@]}" run --config "$config" --num-requests 20000 --quiet --output "$d/results.json" \
      --requests-out "$d/requests.csv" >"$work/full.out" 2>"$work/full.err"
  grep -q '^rc=2$' "$work/full.out" || fail "exit status $(cat "$work/full.out"), expected 2"
  one_line "$work/full.err" "no space left on device"
  echo "  (disk full said: $(grep -v "^warning: " "$work/full.err"))"
  [ ! -s "$work/full.ls" ] || fail "the full disk holds $(tr '\n' ' ' <"$work/full.ls")"
  only "$d"
  report "disk full: one line saying no space left on device, nothing left"

  d="$work/ro"; mkdir -p "$d"
  unshare -m sh -c 'mount -t tmpfs -o ro,size=64k tmpfs "$1" && shift && "$@"; echo "rc=$?"' \
      sh "$d" "${java_cmd[@]}" run --config "$config" --quiet --output "$d/results.json" \
      >"$work/ro.out" 2>"$work/ro.err"
  grep -q '^rc=2$' "$work/ro.out" || fail "exit status $(cat "$work/ro.out"), expected 2"
  one_line "$work/ro.err" "read-only file system"
  only "$d"
  report "read-only folder: one line saying read-only file system"

  d="$work/dev"; mkdir -p "$d"
  unshare -m sh -c 'mount -t tmpfs -o size=4m tmpfs "$1" && mknod "$1/null" c 1 3 && d="$1" && shift && "$@";
      echo "rc=$?"; stat -c "%F %t,%T" "$d/null"; ls -A "$d"' \
      sh "$d" "${java_cmd[@]}" run --config "$config" --quiet --output "$d/null" --requests-out "$d/null.csv" \
      >"$work/dev.out" 2>"$work/dev.err"
  grep -q '^rc=0$' "$work/dev.out" || fail "exit status $(head -1 "$work/dev.out"): $(head -c 300 "$work/dev.err")"
  grep -q '^character special file 1,3$' "$work/dev.out" || fail "no longer the device: $(cat "$work/dev.out")"
  [ "$(grep -v '^rc=\|^character' "$work/dev.out" | sort | tr '\n' ' ')" = "null null.csv " ] \
      || fail "the device's folder holds $(grep -v '^rc=\|^character' "$work/dev.out" | tr '\n' ' ')"
  only "$d"
  report "a private character device (mknod c 1 3) is written through and stays a device"
else
  for name in "disk full" "read-only folder" "a private character device"; do
    fail "unshare -m / mount unavailable (needs root)"
    report "$name"
  done
fi

d="$work/fifo"; mkdir -p "$d"
mkfifo "$d/results.json"
cat "$d/results.json" >"$work/fifo.read" &
reader=$!
timeout 120 "${java_cmd[@]}" run --config "$config" --quiet --output "$d/results.json" 2>"$work/fifo.err"
rc=$?
wait "$reader"
[ "$rc" -eq 0 ] || fail "exit status $rc: $(head -c 300 "$work/fifo.err")"
[ -p "$d/results.json" ] || fail "no longer a FIFO"
head -c 1 "$work/fifo.read" | grep -q '{' || fail "the reader got no JSON"
only "$d" results.json
report "a FIFO is written through and stays a FIFO"

d="$work/link"; mkdir -p "$d/real"
echo old >"$d/real/results.json"
ln -s real/results.json "$d/results.json"
"${java_cmd[@]}" run --config "$config" --quiet --output "$d/results.json" 2>"$work/link.err"
rc=$?
[ "$rc" -eq 0 ] || fail "exit status $rc: $(head -c 300 "$work/link.err")"
[ -L "$d/results.json" ] && [ "$(readlink "$d/results.json")" = "real/results.json" ] || fail "the link was replaced"
head -c 1 "$d/real/results.json" | grep -q '{' || fail "the target was not written"
only "$d" real results.json
only "$d/real" results.json
report "a symbolic link is written at its target and stays a link"

d="$work/input"; mkdir -p "$d"
cp "$config" "$d/c.yaml"
"${java_cmd[@]}" run --config "$d/c.yaml" --quiet --requests-out "$d/c.yaml" 2>"$work/input.err"
rc=$?
[ "$rc" -eq 2 ] || fail "exit status $rc, expected 2"
one_line "$work/input.err" "is the config (--config) of this run"
cmp -s "$config" "$d/c.yaml" || fail "the config changed"
only "$d" c.yaml
report "the config as an output is refused and unchanged"

echo "$passed/$total handled"
[ "$passed" -eq "$total" ]
