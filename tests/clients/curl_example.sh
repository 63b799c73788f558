#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The service's published curl example, with only the base URL changed:
#   MAKISTRY_BASE_URL=http://127.0.0.1:8000 MAKISTRY_API_KEY=... \
#     bash curl_example.sh part_front.png part_side.png OUT.step
# Submits two views with a prompt, polls the job (5 s for 30 s, then 15 s; POLL_SECONDS overrides
# both), downloads the result from the latest download_url and prints the final job as JSON.
set -euo pipefail
BASE=${MAKISTRY_BASE_URL:?set MAKISTRY_BASE_URL}
KEY=${MAKISTRY_API_KEY:?set MAKISTRY_API_KEY}
FRONT=$1 SIDE=$2 OUT=$3

answer=$(curl -sS --fail-with-body -X POST "$BASE/v1/image-to-cad" \
  -H "Authorization: Bearer $KEY" \
  -F "image=@$FRONT" -F "image=@$SIDE" \
  -F "prompt=front view and right-side view of the same bracket" \
  -F output_format=STEP)
job_id=$(jq -r .job_id <<<"$answer")
echo "submitted $job_id" >&2

start=$SECONDS
while :; do
  job=$(curl -sS --fail-with-body "$BASE/v1/jobs/$job_id" -H "Authorization: Bearer $KEY")
  status=$(jq -r .status <<<"$job")
  case $status in
    success) break ;;
    failed) echo "$job"; echo "failed: $(jq -r '.error_code + ": " + .error_message' <<<"$job")" >&2
            exit 1 ;;
  esac
  if [ -n "${POLL_SECONDS:-}" ]; then sleep "$POLL_SECONDS"
  elif [ $((SECONDS - start)) -lt 30 ]; then sleep 5; else sleep 15; fi
done
curl -sS --fail-with-body -o "$OUT" "$(jq -r .download_url <<<"$job")"
echo "$job"
