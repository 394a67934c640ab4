// The layering of the tree (docs/contract.md is the product; this is the code's shape): data
// flows one way, inputs → config → references → model/RTL → check → report, so a folder may
// import only the folders before it in LAYERS, and product code never imports test/.
// `npm run deps` checks it (test/unit/layout.test.ts runs it in the suite).
const LAYERS = [
  'lib', 'sim', 'models', 'waves',
  'harness/inputs', 'harness/rtl', 'harness/run', 'harness/formal', 'harness/twins', 'harness/check', 'harness/mutants', 'harness/synth', 'harness/sweep',
  'bench', 'cli',
];
const re = (dirs) => `^(${dirs.map((d) => d.replace('/', '\\/')).join('|')})/`;

module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `${layer.replace('/', '-')}-imports-a-later-layer`,
      comment: `${layer}/ may import only ${LAYERS.slice(0, i).join(', ') || 'nothing of the project'}`,
      severity: 'error',
      from: { path: `^${layer.replace('/', '\\/')}/` },
      to: { path: re(LAYERS.slice(i + 1)) },
    })),
    {
      name: 'harness-has-no-loose-files',
      comment: 'harness/ is its subfolders; a file at its top level is a folder in disguise',
      severity: 'error',
      from: { path: '^harness/[^/]+\\.m?ts$' },
      to: {},
    },
    { name: 'no-product-code-imports-test', severity: 'error', from: { pathNot: '^test/' }, to: { path: '^test/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|out|obj_dir|\\.venv|docs)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mts', '.mjs', '.js'] },
  },
};
