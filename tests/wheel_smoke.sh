#!/usr/bin/env bash
# A scenario run from an installed wheel (make wheel-smoke): every command here reads a file the
# package ships (pipeline, rules, quote templates, migrations), so a file left out of the wheel fails.
set -euo pipefail
sf=$(realpath "$1"); run=$2
mkdir -p "$run"; cd "$run"
export SALESFLOW_NOW=2026-11-27T09:00 SALESFLOW_USER=ana SALESFLOW_CONFIG=$PWD/config.toml
export XDG_DATA_HOME=$PWD/data XDG_CONFIG_HOME=$PWD/config
printf 'timezone = "UTC"\ncurrency = "USD"\n' > config.toml
db=$PWD/smoke.db
"$sf" --db "$db" demo --size 50 --seed 1 >/dev/null
"$sf" --db "$db" product add SEAT "Seat licence" --price 100 >/dev/null
deal=$("$sf" --db "$db" lead add "Smoke rollout" --company "Smoke Co" --value 1k)
"$sf" --db "$db" quote new "$deal" --line SEAT:10 >/dev/null
"$sf" --db "$db" quote export 1 --out q.md >/dev/null
"$sf" --db "$db" quote export 1 --out q.html >/dev/null
"$sf" --db "$db" report html --out r.html >/dev/null
"$sf" --db "$db" rule export >/dev/null
"$sf" --db "$db" funnel --json >/dev/null
"$sf" --db "$db" db check >/dev/null
grep -q "Seat licence" q.md && grep -q "Seat licence" q.html && grep -qi "<html" r.html
echo "wheel smoke: 1 passed, 0 failed"
