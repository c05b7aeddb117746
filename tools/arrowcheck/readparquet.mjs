// Reads a Parquet file with the hyparquet JavaScript library and prints its
// key-value metadata, column names and rows as JSON.
//
// Usage: node readparquet.mjs FILE
import { readFileSync } from 'node:fs'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'

const buf = readFileSync(process.argv[2])
const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
const meta = parquetMetadata(file)
const rows = await parquetReadObjects({ file })
const kv = Object.fromEntries((meta.key_value_metadata ?? []).map(e => [e.key, e.value]))
const columns = meta.schema.slice(1).map(s => s.name)
process.stdout.write(JSON.stringify({ metadata: kv, columns, rows: Number(meta.num_rows), values: rows }, (k, v) => {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  return typeof v === 'bigint' ? v.toString() : v
}))
