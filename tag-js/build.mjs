// Builds the tag's files and fails when one is over its size budget (`gzip -9 -c` of the file, name included):
//   dist/cl.js        the tag sites embed (swap, pageviews, SPA support): at most 2,048 B gzip
//   dist/cl-more.js   its extension, loaded after the first answer (split numbers, shadow roots): at most 1,152 B gzip
//   dist/cl-leads.js  form capture and the lead/conversion/visitor calls, loaded only where used: at most 1,344 B gzip
// The other files are built first: the tag names each by its content-addressed URL (/t/<version>/<file>, version =
// the first 12 hex digits of its SHA-256, as the edge computes it), so a new file is also a new tag.
// esbuild bundles the modules and strips the COMPILE_* branches; terser then minifies the bundle: its passes
// inline single-use functions and share names across the whole file, which esbuild's minifier does not.
// unsafe_arrows writes a function expression that uses neither `this` nor `arguments` as an arrow function: safe here,
// since none of the tag's callbacks is called with `new` or has its prototype read.
import { build } from 'esbuild'
import { minify } from 'terser'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { gzipSync, brotliCompressSync, constants } from 'node:zlib'
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'

const FILES = [
  { entry: 'src/more.js', name: 'cl-more', budget: 1152 },
  { entry: 'src/leads.js', name: 'cl-leads', budget: 1344 },
  { entry: 'src/tag.js', name: 'cl', budget: 2048 },
]

mkdirSync('dist', { recursive: true })
const versions = {}
let over = false
for (const { entry, name, budget } of FILES) {
  const outfile = `dist/${name}.js`
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2017'],
    legalComments: 'none',
    define: {
      DEFAULT_TIMEOUT_MS: '1500', // anti-flicker / first-pageview wait, in milliseconds
      COMPILE_SPA: 'true', // pageviews and lease renewal on history navigations
      MORE_PATH: JSON.stringify(`/t/${versions['cl-more']}/cl-more.js`),
      LEADS_PATH: JSON.stringify(`/t/${versions['cl-leads']}/cl-leads.js`),
    },
  })
  const minified = await minify(readFileSync(outfile, 'utf8'), {
    ecma: 2017,
    compress: { passes: 3, toplevel: true, unsafe_arrows: true },
    mangle: { toplevel: true },
  })
  writeFileSync(outfile, minified.code)
  const code = readFileSync(outfile)
  // The budget's measure is `gzip -9 -c dist/NAME.js`: gzip(1)'s deflate (a few bytes off zlib's) with the file's name in
  // its header, as a reviewer running gzip on the file counts it. zlib, plus that header field, where gzip is missing.
  const gzip = (() => {
    try { return execFileSync('gzip', ['-9', '-c', outfile]).length } catch { return gzipSync(code, { level: 9 }).length + `${name}.js`.length + 1 }
  })()
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
  const hash = versions[name] = createHash('sha256').update(code).digest('hex').slice(0, 12)
  writeFileSync(`dist/${name}.json`, JSON.stringify({ raw: code.length, gzip, brotli, budget, sha256: hash }) + '\n')
  console.log(`tag-js: ${outfile} ${code.length} B raw, ${gzip} B gzip -9, ${brotli} B brotli (budget ${budget} B gzip), sha256 ${hash}`)
  if (gzip > budget) {
    console.error(`tag-js: ${outfile} over budget: ${gzip} B gzip > ${budget} B`)
    over = true
  }
}
if (over) process.exit(1)
