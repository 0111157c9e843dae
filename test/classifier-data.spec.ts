// The classifier's data assembly: CSV parsing, label mapping, sha256 pinning and deduplication.
import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { assemble, isCryptoPost, parseCsv, parseJsonl, postsToJsonl, Source, SOURCES } from '../tools/classifier/data';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function source(id: string, csv: string, crypto = false): { source: Source; csv: string } {
  return {
    csv,
    source: {
      id,
      title: id,
      repo: 'example/repo',
      commit: '0'.repeat(40),
      files: [{ path: `data/${id}.csv`, sha256: sha(csv) }],
      license: 'MIT',
      crypto,
      textColumn: 'text',
      labelColumn: 'label',
      labels: { up: 'bullish', down: 'bearish', flat: 'neutral' },
    },
  };
}

function rawDir(...sources: Array<{ source: Source; csv: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'classifier-data-'));
  for (const s of sources) {
    mkdirSync(join(dir, s.source.id));
    writeFileSync(join(dir, s.source.id, `${s.source.id}.csv`), s.csv);
  }
  return dir;
}

describe('classifier data', () => {
  it('parses quoted CSV fields with commas, quotes and newlines', () => {
    expect(parseCsv('text,label\r\n"a, ""b""\nc",up\nplain,down\n')).toEqual([
      { text: 'a, "b"\nc', label: 'up' },
      { text: 'plain', label: 'down' },
    ]);
  });

  it('maps labels, drops unlabeled posts, and deduplicates exact and near-duplicates; conflicting labels drop all', () => {
    const a = source(
      'a',
      'text,label\n$BTC moon soon,up\n$BTC moon soon,up\n$ETH Moon soon!!! https://t.co/x,up\nno tag here,NULL\n',
      true,
    );
    const b = source('b', 'text,label\nrates unchanged,flat\nselling everything,down\nselling everything!,up\n');
    const { posts, report } = assemble(rawDir(a, b), [a.source, b.source]);
    expect(posts.map((p) => [p.source, p.label, p.text])).toEqual([
      ['a', 'bullish', '$BTC moon soon'],
      ['b', 'neutral', 'rates unchanged'],
    ]);
    expect(report).toMatchObject({ exactDuplicates: 1, nearDuplicates: 1, conflicting: 2, rows: 2 });
    expect(report.sources[0]).toMatchObject({ id: 'a', read: 4, unlabeled: 1, kept: 1, crypto: 1 });
    expect(parseJsonl(postsToJsonl(posts))).toEqual(expect.arrayContaining(posts));
  });

  it('refuses a raw file whose sha256 is not the pinned one', () => {
    const a = source('a', 'text,label\nx,up\n');
    const dir = rawDir(a);
    writeFileSync(join(dir, 'a', 'a.csv'), 'text,label\ny,up\n');
    expect(() => assemble(dir, [a.source])).toThrow(/sha256/);
  });

  it('tells crypto posts by source or by a crypto term', () => {
    expect(isCryptoPost('$ETH.X to the moon', false)).toBe(true);
    expect(isCryptoPost('Bitcoin ETF approved', false)).toBe(true);
    expect(isCryptoPost('AAPL beats earnings', false)).toBe(false);
    expect(isCryptoPost('anything', true)).toBe(true);
  });

  it('pins every source by repository, commit, file sha256 and license, and never the excluded sets', () => {
    for (const s of SOURCES) {
      expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
      for (const f of s.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(s.license).toBeTruthy();
      expect(`${s.repo} ${s.files.map((f) => f.path).join(' ')}`).not.toMatch(/cryptobertRefined|sent_valid|financial-tweets-sentiment/i);
    }
  });
});
