#!/bin/sh
# A stand-in for `dynamo worker`, light enough to start many of: fake-worker.sh DIR MODE worker --worker-id ID …
# Records its command line in DIR/ID.started; on SIGTERM records DIR/ID.term and, unless MODE is "stubborn", takes a
# moment (a drain) and exits after recording DIR/ID.exited. MODE "crash" exits with code 3 right after starting.
dir=$1; mode=$2; shift 2
id=""; previous=""
for argument in "$@"; do
  [ "$previous" = "--worker-id" ] && id=$argument
  previous=$argument
done
child=""
on_term() {
  echo "$$" > "$dir/$id.term"
  [ "$mode" = stubborn ] && return
  sleep 0.3
  [ -n "$child" ] && kill "$child" 2>/dev/null
  echo "$$" > "$dir/$id.exited"
  exit 0
}
trap on_term TERM
if [ "$mode" = crash ]; then echo "$$ $*" > "$dir/$id.started"; exit 3; fi
sleep 600 &
child=$!
echo "$$ $*" > "$dir/$id.started"
while :; do wait "$child"; done
