import { describe, expect, it } from 'vitest';
import { jobObjectKey, jobPrefix } from '../src/index.ts';

describe('object keys', () => {
  it('places a job file under its user and job', () => {
    expect(jobObjectKey('u1', 'j1', 'output.png')).toBe('users/u1/jobs/j1/output.png');
  });

  it('gives a job prefix that ends with a slash and starts every key of the job', () => {
    expect(jobPrefix('u1', 'j1')).toBe('users/u1/jobs/j1/');
    expect(jobObjectKey('u1', 'j1', 'poster.jpg').startsWith(jobPrefix('u1', 'j1'))).toBe(true);
    expect(jobObjectKey('u1', 'j10', 'poster.jpg').startsWith(jobPrefix('u1', 'j1'))).toBe(false);
  });

  it.each([
    ['a slash in the user id', () => jobObjectKey('u1/../u2', 'j1', 'a.png')],
    ['a slash in the job id', () => jobPrefix('u1', 'j1/x')],
    ['a slash in the file name', () => jobObjectKey('u1', 'j1', 'sub/a.png')],
    ['a parent segment as file name', () => jobObjectKey('u1', 'j1', '..')],
    ['an empty job id', () => jobPrefix('u1', '')],
  ])('refuses %s', (_, make) => {
    expect(make).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
