#!/usr/bin/env bash
# SIGKILL right after an "accepted" reply, then restart: nothing is lost.
source "$(dirname "$0")/lib.sh"
start_service registry
dates=(2002-01-07 2002-02-11 2002-03-18 2002-04-22 2002-05-27 2002-06-03 2002-07-08 2002-08-12 2002-09-16 2002-10-21)
states=(Chad Mali Peru Fiji Iran Iraq Oman Togo Cuba Laos)
for i in "${!states[@]}"; do
  out=$(ctl deposit UNTOC "${states[$i]}" ratification "${dates[$i]}" --json)
  seq=$(echo "$out" | sed -n 's/^{"v":1,"type":"accepted","seq":\([0-9]*\).*/\1/p')
  [ -n "$seq" ] || fail "no accepted reply: $out"
  stop_service registry KILL
  start_service registry
  got=$(db_query registry.db "SELECT participant FROM events WHERE seq=$seq")
  [ -n "$got" ] || fail "event $seq lost after SIGKILL"
  served=$(ctl events --json --from "$seq")
  [[ "$served" == *"\"seq\":$seq,"* ]] || fail "event $seq not served after restart"
done
assert_eq "$(db_query registry.db "SELECT COUNT(*) FROM events")" 10 "all 10 acknowledged deposits survived 10 SIGKILLs"
assert_eq "$(db_query registry.db "PRAGMA integrity_check")" ok "integrity check"
stop_service registry
