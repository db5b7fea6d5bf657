/** One Server-Sent Event as the HTML standard's parser dispatches it. */
export interface SseMessage {
  /** The `event:` field; `message` when none was sent. */
  event: string;
  data: string;
  /** The last `id:` seen on this connection (it carries over to events without one). */
  id: string;
  /** A `retry:` the server asked for, in milliseconds. */
  retry?: number;
}

/**
 * Parses an SSE body (https://html.spec.whatwg.org/multipage/server-sent-events.html, §9.2.6):
 * lines end in CRLF, LF or CR; `:` lines are comments; an empty line dispatches the event;
 * an event with no data is not dispatched. `lastEventId` seeds the id, as a reconnect would.
 */
export async function* parseSse(body: ReadableStream<Uint8Array>, lastEventId = ''): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let id = lastEventId;
  let event = '';
  let data: string[] = [];
  let retry: number | undefined;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let lineEnd = buffer.search(/\r\n|\r|\n/);
      // A lone CR at the end may be the first half of a CRLF still in flight.
      while (lineEnd !== -1 && !(buffer[lineEnd] === '\r' && lineEnd === buffer.length - 1)) {
        const line = buffer.slice(0, lineEnd);
        buffer = buffer.slice(lineEnd + (buffer.startsWith('\r\n', lineEnd) ? 2 : 1));
        lineEnd = buffer.search(/\r\n|\r|\n/);
        if (line === '') {
          if (data.length > 0) {
            yield { event: event || 'message', data: data.join('\n'), id, ...(retry === undefined ? {} : { retry }) };
            // A `retry:` sent alone is kept for the next event dispatched.
            retry = undefined;
          }
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const raw = colon === -1 ? '' : line.slice(colon + 1);
        const fieldValue = raw.startsWith(' ') ? raw.slice(1) : raw;
        if (field === 'event') event = fieldValue;
        else if (field === 'data') data.push(fieldValue);
        else if (field === 'id' && !fieldValue.includes('\0')) id = fieldValue;
        else if (field === 'retry' && /^\d+$/.test(fieldValue)) retry = Number(fieldValue);
      }
    }
  } finally {
    // Stops the download when the caller stops reading early (a terminal event, an abort).
    // Not awaited: a body teed by a wrapping fetch settles its cancel only once every branch has.
    reader.cancel().catch(ignoreEndedBody);
    reader.releaseLock();
  }
}

/** A body that has already ended or broken has nothing left to cancel: that is not an error here. */
function ignoreEndedBody(): void {}
