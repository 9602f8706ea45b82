import { FlowEditor } from '@/components/editor/flow-editor';

/** One flow in the editor. Thin on purpose: the editor is a client component fed by the API. */
export default async function FlowPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <FlowEditor flowId={id} />;
}
