#!/usr/bin/env node
// The `cdk8s-databricks` command. In the npm package it runs the compiled CLI (build/cjs/cli/bin.js). In a
// checkout of the repository, where the sources sit beside it, it runs them through tsx instead, so the
// command there never runs a stale build.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'cli', 'bin.ts');
if (existsSync(source)) {
  const { spawnSync } = require('node:child_process');
  const { pathToFileURL } = require('node:url');
  const tsx = pathToFileURL(require.resolve('tsx', { paths: [root] })).href;
  const result = spawnSync(process.execPath, ['--import', tsx, source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = result.status ?? 1;
} else {
  require(join(root, 'build', 'cjs', 'cli', 'bin.js'));
}
