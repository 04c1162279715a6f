// Parse an export with citation-js (an independent client, from npm) and print its CSL items.
//   node tests/cite/citation_js.mjs FILE FORMAT      (FORMAT: bibtex | ris | csljson)
import { readFileSync } from 'node:fs'
import { Cite, plugins } from '@citation-js/core'
import '@citation-js/plugin-bibtex'
import '@citation-js/plugin-ris'
import '@citation-js/plugin-csl'

const [file, format] = process.argv.slice(2)
const types = { bibtex: '@biblatex/text', ris: '@ris/file', csljson: '@csl/list+object' }
const text = readFileSync(file, 'utf8')
const input = format === 'csljson' ? JSON.parse(text) : text
try {
  const items = await Cite.async(input, { forceType: types[format] })
  process.stdout.write(JSON.stringify(items.data))
} catch (error) {
  process.stderr.write(`${file}: citation-js could not read it: ${error.message}\n`)
  process.exitCode = 1
}
void plugins
