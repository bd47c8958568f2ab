# shellcheck shell=bash
# bench/lib/workbook.sh: bench/run's workbook section. Sourced by bench/run.
#
# The office's Monday: a workbook of 60 classes (20 weeks of scores, a deduction
# log) and one of 2,000 classes (12 weeks: 2,000 classes' 20 weeks make a feed
# of 5.7 MB, over the screens' 4 MiB limit, which build refuses, naming it; 14
# weeks is the most that fits, 12 leaves room for the sample's texts to grow;
# docs/performance.md, "The office's workbook"). The weeks of each are printed
# as figures too (workbook_weeks_N_classes), so no figure claims more than it
# measured. Written by openpyxl (bench/lib/make_workbook.py),
# turned into a feed by kiosk-feed's build (bench/workbook_build: read + every
# rule + the screens' check) and, as the peer a school's IT teacher would
# otherwise script, by Python's openpyxl on the same file (bench/lib/openpyxl_build.py,
# the faster of its default and read_only modes). Goals: 60 classes ≤ 100 ms,
# 2,000 ≤ 1.5 s, and at least 10× faster than openpyxl. The speed-up is taken
# from CPU times (this thread's, the Python process's): on a shared machine a
# wall-clock ratio says more about the neighbours than about either program.
section_workbook() {
  local exe=$BUILD/bench/workbook_build py=/usr/bin/python3 n weeks book out mode line wall cpu best_cpu best_wall mine mine_cpu
  for n in 60 2000; do
    weeks=20
    [ "$n" = 2000 ] && weeks=12
    if [ ! -x "$exe" ]; then
      emit_nan "workbook_build_ms_${n}_classes" ms "$exe is not built"
      continue
    fi
    book=$BENCH_TMP/workbook-$n.xlsx
    note "workbook: writing $n classes x $weeks weeks with openpyxl"
    [ "$n" = 2000 ] && note "workbook: 2,000 classes x 20 weeks would be a 5.7 MB feed, over the screens' 4 MiB: $weeks weeks"
    emit "workbook_weeks_${n}_classes" "$weeks" weeks
    if ! "$py" "$BENCH_LIB/make_workbook.py" --classes "$n" --weeks "$weeks" -o "$book" 2>"$BENCH_TMP/make_workbook.err"; then
      emit_nan "workbook_build_ms_${n}_classes" ms "make_workbook.py failed: $(tail -1 "$BENCH_TMP/make_workbook.err")"
      continue
    fi
    # 9 builds (the median): one is a few milliseconds, and a neighbour's burst
    # on a shared machine can inflate a short window's CPU time.
    if ! out=$("$exe" "$book" --reps 9 2>"$BENCH_TMP/workbook_build.err"); then
      emit_nan "workbook_build_ms_${n}_classes" ms "the workbook did not build: $(head -3 "$BENCH_TMP/workbook_build.err")"
      continue
    fi
    mine=$(awk '$1 == "workbook_build_ms" { print $2 }' <<<"$out")
    mine_cpu=$(awk '$1 == "workbook_build_cpu_ms" { print $2 }' <<<"$out")
    emit "workbook_build_ms_${n}_classes" "$mine" ms
    emit "workbook_build_cpu_ms_${n}_classes" "$mine_cpu" ms
    best_cpu="" best_wall=""
    for mode in default read_only; do
      line=$("$py" "$BENCH_LIB/openpyxl_build.py" "$book" --reps 3 --mode "$mode" 2>>"$BENCH_TMP/openpyxl.err" | tr '\n' ' ')
      note "workbook: openpyxl $mode: $line"
      read -r wall cpu < <(awk '{ for (i = 1; i <= NF; i++) { if ($i == "openpyxl_build_ms") w = $(i + 1); if ($i == "openpyxl_build_cpu_ms") c = $(i + 1) } } END { print w, c }' <<<"$line")
      if [ -n "$cpu" ] && { [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; }; then
        best_cpu=$cpu best_wall=$wall
      fi
    done
    if [ -z "$best_cpu" ]; then
      emit_nan "openpyxl_build_ms_${n}_classes" ms "openpyxl failed: $(tail -1 "$BENCH_TMP/openpyxl.err")"
      emit_nan "workbook_speedup_over_openpyxl_${n}_classes" x "no peer figure"
      continue
    fi
    emit "openpyxl_build_ms_${n}_classes" "$best_wall" ms
    emit "openpyxl_build_cpu_ms_${n}_classes" "$best_cpu" ms
    emit "workbook_speedup_over_openpyxl_${n}_classes" "$(ratio "$best_cpu" "$mine_cpu")" x
  done
}
