/**
 * The folders of compute/ depend on each other in one direction (chain → checkpoint, runners, files;
 * runners → checkpoint; delta → chain; storage, database, dataset → delta, chain; pipelines → chain, runners …):
 * no folder imports a folder that imports it back, types included. The chain is the core: sources and the
 * incremental save plug into it through `ChainSource` (`saver`), so it imports none of them. Root files
 * (session.ts, index.ts) are the facade and are left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const computeDir = fileURLToPath(new URL('../../compute/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** compute/<folder> of a file, or undefined for root files and files outside compute/. */
function folderOf(file: string): string | undefined {
  const parts = relative(computeDir, file).split('/');
  return parts.length > 1 && parts[0] !== '..' ? parts[0] : undefined;
}

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const importPattern =
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const file of sourceFiles(computeDir)) {
    const from = folderOf(file);
    if (!from) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importPattern)) {
      const to = folderOf(resolve(dirname(file), match[1] ?? match[2] ?? ''));
      if (!to || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Folders that plug into the chain core (sources, the incremental save): the core must not import them. */
const PLUG_INS = ['dataset', 'database', 'delta', 'pipelines', 'storage'];

describe('compute/ folder dependencies', () => {
  it('have no cycles, types included', () => {
    const graph = folderGraph();
    expect(graph.get('chain')?.has('runners')).toBe(true); // the graph is read at all
    expect(graph.get('delta')?.has('chain')).toBe(true);
    expect(findCycle(graph)).toBeUndefined();
  });

  it('keep the chain core free of the sources and the delta save that plug into it', () => {
    const core = [...(folderGraph().get('chain') ?? [])];
    expect(core.filter((folder) => PLUG_INS.includes(folder))).toEqual([]);
  });
});
