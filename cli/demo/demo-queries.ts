/** The three example queries the demo prints (and its test runs): a nested filter, an aggregate, a similarity search. */
export const DEMO_QUERIES = {
  nestedFilter: `{
  pages(where: { language: { code: { _neq: "en" } }, ocr: { confidence: { _gt: 60 } } }, order_by: [{ file: { path: asc } }]) {
    file { path } language { code probability } ocr { confidence text }
  }
}`,
  aggregate: `{
  pages_groups(by: ["language.code"], order_by: [{ key: { language: { code: asc } } }]) {
    key { language { code } } aggregate { count avg { ocr { confidence words } } }
  }
  images_aggregate { aggregate { count avg { image { width height } } } }
}`,
  similarity: (histogram: readonly number[]): string => `{
  images_nearest(field: "histogram", vector: [${histogram.join(', ')}], k: 3) {
    _distance file { path } color { hex }
  }
}`,
} as const;
