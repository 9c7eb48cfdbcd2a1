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

mapfile -t files < <(git diff --name-only --diff-filter=ACDMR "$since" HEAD -- '*.mix')
echo "## Mix review"
if [ "${#files[@]}" -eq 0 ]; then
  echo
  echo "No \`.mix\` file changed."
  exit 0
fi

for f in "${files[@]}"; do
  echo
  echo "### \`$f\`"
  echo
  if ! git cat-file -e "HEAD:$f" 2>/dev/null; then
    echo "Removed."
    continue
  fi
  # A new file is compared with an empty mix: everything in it is added.
  old=/dev/null
  git cat-file -e "$since:$f" 2>/dev/null && old="$since:$f"
  # Exit 2 is trouble (a version that does not read or has errors): show it, go on with the next file.
  if ! mixdown diff "$old" "$f" --format markdown --exit-zero "${audio[@]}" 2>errors.txt; then
    echo '```'
    cat errors.txt
    echo '```'
  fi
  rm -f errors.txt
done
