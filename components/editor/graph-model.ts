import { MarkerType, type Edge, type Node } from '@xyflow/react';
import type { ConnectionConfig, FlowGraph, ProcessorConfig, ServiceConfig } from '@/engine/flow/schema';
import type { ValidationIssue } from '@/engine/sdk';
import type { ProcessorStatus } from '@/engine/protocol';

/**
 * How the flow graph maps onto React Flow: one node per processor, one edge per connection. The
 * graph (from the server) is the truth; nodes and edges are a view of it that also carries React
 * Flow's own UI state (selection, measured size, position while dragging).
 */

export type ProcessorNodeData = { processor: ProcessorConfig };
export type ProcessorNode = Node<ProcessorNodeData, 'processor'>;

export type QueueEdgeData = { connection: ConnectionConfig };
export type QueueEdge = Edge<QueueEdgeData, 'queue'>;

/** The handle id of a processor's single input. */
export const INPUT_HANDLE = 'in';

export type ProcessorState = ProcessorStatus['state'];

export function toNodes(graph: FlowGraph, previous: readonly ProcessorNode[]): ProcessorNode[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  return graph.processors.map((processor) => {
    const old = byId.get(processor.id);
    return {
      id: processor.id,
      type: 'processor',
      // A node being dragged keeps its live position: a refetch must not yank it from the cursor.
      position: old?.dragging ? old.position : processor.position,
      data: { processor },
      selected: old?.selected ?? false,
      dragging: old?.dragging,
      measured: old?.measured,
    };
  });
}

export function toEdges(graph: FlowGraph, previous: readonly QueueEdge[]): QueueEdge[] {
  const selected = new Set(previous.filter((e) => e.selected).map((e) => e.id));
  return graph.connections.map((connection) => ({
    id: connection.id,
    type: 'queue',
    source: connection.sourceId,
    sourceHandle: connection.relationship,
    target: connection.targetId,
    targetHandle: INPUT_HANDLE,
    data: { connection },
    selected: selected.has(connection.id),
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
  }));
}

/** The state to show before (or without) live stats: desired run state, or invalid by local checks. */
export function localState(processor: ProcessorConfig, issues: readonly ValidationIssue[] | undefined): ProcessorState {
  if (processor.runState === 'RUNNING') return 'RUNNING';
  return issues && issues.length > 0 ? 'INVALID' : 'STOPPED';
}

export function formatIssue(issue: ValidationIssue): string {
  return issue.property ? `${issue.property}: ${issue.message}` : issue.message;
}

type Selectable = { kind: 'processor' | 'connection'; id: string } | { kind: 'services'; id?: string };

/** The selection, if what it points at is still in the graph (the services panel stays open without its service). */
export function keepSelection<S extends Selectable>(selection: S | null, graph: FlowGraph): S | null {
  if (!selection) return null;
  if (selection.kind === 'services') {
    return selection.id === undefined || graph.services.some((s) => s.id === selection.id) ? selection : ({ kind: 'services' } as S);
  }
  const list = selection.kind === 'processor' ? graph.processors : graph.connections;
  return list.some((x) => x.id === selection.id) ? selection : null;
}

// ---- immutable graph edits, applied when the server answers a mutation ----

export function upsertProcessor(graph: FlowGraph, processor: ProcessorConfig): FlowGraph {
  const exists = graph.processors.some((p) => p.id === processor.id);
  return {
    ...graph,
    processors: exists
      ? graph.processors.map((p) => (p.id === processor.id ? processor : p))
      : [...graph.processors, processor],
  };
}

export function upsertConnection(graph: FlowGraph, connection: ConnectionConfig): FlowGraph {
  const exists = graph.connections.some((c) => c.id === connection.id);
  return {
    ...graph,
    connections: exists
      ? graph.connections.map((c) => (c.id === connection.id ? connection : c))
      : [...graph.connections, connection],
  };
}

/**
 * Removing a processor drops its connections locally too: they cannot outlive it. If the server
 * kept them after all, the refetch that follows its `changed` event puts them back.
 */
export function removeProcessors(graph: FlowGraph, ids: ReadonlySet<string>): FlowGraph {
  return {
    ...graph,
    processors: graph.processors.filter((p) => !ids.has(p.id)),
    connections: graph.connections.filter((c) => !ids.has(c.sourceId) && !ids.has(c.targetId)),
  };
}

export function upsertService(graph: FlowGraph, service: ServiceConfig): FlowGraph {
  const exists = graph.services.some((s) => s.id === service.id);
  return {
    ...graph,
    services: exists ? graph.services.map((s) => (s.id === service.id ? service : s)) : [...graph.services, service],
  };
}

export function removeService(graph: FlowGraph, id: string): FlowGraph {
  return { ...graph, services: graph.services.filter((s) => s.id !== id) };
}

export function removeConnections(graph: FlowGraph, ids: ReadonlySet<string>): FlowGraph {
  return { ...graph, connections: graph.connections.filter((c) => !ids.has(c.id)) };
}
