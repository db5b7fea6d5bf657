import { expect } from 'vitest';
import type { TestPlatform, TestUser } from '../../support/platform.ts';

/** Uploads a picture as `user` through `POST /api/uploads`; the new asset's id. */
export async function uploadPicture(platform: TestPlatform, user: TestUser, data: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)], { type: 'image/png' }), 'picture.png');
  const response = await fetch(`${platform.baseUrl}/api/uploads`, { method: 'POST', headers: user.headers, body: form });
  expect(response.status).toBe(201);
  return ((await response.json()) as { asset: { id: string } }).asset.id;
}
