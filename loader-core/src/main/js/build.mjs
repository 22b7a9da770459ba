import * as esbuild from 'esbuild'
import path from 'node:path'
const shims = {
  '@exodus/bytes/encoding.js': path.resolve('shim/empty.js'),
  '@exodus/bytes/whatwg.js': path.resolve('shim/whatwg.js'),
}
const plugin = { name: 'shims', setup(b) {
  b.onResolve({ filter: /^@exodus\/bytes\/(encoding|whatwg)\.js$/ }, (a) => ({ path: shims[a.path] }))
} }
const r = await esbuild.build({ entryPoints: [process.argv[2]], bundle: true, platform: 'neutral', mainFields: ['module', 'main'], format: 'iife', globalName: '__lib', target: 'es2022',
  minify: process.argv[4] !== 'nominify', legalComments: 'none', outfile: process.argv[3], plugins: [plugin], metafile: true })
const o = Object.entries(r.metafile.inputs).map(([k,v])=>[v.bytes,k]).sort((a,b)=>b[0]-a[0]).slice(0,8); console.log(o)
