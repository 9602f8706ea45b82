import type { EdgeChange, NodeChange, XYPosition } from '@xyflow/react';
import type { z } from 'zod';
import type {
  FlowGraph,
  FlowSettings,
  ProcessorConfig,
  ServiceConfig,
  UpdateConnectionInput,
  UpdateProcessorInput,
  UpdateServiceInput,
} from '@/engine/flow/schema';
import type { FlowStats } from '@/engine/protocol';
import type { ValidationIssue } from '@/engine/sdk';
import type { ProcessorNode, QueueEdge } from './graph-model';

/** The editor store's shape: state read by the components, and the actions that change it. */

/** What the side panel shows: a processor, a connection, or the flow's controller services (one of them open). */
export type Selection = { kind: 'processor' | 'connection'; id: string } | { kind: 'services'; id?: string } | null;
export type LiveStatus = 'connecting' | 'live' | 'offline';
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  message: string;
  detail: readonly string[];
}
export type RunAction = 'start' | 'stop';

export interface EditorActions {
  /** GET the graph; also the answer to a `changed` event and to a reconnect. */
  load(): Promise<void>;
  onNodesChange(changes: NodeChange<ProcessorNode>[]): void;
  onEdgesChange(changes: EdgeChange<QueueEdge>[]): void;
  onSelectionChange(selected: { nodes: ProcessorNode[]; edges: QueueEdge[] }): void;
  select(selection: Selection): void;
  renameFlow(name: string): Promise<void>;
  /** The flow's defaults for new connections; throws the ApiError, like updateProcessor. */
  updateFlowSettings(settings: Partial<FlowSettings>): Promise<void>;
  addProcessor(type: string, position: XYPosition): Promise<void>;
  moveProcessors(moves: readonly { id: string; position: XYPosition }[]): Promise<void>;
  renameProcessor(id: string, name: string): Promise<void>;
  /** Throws the ApiError so a form can show the server's issues next to its fields. */
  updateProcessor(id: string, patch: z.input<typeof UpdateProcessorInput>): Promise<ProcessorConfig>;
  connect(sourceId: string, relationship: string, targetId: string): Promise<void>;
  /** Throws the ApiError, like updateProcessor. */
  updateConnection(id: string, patch: z.input<typeof UpdateConnectionInput>): Promise<void>;
  /** Drops the queued records of a connection, on purpose. */
  emptyConnection(id: string): Promise<void>;
  /** Deletes through the API; elements the server refuses (409 while running) stay, with a notice. */
  deleteElements(processorIds: readonly string[], connectionIds: readonly string[]): Promise<void>;
  run(action: RunAction, processorId?: string): Promise<void>;
  /** A new controller service of this type, opened in the services panel. */
  addService(type: string): Promise<void>;
  /** Throws the ApiError, like updateProcessor. */
  updateService(id: string, patch: z.input<typeof UpdateServiceInput>): Promise<ServiceConfig>;
  /** Refused with a notice while processors still use it. */
  deleteService(id: string): Promise<void>;
  setStats(stats: FlowStats): void;
  setLive(live: LiveStatus): void;
  notify(kind: Notice['kind'], message: string, detail?: readonly string[]): void;
  dismiss(id: number): void;
}

export interface EditorState {
  readonly flowId: string;
  /** The server's graph, as last answered; null until the first load. */
  graph: FlowGraph | null;
  loadError: string | null;
  nodes: ProcessorNode[];
  edges: QueueEdge[];
  /** Local validation (same function as the server's) by processor id, for feedback before stats. */
  issues: Record<string, ValidationIssue[]>;
  stats: FlowStats | null;
  live: LiveStatus;
  selection: Selection;
  notices: Notice[];
  /** Run requests under way, keyed by processor id or '*' for the whole flow. */
  pendingRuns: Record<string, true>;
  actions: EditorActions;
}
