import type { JobKind } from '@atelier/contracts';

export const kindLabels: Record<JobKind, string> = { image: 'Image', video: 'Video', voice: 'Voice' };

export const formatCredits = (amount: number): string => `${amount.toLocaleString('en-US')} ${Math.abs(amount) === 1 ? 'credit' : 'credits'}`;

export const formatSignedCredits = (amount: number): string => `${amount > 0 ? '+' : amount < 0 ? '−' : ''}${Math.abs(amount).toLocaleString('en-US')}`;

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

/**
 * A clip's length as the browser's own player shows it (whole seconds, rounded down: 3.6 s is
 * 0:03), so the card and its player never disagree (they said 4 s and 0:03).
 */
export function formatClock(seconds: number): string {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A file name for downloads: the kind, a slug of the prompt and an extension from the content type. */
export function downloadName(kind: JobKind, prompt: string, contentType: string): string {
  const slug =
    prompt
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || kind;
  const subtype = contentType.split('/')[1]?.split(';')[0] ?? '';
  const extension = subtype === 'mpeg' ? 'mp3' : subtype === 'jpeg' ? 'jpg' : subtype.replace(/[^a-z0-9]/g, '');
  return extension ? `atelier-${slug}.${extension}` : `atelier-${slug}`;
}

/** Text as a sentence: ends with a full stop unless it already ends a sentence. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
