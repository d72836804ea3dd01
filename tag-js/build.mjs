// Builds dist/cl.js (minified IIFE) and fails when it is over the size budget (gzip -9).
// esbuild bundles the modules and strips the COMPILE_* branches; terser then minifies the bundle: its passes
// inline single-use functions and share names across the whole file, which esbuild's minifier does not.
import { build } from 'esbuild'
import { minify } from 'terser'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { gzipSync, brotliCompressSync, constants } from 'node:zlib'
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'

const BUDGET_GZIP_BYTES = 2304 // issue 20: at most 2,304 bytes with gzip -9

await build({
  entryPoints: ['src/tag.js'],
  outfile: 'dist/cl.js',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2017'],
  legalComments: 'none',
  define: {
    DEFAULT_TIMEOUT_MS: '1500', // anti-flicker / first-pageview wait, in milliseconds
    COMPILE_SPA: 'true', // pageviews and lease renewal on history navigations
  },
})

const minified = await minify(readFileSync('dist/cl.js', 'utf8'), {
  ecma: 2017,
  compress: { passes: 3, toplevel: true },
  mangle: { toplevel: true },
})
writeFileSync('dist/cl.js', minified.code)
const code = readFileSync('dist/cl.js')
// gzip(1) -9 is the budget's measure (its deflate differs from zlib's by a few bytes); zlib where gzip is missing.
const gzip = (() => {
  try { return execFileSync('gzip', ['-9', '-n', '-c'], { input: code }).length } catch { return gzipSync(code, { level: 9 }).length }
})()
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
const hash = createHash('sha256').update(code).digest('hex').slice(0, 12)
mkdirSync('dist', { recursive: true })
writeFileSync('dist/cl.json', JSON.stringify({ raw: code.length, gzip, brotli, budget: BUDGET_GZIP_BYTES, sha256: hash }) + '\n')
console.log(`tag-js: dist/cl.js ${code.length} B raw, ${gzip} B gzip -9, ${brotli} B brotli (budget ${BUDGET_GZIP_BYTES} B gzip), sha256 ${hash}`)
if (gzip > BUDGET_GZIP_BYTES) {
  console.error(`tag-js: over budget: ${gzip} B gzip > ${BUDGET_GZIP_BYTES} B`)
  process.exit(1)
}
