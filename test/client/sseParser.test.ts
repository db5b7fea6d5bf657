import { describe, expect, it } from 'vitest';
import { parseSse, type SseMessage } from '@atelier/client';

const bodyOf = (chunks: string[]) => {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
};

async function parse(chunks: string[], lastEventId?: string): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of parseSse(bodyOf(chunks), lastEventId)) messages.push(message);
  return messages;
}

describe('the SSE parser', () => {
  it('reads LF, CRLF and CR line ends, even split between chunks', async () => {
    const messages = await parse(['event: status\nid: 1-0\ndata: {"a"', ':1}\n\nevent: progress\r', '\nid: 2-0\r\ndata: 2\r\r', 'data: 3\r\n', '\r\n']);
    expect(messages).toEqual([
      { event: 'status', id: '1-0', data: '{"a":1}' },
      { event: 'progress', id: '2-0', data: '2' },
      { event: 'message', id: '2-0', data: '3' },
    ]);
  });

  it('joins data lines, skips comments and events without data, keeps retry for the next event', async () => {
    const messages = await parse([': ping\n\nretry: 250\n\nevent: x\n\ndata: a\ndata:b\n\n']);
    expect(messages).toEqual([{ event: 'message', id: '', data: 'a\nb', retry: 250 }]);
  });

  it('starts from the id it resumes after, and drops an event cut off by the end of the body', async () => {
    expect(await parse(['data: 1\n\ndata: 2\n'], '7-0')).toEqual([{ event: 'message', id: '7-0', data: '1' }]);
  });

  it('decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: café ☕\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    const messages: SseMessage[] = [];
    for await (const message of parseSse(body)) messages.push(message);
    expect(messages[0]!.data).toBe('café ☕');
  });
});
