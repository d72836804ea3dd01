// Bundles src/report.js with Chart.js into dist/report.js (one minified file the edge serves at /report/report.js), and
// src/console.js into dist/console.js (the console's script, /console/console.js), and src/setup.js with Chart.js into
// dist/setup.js (the pools and sites pages' chart and copy buttons, /console/setup.js).
import { build } from 'esbuild';
import { statSync } from 'node:fs';

await build({
  entryPoints: ['src/report.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: 'dist/report.js',
  legalComments: 'none',
});
await build({
  entryPoints: ['src/console.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: 'dist/console.js',
  legalComments: 'none',
});
await build({
  entryPoints: ['src/setup.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: 'dist/setup.js',
  legalComments: 'none',
});
console.log(`report-js: dist/setup.js ${statSync('dist/setup.js').size} bytes (pools chart, copy buttons); dist/report.js ${statSync('dist/report.js').size} bytes, dist/console.js ${statSync('dist/console.js').size} bytes`);
