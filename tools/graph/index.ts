/**
 * The picture of the platform: per rendered directory, its applications, their dependencies, sync waves and
 * namespaces, as SVG (Graphviz layout) and Mermaid text (`npm run graph`, tools/cli/graph.ts; the rendered
 * branch's README of each environment, ./files.ts and tools/publish; the rendered diff, tools/diff/markdown.ts).
 */
export * from './diff';
export * from './dot';
export * from './files';
export * from './mermaid';
export * from './model';
export * from './svg';
