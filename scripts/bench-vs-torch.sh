#!/usr/bin/env bash
# Side by side: `loca bench` and the PyTorch peer's bench.py on the same machine, alternated, same threads and
# configuration; writes the ratio table into docs/PERFORMANCE.md (between the side-by-side markers) and prints it.
#
#   scripts/bench-vs-torch.sh [--rounds N] [--configs a,b] [--steps N] [--warmup N] [--threads T] [--no-write]
#                             [--ours "more loca bench flags, e.g. --set flavour=portable"]
#   scripts/bench-vs-torch.sh --scaling [--steps N]    # ours only: ms/step vs batch and vs image size
#
# Environment: PEER (the peer's folder, default ../shared/peers/torch_loca next to the repository),
# LOGS (run logs, default /tmp/loca-bench-logs), LOCA_JAVA_OPTS (JVM flags of ./loca).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEER=${PEER:-$ROOT/../shared/peers/torch_loca}
LOGS=${LOGS:-/tmp/loca-bench-logs}
DOC=$ROOT/docs/PERFORMANCE.md
ROUNDS=3 CONFIGS=a,b STEPS=10 WARMUP=2 THREADS=2 WRITE=1 SCALING=0 EXTRA=
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --configs) CONFIGS=$2; shift 2 ;;
    --steps) STEPS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --no-write) WRITE=0; shift ;;
    --ours) EXTRA=$2; shift 2 ;;
    --scaling) SCALING=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench-vs-torch: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$LOGS"

# config letter -> our flags | the peer's flags (README of the peer: configs (a) and (b))
# Our flags for a config; a second argument replaces its batch.
ours_flags() { case $1 in
  a) echo "--preset tiny-p8-64 --batch ${2:-16}" ;;
  b) echo "--preset tiny-p16-224 --batch ${2:-8}" ;;
  *) echo "bench-vs-torch: unknown config '$1' (a or b)" >&2; exit 2 ;; esac; }
peer_flags() { case $1 in
  a) echo "--model tiny --patch 8 --ref 64 --query 32 --queries 10 --batch 16" ;;
  b) echo "--model tiny --patch 16 --ref 224 --query 96 --queries 10 --batch 8" ;; esac; }
label() { case $1 in
  a) echo "(a) tiny p8, ref 64, queries 32, batch 16" ;;
  b) echo "(b) tiny p16, ref 224, queries 96, batch 8" ;; esac; }

load() { cut -d' ' -f1-3 /proc/loadavg; }

ensure_ours() {
  if [ ! -f "$ROOT/train/target/loca-all.jar" ]; then
    echo "building loca..." >&2
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package) >&2
  fi
}

# The peer's README: Debian's torch with OpenBLAS (openmp); the reference BLAS is 30x slower.
ensure_peer() {
  [ -f "$PEER/bench.py" ] || { echo "bench-vs-torch: no peer at $PEER (set PEER)" >&2; exit 1; }
  if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null \
      || [ ! -d /usr/lib/x86_64-linux-gnu/openblas-openmp ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "bench-vs-torch: install the peer's dependencies first (as root):" >&2
      echo "  apt-get update && apt-get install -y python3-torch python3-numpy libopenblas0-openmp" >&2
      exit 1
    fi
    echo "installing python3-torch python3-numpy libopenblas0-openmp..." >&2
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-numpy \
      libopenblas0-openmp) > "$LOGS/apt.log" 2>&1 || { echo "apt-get failed, see $LOGS/apt.log" >&2; exit 1; }
  fi
}

# run_ours CONFIG LOG [extra flags]: prints "images_per_s ms_per_step peak_rss_mb"
run_ours() {
  local c=$1 log=$2 batch=; shift 2
  if [ "${1:-}" = --batch ]; then batch=$2; shift 2; fi
  # shellcheck disable=SC2046
  (cd "$ROOT" && ./loca bench $(ours_flags "$c" "$batch") --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" $EXTRA "$@") \
    > "$log" 2>&1 || { echo "loca bench failed, see $log" >&2; tail -3 "$log" >&2; exit 1; }
  awk '/^bench: /{for(i=2;i<=NF;i++){split($i,kv,"="); v[kv[1]]=kv[2]}
       print v["images_per_s"], v["ms_per_step"], v["peak_rss_mb"]}' "$log"
}

