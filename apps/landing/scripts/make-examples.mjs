// Draws the hero's illustration (seeded, so the output never changes) as SVG and rasterizes it
// to WebP. It is a drawing, not a result, and the page shows no drawing as a model's output
// ("What you can make" says what each model does). Run `npm run examples` in apps/landing; the
// WebP file is committed, and Astro makes the responsive sizes from it at build time. (Astro passes SVG
// sources through untouched, and these blurs are costly for a phone to draw, hence raster.)
import sharp from 'sharp';

const out = new URL('../src/assets/examples/', import.meta.url);
const W = 1600;
const H = 1200;

function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A ridge line by midpoint displacement, closed down to the bottom edge. */
function ridge(rand, base, rough, steps = 8) {
  let points = [base + (rand() - 0.5) * rough, base + (rand() - 0.5) * rough];
  let spread = rough;
  for (let i = 0; i < steps; i++) {
    const next = [];
    for (let j = 0; j < points.length - 1; j++) {
      next.push(points[j], (points[j] + points[j + 1]) / 2 + (rand() - 0.5) * spread);
    }
    next.push(points.at(-1));
    points = next;
    spread *= 0.55;
  }
  const dx = W / (points.length - 1);
  const line = points.map((y, i) => `${(i * dx).toFixed(1)},${y.toFixed(1)}`).join(' L');
  return `M0,${H} L${line} L${W},${H} Z`;
}

const svg = (body, defs = '') =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><defs>${defs}</defs>${body}</svg>\n`;

function mountains() {
  const rand = random(7);
  const layers = ['#c9a6c8', '#a685b5', '#7d6aa3', '#574e86', '#342f5c', '#1d1a36'];
  const defs = `
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f6c8a8"/><stop offset="0.45" stop-color="#f2a2a0"/><stop offset="1" stop-color="#b98bbd"/></linearGradient>
    <radialGradient id="sun"><stop offset="0" stop-color="#fff6df"/><stop offset="0.35" stop-color="#ffe0a8"/><stop offset="1" stop-color="#ffe0a8" stop-opacity="0"/></radialGradient>
    <linearGradient id="mist" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#fde6e0" stop-opacity="0.55"/></linearGradient>
    <filter id="soft"><feGaussianBlur stdDeviation="6"/></filter>`;
  let body = `<rect width="${W}" height="${H}" fill="url(#sky)"/><circle cx="1080" cy="470" r="330" fill="url(#sun)"/><circle cx="1080" cy="470" r="92" fill="#fff4dc"/>`;
  layers.forEach((color, i) => {
    const base = 560 + i * 105;
    body += `<path d="${ridge(rand, base, 260 - i * 25)}" fill="${color}"/>`;
    if (i < layers.length - 1) body += `<rect y="${base - 60}" width="${W}" height="170" fill="url(#mist)" filter="url(#soft)"/>`;
  });
  return svg(body, defs);
}

const pictures = { mountains };
for (const [name, draw] of Object.entries(pictures)) {
  const file = new URL(`${name}.webp`, out);
  const info = await sharp(Buffer.from(draw())).webp({ quality: 90, effort: 6 }).toFile(file.pathname);
  console.log(`wrote src/assets/examples/${name}.webp (${info.width}×${info.height}, ${Math.round(info.size / 1024)} KB)`);
}
