'use client';

import { useCan } from '@/components/auth/identity';
import { useCallback, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeTypes,
  type NodeTypes,
  type OnBeforeDelete,
  type OnNodeDrag,
} from '@xyflow/react';
import { specOf } from '@/engine/processors/specs';
import type { ProcessorNode, QueueEdge } from '@/components/editor/graph-model';
import { useEditor, useEditorActions, useEditorStoreApi } from '@/components/editor/store-context';
import { ProcessorNodeComponent } from '@/components/nodes/processor-node';
import { QueueEdgeComponent } from '@/components/edges/queue-edge';
import { CANVAS_TEST_ID, PROCESSOR_DRAG_TYPE } from './constants';

// Module scope: React Flow re-mounts every node when these objects change identity.
const nodeTypes: NodeTypes = { processor: ProcessorNodeComponent };
const edgeTypes: EdgeTypes = { queue: QueueEdgeComponent };
const fitViewOptions = { padding: 0.08, maxZoom: 1.25 };
const deleteKeys = ['Delete', 'Backspace'];
/** Where a dropped node lands relative to the cursor: its header under the pointer. */
const DROP_OFFSET = { x: 104, y: 20 };

/**
 * The canvas. React Flow holds only view state (selection, drag positions); every graph change goes
 * through the store's actions, which call the API and apply the server's answer.
 */
export function FlowCanvas() {
  const store = useEditorStoreApi();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const actions = useEditorActions();
  const { screenToFlowPosition } = useReactFlow<ProcessorNode, QueueEdge>();

  // Same rules as the server, checked while dragging so a bad wire never snaps in.
  const isValidConnection = useCallback(
    (candidate: QueueEdge | Connection) => {
      const graph = store.getState().graph;
      if (!graph || !candidate.sourceHandle || candidate.source === candidate.target) return false;
      const target = graph.processors.find((p) => p.id === candidate.target);
      if (!target || specOf(target.type)?.input !== 'required') return false;
      return !graph.connections.some(
        (c) =>
          c.sourceId === candidate.source && c.relationship === candidate.sourceHandle && c.targetId === candidate.target,
      );
    },
    [store],
  );

  // the server refuses changes from other roles; the canvas does not offer them
  const canEdit = useCan('editor');
  const onConnect = useCallback(
    (connection: Connection) => {
      if (connection.sourceHandle) void actions.connect(connection.source, connection.sourceHandle, connection.target);
    },
    [actions],
  );

  const onNodeDragStop: OnNodeDrag<ProcessorNode> = useCallback(
    (_event, _node, dragged) => {
      void actions.moveProcessors(dragged.map((n) => ({ id: n.id, position: n.position })));
    },
    [actions],
  );

  const onBeforeDelete: OnBeforeDelete<ProcessorNode, QueueEdge> = useCallback(
    async ({ nodes: doomed, edges: doomedEdges }) => {
      const ids = new Set(doomed.map((n) => n.id));
      // Edges of deleted processors go with them on the server; delete only the others explicitly.
      const own = doomedEdges.filter((e) => !ids.has(e.source) && !ids.has(e.target)).map((e) => e.id);
      await actions.deleteElements([...ids], own);
      // The store already removed what the server deleted; refused elements must stay on screen.
      return false;
    },
    [actions],
  );

  const onDragOver = useCallback((event: DragEvent<HTMLDivElement>) => {
    if (!event.dataTransfer.types.includes(PROCESSOR_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent<HTMLDivElement>) => {
      const type = event.dataTransfer.getData(PROCESSOR_DRAG_TYPE);
      if (!type || !specOf(type)) return;
      event.preventDefault();
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      void actions.addProcessor(type, { x: Math.round(at.x - DROP_OFFSET.x), y: Math.round(at.y - DROP_OFFSET.y) });
    },
    [actions, screenToFlowPosition],
  );

  return (
    <div data-testid={CANVAS_TEST_ID} className="h-full w-full" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<ProcessorNode, QueueEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={actions.onNodesChange}
        onEdgesChange={actions.onEdgesChange}
        onSelectionChange={actions.onSelectionChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onNodeDragStop={onNodeDragStop}
        onBeforeDelete={onBeforeDelete}
        deleteKeyCode={canEdit ? deleteKeys : null}
        nodesDraggable={canEdit}
        nodesConnectable={canEdit}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.2}
        maxZoom={2}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable nodeStrokeWidth={2} className="rounded border border-slate-200" />
        {nodes.length === 0 && canEdit && (
          <Panel position="top-center" className="rounded border border-dashed border-slate-300 bg-white/80 px-3 py-2 text-xs text-slate-500">
            Drag a processor from the palette onto the canvas to start.
          </Panel>
        )}
      </ReactFlow>
    </div>
  );
}
