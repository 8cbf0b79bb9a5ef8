#!/usr/bin/env bash
# Checks the GPU bundle on a GPU machine (root, no Java, no network): joins and unpacks the parts, finds CUDA 13
# and cuDNN 9 in the NVIDIA pip wheels (site-packages/nvidia/*/lib), then prints one PASS/FAIL/SKIP line per
# result: the CUDA libraries, the GPU, op tests and fused-gradient ops on CUDA against the CPU, 20 LOCA steps on
# CUDA and on the CPU from one seed, and loca bench on CUDA for Ti/16 and S/16 at batch 32 and 64.
# With --cpu the same checks run on the CPU only (a proof, on a machine without a GPU, that the bundle is
# complete). The lines also go to $OUT/gpu-check.txt when OUT is set; the full log to gpu-check.log beside it.
# Usage: gpu-check.sh [--cpu] [--parts DIR] [--dir DIR] [--bench-steps N]. See docs/GPU.md.
set -uo pipefail
cpu=0
parts=""
dest=/tmp/loca-gpu-check
bench_steps=10
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) cpu=1 ;;
    --parts) parts=$2; shift ;;
    --dir) dest=$2; shift ;;
    --bench-steps) bench_steps=$2; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (expected --cpu, --parts DIR, --dir DIR, --bench-steps N)" >&2; exit 2 ;;
  esac
  shift
done
here=$(cd "$(dirname "$0")" && pwd)
results=$(mktemp)
log=${OUT:+$OUT/gpu-check.log}
log=${log:-$dest.log}
mkdir -p "$(dirname "$log")"
: > "$log"
failures=0
line() { # STATUS TEXT...: one result line on stdout, in the results and in the log
  local status=$1; shift
  [ "$status" = FAIL ] && failures=$((failures + 1))
  echo "$status $*" | tee -a "$results" "$log"
}
# Runs the bundle's loca, logging everything; prints its PASS/FAIL lines as results; returns its exit code.
loca_checked() {
  local rc
  "$loca" "$@" > "$dest.run" 2>&1; rc=$?
  cat "$dest.run" >> "$log"
  grep -E '^(PASS|FAIL) ' "$dest.run" | tee -a "$results"
  failures=$((failures + $(grep -c '^FAIL ' "$dest.run")))
  [ "$rc" -ne 0 ] && ! grep -qE '^FAIL ' "$dest.run" && line FAIL "loca $1 exited $rc: $(grep -m1 '^loca: ' "$dest.run")"
  return "$rc"
}

# 1. unpack (parts beside this script, in --parts DIR, or /root/gb); or run in place inside an unpacked bundle
if [ -z "$parts" ] && [ -x "$here/bin/loca" ]; then
  bundle=$here
else
  for d in "$parts" "$here" /root/gb; do
    if [ -n "$d" ] && ls "$d"/loca-gpu.tar.xz.part-* >/dev/null 2>&1; then parts=$d; break; fi
  done
  if [ -z "$parts" ]; then
    line FAIL "bundle: no loca-gpu.tar.xz.part-* in ${parts:-$here or /root/gb}"; exit 1
  fi
  if [ -f "$parts/loca-gpu.sha256" ] && ! (cd "$parts" && sha256sum -c --quiet loca-gpu.sha256 >> "$log" 2>&1); then
    line FAIL "bundle: parts in $parts do not match loca-gpu.sha256 (a part missing or damaged)"; exit 1
  fi
  rm -rf "$dest"; mkdir -p "$dest"
  if ! cat "$parts"/loca-gpu.tar.xz.part-* | xz -dc | tar -xi -C "$dest"; then
    line FAIL "bundle: could not unpack the parts in $parts into $dest"; exit 1
  fi
  bundle=$dest/loca-gpu
  line PASS "bundle: $(ls "$parts"/loca-gpu.tar.xz.part-* | wc -l) part(s) from $parts unpacked to $bundle" \
    "($(du -sm "$bundle" | cut -f1) MiB, version $(cat "$bundle/VERSION"))"
fi
loca=$bundle/bin/loca
device=cuda
[ "$cpu" = 1 ] && device=cpu

