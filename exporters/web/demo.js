// The LOCA segmenter demo: loads an exported segmenter (loca export --what segmenter), reads its preprocessing and
// class names from the model's metadata_props, segments the picked image and draws the class map over it.
// URL parameters: ?model=URL (default model.onnx) and &image=URL (auto-load a sample image, as the tests do).
'use strict';

ort.env.wasm.wasmPaths = new URL('../js/node_modules/onnxruntime-web/dist/', location.href).href;
ort.env.wasm.numThreads = 1;

const PALETTE = [[0, 0, 0], [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
  [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128]];

const $ = (id) => document.getElementById(id);
let session = null;
let meta = null;

function status(text) {
  $('status').textContent = text;
}

// metadata_props (ModelProto field 14: StringStringEntryProto {key = 1, value = 2}) read from the model bytes;
// onnxruntime-web does not expose them.
function readMetadata(bytes) {
  let pos = 0;
  const varint = (end) => {
    let result = 0;
    let shift = 1;
    while (pos < end) {
      const b = bytes[pos++];
      result += (b & 0x7f) * shift;
      if (b < 0x80) return result;
      shift *= 128;
    }
    throw new Error('truncated varint');
  };
  const fields = (start, end, onField) => {
    pos = start;
    while (pos < end) {
      const tag = varint(end);
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (wire === 0) { varint(end); continue; }
      if (wire === 1) { pos += 8; continue; }
      if (wire === 5) { pos += 4; continue; }
      if (wire !== 2) throw new Error('unsupported wire type ' + wire);
      const len = varint(end);
      const from = pos;
      pos += len;
      onField(field, from, from + len);
    }
  };
  const text = (a, b) => new TextDecoder().decode(bytes.subarray(a, b));
  const entries = [];
  fields(0, bytes.length, (field, a, b) => { if (field === 14) entries.push([a, b]); });
  const out = {};
  for (const [a, b] of entries) {
    let key = '';
    let value = '';
    fields(a, b, (f, x, y) => { if (f === 1) key = text(x, y); else if (f === 2) value = text(x, y); });
    out[key] = value;
  }
  return out;
}

async function loadModel(bytes) {
  const props = readMetadata(bytes);
  if (!props['loca.preprocessing']) throw new Error('the model has no loca.preprocessing metadata');
  meta = {
    pre: JSON.parse(props['loca.preprocessing']),
    classes: JSON.parse(props['loca.class_names'] || '[]'),
  };
  session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const legend = $('legend');
  legend.innerHTML = '';
  meta.classes.forEach((name, i) => {
    const c = PALETTE[i % PALETTE.length];
    const s = document.createElement('span');
    s.innerHTML = `<i style="background: rgb(${c})"></i>`;
    s.append(name);
    legend.append(s);
  });
  status(`model loaded: input ${meta.pre.input_size}x${meta.pre.input_size}, ${meta.classes.length} classes`);
}

function pixels(img) {
  const size = meta.pre.input_size;
  const canvas = $('image');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0, size, size);
  return ctx.getImageData(0, 0, size, size).data;
}

async function segment(img) {
  const size = meta.pre.input_size;
  const rgba = pixels(img);
  const plane = size * size;
  const x = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      const v = rgba[4 * p + c] / 255;
      x[c * plane + p] = meta.pre.normalize_inside ? v : (v - meta.pre.mean[c]) / meta.pre.std[c];
    }
  }
  const t0 = performance.now();
  const out = await session.run({ images: new ort.Tensor('float32', x, [1, 3, size, size]) });
  const ms = performance.now() - t0;
  const classes = out.classes.data;
  const overlay = $('overlay');
  overlay.width = size;
  overlay.height = size;
  const ctx = overlay.getContext('2d');
  ctx.drawImage($('image'), 0, 0);
  const shown = ctx.getImageData(0, 0, size, size);
  for (let p = 0; p < plane; p++) {
    const col = PALETTE[Number(classes[p]) % PALETTE.length];
    for (let c = 0; c < 3; c++) shown.data[4 * p + c] = Math.round(0.45 * shown.data[4 * p + c] + 0.55 * col[c]);
  }
  ctx.putImageData(shown, 0, 0);
  $('classes').textContent = Array.from(classes, Number).join(' ');
  status(`segmented in ${ms.toFixed(1)} ms`);
}

function loadImage(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('cannot load image ' + src));
    img.src = src;
  });
}

async function main() {
  const params = new URLSearchParams(location.search);
  try {
    const response = await fetch(params.get('model') || 'model.onnx');
    if (!response.ok) throw new Error('cannot fetch the model: HTTP ' + response.status);
    await loadModel(new Uint8Array(await response.arrayBuffer()));
    if (params.get('image')) await segment(await loadImage(params.get('image')));
  } catch (e) {
    status('error: ' + e.message);
  }
}

$('model-file').addEventListener('change', async (ev) => {
  try {
    await loadModel(new Uint8Array(await ev.target.files[0].arrayBuffer()));
  } catch (e) {
    status('error: ' + e.message);
  }
});
$('image-file').addEventListener('change', async (ev) => {
  try {
    await segment(await loadImage(URL.createObjectURL(ev.target.files[0])));
  } catch (e) {
    status('error: ' + e.message);
  }
});
main();
