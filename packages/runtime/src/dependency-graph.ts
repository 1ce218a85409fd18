// The graph of controllers and the resource kinds they read and write, as COSI exports it, and
// its Graphviz DOT rendering (`osctl inspect dependencies`).
import type { Controller } from './controller.ts';
import { kindKey, type Kind } from './resource.ts';

export type EdgeType = 'input-weak' | 'input-strong' | 'input-destroy-ready' | 'output-exclusive' | 'output-shared';

export interface DependencyEdge {
  readonly controller: string;
  readonly namespace: string;
  readonly type: string;
  readonly id?: string;
  readonly edge: EdgeType;
}

export interface DependencyGraph {
  readonly controllers: readonly string[];
  readonly resources: readonly Kind[];
  readonly edges: readonly DependencyEdge[];
}

export function dependencyGraph(controllers: readonly Controller[]): DependencyGraph {
  const resources = new Map<string, Kind>();
  const edges: DependencyEdge[] = [];
  for (const c of controllers) {
    for (const i of c.inputs) {
      resources.set(kindKey(i), { namespace: i.namespace, type: i.type });
      const edge: EdgeType = `input-${i.kind}`;
      edges.push({
        controller: c.name,
        namespace: i.namespace,
        type: i.type,
        edge,
        ...(i.id === undefined ? {} : { id: i.id }),
      });
    }
    for (const o of c.outputs) {
      resources.set(kindKey(o), { namespace: o.namespace, type: o.type });
      edges.push({ controller: c.name, namespace: o.namespace, type: o.type, edge: `output-${o.kind}` });
    }
  }
  return {
    controllers: controllers.map((c) => c.name).sort(),
    resources: [...resources.values()].sort((a, b) => kindKey(a).localeCompare(kindKey(b))),
    edges,
  };
}

const edgeStyle: Record<EdgeType, string> = {
  'input-weak': 'style=dashed',
  'input-strong': 'style=bold',
  'input-destroy-ready': 'style=dotted',
  'output-exclusive': 'style=bold color=blue',
  'output-shared': 'color=blue',
};

function quote(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Controllers are boxes, resource kinds ellipses; inputs point at controllers, outputs away. */
export function toDot(graph: DependencyGraph): string {
  const lines = ['digraph dependencies {', '  rankdir=LR;'];
  for (const c of graph.controllers) lines.push(`  ${quote(`c:${c}`)} [shape=box label=${quote(c)}];`);
  for (const r of graph.resources) {
    lines.push(`  ${quote(`r:${r.namespace}/${r.type}`)} [shape=ellipse label=${quote(`${r.type}\n${r.namespace}`)}];`);
  }
  for (const e of graph.edges) {
    const res = quote(`r:${e.namespace}/${e.type}`);
    const ctl = quote(`c:${e.controller}`);
    const label = e.id === undefined ? '' : ` label=${quote(e.id)}`;
    const [from, to] = e.edge.startsWith('input-') ? [res, ctl] : [ctl, res];
    lines.push(`  ${from} -> ${to} [${edgeStyle[e.edge]}${label}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
