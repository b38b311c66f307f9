#!/usr/bin/env bash
# lanes.sh NAME=COMMAND...: runs each command at once, side by side, its
# output prefixed with [NAME] line by line, and waits for all of them; fails
# when any failed, saying which. make test runs its tests in one lane and
# its static checks and release builds in another: either alone leaves one
# of the two cores idle much of the time (tests waiting on databases and
# servers, single-threaded C compiles of GLFW), so side by side they take
# little longer than the longer one.
set -uo pipefail
names=() pids=()
for lane in "$@"; do
  name=${lane%%=*} cmd=${lane#*=}
  (bash -c "$cmd" 2>&1 | sed -u "s/^/[$name] /"; exit "${PIPESTATUS[0]}") &
  names+=("$name") pids+=($!)
done
failed=()
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then failed+=("${names[$i]}"); fi
done
if ((${#failed[@]})); then
  echo "lanes: failed: ${failed[*]}" >&2
  exit 1
fi
echo "lanes: all passed: ${names[*]}"
