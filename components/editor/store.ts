import { applyEdgeChanges, applyNodeChanges } from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlowGraph } from '@/engine/flow/schema';
import { validateFlow } from '@/engine/flow/validate';
import { specOf } from '@/engine/processors/specs';
import { serviceSpecOf } from '@/engine/services/specs';
import * as api from './api';
import {
  formatIssue,
  keepSelection,
  localState,
  removeConnections,
  removeProcessors,
  removeService,
  toEdges,
  toNodes,
  upsertConnection,
  upsertProcessor,
  upsertService,
} from './graph-model';
import type { EditorActions, EditorState, Selection } from './store-types';

export type * from './store-types';

export type EditorStore = StoreApi<EditorState>;

// The engine's own check: properties, relationships, and service references (kind, existence, validity).
const issuesOf = (graph: FlowGraph) => Object.fromEntries(validateFlow(graph, specOf, serviceSpecOf));

export function createEditorStore(flowId: string): EditorStore {
  // Bumped whenever a mutation's answer is applied: a GET that started before it is stale.
  let revision = 0;
  let noticeSeq = 0;

  return createStore<EditorState>()((set, get) => {
    const applyGraph = (graph: FlowGraph) => {
      const { nodes, edges, selection } = get();
      set({
        graph,
        nodes: toNodes(graph, nodes),
        edges: toEdges(graph, edges),
        issues: issuesOf(graph),
        selection: keepSelection(selection, graph),
      });
    };
    const mutate = (edit: (graph: FlowGraph) => FlowGraph) => {
      const graph = get().graph;
      if (!graph) return;
      revision++;
      applyGraph(edit(graph));
    };
    const nameOf = (id: string) => get().graph?.processors.find((p) => p.id === id)?.name ?? id;
    const fail = (doing: string, error: unknown) => {
      const { message, detail } = api.describeError(error);
      get().actions.notify('error', `${doing}: ${message}`, detail);
    };
    const withPending = async (key: string, work: () => Promise<void>) => {
      set({ pendingRuns: { ...get().pendingRuns, [key]: true } });
      try {
        await work();
      } finally {
        const { [key]: _done, ...rest } = get().pendingRuns;
        set({ pendingRuns: rest });
      }
    };

    /**
     * The run answer says what the engine was told; stats confirm it up to 500 ms later. Patch the
     * last stats so nodes flip state at once instead of showing the old state until then.
     */
    const patchStatsState = (graph: FlowGraph, invalid: readonly api.InvalidProcessor[], only?: string) => {
      const stats = get().stats;
      if (!stats) return;
      const invalidIds = new Set(invalid.map((i) => i.processorId));
      const issues = get().issues;
      const processors = { ...stats.processors };
      for (const p of graph.processors) {
        const status = processors[p.id];
        if (!status || (only && p.id !== only)) continue;
        const state = invalidIds.has(p.id) ? 'INVALID' : localState(p, issues[p.id]);
        processors[p.id] = { ...status, state };
      }
      set({ stats: { ...stats, processors } });
    };

    const actions: EditorActions = {
      async load() {
        const started = revision;
        try {
          const graph = await api.getFlow(flowId);
          // A mutation landed meanwhile: this answer may predate it, so ask again.
          if (started !== revision) return void get().actions.load();
          applyGraph(graph);
          set({ loadError: null });
        } catch (error) {
          if (get().graph) fail('Refreshing the flow', error);
          else set({ loadError: api.describeError(error).message });
        }
      },

      onNodesChange(changes) {
        // Deletions go through the API (deleteElements), never straight into local state.
        const kept = changes.filter((c) => c.type !== 'remove');
        set({ nodes: applyNodeChanges(kept, get().nodes) });
      },
      onEdgesChange(changes) {
        const kept = changes.filter((c) => c.type !== 'remove');
        set({ edges: applyEdgeChanges(kept, get().edges) });
      },
      onSelectionChange({ nodes, edges }) {
        // Opening the services panel clears the canvas selection: that must not close it again.
        if (nodes.length === 0 && edges.length === 0 && get().selection?.kind === 'services') return;
        let selection: Selection = null;
        if (nodes.length === 1 && edges.length === 0) selection = { kind: 'processor', id: nodes[0].id };
        else if (edges.length === 1 && nodes.length === 0) selection = { kind: 'connection', id: edges[0].id };
        set({ selection });
      },
      select(selection) {
        const isNode = (id: string) => selection?.kind === 'processor' && selection.id === id;
        const isEdge = (id: string) => selection?.kind === 'connection' && selection.id === id;
        set({
          selection,
          nodes: get().nodes.map((n) => (n.selected === isNode(n.id) ? n : { ...n, selected: isNode(n.id) })),
          edges: get().edges.map((e) => (e.selected === isEdge(e.id) ? e : { ...e, selected: isEdge(e.id) })),
        });
      },

      async renameFlow(name) {
        const graph = get().graph;
        const trimmed = name.trim();
        if (!graph || !trimmed || trimmed === graph.name) return;
        mutate((g) => ({ ...g, name: trimmed })); // optimistic: renaming cannot conflict with the engine
        try {
          const answer = await api.renameFlow(flowId, trimmed);
          mutate((g) => ({ ...g, name: answer.name }));
        } catch (error) {
          mutate((g) => ({ ...g, name: graph.name }));
          fail('Renaming the flow', error);
        }
      },

      async updateFlowSettings(settings) {
        const { settings: saved } = await api.updateFlow(flowId, { settings });
        mutate((g) => ({ ...g, settings: saved }));
      },

      async addProcessor(type, position) {
        try {
          const processor = await api.createProcessor(flowId, { type, position });
          mutate((g) => upsertProcessor(g, processor));
          get().actions.select({ kind: 'processor', id: processor.id });
        } catch (error) {
          fail(`Adding ${type}`, error);
        }
      },

      async moveProcessors(moves) {
        const graph = get().graph;
        if (!graph) return;
        const before = new Map(graph.processors.map((p) => [p.id, p]));
        const changed = moves.filter(({ id, position }) => {
          const old = before.get(id)?.position;
          return old && (old.x !== position.x || old.y !== position.y);
        });
        await Promise.all(
          changed.map(async ({ id, position }) => {
            try {
              const processor = await api.updateProcessor(flowId, id, { position });
              mutate((g) => upsertProcessor(g, processor));
            } catch (error) {
              // Put the node back where the server still has it.
              const old = before.get(id);
              if (old) mutate((g) => upsertProcessor(g, old));
              fail(`Moving "${nameOf(id)}"`, error);
            }
          }),
        );
      },

      async renameProcessor(id, name) {
        const old = get().graph?.processors.find((p) => p.id === id);
        const trimmed = name.trim();
        if (!old || !trimmed || trimmed === old.name) return;
        mutate((g) => upsertProcessor(g, { ...old, name: trimmed }));
        try {
          const processor = await api.updateProcessor(flowId, id, { name: trimmed });
          mutate((g) => upsertProcessor(g, processor));
        } catch (error) {
          mutate((g) => upsertProcessor(g, old));
          fail(`Renaming "${old.name}"`, error);
        }
      },

      async updateProcessor(id, patch) {
        const processor = await api.updateProcessor(flowId, id, patch);
        mutate((g) => upsertProcessor(g, processor));
        return processor;
      },

      async connect(sourceId, relationship, targetId) {
        try {
          const connection = await api.createConnection(flowId, { sourceId, relationship, targetId });
          mutate((g) => upsertConnection(g, connection));
        } catch (error) {
          fail(`Connecting "${nameOf(sourceId)}" (${relationship}) to "${nameOf(targetId)}"`, error);
        }
      },

      async updateConnection(id, patch) {
        const connection = await api.updateConnection(flowId, id, patch);
        mutate((g) => upsertConnection(g, connection));
      },

      async emptyConnection(id) {
        try {
          const dropped = await api.emptyConnection(flowId, id);
          get().actions.notify('info', `Queue emptied: ${dropped} record(s) dropped`);
        } catch (error) {
          fail('Emptying the queue', error);
        }
      },

      async deleteElements(processorIds, connectionIds) {
        const goneConnections = new Set<string>();
        const goneProcessors = new Set<string>();
        // Connections first: a processor's own connections go with it on the server anyway.
        await Promise.all(
          connectionIds.map(async (id) => {
            try {
              await api.deleteConnection(flowId, id);
              goneConnections.add(id);
            } catch (error) {
              fail('Deleting a connection', error);
            }
          }),
        );
        await Promise.all(
          processorIds.map(async (id) => {
            try {
              await api.deleteProcessor(flowId, id);
              goneProcessors.add(id);
            } catch (error) {
              const running = error instanceof api.ApiError && error.status === 409;
              fail(`Deleting "${nameOf(id)}"${running ? ' (stop it first)' : ''}`, error);
            }
          }),
        );
        if (goneConnections.size || goneProcessors.size) {
          mutate((g) => removeConnections(removeProcessors(g, goneProcessors), goneConnections));
        }
      },

      async run(action, processorId) {
        const what = processorId ? `"${nameOf(processorId)}"` : 'the flow';
        await withPending(processorId ?? '*', async () => {
          try {
            const { flow, invalid } = await api.runFlow(flowId, { action, processorId });
            revision++;
            applyGraph(flow);
            patchStatsState(flow, invalid, processorId);
            if (invalid.length > 0) {
              const detail = invalid.map((i) => `${nameOf(i.processorId)}: ${i.issues.map(formatIssue).join('; ')}`);
              get().actions.notify('error', `${invalid.length} invalid processor(s) not started`, detail);
            }
          } catch (error) {
            fail(`${action === 'start' ? 'Starting' : 'Stopping'} ${what}`, error);
          }
        });
      },

      async addService(type) {
        try {
          const service = await api.createService(flowId, { type });
          mutate((g) => upsertService(g, service));
          get().actions.select({ kind: 'services', id: service.id });
        } catch (error) {
          fail(`Adding a ${type} service`, error);
        }
      },

      async updateService(id, patch) {
        const service = await api.updateService(flowId, id, patch);
        mutate((g) => upsertService(g, service));
        return service;
      },

      async deleteService(id) {
        const name = get().graph?.services.find((s) => s.id === id)?.name ?? id;
        try {
          await api.deleteService(flowId, id);
          mutate((g) => removeService(g, id));
        } catch (error) {
          fail(`Deleting "${name}"`, error);
        }
      },

      setStats(stats) {
        if (stats.flowId === flowId) set({ stats });
      },
      setLive(live) {
        set({ live });
      },

      notify(kind, message, detail = []) {
        const id = ++noticeSeq;
        // Keep the stack short: the latest few messages are the useful ones.
        set({ notices: [...get().notices.slice(-3), { id, kind, message, detail }] });
        setTimeout(() => get().actions.dismiss(id), kind === 'error' ? 10_000 : 5_000);
      },
      dismiss(id) {
        set({ notices: get().notices.filter((n) => n.id !== id) });
      },
    };

    return {
      flowId,
      graph: null,
      loadError: null,
      nodes: [],
      edges: [],
      issues: {},
      stats: null,
      live: 'connecting',
      selection: null,
      notices: [],
      pendingRuns: {},
      actions,
    };
  });
}
