import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parsePort } from '../parse-port.ts';
import { progressOptions } from '../progress-options.ts';

/** The demo's pipelines config (the playground's example mutation launches `find_words`). */
const DEMO_CONFIG = fileURLToPath(new URL('../demo/demo.config.ts', import.meta.url));

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/** `chainql demo`: builds the demo datasets with real models over bundled files and serves them. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .summary('build the demo datasets with real models and serve them with GraphiQL')
    .description(
      'Build two datasets from files bundled in the repository with real chains on the embedded SQLite ' +
        'Data Memory (no Redis, no cloud account, no network): "images" (readStorage over a folder of ' +
        'images; sharp reads size, format and colour features) and "pages" (readStorage over scanned ' +
        'pages rendered from known text; OCR with tesseract.js, then the language of the text with ' +
        'fastText; with OPENAI_BASE_URL and OPENAI_API_KEY also a one-sentence LLM summary). Progress ' +
        'bars show each model step; Ctrl+C and rerun continues from the last committed batch. Then serve ' +
        'them like `chainql serve` (with the demo pipeline find_words as a mutation) until Ctrl+C, and ' +
        'print the URL, three example queries and the time it took.',
    )
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .option(
      '--port <port>',
      'port to listen on, 0 picks a free one (default: $CHAINQL_PORT or 4000)',
      parsePort,
    )
    .option('--host <host>', 'host to bind (loopback only unless API keys are configured)', '127.0.0.1')
    .option('--no-serve', 'only build the datasets, then exit')
    .option('--no-progress', 'do not draw progress bars on stderr')
    .addHelpText('after', '\nExample:\n  chainql demo --no-serve && chainql datasets show pages')
    .action(
      async (options: { data?: string; port?: number; host: string; serve: boolean; progress: boolean }) => {
        const started = performance.now();
        const port = options.port ?? (process.env.CHAINQL_PORT ? parsePort(process.env.CHAINQL_PORT) : 4000);
        // Without a terminal the bars become plain lines, every 5 s unless $CHAINQL_PROGRESS_MS says otherwise.
        const barOptions = progressOptions();
        const { openSession } = await import('../../compute/session.ts');
        const { ProgressBar } = await import('../../compute/udf/progress-bar.ts');
        const { readDataset } = await import('../../compute/dataset/read-dataset.ts');
        const { C } = await import('../../compute/index.ts');
        const { buildDemoDatasets } = await import('../demo/demo-chain.ts');
        const { prepareDemoFiles } = await import('../demo/demo-files.ts');
        const { DEMO_QUERIES } = await import('../demo/demo-queries.ts');
        const out = (line = ''): void => {
          process.stdout.write(`${line}\n`);
        };
        const session = await openSession({
          ...(options.data ? { dataDir: options.data } : {}),
          ...(options.progress ? { onProgress: new ProgressBar(barOptions).handle } : {}),
        });
        let similarity: string;
        try {
          out(
            `chainql demo: building datasets in ${session.dataDir} (embedded SQLite, in-process runner, offline models)`,
          );
          out(
            'Ctrl+C at any time: model steps commit in small batches and a rerun continues where it stopped.',
          );
          const root = await prepareDemoFiles(join(session.dataDir, 'demo-files'));
          const build = await buildDemoDatasets(session, root);
          for (const v of [build.images, build.pages]) out(`saved ${v.name}@${v.version} (${v.rows} rows)`);
          const { computed } = build;
          const ran = computed.images + computed.ocr + computed.language + computed.summary;
          out(
            ran === 0
              ? 'Nothing to compute: both datasets were already built by the same chains (same chain hash).'
              : `Computed in this run: ${computed.images} images (sharp), ${computed.ocr} pages OCR (tesseract.js), ` +
                  `${computed.language} languages (fastText)${build.llm ? `, ${computed.summary} summaries (LLM)` : ''}; ` +
                  'rows committed by an earlier run came from checkpoints.',
          );
          if (!build.llm)
            out(
              'LLM summary step skipped: set OPENAI_BASE_URL and OPENAI_API_KEY (optionally OPENAI_MODEL) to add one.',
            );
          const [sunset] = await readDataset<{ histogram: number[] }>('images', { session })
            .filter(C('file.path').like('%sunset%'))
            .collect();
          similarity = DEMO_QUERIES.similarity(sunset?.histogram ?? []);
        } finally {
          await session.close();
        }
        out(`Built in ${seconds(started)}.`);
        if (!options.serve) return;
        const { startServer } = await import('./serve-command.ts');
        await startServer({
          dataDir: session.dataDir,
          port,
          host: options.host,
          configPath: DEMO_CONFIG,
          log: (line) => {
            out(line);
            const url = /(http:\/\/\S+\/graphql)/.exec(line)?.[1] ?? '';
            out();
            out(
              `Open ${url} in a browser: GraphiQL opens with example queries and a Launch mutation (pipeline find_words) + Follow subscription.`,
            );
            out(
              'Three queries to try (curl -H "content-type: application/json" -d \'{"query": "…"}\' URL, or paste into GraphiQL):',
            );
            out('\n# 1. Nested filter: pages not in English, read with confidence > 60');
            out(DEMO_QUERIES.nestedFilter);
            out('\n# 2. Aggregates: pages per detected language, mean OCR confidence; image sizes');
            out(DEMO_QUERIES.aggregate);
            out('\n# 3. Similarity search: the images whose colour histograms are nearest to sunset.jpg');
            out(similarity);
            out();
            out(`MCP for agents: POST ${url.replace(/\/graphql$/, '/mcp')} (or \`chainql mcp\` over stdio).`);
            out(`Serving after ${seconds(started)} from the start of \`chainql demo\`. Ctrl+C stops.`);
          },
        });
      },
    );
}