run_peer() {
  local c=$1 log=$2
  # shellcheck disable=SC2046
  (cd "$PEER" && LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    /usr/bin/python3 bench.py $(peer_flags "$c") --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS") \
    > "$log" 2>&1 || { echo "peer bench.py failed, see $log" >&2; tail -3 "$log" >&2; exit 1; }
  awk '/^RESULT ms\/step median=/{split($3,m,"="); ms=m[2]}
       /^RESULT images\/s=/{split($2,a,"="); ips=a[2]}
       /^RESULT peak RSS=/{split($3,r,"="); rss=r[2]}
       END{print ips, ms, rss}' "$log"
}

# Replaces what lies between <!-- NAME:begin --> and <!-- NAME:end --> in the document with a file's text.
splice() {
  local name=$1 body=$2
  [ -f "$DOC" ] || { echo "bench-vs-torch: $DOC is missing" >&2; exit 1; }
  grep -q "<!-- $name:begin -->" "$DOC" || { echo "bench-vs-torch: no <!-- $name:begin --> marker in $DOC" >&2; exit 1; }
  awk -v name="$name" -v body="$body" '
    $0 == "<!-- " name ":begin -->" {print; while ((getline line < body) > 0) print line; skip=1; next}
    $0 == "<!-- " name ":end -->" {skip=0}
    !skip {print}' "$DOC" > "$DOC.tmp" && mv "$DOC.tmp" "$DOC"
}

median() { sort -g | awk '{v[NR]=$1} END{if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

side_by_side() {
  ensure_ours
  ensure_peer
  local table=$LOGS/side-by-side.md rows=$LOGS/rows.txt
  : > "$rows"
  IFS=, read -r -a configs <<< "$CONFIGS"
  for r in $(seq "$ROUNDS"); do
    for c in "${configs[@]}"; do
      local l0 o p l1
      l0=$(load)
      # alternate who goes first, so that neither always runs on a cooler or warmer machine
      if [ $((r % 2)) = 1 ]; then
        o=$(run_ours "$c" "$LOGS/ours-$c-$r.txt"); p=$(run_peer "$c" "$LOGS/peer-$c-$r.txt")
      else
        p=$(run_peer "$c" "$LOGS/peer-$c-$r.txt"); o=$(run_ours "$c" "$LOGS/ours-$c-$r.txt")
      fi
      l1=$(load)
      echo "$c $r $o $p" >> "$rows"
      echo "round $r ($c): ours ${o%% *} images/s, peer ${p%% *} images/s; load $l0 -> $l1" >&2
    done
  done
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
    echo "$ROUNDS rounds alternating ours${EXTRA:+ (\`$EXTRA\`)} and the peer, $STEPS timed steps after $WARMUP warm-up, $THREADS threads,"
    echo "load average at the end $(load) (1, 5, 15 min). Images/s and ms/step: median over the rounds; ratio: median of"
    echo "the per-round ratios; peak RSS: the largest of the rounds. Logs: \`$LOGS\`."
    echo
    echo "| config | ours images/s | PyTorch images/s | ratio ours/PyTorch | ours ms/step | PyTorch ms/step | ours peak RSS MiB | PyTorch peak RSS MiB |"
    echo "|---|---|---|---|---|---|---|---|"
    for c in "${configs[@]}"; do
      local oi pi ratio om pm orss prss
      oi=$(awk -v c="$c" '$1==c{print $3}' "$rows" | median)
      pi=$(awk -v c="$c" '$1==c{print $6}' "$rows" | median)
      ratio=$(awk -v c="$c" '$1==c{print $3/$6}' "$rows" | median)
      om=$(awk -v c="$c" '$1==c{print $4}' "$rows" | median)
      pm=$(awk -v c="$c" '$1==c{print $7}' "$rows" | median)
      orss=$(awk -v c="$c" '$1==c{print $5}' "$rows" | sort -g | tail -1)
      prss=$(awk -v c="$c" '$1==c{print $8}' "$rows" | sort -g | tail -1)
      printf '| %s | %.2f | %.2f | **%.2f×** | %.0f | %.0f | %.0f | %.0f |\n' "$(label "$c")" "$oi" "$pi" "$ratio" \
        "$om" "$pm" "$orss" "$prss"
    done
  } > "$table"
  cat "$table"
  if [ "$WRITE" = 1 ]; then splice side-by-side "$table"; echo "wrote the table into $DOC" >&2; fi
}

# ms/step of our bench against batch (config a and b) and against image size (tiny p16; reference = query0 size,
# token counts scaled as the faithful recipe scales them, focal queries 96 px or the reference size if smaller)
scaling() {
  ensure_ours
  local table=$LOGS/scaling.md
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC'), $STEPS timed steps after $WARMUP warm-up, $THREADS threads, load"
    echo "average at the start $(load). Ours only."
    echo
    echo "| config | batch | ms/step | ms/image | images/s | GFLOP/s | peak RSS MiB |"
    echo "|---|---|---|---|---|---|---|"
    for c in a b; do
      for b in 4 8 16 32; do
        local log=$LOGS/scaling-$c-$b.txt
        # shellcheck disable=SC2046
        set -- $(run_ours "$c" "$log" --batch "$b")
        printf '| %s | %d | %.0f | %.1f | %.2f | %s | %s |\n' "${c}" "$b" "$2" "$(echo "$2 $b" | awk '{print $1/$2}')" \
          "$1" "$(awk '/^bench: /{for(i=2;i<=NF;i++){split($i,kv,"="); if(kv[1]=="gflops") print kv[2]}}' "$log")" "$3"
      done
    done
    echo
    echo "| tiny p16 image size | reference tokens (kept) | query0 tokens (kept) | focal size | batch | ms/step | images/s | GFLOP/s | peak RSS MiB |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for s in 96 160 224; do
      local g=$((s / 16)) focal=$((s < 96 ? s : 96)) log=$LOGS/scaling-size-$s.txt
      local n=$((g * g))
      local keep=$((n / 5)) q0=$(awk -v n="$n" 'BEGIN{printf "%d", 70/196*n + 0.5}')
      # shellcheck disable=SC2046
      set -- $(run_ours b "$log" --set "referenceSize=$s" --set "query0Size=$s" --set "vit.posGrid=$g" \
        --set "referenceSeqlen=$keep" --set "queryMaxSeqlen=$q0" --set "focalSize=$focal")
      printf '| %d | %d (%d) | %d (%d) | %d | 8 | %.0f | %.2f | %s | %s |\n' "$s" "$n" "$keep" "$n" "$q0" "$focal" "$2" \
        "$1" "$(awk '/^bench: /{for(i=2;i<=NF;i++){split($i,kv,"="); if(kv[1]=="gflops") print kv[2]}}' "$log")" "$3"
    done
  } > "$table"
  cat "$table"
  if [ "$WRITE" = 1 ]; then splice scaling "$table"; echo "wrote the scaling tables into $DOC" >&2; fi
}

if [ "$SCALING" = 1 ]; then scaling; else side_by_side; fi
