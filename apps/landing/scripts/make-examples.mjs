// Draws the landing page's example pictures (seeded, so the output never changes) as SVG and
// rasterizes them to WebP. Run `npm run examples` in apps/landing; the WebP files are
// committed, and Astro makes the responsive sizes from them at build time. (Astro passes SVG
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

function city() {
  const rand = random(21);
  const defs = `
    <linearGradient id="night" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#0b0a26"/><stop offset="0.6" stop-color="#3a1a5c"/><stop offset="1" stop-color="#7a2f6b"/></linearGradient>
    <linearGradient id="street" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2a1240"/><stop offset="1" stop-color="#07060f"/></linearGradient>
    <filter id="glow" x="-100%" y="-100%" width="300%" height="300%"><feGaussianBlur stdDeviation="22"/></filter>
    <filter id="smear"><feGaussianBlur stdDeviation="3 18"/></filter>`;
  const horizon = 860;
  let skyline = '';
  let x = -20;
  while (x < W) {
    const w = 70 + rand() * 150;
    const h = 180 + rand() * 520;
    const shade = ['#15112e', '#1b1638', '#221a44', '#120e27'][Math.floor(rand() * 4)];
    skyline += `<rect x="${x.toFixed(0)}" y="${(horizon - h).toFixed(0)}" width="${w.toFixed(0)}" height="${h.toFixed(0)}" fill="${shade}"/>`;
    for (let wy = horizon - h + 24; wy < horizon - 20; wy += 26) {
      for (let wx = x + 12; wx < x + w - 16; wx += 22) {
        if (rand() < 0.33) {
          const lit = ['#ffd68a', '#ffb870', '#9fe8ff', '#ffe9c4'][Math.floor(rand() * 4)];
          skyline += `<rect x="${wx.toFixed(0)}" y="${wy.toFixed(0)}" width="10" height="14" fill="${lit}" opacity="${(0.5 + rand() * 0.5).toFixed(2)}"/>`;
        }
      }
    }
    x += w + 6;
  }
  const signs = [
    [240, 430, 150, 36, '#ff3fa4'],
    [760, 360, 46, 190, '#37e6ff'],
    [1180, 500, 180, 40, '#ff7a3f'],
    [1420, 300, 40, 150, '#b56bff'],
  ];
  let neon = '';
  for (const [sx, sy, sw, sh, color] of signs) {
    neon += `<rect x="${sx - 20}" y="${sy - 20}" width="${sw + 40}" height="${sh + 40}" rx="20" fill="${color}" filter="url(#glow)"/><rect x="${sx}" y="${sy}" width="${sw}" height="${sh}" rx="8" fill="${color}"/><rect x="${sx}" y="${sy}" width="${sw}" height="${sh}" rx="8" fill="none" stroke="#fff" stroke-opacity="0.85" stroke-width="4"/>`;
  }
  let rain = '';
  for (let i = 0; i < 260; i++) {
    const rx = rand() * W;
    const ry = rand() * H;
    rain += `<line x1="${rx.toFixed(0)}" y1="${ry.toFixed(0)}" x2="${(rx - 8).toFixed(0)}" y2="${(ry + 34).toFixed(0)}" stroke="#cfd8ff" stroke-opacity="${(0.12 + rand() * 0.2).toFixed(2)}" stroke-width="2"/>`;
  }
  const scene = `<g>${skyline}${neon}</g>`;
  const body =
    `<rect width="${W}" height="${H}" fill="url(#night)"/>${scene}` +
    `<rect y="${horizon}" width="${W}" height="${H - horizon}" fill="url(#street)"/>` +
    `<g transform="translate(0 ${2 * horizon}) scale(1 -1)" opacity="0.45" filter="url(#smear)">${scene}</g>` +
    `<rect y="${horizon}" width="${W}" height="4" fill="#ff8ad0" opacity="0.35"/>${rain}`;
  return svg(body, defs);
}

