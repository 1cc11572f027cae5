#!/usr/bin/env bash
# `npm test`: installs and builds what is missing (scripts/setup.sh), then
# runs Jest with the arguments given, e.g.
#   npm test -- test/services.test.ts
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh

# PGlite's CommonJS build loads Node's own modules with import(), which Jest's
# module sandbox runs only with this flag (else the process crashes with
# ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG). Jest's workers inherit it.
export NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning ${NODE_OPTIONS:-}"

exec npx --no-install jest "$@"
