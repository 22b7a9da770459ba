// Worker Loader: URLs are always UTF-8 in this runtime, so only that path of
// @exodus/bytes/whatwg.js is kept (the legacy multi-byte tables are left out).
import { utf8fromStringLoose } from '@exodus/bytes/utf8.js'
import { percentEncoder } from '../node_modules/@exodus/bytes/fallback/percent.js'

export function percentEncodeAfterEncoding(encoding, input, percentEncodeSet, spaceAsPlus = false) {
  const enc = String(encoding).toLowerCase()
  if (enc !== 'utf-8' && enc !== 'utf8') {
    throw new RangeError('Only UTF-8 is supported')
  }
  return percentEncoder(percentEncodeSet, spaceAsPlus)(utf8fromStringLoose(input))
}
