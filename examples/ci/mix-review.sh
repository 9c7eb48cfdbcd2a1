#!/usr/bin/env bash
# The review of every .mix file a branch changes, as markdown for a pull
# request: what changed in each mix, channel by channel, and (with
# MIXDOWN_AUDIO=1) what it sounds like.
#
#   mix-review.sh BASE > review.md       BASE: the branch merged into, e.g. origin/main
#
# Needs git and the mixdown command line on PATH (npm install -g mixdown-cli).
set -euo pipefail

base="${1:?usage: mix-review.sh BASE (the branch the pull request merges into)}"
since="$(git merge-base "$base" HEAD)"
audio=()
[ "${MIXDOWN_AUDIO:-0}" = 1 ] && audio=(--audio)

# One line a file: its status, and its path (a renamed file: the old path, then the new).
mapfile -t entries < <(git diff --name-status -M --diff-filter=ACDMR "$since" HEAD -- '*.mix')
echo "## Mix review"
if [ "${#entries[@]}" -eq 0 ]; then
  echo
  echo "No \`.mix\` file changed."
  exit 0
fi

for entry in "${entries[@]}"; do
  IFS=$'\t' read -r status path renamed <<<"$entry"
  f="${renamed:-$path}"
  echo
  echo "### \`$f\`"
  echo
  if [ "${status:0:1}" = D ]; then
    echo "Removed."
    continue
  fi
  # A renamed file is compared with what it was; a new file with an empty mix (everything in it is added).
  old=/dev/null
  git cat-file -e "$since:$path" 2>/dev/null && old="$since:$path"
  if [ -n "$renamed" ]; then
    echo "Renamed from \`$path\`."
    echo
  fi
  # Exit 2 is trouble (a version that does not read or has errors): show it, go on with the next file.
  if ! mixdown diff "$old" "$f" --format markdown --exit-zero "${audio[@]}" 2>errors.txt; then
    echo '```'
    cat errors.txt
    echo '```'
  fi
  rm -f errors.txt
done
