import type { Random } from '../seededRandom.ts';
import { hsl, mix, scale, type Rgb } from './colour.ts';

/** The light of a scene: it sets the sky, the sun (or moon) and how dark the land is. */
export type Light = 'day' | 'sunset' | 'night';

export interface Palette {
  light: Light;
  skyTop: Rgb;
  skyHorizon: Rgb;
  sun: Rgb;
  land: Rgb;
  cloud: Rgb;
  /** How much distant land fades into the sky: more in fog. */
  haze: number;
  /** The foreground is water that mirrors the sky. */
  water: boolean;
}

/** Words that name a colour: it paints the land, or tints the sky when it qualifies the sky. */
const colourWords: Record<string, Rgb> = {
  red: hsl(0, 0.7, 0.45),
  crimson: hsl(350, 0.75, 0.4),
  scarlet: hsl(5, 0.8, 0.5),
  orange: hsl(28, 0.85, 0.5),
  amber: hsl(40, 0.85, 0.5),
  gold: hsl(45, 0.8, 0.5),
  golden: hsl(45, 0.8, 0.5),
  yellow: hsl(55, 0.85, 0.55),
  lime: hsl(90, 0.6, 0.5),
  green: hsl(120, 0.45, 0.35),
  emerald: hsl(145, 0.6, 0.35),
  teal: hsl(175, 0.55, 0.35),
  turquoise: hsl(178, 0.6, 0.5),
  cyan: hsl(185, 0.7, 0.5),
  blue: hsl(220, 0.6, 0.45),
  navy: hsl(230, 0.55, 0.22),
  indigo: hsl(250, 0.5, 0.35),
  purple: hsl(275, 0.45, 0.4),
  violet: hsl(270, 0.5, 0.55),
  lavender: hsl(260, 0.45, 0.75),
  magenta: hsl(300, 0.65, 0.45),
  pink: hsl(330, 0.65, 0.7),
  rose: hsl(345, 0.6, 0.6),
  brown: hsl(25, 0.45, 0.3),
  white: hsl(210, 0.1, 0.92),
  black: hsl(220, 0.1, 0.08),
  grey: hsl(215, 0.06, 0.5),
  gray: hsl(215, 0.06, 0.5),
  silver: hsl(210, 0.08, 0.72),
};

/** Words that name a kind of land, and so its colour. */
const landWords: Record<string, Rgb> = {
  forest: hsl(125, 0.4, 0.28),
  jungle: hsl(115, 0.5, 0.3),
  woods: hsl(110, 0.35, 0.28),
  trees: hsl(120, 0.38, 0.3),
  meadow: hsl(95, 0.5, 0.42),
  field: hsl(80, 0.45, 0.45),
  grass: hsl(100, 0.5, 0.4),
  hills: hsl(105, 0.35, 0.38),
  desert: hsl(35, 0.55, 0.58),
  dune: hsl(36, 0.6, 0.6),
  dunes: hsl(36, 0.6, 0.6),
  sand: hsl(40, 0.5, 0.65),
  snow: hsl(205, 0.25, 0.86),
  winter: hsl(205, 0.25, 0.82),
  ice: hsl(195, 0.4, 0.8),
  arctic: hsl(200, 0.3, 0.85),
  mountain: hsl(220, 0.12, 0.38),
  mountains: hsl(220, 0.12, 0.38),
  rock: hsl(25, 0.1, 0.4),
  canyon: hsl(15, 0.55, 0.42),
  autumn: hsl(25, 0.7, 0.42),
  fall: hsl(25, 0.7, 0.42),
  volcano: hsl(8, 0.6, 0.22),
  lava: hsl(12, 0.9, 0.45),
  city: hsl(230, 0.12, 0.3),
  castle: hsl(30, 0.12, 0.42),
  moss: hsl(85, 0.45, 0.33),
};

const skyNouns = new Set(['sky', 'skies', 'heaven', 'heavens', 'horizon']);
const waterWords = new Set(['ocean', 'sea', 'lake', 'river', 'water', 'beach', 'bay', 'harbor', 'harbour', 'pond', 'coast', 'island']);
const fogWords = new Set(['fog', 'foggy', 'mist', 'misty', 'haze', 'hazy', 'dream', 'dreamy', 'cloud', 'clouds', 'cloudy']);
const lightWords: Record<string, Light> = {
  night: 'night',
  midnight: 'night',
  moon: 'night',
  moonlight: 'night',
  moonlit: 'night',
  stars: 'night',
  starry: 'night',
  dark: 'night',
  sunset: 'sunset',
  sunrise: 'sunset',
  dusk: 'sunset',
  dawn: 'sunset',
  evening: 'sunset',
  twilight: 'sunset',
  fire: 'sunset',
  day: 'day',
  noon: 'day',
  sunny: 'day',
  morning: 'day',
  summer: 'day',
  bright: 'day',
};

const skies: Record<Light, { top: Rgb; horizon: Rgb; sun: Rgb; landLight: number }> = {
  day: { top: hsl(215, 0.65, 0.45), horizon: hsl(200, 0.55, 0.82), sun: hsl(50, 1, 0.92), landLight: 1 },
  sunset: { top: hsl(255, 0.45, 0.3), horizon: hsl(28, 0.9, 0.62), sun: hsl(38, 1, 0.75), landLight: 0.7 },
  night: { top: hsl(230, 0.6, 0.07), horizon: hsl(225, 0.45, 0.27), sun: hsl(210, 0.25, 0.9), landLight: 0.35 },
};

/**
 * Read the prompt for colours, land, water, fog and light; what it does not say is drawn from
 * `random`, so every prompt has a palette of its own.
 */
export function paletteOf(prompt: string, random: Random): Palette {
  const words = prompt.toLowerCase().match(/\p{L}+/gu) ?? [];
  // "a blue sky": a colour just before a word for the sky tints the sky; other colours go to the land.
  const skyColours = namedIn(
    colourWords,
    words.filter((_, index) => skyNouns.has(words[index + 1] ?? '')),
  );
  const otherColours = namedIn(
    colourWords,
    words.filter((_, index) => !skyNouns.has(words[index + 1] ?? '')),
  );
  const namedLand = namedIn(landWords, words)[0];
  const light = namedIn(lightWords, words)[0] ?? pickLight(random);
  const sky = skies[light];

  const landColour = otherColours[0];
  const land =
    landColour && namedLand ? mix(namedLand, landColour, 0.5) : (landColour ?? namedLand ?? hsl(random() * 360, 0.25 + random() * 0.3, 0.3 + random() * 0.15));
  const skyTint = skyColours[0] ?? otherColours[1];
  const skyHorizon = skyTint ? mix(sky.horizon, skyTint, 0.45) : sky.horizon;
  return {
    light,
    skyTop: skyTint ? mix(sky.top, skyTint, 0.25) : sky.top,
    skyHorizon,
    sun: sky.sun,
    land: scale(land, sky.landLight),
    cloud: mix(skyHorizon, [255, 255, 255], light === 'night' ? 0.15 : 0.6),
    haze: words.some((word) => fogWords.has(word)) ? 0.6 : 0.3,
    water: words.some((word) => waterWords.has(word)),
  };
}

/** The table's entries for the words that name one, in the prompt's order (own keys only: not `constructor`). */
function namedIn<T>(table: Record<string, T>, words: string[]): T[] {
  return words.flatMap((word) => (Object.hasOwn(table, word) ? [table[word]!] : []));
}

function pickLight(random: Random): Light {
  const draw = random();
  return draw < 0.5 ? 'day' : draw < 0.85 ? 'sunset' : 'night';
}
