#!/bin/sh
# Seeds for workbook_fuzz from the committed workbook fixtures: each seed is the
# fuzzer's mode byte (see workbook_fuzz.cpp) followed by a file or a part.
# Usage: tests/fuzz/workbook_seeds.sh OUT_DIR   (needs unzip)
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../fixtures/workbooks"
mkdir -p "$out"
seed() { { printf "\\$1"; cat; } > "$out/$2"; }
for f in "$fixtures"/*.xlsx "$fixtures"/*.ods "$fixtures"/*.xls; do seed 000 "file-$(basename "$f")" < "$f"; done
n=0
for f in "$fixtures"/csv-*/*.csv; do n=$((n + 1)); seed 001 "csv-$n" < "$f"; done
lo="$fixtures/libreoffice-weekly.xlsx"
py="$fixtures/openpyxl-weekly.xlsx"
for x in "$lo" "$py"; do
    b=$(basename "$x" .xlsx)
    for s in 1 2 3; do unzip -p "$x" "xl/worksheets/sheet$s.xml" | seed 002 "$b-sheet$s"; done
    unzip -p "$x" xl/sharedStrings.xml | seed 003 "$b-shared" || true
    unzip -p "$x" xl/styles.xml | seed 004 "$b-styles"
    unzip -p "$x" xl/workbook.xml | seed 005 "$b-workbook"
    unzip -p "$x" xl/_rels/workbook.xml.rels | seed 006 "$b-rels"
done
