// Bundles src/report.js with Chart.js into dist/report.js (one minified file the edge serves at /report/report.js), and
// src/console.js into dist/console.js (the console's script, /console/console.js).
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
console.log(`report-js: dist/report.js ${statSync('dist/report.js').size} bytes, dist/console.js ${statSync('dist/console.js').size} bytes`);
