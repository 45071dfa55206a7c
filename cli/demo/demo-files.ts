import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ChainqlError } from '../../schema/errors.ts';
import { DEMO_PAGES, type DemoPage } from './demo-pages.ts';

/** The bundled images (a handful of small synthetic scenes, committed in the repository). */
export const BUNDLED_IMAGES = fileURLToPath(new URL('./files/images/', import.meta.url));

/** Rendering produced an empty page: the machine has no fonts for librsvg (install e.g. fonts-dejavu). */
export class DemoRenderError extends ChainqlError {
  constructor(file: string) {
    super(
      'DEMO_RENDER',
      `Rendering ${file} produced a blank page: no fonts are installed for sharp's SVG renderer. Install a font package (e.g. \`apt-get install fonts-dejavu-core\`) and rerun.`,
    );
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders one page like a clean scan: black text on white, 26 px sans-serif, one line per text line. */
async function renderPage(page: DemoPage, path: string): Promise<void> {
  const height = 60 + page.lines.length * 44;
  const text = page.lines
    .map(
      (line, i) =>
        `<text x="30" y="${60 + i * 44}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="26" fill="black">${escapeXml(line)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${height}"><rect width="100%" height="100%" fill="white"/>${text}</svg>`;
  const image = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).grayscale();
  const { channels } = await image.clone().stats();
  if ((channels[0]?.min ?? 255) > 128) throw new DemoRenderError(page.file);
  await image.png().toFile(path);
}

/**
 * Lays out the demo's input folder under `root`: `images/` (copies of the bundled images) and `pages/`
 * (the scanned pages, rendered from their known text). Existing files are kept, so a rerun lists the
 * same objects and its chains continue from their checkpoints.
 * @returns the folder (`<root>`), holding `images/` and `pages/`.
 * @throws DemoRenderError when the machine cannot render text.
 */
export async function prepareDemoFiles(root: string): Promise<string> {
  const images = join(root, 'images');
  const pages = join(root, 'pages');
  mkdirSync(images, { recursive: true });
  mkdirSync(pages, { recursive: true });
  for (const name of readdirSync(BUNDLED_IMAGES)) {
    const target = join(images, name);
    if (!existsSync(target)) copyFileSync(join(BUNDLED_IMAGES, name), target);
  }
  for (const page of DEMO_PAGES) {
    const target = join(pages, page.file);
    if (!existsSync(target)) await renderPage(page, target);
  }
  return root;
}
