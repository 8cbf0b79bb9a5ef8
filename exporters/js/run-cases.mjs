// Runs every exported model listed in <dir>/cases.json with onnxruntime-node and writes each output as
// <case>.<output>.node.bin (raw little-endian), for NodeRuntimeTest to compare with our ONNX Runtime.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const dir = process.argv[2];
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
for (const c of cases) {
  const bytes = readFileSync(join(dir, c.input));
  const input = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const session = await ort.InferenceSession.create(join(dir, c.model));
  const result = await session.run({ images: new ort.Tensor('float32', input, c.inputShape) });
  for (const o of c.outputs) {
    const data = result[o.name].data;
    writeFileSync(join(dir, `${c.name}.${o.name}.node.bin`), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
}
console.log(`onnxruntime-node ${ort.env.versions.node}: ran ${cases.length} cases`);
