#!/usr/bin/env bash
# `npm start`: installs and builds what is missing (scripts/setup.sh), then
# runs the all-in-one desk (`sundesk up`) with the arguments given, e.g.
#   npm start -- --help
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec node dist/src/cli/main.js up "$@"