# 2. CUDA 13 and cuDNN 9 from the machine's NVIDIA pip wheels, and the GPU itself
needed="libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcufft.so.12 libcudnn.so.9"
if [ "$cpu" = 0 ]; then
  dirs=$(find / \( -path /proc -o -path /sys -o -path /dev -o -path "$dest" \) -prune -o \
    -path '*site-packages/nvidia/*/lib' -type d -print 2>/dev/null | sort | tr '\n' ':')
  export LD_LIBRARY_PATH="${dirs}${LD_LIBRARY_PATH:-}"
  missing=""
  for lib in $needed; do
    found=""
    for d in $(echo "$LD_LIBRARY_PATH" | tr ':' ' ') /usr/local/cuda/lib64 /usr/lib/x86_64-linux-gnu; do
      [ -e "$d/$lib" ] && found=$d && break
    done
    [ -z "$found" ] && missing="$missing $lib"
  done
  if [ -z "$missing" ]; then
    line PASS "cuda-libs: $needed found ($(echo "$dirs" | tr ':' '\n' | grep -c .) wheel lib folders on LD_LIBRARY_PATH)"
  else
    line FAIL "cuda-libs: missing$missing (searched site-packages/nvidia/*/lib, /usr/local/cuda/lib64)"
  fi
  if command -v nvidia-smi >/dev/null 2>&1; then
    line PASS "gpu: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1)"
  else
    line FAIL "gpu: nvidia-smi not found"
  fi
else
  # the GPU build without CUDA libraries must name the missing one
  msg=$(env -u LD_LIBRARY_PATH "$loca" gpu-check --device cuda --steps 1 2>&1 | grep -m1 '^loca: ')
  if echo "$msg" | grep -qE 'CUDA library lib[A-Za-z_]+\.so\.[0-9]+ not found'; then
    line PASS "cuda-absent: ${msg#loca: }"
  elif nvidia-smi >/dev/null 2>&1; then
    line SKIP "cuda-absent: this machine has CUDA, the missing-library message cannot be shown"
  else
    line FAIL "cuda-absent: expected 'CUDA library ... not found', got: ${msg:-nothing}"
  fi
fi

# 3. the device against the CPU: providers, ops, fused-gradient ops, 20 training steps from one seed
loca_checked gpu-check --device "$device" --steps 20

# 4. loca bench on the device (GPU memory sampled with nvidia-smi)
if "$loca" bench --help >/dev/null 2>&1; then
  if [ "$cpu" = 1 ]; then runs="micro:8 cpu:8"; steps=2; warmup=1; else runs="Ti/16:32 Ti/16:64 S/16:32 S/16:64"; steps=$bench_steps; warmup=3; fi
  for run in $runs; do
    preset=${run%%:*}; batch=${run##*:}
    peak=$dest.mem; : > "$peak"; sampler=""
    if [ "$cpu" = 0 ] && command -v nvidia-smi >/dev/null 2>&1; then
      (while :; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits >> "$peak"; sleep 0.5; done) &
      sampler=$!
    fi
    "$loca" bench --preset "$preset" --batch "$batch" --steps "$steps" --warmup "$warmup" --device "$device" \
      > "$dest.run" 2>&1; rc=$?
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null && wait "$sampler" 2>/dev/null
    cat "$dest.run" >> "$log"
    mem=$(sort -n "$peak" | tail -1)
    summary=$(grep -v '^\s*$' "$dest.run" | tail -1)
    if [ "$rc" = 0 ]; then
      line PASS "bench $preset batch $batch $device: $summary${mem:+, gpu mem peak $mem MiB}"
    else
      line FAIL "bench $preset batch $batch $device: exit $rc: $summary"
    fi
  done
else
  line SKIP "bench: this build has no 'loca bench' command"
fi

if [ -n "${OUT:-}" ]; then mkdir -p "$OUT" && cp "$results" "$OUT/gpu-check.txt"; fi
rm -f "$results" "$dest.run" "$dest.mem"
echo "gpu-check: $failures failure(s); full log in $log"
[ "$failures" = 0 ]
