import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replaceAll(' ', '-');

function headingsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (heading && !fenced) anchors.add(slug(heading[1]!));
  }
  return anchors;
}

describe('the docs', () => {
  it('link only to files and headings that exist, and never outside the repository', () => {
    // Act
    const broken: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(link!)) continue;
        const [path, anchor] = link!.split('#');
        const target = path ? normalize(join(dirname(join(ROOT, file)), path)) : join(ROOT, file);
        if (relative(ROOT, target).startsWith('..')) broken.push(`${file}: ${link} leaves the repository`);
        else if (!existsSync(target)) broken.push(`${file}: ${link} names no file`);
        else if (anchor && target.endsWith('.md') && !headingsOf(target).has(anchor)) broken.push(`${file}: ${link} names no heading`);
      }
    }

    // Assess
    expect(broken).toEqual([]);
  });

  it('keep the README a front door of at most 200 lines', () => {
    // Assess
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(200);
  });
});
