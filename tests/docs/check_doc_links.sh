#!/usr/bin/env bash
# Every relative link and image of README.md and docs/*.md points at a file of the tree, so
# the screenshots and pages a reader follows exist in a fresh checkout.
set -euo pipefail
root=${1:?usage: check_doc_links.sh SOURCE_DIR}
status=0
checked=0
for doc in "$root"/README.md "$root"/docs/*.md; do
  dir=$(dirname "$doc")
  # ](target) and ](target "title"); external links and anchors are not files.
  while IFS= read -r target; do
    target=${target%%#*}
    [[ -z $target ]] && continue
    checked=$((checked + 1))
    if [[ ! -e "$dir/$target" ]]; then
      echo "FAIL: ${doc#$root/} links to $target, which does not exist" >&2
      status=1
    fi
  done < <(grep -o '](\([^)]*\))' "$doc" | sed -e 's/^](//' -e 's/)$//' -e 's/ ".*"$//' | grep -v -E '^(https?:|mailto:|#)' || true)
done
if (( checked < 10 )); then
  echo "FAIL: only $checked links found: the pattern no longer matches the documents" >&2
  status=1
fi
echo "$checked links checked"
exit $status
