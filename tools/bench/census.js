// Preloaded into a compiled service by the modules benchmark (`node -r tools/bench/census.js dist/apps/<app>/main.js`,
// see tools/bench/modules.ts). Does nothing until SIGUSR2; then writes, to $CENSUS_DIR/<pid>.json, every module
// loaded so far (require.cache) grouped by package with its source size, and the process's memory. Plain
// JavaScript so that plain Node runs it, as it runs the build.
'use strict';

const fs = require('fs');
const path = require('path');

/** `@scope/name` or `name` under the last node_modules; `apps/<x>` or `libs/<x>` of the tree; else the path. */
function packageOf(file) {
  const i = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (i >= 0) {
    const parts = file.slice(i + 14).split(path.sep);
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const own = /[\\/](apps|libs)[\\/]([^\\/]+)[\\/]/.exec(file);
  return own ? `${own[1]}/${own[2]}` : path.basename(file);
}

function census() {
  const packages = {};
  let files = 0;
  for (const file of Object.keys(require.cache)) {
    if (file === __filename) continue;
    let bytes = 0;
    try {
      bytes = fs.statSync(file).size;
    } catch {
      /* a built-in or a vanished file */
    }
    const name = packageOf(file);
    const entry = (packages[name] ??= { files: 0, bytes: 0 });
    entry.files++;
    entry.bytes += bytes;
    files++;
  }
  const memory = process.memoryUsage();
  return { pid: process.pid, files, packages, memory };
}

if (process.env.CENSUS_DIR) {
  process.on('SIGUSR2', () => {
    const out = path.join(process.env.CENSUS_DIR, `${process.pid}.json`);
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(census()));
    fs.renameSync(`${out}.tmp`, out);
  });
}
