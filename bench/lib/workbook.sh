# shellcheck shell=bash
# bench/lib/workbook.sh: bench/run's workbook section. Sourced by bench/run.
#
# The office's Monday: a workbook of 60 classes (20 weeks of scores, a deduction
# log) and one of 2,000 classes (12 weeks: 2,000 classes' 20 weeks make a feed
# over the screens' 4 MiB limit, which build refuses, naming it), written by openpyxl (bench/lib/make_workbook.py),
# turned into a feed by kiosk-feed's build (bench/workbook_build: read + every
# rule + the screens' check) and, as the peer a school's IT teacher would
# otherwise script, by Python's openpyxl on the same file (bench/lib/openpyxl_build.py,
# the faster of its default and read_only modes). Goals: 60 classes ≤ 100 ms,
# 2,000 ≤ 1.5 s, and at least 10× faster than openpyxl.
section_workbook() {
  local exe=$BUILD/bench/workbook_build py=/usr/bin/python3 n weeks book out peer_default peer_ro peer mine
  for n in 60 2000; do
    weeks=20
    [ "$n" = 2000 ] && weeks=12
    if [ ! -x "$exe" ]; then
      emit_nan "workbook_build_ms_${n}_classes" ms "$exe is not built"
      continue
    fi
    book=$BENCH_TMP/workbook-$n.xlsx
    note "workbook: writing $n classes x $weeks weeks with openpyxl"
    if ! "$py" "$BENCH_LIB/make_workbook.py" --classes "$n" --weeks "$weeks" -o "$book" 2>"$BENCH_TMP/make_workbook.err"; then
      emit_nan "workbook_build_ms_${n}_classes" ms "make_workbook.py failed: $(tail -1 "$BENCH_TMP/make_workbook.err")"
      continue
    fi
    if ! out=$("$exe" "$book" --reps 5 2>"$BENCH_TMP/workbook_build.err"); then
      emit_nan "workbook_build_ms_${n}_classes" ms "the workbook did not build: $(head -3 "$BENCH_TMP/workbook_build.err")"
      continue
    fi
    mine=$(awk '$1 == "workbook_build_ms" { print $2 }' <<<"$out")
    emit "workbook_build_ms_${n}_classes" "$mine" ms
    emit "workbook_build_cpu_ms_${n}_classes" "$(awk '$1 == "workbook_build_cpu_ms" { print $2 }' <<<"$out")" ms
    peer_default=$("$py" "$BENCH_LIB/openpyxl_build.py" "$book" --reps 3 --mode default 2>>"$BENCH_TMP/openpyxl.err" | awk '{ print $2 }')
    peer_ro=$("$py" "$BENCH_LIB/openpyxl_build.py" "$book" --reps 3 --mode read_only 2>>"$BENCH_TMP/openpyxl.err" | awk '{ print $2 }')
    peer=$(printf '%s\n%s\n' "${peer_default:-nan}" "${peer_ro:-nan}" | grep -v nan | sort -g | head -1)
    if [ -z "$peer" ]; then
      emit_nan "openpyxl_build_ms_${n}_classes" ms "openpyxl failed: $(tail -1 "$BENCH_TMP/openpyxl.err")"
      emit_nan "workbook_speedup_over_openpyxl_${n}_classes" x "no peer figure"
      continue
    fi
    note "workbook: openpyxl default ${peer_default:-nan} ms, read_only ${peer_ro:-nan} ms"
    emit "openpyxl_build_ms_${n}_classes" "$peer" ms
    emit "workbook_speedup_over_openpyxl_${n}_classes" "$(ratio "$peer" "$mine")" x
  done
}
