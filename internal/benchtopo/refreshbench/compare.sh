#!/bin/bash
# compare.sh ROUNDS: each round runs every command once, in turn; prints per-command medians and per-round ratios to kaiten.
# Needs /tmp/refreshbench, /tmp/rabtap-bin (rabtap built from source), /tmp/urls-all.txt and
# the curl scripts of docs/benchmarks.md ("Refresh of 10,000 queues and 10,000 bindings").
export RABTAP_APIURI=http://guest:guest@127.0.0.1:15672/api
N=${1:-10}
declare -A CMDS=(
 [kaiten]="/tmp/refreshbench -n 1"
 [rabtap-info]="/tmp/rabtap-bin info"
 [rabtap-info-full]="/tmp/rabtap-bin info --consumers --stats"
 [curl-grouped]="/tmp/curl-grouped.sh /tmp/urls-all.txt"
 [curl-par4]="/tmp/curl-par.sh /tmp/urls-all.txt"
)
ORDER="kaiten rabtap-info rabtap-info-full curl-grouped curl-par4"
: > /tmp/interleave.tsv
for i in $(seq $N); do
  for k in $ORDER; do
    s=$(date +%s%N); ${CMDS[$k]} >/dev/null 2>&1 || echo "FAIL $k" >&2; e=$(date +%s%N)
    echo -e "$i\t$k\t$(( (e-s)/1000000 ))" >> /tmp/interleave.tsv
  done
done
python3 - <<'PY'
import collections,statistics
d=collections.defaultdict(dict)
for l in open('/tmp/interleave.tsv'):
    i,k,ms=l.split('\t'); d[k][int(i)]=int(ms)
for k,v in d.items():
    t=sorted(v.values()); print(f"{k:18s} median {statistics.median(t)/1000:.2f} s  min {t[0]/1000:.2f}  max {t[-1]/1000:.2f}  n={len(t)}")
for k in d:
    if k=='kaiten': continue
    r=[d['kaiten'][i]/d[k][i] for i in d['kaiten'] if i in d[k]]
    print(f"kaiten / {k:16s} per-round ratio median {statistics.median(r):.2f} (min {min(r):.2f}, max {max(r):.2f})")
PY
