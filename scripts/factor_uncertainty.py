#!/usr/bin/env python3
"""Derives migrations/data/factor-uncertainty.csv from the official form's 附表一.

Reads ../shared/reference/moenv-form/sheet-13-附表一.csv (the MOENV 清冊表單's published factors
with their hidden 95 % interval columns K/L) and migrations/data/emission-factors.csv, and writes
one row per factor key of ours that 附表一 gives an interval for:

    fkey,ci_lower_percent,ci_upper_percent,source

Bounds are magnitudes in percent (3 decimals at most), as migrations/0023_quality.sql stores them
(thousandths of a percent).  附表一's fuel bounds are percents (-3.209 / 3.922); its electricity
bound is the fraction 0.07 shown as "-7.0%" for both bounds: normalised to 7.0 / 7.0.

A key is mapped to 附表一's (排放型式, fuel code); the gas is the key's.  The script checks that
the factor is 附表一's: an ef113_* value (kg/TJ) must equal it, an ef604_* value (kg per litre or
m3) divided by its heat value x 4.1868e-9 must be within 0.1 % of it.  A key whose factor differs
(the uncontrolled and low-mileage gasoline vehicles' CH4 and N2O, which 附表一 has not) or whose
row says NULL gets no row: that gas is 未評估.  The output is checked in; the build needs no Python.

Usage: python3 scripts/factor_uncertainty.py [REFERENCE_DIR] > migrations/data/factor-uncertainty.csv
"""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Our key prefix -> (附表一 排放型式, fuel code, {gas: code} overrides).
FUELS = {
    "ef604_gasoline_stationary": ("固定燃燒", "170001"),
    "ef604_gasoline_mobile": ("移動燃燒", "170001"),
    "ef604_diesel_stationary": ("固定燃燒", "170006"),
    "ef604_diesel_mobile": ("移動燃燒", "170006"),
    "ef604_natural_gas_stationary": ("固定燃燒", "050002"),
    "ef604_lpg_stationary": ("固定燃燒", "350008"),
    "ef604_lpg_mobile": ("移動燃燒", "350008"),
    "ef113_gasoline_stationary": ("固定燃燒", "170001"),
    "ef113_diesel_stationary": ("固定燃燒", "170006"),
    "ef113_lpg_stationary": ("固定燃燒", "350008"),
    "ef113_natural_gas_stationary": ("固定燃燒", "050002"),
    "ef113_gasoline_mobile_uncontrolled": ("移動燃燒", "170001"),
    "ef113_gasoline_mobile_oxidation_catalyst": ("移動燃燒", "170001"),
    "ef113_gasoline_mobile_low_mileage_ldv_1995plus": ("移動燃燒", "170001"),
    "ef113_diesel_mobile": ("移動燃燒", "170006"),
    "ef113_lpg_mobile": ("移動燃燒", "350008"),
    # 附表一 lists mobile natural gas's CO2 under 050004 (液化天然氣, 56100) and CH4/N2O under 050002.
    "ef113_cng_lng_mobile": ("移動燃燒", "050004", {"CH4": "050002", "N2O": "050002"}),
    "ef113_msw_nonbiomass_combustion": ("固定燃燒", "GG3801"),
}
GASES = ("CO2", "CH4", "N2O")
KCAL_TO_TJ = 4.1868e-9


def fmt(x):
    """A magnitude in percent, at most 3 decimals, no trailing zeros beyond one."""
    s = "%.3f" % abs(float(x))
    s = s.rstrip("0")
    return s + "0" if s.endswith(".") else s


def main():
    ref = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference", "moenv-form")
    with open(os.path.join(ref, "sheet-13-附表一.csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    table = {}
    elec = None
    for r in rows[1:]:
        if len(r) < 12:
            continue
        if r[0] == "直接" and r[1] in ("固定燃燒", "移動燃燒") and r[2] in GASES:
            table[(r[1], r[2], r[3])] = (float(r[8]), r[10].strip(), r[11].strip(), r[5])
        elif r[0] == "間接" and r[1] == "外購電力" and r[3] == "350099":
            bounds = (r[10].strip(), r[11].strip())
            if elec is not None and bounds != elec:
                sys.exit("附表一: electricity bounds differ between years: %s vs %s" % (bounds, elec))
            elec = bounds
    if elec is None:
        sys.exit("附表一: no electricity rows")

    with open(os.path.join(ROOT, "migrations", "data", "emission-factors.csv"), encoding="utf-8", newline="") as fh:
        ours = {r["key"]: r for r in csv.DictReader(fh)}

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["fkey", "ci_lower_percent", "ci_upper_percent", "source"])
    skipped = []
    for prefix, spec in FUELS.items():
        mode, code = spec[0], spec[1]
        over = spec[2] if len(spec) > 2 else {}
        for gas in GASES:
            key = "%s_%s" % (prefix, gas)
            if key not in ours:
                sys.exit("no factor %s in emission-factors.csv" % key)
            c = over.get(gas, code)
            if (mode, gas, c) not in table:
                sys.exit("附表一 has no row %s %s %s for %s" % (mode, gas, c, key))
            value, lo, up, hidden = table[(mode, gas, c)]
            v = float(ours[key]["value"])
            if prefix.startswith("ef604_"):
                heat = float(ours[prefix + "_heat_value"]["value"])
                v = v / (heat * KCAL_TO_TJ)
                same = abs(v - value) <= value * 0.001
            else:
                same = v == value
            if not same:
                skipped.append("%s: ours %.6g kg/TJ, 附表一 %s %g (another factor)" % (key, v, hidden, value))
                continue
            if lo == "NULL" or up == "NULL" or lo == "" or up == "":
                skipped.append("%s: 附表一 %s has no interval" % (key, hidden))
                continue
            out.writerow([key, fmt(lo), fmt(up),
                          "MOENV 溫室氣體排放量清冊表單 附表一 %s (%g kg/TJ, IPCC 2006 建議數值): 95%% 信賴區間 %s / %s, "
                          "percent units as given" % (hidden, value, lo, up)])
    # Electricity: one interval for every year of 附表一 (89-120): the fraction 0.07, shown "-7.0%".
    lo, up = elec
    frac = abs(float(lo.rstrip("%")))
    if lo.endswith("%"):
        pct = frac
    else:
        pct = frac * 100
    elec_keys = sorted(k for k in ours if k.startswith("elec_grid_")) + ["elec_rec_bundled"]
    for key in elec_keys:
        what = ("REC 登載電力 (附表一 GG3502 has no factor; the form's example gives its REC line the grid's 7.0 %)"
                if key == "elec_rec_bundled" else "間接外購電力350099 (years 89-120)")
        out.writerow([key, fmt(pct), fmt(pct),
                      "MOENV 溫室氣體排放量清冊表單 附表一 範疇二 %s: 95%% 信賴區間 stored as the fraction 0.07 "
                      "and shown %s for both bounds; normalised to percent, 7.0 below and above" % (what, lo)])
    for s in skipped:
        print("no interval: " + s, file=sys.stderr)


if __name__ == "__main__":
    main()
