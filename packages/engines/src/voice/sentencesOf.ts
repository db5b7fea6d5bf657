/**
 * The sentences of a text in the voice's language, trimmed, the empty ones dropped: espeak-ng
 * speaks them one at a time so that progress moves sentence by sentence.
 */
export function sentencesOf(text: string, language: string): string[] {
  const segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
  return [...segmenter.segment(text)].map(({ segment }) => segment.trim()).filter((sentence) => sentence.length > 0);
}