function spheres() {
  const defs = `
    <linearGradient id="wall" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f3e7ff"/><stop offset="1" stop-color="#ffd9cf"/></linearGradient>
    <linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f0d2dc"/><stop offset="1" stop-color="#e7bfd0"/></linearGradient>
    <filter id="shadow" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="26"/></filter>
    <filter id="blurHi"><feGaussianBlur stdDeviation="10"/></filter>`;
  const balls = [
    [520, 700, 230, ['#ffffff', '#9fd8ff', '#3b7dff']],
    [1000, 760, 170, ['#ffffff', '#ffc2a6', '#ff5e7e']],
    [1260, 640, 110, ['#ffffff', '#d6c2ff', '#7b55ff']],
    [800, 880, 80, ['#ffffff', '#c8ffe5', '#20b486']],
  ];
  let body = `<rect width="${W}" height="${H}" fill="url(#wall)"/><rect y="820" width="${W}" height="${H - 820}" fill="url(#floor)"/>`;
  balls.forEach(([cx, cy, r, [a, b, c]], i) => {
    body += `<radialGradient id="g${i}" cx="0.35" cy="0.3" r="0.8"><stop offset="0" stop-color="${a}"/><stop offset="0.35" stop-color="${b}"/><stop offset="1" stop-color="${c}"/></radialGradient>`;
    body += `<ellipse cx="${cx + r * 0.25}" cy="${cy + r * 0.95}" rx="${r * 1.05}" ry="${r * 0.28}" fill="#6b3b6b" opacity="0.28" filter="url(#shadow)"/>`;
    body += `<circle cx="${cx}" cy="${cy}" r="${r}" fill="url(#g${i})" opacity="0.93"/>`;
    body += `<ellipse cx="${cx - r * 0.35}" cy="${cy - r * 0.42}" rx="${r * 0.28}" ry="${r * 0.16}" fill="#fff" opacity="0.85" filter="url(#blurHi)"/>`;
    body += `<circle cx="${cx}" cy="${cy}" r="${r - 3}" fill="none" stroke="#fff" stroke-opacity="0.5" stroke-width="5"/>`;
  });
  return svg(body, defs);
}

function aurora() {
  const rand = random(99);
  const defs = `
    <linearGradient id="polar" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#030818"/><stop offset="0.7" stop-color="#0b2340"/><stop offset="1" stop-color="#14385a"/></linearGradient>
    <linearGradient id="curtain" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#b07cff" stop-opacity="0"/><stop offset="0.12" stop-color="#9a7dff" stop-opacity="0.5"/><stop offset="0.3" stop-color="#6dffc0" stop-opacity="0.95"/><stop offset="1" stop-color="#1de0a0" stop-opacity="0"/></linearGradient>
    <linearGradient id="ice" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1a3f5f"/><stop offset="1" stop-color="#06101f"/></linearGradient>
    <filter id="veil" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="5 26"/></filter>`;
  let stars = '';
  for (let i = 0; i < 220; i++) {
    stars += `<circle cx="${(rand() * W).toFixed(0)}" cy="${(rand() * 700).toFixed(0)}" r="${(0.8 + rand() * 1.8).toFixed(1)}" fill="#fff" opacity="${(0.3 + rand() * 0.7).toFixed(2)}"/>`;
  }
  // Curtains: thin vertical rays hanging from a wavy line, blurred mostly along their length.
  let bands = '';
  for (let b = 0; b < 2; b++) {
    const top = (x) => 170 + b * 130 + Math.sin(x / (230 + b * 70) + b * 1.7) * 110 + Math.sin(x / 83) * 18;
    for (let x = -40; x <= W + 40; x += 9) {
      const length = 260 + rand() * 220 + b * 40;
      const opacity = (0.25 + rand() * 0.6) * (b === 0 ? 1 : 0.7);
      bands += `<rect x="${x}" y="${top(x).toFixed(0)}" width="7" height="${length.toFixed(0)}" fill="url(#curtain)" opacity="${opacity.toFixed(2)}"/>`;
    }
  }
  bands = `<g filter="url(#veil)">${bands}</g>`;
  const sky = `${stars}${bands}`;
  const shore = ridge(rand, 800, 120, 7);
  const body =
    `<rect width="${W}" height="${H}" fill="url(#polar)"/>${sky}` +
    `<path d="${shore}" fill="#0a1424"/>` +
    `<rect y="860" width="${W}" height="${H - 860}" fill="url(#ice)"/>` +
    `<g transform="translate(0 1720) scale(1 -1)" opacity="0.3">${bands}</g>` +
    `<rect y="860" width="${W}" height="3" fill="#9fffd8" opacity="0.3"/>`;
  return svg(body, defs);
}

const pictures = { mountains, city, spheres, aurora };
for (const [name, draw] of Object.entries(pictures)) {
  const file = new URL(`${name}.webp`, out);
  const info = await sharp(Buffer.from(draw())).webp({ quality: 90, effort: 6 }).toFile(file.pathname);
  console.log(`wrote src/assets/examples/${name}.webp (${info.width}×${info.height}, ${Math.round(info.size / 1024)} KB)`);
}
