#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs pytest (the arguments) and records its exit status in $FC1_PYTEST_RC, so that run.sh can
# tell pytest's own code (5 = no tests collected) from a failure of `make setup`.
"$@"
rc=$?
if [ -n "${FC1_PYTEST_RC:-}" ]; then echo "$rc" >"$FC1_PYTEST_RC"; fi
exit "$rc"
