#!/bin/bash
# usage: _cpu.tmp.sh <pid> <port> <label> <genscript args...>
PID=$1; PORT=$2; LABEL=$3
t0=$(awk '{print $14+$15}' /proc/$PID/stat)
OUT=$(node --conditions=custos-source bench/_gen2.tmp.ts $PORT 8 "$LABEL" $4)
t1=$(awk '{print $14+$15}' /proc/$PID/stat)
N=$(echo "$OUT" | awk '{print $NF}')
echo "$LABEL: $OUT, server CPU $(( (t1-t0)*10000 ))us total, per request $(( (t1-t0)*10000*1000 / N / 1000 ))us"
