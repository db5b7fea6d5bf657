export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names in lower case (`httponly`, `samesite`, `secure`, `max-age`, `path`), with their values. */
  attributes: Map<string, string>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  return {
    name: pair.slice(0, equals),
    value: decodeURIComponent(pair.slice(equals + 1)),
    attributes: new Map(
      attributes.map((attribute) => {
        const [key = '', ...value] = attribute.split('=');
        return [key.toLowerCase(), value.join('=')];
      }),
    ),
  };
}

/**
 * Just enough of a browser for sign-in flows: a cookie jar per origin, redirects followed
 * by hand so each hop can be looked at, and `Origin` sent the way a page of `origin` would.
 */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();
  /** Every Set-Cookie received, newest last. */
  readonly received: SetCookie[] = [];

  cookies(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    let cookies = this.jar.get(origin);
    if (!cookies) this.jar.set(origin, (cookies = new Map()));
    return cookies;
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookies = this.cookies(url);
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      this.received.push(cookie);
      const expired =
        cookie.attributes.get('max-age') === '0' || (cookie.attributes.has('expires') && Date.parse(cookie.attributes.get('expires')!) <= Date.now());
      if (expired || cookie.value === '') cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  /** Follow redirects from `url` until `stop` says so or a page is not a redirect; returns the last response and its URL. */
  async follow(url: string, stop: (url: URL) => boolean = () => false, init: RequestInit = {}): Promise<{ url: string; response: Response }> {
    let current = url;
    let response = await this.fetch(current, init);
    for (let hop = 0; hop < 20 && response.status >= 300 && response.status < 400; hop++) {
      const next = new URL(response.headers.get('location')!, current);
      await response.body?.cancel();
      if (stop(next)) return { url: next.href, response };
      current = next.href;
      response = await this.fetch(current);
    }
    return { url: current, response };
  }

  lastCookie(name: string): SetCookie | undefined {
    return this.received.findLast((cookie) => cookie.name === name);
  }
}
