// Reads a neusim trajectory (Arrow IPC stream) with the apache-arrow
// JavaScript library and prints its schema, metadata and values as JSON.
//
// Usage: node readarrow.mjs FILE
import { readFileSync } from 'node:fs'
import { RecordBatchReader } from 'apache-arrow'

const reader = RecordBatchReader.from(readFileSync(process.argv[2]))
const out = { fields: [], metadata: {}, batches: [] }
for (const batch of reader) {
  if (out.fields.length === 0) {
    out.fields = batch.schema.fields.map(f => ({ name: f.name, type: String(f.type), nullable: f.nullable }))
    out.metadata = Object.fromEntries(batch.schema.metadata)
  }
  const columns = {}
  for (const f of batch.schema.fields) {
    const col = batch.getChild(f.name)
    const values = []
    for (let i = 0; i < col.length; i++) {
      const v = col.get(i)
      if (v !== null && typeof v === 'object') {
        values.push(...Array.from(v, x => (typeof x === 'bigint' ? x.toString() : x)))
      } else {
        values.push(typeof v === 'bigint' ? v.toString() : v)
      }
    }
    columns[f.name] = values
  }
  out.batches.push({ rows: batch.numRows, metadata: Object.fromEntries(batch.metadata), columns })
}
process.stdout.write(JSON.stringify(out))
