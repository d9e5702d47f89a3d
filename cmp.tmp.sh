#!/bin/bash
# usage: cmp.tmp.sh file N  -> medians of ms for imp0 and imp, interleaved
f=$1; n=${2:-7}
for i in $(seq $n); do node /tmp/imp0.js $f; node /tmp/imp.js $f; done | python3 -c "
import sys,json
rows=[json.loads(l) for l in sys.stdin]
a=sorted(r['ms'] for r in rows[0::2]); b=sorted(r['ms'] for r in rows[1::2])
ra=max(r['rssMB'] for r in rows[0::2]); rb=max(r['rssMB'] for r in rows[1::2])
print('old median',a[len(a)//2],'new median',b[len(b)//2],'ratio',round(b[len(b)//2]/a[len(a)//2],3),'rss',ra,rb)"
