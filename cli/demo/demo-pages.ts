/**
 * The text of the demo's scanned pages. `demo-files.ts` renders each one into a PNG with sharp when the
 * demo builds, so the true text of every page is known: the OCR step's output can be checked against it.
 */
export interface DemoPage {
  /** File name of the rendered page. */
  readonly file: string;
  /** ISO 639-1 code of the language the text is written in. */
  readonly language: string;
  readonly lines: readonly string[];
}

export const DEMO_PAGES: readonly DemoPage[] = [
  {
    file: 'page-01-en.png',
    language: 'en',
    lines: [
      'Typed datasets are built by compute chains.',
      'Every saved version keeps its schema and lineage.',
      'Queries filter nested fields through GraphQL.',
    ],
  },
  {
    file: 'page-02-en.png',
    language: 'en',
    lines: [
      'The harbour office opens at nine in the morning.',
      'Boats must report their cargo before noon.',
      'Late arrivals wait at the northern pier.',
    ],
  },
  {
    file: 'page-03-fr.png',
    language: 'fr',
    lines: [
      'Le marché du village ouvre tous les samedis.',
      'Les paysans vendent du fromage et des pommes.',
      'Il faut arriver tôt pour trouver du pain frais.',
    ],
  },
  {
    file: 'page-04-de.png',
    language: 'de',
    lines: [
      'Die Bibliothek bleibt am Sonntag geschlossen.',
      'Bücher können online verlängert werden.',
      'Der Lesesaal hat neue Tische und Lampen.',
    ],
  },
  {
    file: 'page-05-es.png',
    language: 'es',
    lines: [
      'El tren de la mañana sale a las siete.',
      'Los viajeros compran sus billetes en la estación.',
      'Hay café caliente en el primer vagón.',
    ],
  },
  {
    file: 'page-06-it.png',
    language: 'it',
    lines: [
      'La cucina della nonna profuma di basilico.',
      'Ogni domenica prepariamo la pasta fresca.',
      'Il pranzo dura fino al tardo pomeriggio.',
    ],
  },
];

/** The page's text as OCR should read it: its lines joined by newlines. */
export function pageText(page: DemoPage): string {
  return page.lines.join('\n');
}
