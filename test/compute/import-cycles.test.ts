/**
 * The execution folders of compute/ depend on each other in one direction (chain → checkpoint, runners,
 * files; runners → checkpoint; storage → chain; pipelines → chain, runners …): no folder imports a folder
 * that imports it back, types included. Root files (session.ts, index.ts) are the facade and are left out.
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

/** The folders that run chains; their dependencies must form no cycle. */
const EXECUTION_FOLDERS = new Set(['chain', 'checkpoint', 'files', 'pipelines', 'runners', 'storage', 'udf']);

describe('compute/ folder dependencies', () => {
  it('have no cycles among chain, checkpoint, files, pipelines, runners, storage and udf', () => {
    const graph = new Map(
      [...folderGraph()]
        .filter(([from]) => EXECUTION_FOLDERS.has(from))
        .map(([from, to]) => [from, new Set([...to].filter((folder) => EXECUTION_FOLDERS.has(folder)))]),
    );
    expect(graph.get('chain')?.has('runners')).toBe(true); // the graph is read at all
    expect(findCycle(graph)).toBeUndefined();
  });
});
